// Demux and decode through video::VideoReader: at most 4 frames of pictures up to 4 Mpx (a mutated
// header may claim any size; the bound keeps each run small, not the reader's limit).
#include "fuzz_support.hpp"
#include "video/video_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace psyface;
  const auto path = fuzz::write_temp("clip", fuzz::as_text(data, size));
  fuzz::expect_refusal_only([&] {
    video::ReadOptions options;
    options.queue_capacity = 1;
    video::VideoReader reader(path, options);
    const auto& info = reader.info();
    if (int64_t{info.width_px} * info.height_px > 4'000'000) return;
    video::Frame frame;
    for (int i = 0; i < 4 && reader.next(frame); ++i) {
    }
    (void)reader.report();
  });
  return 0;
}

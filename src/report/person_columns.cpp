#include "report/person_columns.hpp"

#include <charconv>
#include <fstream>
#include <map>

#include "psyface/error.hpp"
#include "util/atomic_file.hpp"

namespace psyface::report {

void add_person_columns(const std::filesystem::path& in, const std::filesystem::path& out,
                        const std::function<PersonLabel(int track_id)>& label) {
  std::ifstream src(in);
  if (!src) throw Error(ErrorCode::Input, "cannot read " + in.string());
  util::AtomicFile dst(out);
  std::string line;
  if (!std::getline(src, line) || line.rfind("frame,face_id,", 0) != 0)
    throw Error(ErrorCode::Input, in.string() + ":1: not a psyface frames table (header must start frame,face_id,)");
  dst.stream() << "frame,face_id,person_id,role," << line.substr(14) << '\n';
  std::map<int, std::string> cache;  // track → "person,role,"
  int64_t line_no = 1;
  while (std::getline(src, line)) {
    ++line_no;
    const size_t c1 = line.find(','), c2 = c1 == std::string::npos ? c1 : line.find(',', c1 + 1);
    int track = 0;
    if (c2 == std::string::npos ||
        std::from_chars(line.data() + c1 + 1, line.data() + c2, track).ec != std::errc())
      throw Error(ErrorCode::Input, in.string() + ":" + std::to_string(line_no) + ": cannot read face_id");
    auto it = cache.find(track);
    if (it == cache.end()) {
      std::string cols = "-1,NA,";
      if (track >= 0) {
        const PersonLabel l = label(track);
        cols = std::to_string(l.person_id) + "," + l.role + ",";
      }
      it = cache.emplace(track, cols).first;
    }
    dst.stream().write(line.data(), static_cast<std::streamsize>(c2 + 1));
    dst.stream() << it->second;
    dst.stream().write(line.data() + c2 + 1, static_cast<std::streamsize>(line.size() - c2 - 1));
    dst.stream() << '\n';
  }
  dst.commit();
}

}  // namespace psyface::report

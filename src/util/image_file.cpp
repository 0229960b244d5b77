#include "util/image_file.hpp"

#include <dlfcn.h>

#include <mutex>
#include <string>

#include "psyface/error.hpp"

namespace psyface::util {
namespace {

using ImreadFn = cv::Mat (*)(const std::string&, int);

// The soname CMake found (PSYFACE_IMGCODECS_SONAME) and the Itanium C++ ABI name of
// cv::imread(const std::string&, int), which OpenCV 4 exports from it.
constexpr const char* kImreadSymbol = "_ZN2cv6imreadERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEEi";

ImreadFn load_imread() {
  void* lib = dlopen(PSYFACE_IMGCODECS_SONAME, RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    const char* why = dlerror();
    throw Error(ErrorCode::Internal, std::string("cannot load OpenCV's image codecs (") + PSYFACE_IMGCODECS_SONAME +
                                         "): " + (why ? why : "unknown error") + "; install libopencv-imgcodecs");
  }
  auto* fn = reinterpret_cast<ImreadFn>(dlsym(lib, kImreadSymbol));
  if (!fn)
    throw Error(ErrorCode::Internal, std::string(PSYFACE_IMGCODECS_SONAME) + " has no cv::imread(std::string, int)");
  return fn;  // the library stays loaded for the life of the process
}

}  // namespace

cv::Mat read_image(const std::filesystem::path& path) {
  static std::once_flag once;
  static ImreadFn imread = nullptr;
  std::call_once(once, [] { imread = load_imread(); });
  return imread(path.string(), 1 /* cv::IMREAD_COLOR */);
}

}  // namespace psyface::util

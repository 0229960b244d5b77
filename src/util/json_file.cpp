#include "util/json_file.hpp"

#include "util/atomic_file.hpp"

namespace psyface::util {

nlohmann::json read_json_file(const std::filesystem::path& path, ErrorCode code) {
  const std::string text = read_file(path);
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw Error(code, path.string() + ": not valid JSON: " + e.what());
  }
}

}  // namespace psyface::util

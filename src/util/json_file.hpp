// Reading a JSON file with an error that names it.
#pragma once
#include <filesystem>

#include <nlohmann/json.hpp>

#include "psyface/error.hpp"

namespace psyface::util {

// throws Error(code) "<path>: not valid JSON: ..." for a parse error, Error(Input) when unreadable.
nlohmann::json read_json_file(const std::filesystem::path& path, ErrorCode code);

}  // namespace psyface::util

// SHA-256 of files and buffers (OpenSSL EVP), as lowercase hex.
#pragma once
#include <filesystem>
#include <string>
#include <string_view>

namespace psyface::util {

// requires: path names a readable file. ensures: 64 lowercase hex chars. throws Error(Input) if unreadable.
std::string sha256_file(const std::filesystem::path& path);

// ensures: 64 lowercase hex chars of the SHA-256 of bytes.
std::string sha256_bytes(std::string_view bytes);

}  // namespace psyface::util

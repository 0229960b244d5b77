// Helpers for the audio tests: samples from the ffmpeg command line, and temporary folders.
#pragma once
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "../test_paths.hpp"

namespace psyface::test {

inline bool have_ffmpeg() { return std::system("ffmpeg -version >/dev/null 2>&1") == 0; }

inline std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// Runs `ffmpeg -nostdin -v error ARGS` (ARGS end with `-f f32le -`) and returns the float samples.
inline std::vector<float> ffmpeg_samples(const std::vector<std::string>& args) {
  std::string cmd = "ffmpeg -nostdin -v error";
  for (const auto& a : args) cmd += " " + shell_quote(a);
  std::vector<float> out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return out;
  float buf[4096];
  size_t n;
  while ((n = std::fread(buf, sizeof(float), 4096, p)) > 0) out.insert(out.end(), buf, buf + n);
  pclose(p);
  return out;
}

// Runs ffmpeg to make a file; true on success.
inline bool run_ffmpeg(const std::string& args) {
  return std::system(("ffmpeg -nostdin -loglevel error -y " + args).c_str()) == 0;
}

inline std::filesystem::path fresh_temp_dir(const std::string& name) {
  const auto d = std::filesystem::temp_directory_path() / ("psyface_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(d);
  std::filesystem::create_directories(d);
  return d;
}

}  // namespace psyface::test

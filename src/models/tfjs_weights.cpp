// TF.js weights manifests and their .bin shards (read_tfjs_weights in tfjs_model.hpp). Every count from
// the manifest is checked before it sizes a buffer: shapes against overflow and against the bytes the
// group's files hold, and the group's bytes must be used exactly.
#include <cmath>
#include <cstring>
#include <set>

#include "models/tfjs_model.hpp"
#include "psyface/error.hpp"
#include "util/atomic_file.hpp"

namespace psyface::models {
namespace {

float half_to_float(uint16_t h) {
  const uint32_t sign = (h >> 15) & 1, exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
  double v;
  if (exp == 0) v = std::ldexp(static_cast<double>(mant), -24);
  else if (exp == 31) v = mant ? NAN : INFINITY;
  else v = std::ldexp(static_cast<double>(mant | 0x400), static_cast<int>(exp) - 25);
  return static_cast<float>(sign ? -v : v);
}

// How one tensor is stored: element type and size in the file, and the dequantisation.
struct Storage {
  std::string quant;  // "", "uint8", "uint16", "float16"
  size_t elem_bytes = 4;
  double scale = 1, min = 0;
};

Storage storage_of(const JsonField& spec, DType dtype) {
  Storage s;
  if (!spec.has("quantization")) return s;
  const JsonField q = spec["quantization"];
  s.quant = q["dtype"].str();
  if (dtype == DType::Int32) q["dtype"].fail("quantised int32 tensors are not supported");
  if (s.quant == "float16") {
    s.elem_bytes = 2;
  } else if (s.quant == "uint8" || s.quant == "uint16") {
    s.elem_bytes = s.quant == "uint8" ? 1 : 2;
    s.scale = q["scale"].number();
    s.min = q["min"].number();
  } else {
    q["dtype"].fail("unsupported quantisation '" + s.quant + "' (uint8, uint16 or float16)");
  }
  return s;
}

// Decodes the tensor described by spec from data[offset...]; returns the bytes it used.
size_t decode_tensor(const JsonField& spec, std::string_view data, size_t offset, HostTensor& t) {
  t.name = spec["name"].str();
  const std::string dtype = spec["dtype"].str();
  if (dtype == "float32") t.dtype = DType::Float32;
  else if (dtype == "int32") t.dtype = DType::Int32;
  else spec["dtype"].fail("unsupported dtype '" + dtype + "' for " + t.name + " (float32 or int32)");
  const Storage s = storage_of(spec, t.dtype);

  // Elements, checked against the bytes left (which also bounds them far below any overflow).
  const JsonField shape = spec["shape"];
  const uint64_t max_elems = (data.size() - offset) / s.elem_bytes;
  uint64_t n = 1;
  bool too_big = false;
  for (size_t k = 0; k < shape.size(); ++k) {
    const int64_t d = shape[k].integer(0, INT64_MAX);
    t.shape.push_back(d);
    if (__builtin_mul_overflow(n, static_cast<uint64_t>(d), &n)) too_big = true;
  }
  if (too_big || n > max_elems)
    shape.fail("tensor " + t.name + " needs more bytes than its group's files hold after offset " +
               std::to_string(offset) + " (" + std::to_string(data.size() - offset) + " left)");
  const size_t bytes = s.elem_bytes * n;
  const char* p = data.data() + offset;
  if (t.dtype == DType::Int32) {
    t.i.resize(n);
    if (bytes) std::memcpy(t.i.data(), p, bytes);
    return bytes;
  }
  t.f.resize(n);
  if (s.quant.empty()) {
    if (bytes) std::memcpy(t.f.data(), p, bytes);
  } else if (s.quant == "float16") {
    for (uint64_t k = 0; k < n; ++k) {
      uint16_t h;
      std::memcpy(&h, p + 2 * k, 2);
      t.f[k] = half_to_float(h);
    }
  } else {
    for (uint64_t k = 0; k < n; ++k) {
      uint32_t q = 0;
      if (s.elem_bytes == 1) q = static_cast<unsigned char>(p[k]);
      else { uint16_t v; std::memcpy(&v, p + 2 * k, 2); q = v; }
      t.f[k] = static_cast<float>(q * s.scale + s.min);
    }
  }
  return bytes;
}

// The group's shards, concatenated in order. Paths stay inside the model's folder.
std::string read_group_files(const JsonField& paths, const std::filesystem::path& dir) {
  std::string data;
  for (size_t k = 0; k < paths.size(); ++k) {
    const std::filesystem::path rel = paths[k].str();
    bool escapes = rel.empty() || rel.is_absolute();
    for (const auto& part : rel) escapes = escapes || part == "..";
    if (escapes) paths[k].fail("weights file '" + rel.string() + "' is not a file inside " + dir.string());
    const auto file = dir / rel;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec))
      paths[k].fail("weights file " + file.string() + " not found");
    try {
      data += util::read_file(file);
    } catch (const Error& e) {
      paths[k].fail(e.what());
    }
  }
  return data;
}

}  // namespace

std::map<std::string, HostTensor> read_tfjs_weights(const JsonField& manifest, const std::filesystem::path& dir) {
  std::map<std::string, HostTensor> out;
  for (size_t g = 0; g < manifest.size(); ++g) {
    const JsonField group = manifest[g];
    const std::string data = read_group_files(group["paths"], dir);
    const JsonField weights = group["weights"];
    size_t offset = 0;
    for (size_t k = 0; k < weights.size(); ++k) {
      HostTensor t;
      offset += decode_tensor(weights[k], data, offset, t);
      if (out.count(t.name)) weights[k]["name"].fail("weight '" + t.name + "' is listed twice");
      out[t.name] = std::move(t);
    }
    if (offset != data.size())
      group["paths"].fail("the group's files hold " + std::to_string(data.size()) + " bytes but its weights use " +
                          std::to_string(offset) + " (" + std::to_string(data.size() - offset) +
                          " trailing bytes: wrong shapes, dtypes or files)");
  }
  return out;
}

}  // namespace psyface::models

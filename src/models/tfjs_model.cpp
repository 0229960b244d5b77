#include "models/tfjs_model.hpp"

#include <cmath>
#include <cstring>

#include "psyface/error.hpp"
#include "util/atomic_file.hpp"
#include "util/json_file.hpp"

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

std::string base64_decode(const std::string& in) {
  static const std::string kChars =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int val = 0, bits = -8;
  for (char c : in) {
    auto pos = kChars.find(c);
    if (pos == std::string::npos) break;
    val = (val << 6) + static_cast<int>(pos);
    bits += 6;
    if (bits >= 0) {
      out.push_back(static_cast<char>((val >> bits) & 0xff));
      bits -= 8;
    }
  }
  return out;
}

// Decode one tensor starting at data[offset]; returns bytes consumed.
size_t decode_tensor(const nlohmann::json& spec, const std::string& data, size_t offset, HostTensor& t) {
  t.name = spec.at("name").get<std::string>();
  for (auto& d : spec.at("shape")) t.shape.push_back(d.get<int64_t>());
  const std::string dtype = spec.at("dtype");
  const int64_t n = t.size();
  std::string qdtype = spec.contains("quantization") ? spec["quantization"].at("dtype").get<std::string>() : "";
  size_t elem = qdtype == "uint8" ? 1 : qdtype == "float16" ? 2 : 4;
  if (qdtype == "uint16") elem = 2;
  const size_t bytes = elem * static_cast<size_t>(n);
  if (offset + bytes > data.size())
    throw Error(ErrorCode::Model, "weights file too short for tensor " + t.name);
  const char* p = data.data() + offset;
  if (dtype == "int32") {
    t.dtype = DType::Int32;
    t.i.resize(n);
    if (!qdtype.empty()) throw Error(ErrorCode::Model, "quantised int32 tensor not supported: " + t.name);
    std::memcpy(t.i.data(), p, bytes);
    return bytes;
  }
  if (dtype != "float32") throw Error(ErrorCode::Model, "unsupported dtype " + dtype + " for " + t.name);
  t.dtype = DType::Float32;
  t.f.resize(n);
  if (qdtype.empty()) {
    std::memcpy(t.f.data(), p, bytes);
  } else if (qdtype == "float16") {
    for (int64_t k = 0; k < n; ++k) {
      uint16_t h;
      std::memcpy(&h, p + 2 * k, 2);
      t.f[k] = half_to_float(h);
    }
  } else if (qdtype == "uint8" || qdtype == "uint16") {
    const double scale = spec["quantization"].at("scale").get<double>();
    const double min = spec["quantization"].at("min").get<double>();
    for (int64_t k = 0; k < n; ++k) {
      uint32_t q = 0;
      if (elem == 1) q = static_cast<unsigned char>(p[k]);
      else { uint16_t v; std::memcpy(&v, p + 2 * k, 2); q = v; }
      t.f[k] = static_cast<float>(q * scale + min);
    }
  } else {
    throw Error(ErrorCode::Model, "unsupported quantisation " + qdtype + " for " + t.name);
  }
  return bytes;
}

const nlohmann::json* find_attr(const TfNode& n, const std::string& key) {
  if (!n.attr.is_object() || !n.attr.contains(key)) return nullptr;
  return &n.attr[key];
}

}  // namespace

std::map<std::string, HostTensor> read_tfjs_weights(const nlohmann::json& manifest,
                                                    const std::filesystem::path& dir) {
  std::map<std::string, HostTensor> out;
  for (const auto& group : manifest) {
    std::string data;
    for (const auto& p : group.at("paths")) data += util::read_file(dir / p.get<std::string>());
    size_t offset = 0;
    for (const auto& spec : group.at("weights")) {
      HostTensor t;
      offset += decode_tensor(spec, data, offset, t);
      out[t.name] = std::move(t);
    }
  }
  return out;
}

TfjsGraph read_tfjs_graph_model(const std::filesystem::path& model_json) {
  const nlohmann::json j = util::read_json_file(model_json, ErrorCode::Model);
  if (!j.contains("modelTopology") || !j["modelTopology"].contains("node"))
    throw Error(ErrorCode::Model, model_json.string() + ": not a TensorFlow.js graph model");
  TfjsGraph g;
  for (const auto& jn : j["modelTopology"]["node"]) {
    TfNode n;
    n.name = jn.at("name");
    n.op = jn.at("op");
    if (jn.contains("input"))
      for (const auto& in : jn["input"]) {
        std::string s = in;
        if (!s.empty() && s[0] != '^') n.inputs.push_back(s);
      }
    if (jn.contains("attr")) n.attr = jn["attr"];
    g.nodes.push_back(std::move(n));
  }
  if (j.contains("signature") && j["signature"].contains("outputs"))
    for (auto& [key, out] : j["signature"]["outputs"].items()) {
      std::string name = out.value("name", key);
      auto colon = name.find(':');
      g.signature_outputs.push_back(colon == std::string::npos ? name : name.substr(0, colon));
    }
  g.weights = read_tfjs_weights(j.at("weightsManifest"), model_json.parent_path());
  return g;
}

std::string attr_string(const TfNode& n, const std::string& key, const std::string& fallback) {
  auto* a = find_attr(n, key);
  return a && a->contains("s") ? base64_decode((*a)["s"]) : fallback;
}

std::vector<std::string> attr_string_list(const TfNode& n, const std::string& key) {
  std::vector<std::string> out;
  auto* a = find_attr(n, key);
  if (a && a->contains("list") && (*a)["list"].contains("s"))
    for (auto& s : (*a)["list"]["s"]) out.push_back(base64_decode(s));
  return out;
}

std::vector<int64_t> attr_int_list(const TfNode& n, const std::string& key) {
  std::vector<int64_t> out;
  auto* a = find_attr(n, key);
  if (a && a->contains("list") && (*a)["list"].contains("i"))
    for (auto& s : (*a)["list"]["i"]) out.push_back(std::stoll(s.is_string() ? s.get<std::string>() : s.dump()));
  return out;
}

int64_t attr_int(const TfNode& n, const std::string& key, int64_t fallback) {
  auto* a = find_attr(n, key);
  if (!a || !a->contains("i")) return fallback;
  auto& v = (*a)["i"];
  return v.is_string() ? std::stoll(v.get<std::string>()) : v.get<int64_t>();
}

bool attr_bool(const TfNode& n, const std::string& key, bool fallback) {
  auto* a = find_attr(n, key);
  return a && a->contains("b") ? (*a)["b"].get<bool>() : fallback;
}

float attr_float(const TfNode& n, const std::string& key, float fallback) {
  auto* a = find_attr(n, key);
  return a && a->contains("f") ? (*a)["f"].get<float>() : fallback;
}

}  // namespace psyface::models

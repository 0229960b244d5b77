#include "models/manifest.hpp"

#include "models/json_field.hpp"
#include "psyface/error.hpp"
#include "util/atomic_file.hpp"
#include "util/json_file.hpp"
#include "util/sha256.hpp"

namespace psyface::models {

nlohmann::json manifest_to_json(const Manifest& m) {
  nlohmann::json outs = nlohmann::json::array();
  for (const auto& o : m.outputs) outs.push_back({{"name", o.name}, {"shape", o.shape}});
  nlohmann::json j = {{"format", "psyface-model-manifest"},
          {"format_version", m.format_version},
          {"name", m.name},
          {"description", m.description},
          {"source", {{"package", m.source_package}, {"version", m.source_version}, {"path", m.source_path}}},
          {"licence", m.licence},
          {"file", m.onnx_file},
          {"sha256", m.sha256},
          {"input",
           {{"width", m.input_width},
            {"height", m.input_height},
            {"channels", m.input_channels},
            {"layout", m.layout},
            {"colour", m.colour},
            {"normalisation", m.normalisation},
            {"mean", m.mean},
            {"scale", m.scale},
            {"resize", m.resize},
            {"crop", m.crop}}},
          {"output", {{"kind", m.output_kind}, {"class_order", m.class_order}, {"tensors", outs}}},
          {"converter", m.converter}};
  if (m.input_sample_rate_hz > 0) j["input"]["sample_rate_hz"] = m.input_sample_rate_hz;  // audio models only
  return j;
}

namespace {

std::vector<std::string> strings(const JsonField& a) {
  std::vector<std::string> out;
  for (size_t k = 0; k < a.size(); ++k) out.push_back(a[k].str());
  return out;
}

std::string optional_str(const JsonField& j, const std::string& key) { return j.has(key) ? j[key].str() : ""; }

}  // namespace

Manifest manifest_from_json(const nlohmann::json& j, const std::string& origin) {
  const JsonField root(j, origin);
  Manifest m;
  if (root.has("format") && root["format"].str() != "psyface-model-manifest")
    root["format"].fail("'" + root["format"].str() + "' is not psyface-model-manifest");
  m.format_version = static_cast<int>(root["format_version"].integer(INT32_MIN, INT32_MAX));
  if (m.format_version != kManifestFormatVersion)
    throw Error(ErrorCode::Model, origin + ": manifest format_version " + std::to_string(m.format_version) +
                                      " is not the supported " + std::to_string(kManifestFormatVersion));
  m.name = root["name"].str();
  m.description = optional_str(root, "description");
  m.source_package = root["source"]["package"].str();
  m.source_version = root["source"]["version"].str();
  m.source_path = root["source"]["path"].str();
  m.licence = root["licence"].str();
  m.onnx_file = root["file"].str();
  m.sha256 = root["sha256"].str();
  const JsonField in = root["input"];
  m.input_width = static_cast<int>(in["width"].integer(INT32_MIN, INT32_MAX));
  m.input_height = static_cast<int>(in["height"].integer(INT32_MIN, INT32_MAX));
  m.input_channels = static_cast<int>(in["channels"].integer(INT32_MIN, INT32_MAX));
  m.layout = in["layout"].str();
  m.colour = in["colour"].str();
  m.normalisation = in["normalisation"].str();
  for (size_t k = 0; k < in["mean"].size(); ++k) m.mean.push_back(static_cast<float>(in["mean"][k].number()));
  m.scale = static_cast<float>(in["scale"].number());
  m.resize = in["resize"].str();
  m.crop = optional_str(in, "crop");
  if (in.has("sample_rate_hz")) m.input_sample_rate_hz = static_cast<int>(in["sample_rate_hz"].integer(0, 1000000));
  const JsonField out = root["output"];
  m.output_kind = out["kind"].str();
  m.class_order = strings(out["class_order"]);
  const JsonField tensors = out["tensors"];
  for (size_t k = 0; k < tensors.size(); ++k) {
    ModelOutput o{tensors[k]["name"].str(), {}};
    for (size_t d = 0; d < tensors[k]["shape"].size(); ++d) o.shape.push_back(tensors[k]["shape"][d].integer());
    m.outputs.push_back(std::move(o));
  }
  m.converter = optional_str(root, "converter");
  validate_manifest(m, origin);
  return m;
}

Manifest read_manifest(const std::filesystem::path& model_dir) {
  const auto path = model_dir / "manifest.json";
  if (!std::filesystem::exists(path))
    throw Error(ErrorCode::Model, "model manifest " + path.string() + " not found; run 'psyface models build'");
  return manifest_from_json(util::read_json_file(path, ErrorCode::Model), path.string());
}

void write_manifest(const std::filesystem::path& model_dir, const Manifest& m) {
  util::write_file_atomic(model_dir / "manifest.json", manifest_to_json(m).dump(2) + "\n");
}

util::MappedFile read_verified_model_file(const std::filesystem::path& model_dir, const Manifest& m) {
  const auto file = model_dir / m.onnx_file;
  if (!std::filesystem::exists(file))
    throw Error(ErrorCode::Model, "model file " + file.string() + " not found; run 'psyface models build'");
  util::MappedFile bytes(file);
  const std::string actual = util::sha256_bytes(bytes.bytes());
  if (actual != m.sha256)
    throw Error(ErrorCode::Model, "model file " + file.string() + " does not match its manifest (sha256 " + actual +
                                      ", expected " + m.sha256 +
                                      "); the file is corrupt or stale — run 'psyface models build'");
  return bytes;
}

}  // namespace psyface::models

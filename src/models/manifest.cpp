#include "models/manifest.hpp"

#include "psyface/error.hpp"
#include "util/atomic_file.hpp"
#include "util/json_file.hpp"
#include "util/sha256.hpp"

namespace psyface::models {

nlohmann::json manifest_to_json(const Manifest& m) {
  nlohmann::json outs = nlohmann::json::array();
  for (const auto& o : m.outputs) outs.push_back({{"name", o.name}, {"shape", o.shape}});
  return {{"format", "psyface-model-manifest"},
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
}

Manifest manifest_from_json(const nlohmann::json& j, const std::string& origin) {
  try {
    Manifest m;
    m.format_version = j.at("format_version").get<int>();
    if (m.format_version != kManifestFormatVersion)
      throw Error(ErrorCode::Model, origin + ": manifest format_version " + std::to_string(m.format_version) +
                                        " is not the supported " + std::to_string(kManifestFormatVersion));
    m.name = j.at("name");
    m.description = j.value("description", "");
    m.source_package = j.at("source").at("package");
    m.source_version = j.at("source").at("version");
    m.source_path = j.at("source").at("path");
    m.licence = j.at("licence");
    m.onnx_file = j.at("file");
    m.sha256 = j.at("sha256");
    const auto& in = j.at("input");
    m.input_width = in.at("width");
    m.input_height = in.at("height");
    m.input_channels = in.at("channels");
    m.layout = in.at("layout");
    m.colour = in.at("colour");
    m.normalisation = in.at("normalisation");
    m.mean = in.at("mean").get<std::vector<float>>();
    m.scale = in.at("scale");
    m.resize = in.at("resize");
    m.crop = in.value("crop", "");
    m.output_kind = j.at("output").at("kind");
    m.class_order = j.at("output").at("class_order").get<std::vector<std::string>>();
    for (const auto& o : j.at("output").at("tensors"))
      m.outputs.push_back({o.at("name"), o.at("shape").get<std::vector<int64_t>>()});
    m.converter = j.value("converter", "");
    return m;
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::Model, origin + ": malformed model manifest: " + e.what());
  }
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

#include "faces/patient_reference.hpp"

#include <cmath>

#include <nlohmann/json.hpp>

#include "psyface/error.hpp"
#include "util/atomic_file.hpp"
#include "util/json_file.hpp"

namespace psyface::faces {

PatientReference read_patient_reference(const std::filesystem::path& path) {
  if (!std::filesystem::exists(path)) throw Error(ErrorCode::Input, "patient reference " + path.string() + " not found");
  try {
    const auto j = util::read_json_file(path, ErrorCode::Input);
    if (j.at("format") != "psyface-patient-reference")
      throw Error(ErrorCode::Input, path.string() + " is not a psyface patient reference");
    if (j.at("format_version").get<int>() != kPatientReferenceFormatVersion)
      throw Error(ErrorCode::Input, path.string() + ": format_version " + j.at("format_version").dump() +
                                        " is not the supported " + std::to_string(kPatientReferenceFormatVersion));
    PatientReference r;
    r.model = j.at("model");
    r.model_sha256 = j.at("model_sha256");
    r.recipe = j.at("recipe");
    r.embedding = j.at("embedding").get<std::vector<float>>();
    r.samples = j.at("samples");
    r.created_from = j.value("created_from", "");
    r.created = j.value("created", "");
    if (r.embedding.empty()) throw Error(ErrorCode::Input, path.string() + ": empty embedding");
    return r;
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::Input, path.string() + ": malformed patient reference: " + e.what());
  }
}

void write_patient_reference(const std::filesystem::path& path, const PatientReference& r) {
  const nlohmann::json j = {{"format", "psyface-patient-reference"},
                            {"format_version", kPatientReferenceFormatVersion},
                            {"model", r.model},
                            {"model_sha256", r.model_sha256},
                            {"recipe", r.recipe},
                            {"samples", r.samples},
                            {"created_from", r.created_from},
                            {"created", r.created},
                            {"embedding", r.embedding}};
  util::write_file_atomic(path, j.dump(1) + "\n");
}

std::vector<float> mean_unit_embedding(const std::vector<std::vector<float>>& embeddings) {
  if (embeddings.empty()) throw Error(ErrorCode::Internal, "mean of no embeddings");
  std::vector<double> sum(embeddings.front().size(), 0.0);
  for (const auto& e : embeddings) {
    if (e.size() != sum.size()) throw Error(ErrorCode::Internal, "embeddings of different lengths");
    for (size_t k = 0; k < e.size(); ++k) sum[k] += e[k];
  }
  double norm = 0;
  for (double v : sum) norm += v * v;
  norm = std::sqrt(norm);
  std::vector<float> out(sum.size());
  for (size_t k = 0; k < sum.size(); ++k) out[k] = norm > 0 ? static_cast<float>(sum[k] / norm) : 0.0f;
  return out;
}

}  // namespace psyface::faces

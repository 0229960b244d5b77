// A patient's reference embedding kept in the study folder (never a face image): built from the first
// session or from photos the user gives, then used to check that the person labelled "patient" in each
// later session is the same person. JSON with a format version; a wrong version fails loudly.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

namespace psyface::faces {

inline constexpr int kPatientReferenceFormatVersion = 1;
// How embeddings are made besides the model: aligned crop margin and the grey-response subtraction
// (face_embedder.hpp). A reference made with another recipe is refused.
inline constexpr const char* kEmbeddingRecipe = "aligned crop at the model default margin; minus grey response; L2; v1";

struct PatientReference {
  std::string model;           // embedding model name, e.g. "mobilefacenet"
  std::string model_sha256;    // checksum of the model that made it
  std::string recipe;          // crop and host-side processing (kEmbeddingRecipe when made)
  std::vector<float> embedding;  // unit length
  int samples = 0;             // embeddings averaged
  std::string created_from;    // session video or image list
  std::string created;         // ISO 8601 UTC
};

// throws Error(Input) naming the file when missing, malformed, or of another format version.
PatientReference read_patient_reference(const std::filesystem::path& path);
// Written atomically. throws Error(Output).
void write_patient_reference(const std::filesystem::path& path, const PatientReference& ref);

// Mean of unit embeddings, normalised. requires: non-empty, equal lengths.
std::vector<float> mean_unit_embedding(const std::vector<std::vector<float>>& embeddings);

}  // namespace psyface::faces

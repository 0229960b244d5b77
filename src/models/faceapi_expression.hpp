// The face-api expression network (@vladmandic/face-api face_expression_model), rebuilt from its
// documented structure (shared notes / docs/models.md) as a TF graph and converted with the same
// converter as the graph models. Input 112×112×3 (mean-subtracted RGB / 255); outputs logits and
// softmax probabilities in face-api order: neutral, happy, sad, angry, fearful, disgusted, surprised.
#pragma once
#include <filesystem>

#include "models/tf_to_onnx.hpp"

namespace psyface::models {

// requires: manifest_json is face_expression_model-weights_manifest.json with its .bin beside it.
// ensures: graph with outputs "logits" [1,7] and "probabilities" [1,7]. throws Error(Model).
TfjsGraph build_faceapi_expression_graph(const std::filesystem::path& manifest_json);

}  // namespace psyface::models

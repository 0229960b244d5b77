// PersonObserver: runs beside the tracker (same thread) and gathers what identity clustering and role
// assignment need, in bounded memory: identity embeddings sampled per track (FaceEmbedder +
// TrackEmbeddingCollector), where each track sits in the frame, and a few downscaled frames for split-screen
// detection. finish() groups tracks into persons and gives each person a role.
//
// The embedding network runs in a thread of its own (EmbeddingWorker, in the .cpp), which also loads the
// model while the first frames are tracked: observe() decides which faces to sample and cuts their crops,
// the worker embeds them in order. The samples kept depend on the frame times only, so the result is the
// same as embedding on the tracker's thread.
#pragma once
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "faces/face_embedder.hpp"
#include "faces/face_tracker.hpp"
#include "faces/inset_detection.hpp"
#include "faces/layout_detection.hpp"
#include "faces/panel_roles.hpp"
#include "faces/person_identity.hpp"
#include "faces/roles.hpp"
#include "faces/track_split.hpp"

namespace psyface::analysis {

struct PersonOptions {
  bool enabled = true;                           // false: person_id = face_id, role unknown
  std::string embedding_model = faces::kDefaultEmbeddingModel;
  faces::PersonOptions identity;                 // similarity threshold, continuity gap
  faces::CollectorOptions collector;             // embedding sampling
  faces::Layout layout = faces::Layout::Auto;    // --layout
  faces::RoleOptions roles;                      // --patient, --min-presence, --inset
  double layout_sample_every_sec = 2.0;          // frames given to the split-screen detector
  faces::InsetDetectorOptions inset;             // picture-in-picture detection from the face boxes
};

struct PersonResult {
  faces::SplitTracks splits;                     // tracks split where their identity changes (face ids)
  faces::PersonAssignment persons;               // face id (track or piece) → person, per-person mean embedding
  faces::RoleAssignment roles;                   // person → role, with reasons
  faces::LayoutInfo layout;                      // detector evidence (divider and inset)
  std::string embedding_model, embedding_sha256;
  double embed_ms = 0;
  int embeddings = 0;

  std::vector<faces::PersonPlacement> placements;  // where each person sits (role assignment's input)
  faces::PanelSetup panels;                      // split and pip layouts: the role of each panel

  int person_of(int face_id) const;              // -1 when unknown
  faces::Role role_of(int face_id) const;        // Unknown when unknown (identity only; see RowLabeler)
};

class EmbeddingWorker;

class PersonObserver {
 public:
  // throws Error(Model) when the embedding model's manifest is missing (only when enabled); an error
  //        loading the network itself comes from the next observe() or finish().
  PersonObserver(const std::filesystem::path& models_dir, const PersonOptions& options, int frame_width_px,
                 int frame_height_px);
  ~PersonObserver();
  // Called once per analysed frame with the tracker's output for it.
  void observe(const cv::Mat& bgr, double t_sec, const std::vector<faces::TrackedFace>& faces);
  // requires: all frames observed. session_frames = analysed frames.
  PersonResult finish(int64_t session_frames, bool two_camera_side_b = false, bool two_camera = false);

 private:
  struct TrackPlace {  // one track's face positions within one second (a piece of a split track sums some)
    int64_t frames = 0, inset_frames = 0;  // inset_frames: set by piece_places (the second's mean centre)
    double sum_cx = 0, sum_cx2 = 0, sum_cy = 0, sum_area = 0, first_t = 0, last_t = 0;
    void add(const TrackPlace& o);
  };
  std::map<int, TrackPlace> piece_places(const faces::SplitTracks& splits, const faces::InsetRegion& inset) const;
  PersonOptions options_;
  double width_, height_;
  faces::EmbeddingCrop crop_;
  std::unique_ptr<EmbeddingWorker> worker_;
  faces::TrackEmbeddingCollector collector_;
  faces::LayoutDetector layout_;
  faces::InsetDetector inset_;
  std::vector<std::pair<int, cv::Rect2f>> frame_boxes_;  // reused per frame
  double next_layout_sample_ = 0;
  std::map<int, std::vector<TrackPlace>> places_;  // per track, per second of presence
};

}  // namespace psyface::analysis

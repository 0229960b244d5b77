// Person identity within one session: which face tracks are the same person. The tracker gives a new
// track id whenever it loses a face for longer than max_lost_sec (someone turns away, leaves the room, a
// camera cut), so one person can own several tracks. identify_persons groups tracks by their identity
// embeddings (FaceEmbedder) under one hard rule: two tracks on screen at the same time are two people.
// Rules, figures and the default threshold: docs/persons.md.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include <opencv2/core/types.hpp>

namespace psyface::faces {

// Similarity threshold (cosine of the tracks' mean embeddings) measured on the dev clips, per model
// (docs/persons.md): above every different-person pair of 3-s mean embeddings seen there.
inline constexpr float kFaceResPersonThreshold = 0.62f;
inline constexpr float kMobileFaceNetPersonThreshold = 0.70f;

// The threshold above for a FaceEmbedder model name. throws Error(Usage) for another name.
float person_threshold(const std::string& model);

// A closed time span [begin_sec, end_sec] during which a track was on screen.
struct TimeInterval {
  double begin_sec = 0, end_sec = 0;
};

// What identify_persons needs to know about one track.
struct TrackEvidence {
  int track_id = -1;
  std::vector<TimeInterval> present;      // disjoint, in time order, non-empty
  int64_t frames = 0;                     // analysed frames in which the track was seen
  cv::Rect2f first_box_px, last_box_px;   // face box at the first and the last sighting
  std::vector<std::vector<float>> embeddings;  // unit-length samples from FaceEmbedder, may be empty
  std::vector<double> embedding_t_sec;    // when each embedding was taken (same length; may be empty when
                                          // the caller has no times: such a track is never split)
};

struct PersonOptions {
  // Two groups of tracks join when the cosine of their mean embeddings is at least this. The default
  // suits faceres (the default FaceEmbedder model); use person_threshold(model) with another model.
  float min_similarity = kFaceResPersonThreshold;
  // A track without embeddings joins the person of a track that ended at most this long before it began
  // (or began at most this long after it ended) at about the same place; see identify_persons.
  double continuity_gap_sec = 1.0;
};

// One person found by identify_persons (roles.hpp's PersonSummary adds the box statistics).
struct IdentifiedPerson {
  int person_id = -1;
  std::vector<int> track_ids;              // ascending
  std::vector<float> mean_embedding;       // unit length; empty when none of its tracks had an embedding
  int embeddings = 0;                      // samples behind mean_embedding
  int64_t frames = 0;                      // sum over its tracks
  double first_t_sec = 0, last_t_sec = 0;  // first and last time on screen
};

struct PersonAssignment {
  std::map<int, int> track_to_person;      // every input track_id → person id
  std::vector<IdentifiedPerson> persons;   // index = person id
};

// Groups tracks into persons.
// 1. Tracks with embeddings: agglomerative clustering; each group is represented by the normalised mean
//    of all its samples; the most similar pair of groups is merged while its cosine ≥ min_similarity and
//    no track of one group overlaps in time (TrackEvidence::present) with a track of the other.
// 2. Tracks without embeddings, in order of first appearance: joined to the person of the track that
//    ends closest before it begins (or begins closest after it ends), within continuity_gap_sec, with
//    box centres less than the larger box width apart and widths within a factor 2, and no time overlap
//    with that person's tracks; otherwise a person of their own.
// requires: track ids unique; each track's embeddings of one length, the same for all tracks; present
//           non-empty. throws Error(Internal) otherwise.
// ensures: persons numbered 0.. by first appearance (ties: lower track id first); tracks that overlap in
//          time never share a person.
PersonAssignment identify_persons(const std::vector<TrackEvidence>& tracks, const PersonOptions& options = {});

// True when some interval of a overlaps (closed intervals) some interval of b.
bool overlaps(const std::vector<TimeInterval>& a, const std::vector<TimeInterval>& b);

struct CollectorOptions {
  double sample_every_sec = 1.0;   // at most one embedding per track per this long (doubles when full)
  int max_per_track = 30;          // embeddings kept per track
  double max_gap_sec = 0.5;        // a longer absence starts a new presence interval
  int max_intervals = 64;          // per track; beyond it the two closest intervals are merged
};

// Gathers TrackEvidence while the pipeline runs, in bounded memory: per track at most max_per_track
// embeddings and max_intervals presence intervals. When a track's embeddings are full, every second one
// is dropped and its sampling interval doubles, so the samples stay spread over the whole track.
// Usage per analysed frame and tracked face: observe(); if wants(), embed the face and add(). Or, with the
// embedding computed elsewhere (another thread): reserve() the sample now, fulfil() its ticket later; the
// samples kept are the same either way, since only the times decide them.
class TrackEmbeddingCollector {
 public:
  explicit TrackEmbeddingCollector(CollectorOptions options = {});

  // requires: per track, t_sec non-decreasing across calls. Counts the frame and extends the presence.
  void observe(int track_id, double t_sec, const cv::Rect2f& box_px);
  // True when an embedding of this track at t_sec would be kept.
  bool wants(int track_id, double t_sec) const;
  // Keeps the embedding when wants(track_id, t_sec); ignores it otherwise.
  void add(int track_id, double t_sec, std::vector<float> embedding);
  // When wants(track_id, t_sec): keeps a sample at t_sec whose embedding comes later, and returns its
  // ticket (≥ 0); otherwise -1.
  int64_t reserve(int track_id, double t_sec);
  // The embedding of a reserved sample. A ticket whose sample was dropped meanwhile (the track's samples
  // halved), or an unknown ticket, is ignored.
  void fulfil(int64_t ticket, std::vector<float> embedding);
  // Samples reserved, still kept and not yet fulfilled.
  size_t pending() const { return pending_.size(); }

  // All observed tracks, ascending track id. throws: Error(Internal) while samples are pending.
  std::vector<TrackEvidence> tracks() const;

 private:
  struct State {
    TrackEvidence evidence;
    std::vector<double> sample_sec;     // time of each kept embedding
    std::vector<int64_t> tickets;       // ticket of each kept embedding
    double interval_sec = 0;            // current sampling interval
  };
  CollectorOptions options_;
  std::unordered_map<int, State> tracks_;
  std::unordered_map<int64_t, int> pending_;  // ticket → track, until fulfilled or dropped
  int64_t next_ticket_ = 0;
};

}  // namespace psyface::faces

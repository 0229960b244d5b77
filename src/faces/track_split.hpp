// Identity along a track: the tracker follows a face box, not a person, so a track can pass from one person
// to another (a cut the shot-cut detector missed, two faces crossing, a new person sitting down where the
// last one left). split_tracks compares the identity embeddings sampled along each track over time and
// splits a track where the embeddings before and after differ beyond the person threshold. The pieces get
// face ids of their own; identify_persons then groups pieces like any other tracks. Rules: docs/persons.md.
#pragma once
#include <map>
#include <vector>

#include "faces/person_identity.hpp"

namespace psyface::faces {

struct TrackSplitOptions {
  float min_similarity = kFaceResPersonThreshold;  // split where the two sides' mean embeddings are below this
  int min_samples_each_side = 2;                  // embeddings needed on each side of a split (one bad sample
                                                  // never splits a track)
};

// One split: rows of track_id at or after t_sec belong to new_face_id (until the next split of the track).
struct TrackSplit {
  int track_id = -1;
  double t_sec = 0;       // midway between the last sample before and the first sample after the change
  int new_face_id = -1;
  float similarity = 0;   // cosine of the mean embeddings before and after
};

struct SplitTracks {
  std::vector<TrackEvidence> tracks;  // every track, split tracks replaced by their pieces (ascending id)
  std::vector<TrackSplit> splits;     // by track, then time

  // ensures: the face id of a row of track_id at t_sec (track_id itself when the track was not split).
  int face_id_at(int track_id, double t_sec) const;
  // ensures: the piece ids of a track in time order (just track_id when not split).
  std::vector<int> pieces_of(int track_id) const;
};

// Splits tracks whose identity changes. Pieces after the first get ids first_new_id, first_new_id + 1, ...
// A piece's presence intervals are cut at the split time; its frames are the track's frames in proportion
// to its share of the presence time (callers with exact counts overwrite them); the first piece keeps the
// first box, the last piece the last box (inner boxes are empty, so continuity never joins through them).
// requires: as identify_persons; embedding_t_sec empty or as long as embeddings, ascending;
//           first_new_id above every track id.
// ensures: a split only where both sides have >= min_samples_each_side embeddings and their means' cosine
//          is below min_similarity, at the most dissimilar such place; pieces are split again recursively.
SplitTracks split_tracks(const std::vector<TrackEvidence>& tracks, int first_new_id, const TrackSplitOptions& options = {});

}  // namespace psyface::faces

#include "faces/track_split.hpp"

#include <algorithm>
#include <cmath>

#include "psyface/error.hpp"

namespace psyface::faces {
namespace {

double present_sec(const std::vector<TimeInterval>& present) {
  double s = 0;
  for (const auto& i : present) s += i.end_sec - i.begin_sec;
  return s;
}

std::vector<double> sum_of(const std::vector<std::vector<float>>& e, size_t a, size_t b) {
  std::vector<double> sum(e[a].size(), 0.0);
  for (size_t k = a; k < b; ++k)
    for (size_t i = 0; i < sum.size(); ++i) sum[i] += e[k][i];
  return sum;
}

template <typename A, typename B>
double cosine(const A& x, const B& y) {
  double xy = 0, xx = 0, yy = 0;
  for (size_t i = 0; i < x.size(); ++i) xy += x[i] * y[i], xx += double(x[i]) * x[i], yy += double(y[i]) * y[i];
  return (xx > 0 && yy > 0) ? xy / std::sqrt(xx * yy) : 1.0;
}

// Cosine of the means of embeddings [a, m) and [m, b), or 2 (no split) unless every sample is closer to
// its own side's mean than to the other side's: a split must separate two consistent groups, so one odd
// sample at a track's end cannot split it off.
double split_cosine(const std::vector<std::vector<float>>& e, size_t a, size_t m, size_t b) {
  const std::vector<double> left = sum_of(e, a, m), right = sum_of(e, m, b);
  for (size_t k = a; k < b; ++k) {
    const double own = cosine(e[k], k < m ? left : right), other = cosine(e[k], k < m ? right : left);
    if (own <= other) return 2.0;
  }
  return cosine(left, right);
}

struct Cut {
  size_t at;  // first sample of the later side
  float similarity;
};

// Binary segmentation of samples [a, b): appends the cuts in time order.
void find_cuts(const TrackEvidence& t, size_t a, size_t b, const TrackSplitOptions& o, std::vector<Cut>& cuts) {
  const auto side = static_cast<size_t>(std::max(1, o.min_samples_each_side));
  if (b - a < 2 * side) return;
  double best = 2.0;
  size_t best_m = 0;
  for (size_t m = a + side; m + side <= b; ++m) {
    const double c = split_cosine(t.embeddings, a, m, b);
    if (c < best) best = c, best_m = m;
  }
  if (!(best < o.min_similarity)) return;
  find_cuts(t, a, best_m, o, cuts);
  cuts.push_back({best_m, static_cast<float>(best)});
  find_cuts(t, best_m, b, o, cuts);
}

// The part of `present` within [from, to).
std::vector<TimeInterval> clip(const std::vector<TimeInterval>& present, double from, double to) {
  std::vector<TimeInterval> out;
  for (const auto& i : present) {
    // Closed intervals: the earlier piece ends just before the split, so the pieces never overlap in time.
    const double b = std::max(i.begin_sec, from), e = std::min(i.end_sec, std::nextafter(to, -1e300));
    if (b <= e) out.push_back({b, e});
  }
  return out;
}

}  // namespace

int SplitTracks::face_id_at(int track_id, double t_sec) const {
  int id = track_id;
  for (const auto& s : splits)
    if (s.track_id == track_id && t_sec >= s.t_sec) id = s.new_face_id;
  return id;
}

std::vector<int> SplitTracks::pieces_of(int track_id) const {
  std::vector<int> ids = {track_id};
  for (const auto& s : splits)
    if (s.track_id == track_id) ids.push_back(s.new_face_id);
  return ids;
}

SplitTracks split_tracks(const std::vector<TrackEvidence>& tracks, int first_new_id, const TrackSplitOptions& o) {
  SplitTracks out;
  int next_id = first_new_id;
  for (const auto& t : tracks) {
    if (t.track_id >= first_new_id) throw Error(ErrorCode::Internal, "split_tracks: first_new_id not above every track id");
    std::vector<Cut> cuts;
    const bool timed = !t.embeddings.empty() && t.embedding_t_sec.size() == t.embeddings.size();
    if (timed) find_cuts(t, 0, t.embeddings.size(), o, cuts);
    if (cuts.empty()) {
      out.tracks.push_back(t);
      continue;
    }
    const double total_sec = present_sec(t.present);
    std::vector<double> bounds = {-1e300};
    for (const auto& c : cuts) {
      const double at = 0.5 * (t.embedding_t_sec[c.at - 1] + t.embedding_t_sec[c.at]);
      out.splits.push_back({t.track_id, at, next_id + static_cast<int>(bounds.size()) - 1, c.similarity});
      bounds.push_back(at);
    }
    bounds.push_back(1e300);
    size_t sample = 0;
    for (size_t p = 0; p + 1 < bounds.size(); ++p) {
      TrackEvidence piece;
      piece.track_id = p == 0 ? t.track_id : next_id++;
      piece.present = clip(t.present, bounds[p], bounds[p + 1]);
      if (piece.present.empty()) piece.present.push_back({std::max(bounds[p], t.present.front().begin_sec),
                                                          std::max(bounds[p], t.present.front().begin_sec)});
      piece.frames = total_sec > 0 ? std::llround(t.frames * present_sec(piece.present) / total_sec) : 0;
      if (p == 0) piece.first_box_px = t.first_box_px;
      if (p + 2 == bounds.size()) piece.last_box_px = t.last_box_px;
      for (; sample < t.embeddings.size() && t.embedding_t_sec[sample] < bounds[p + 1]; ++sample) {
        piece.embeddings.push_back(t.embeddings[sample]);
        piece.embedding_t_sec.push_back(t.embedding_t_sec[sample]);
      }
      out.tracks.push_back(std::move(piece));
    }
  }
  std::sort(out.tracks.begin(), out.tracks.end(),
            [](const TrackEvidence& a, const TrackEvidence& b) { return a.track_id < b.track_id; });
  return out;
}

}  // namespace psyface::faces

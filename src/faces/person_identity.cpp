#include "faces/person_identity.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <set>
#include <string>

#include "psyface/error.hpp"

namespace psyface::faces {
namespace {

double begin_sec(const TrackEvidence& t) { return t.present.front().begin_sec; }
double end_sec(const TrackEvidence& t) { return t.present.back().end_sec; }

void check_tracks(const std::vector<TrackEvidence>& tracks) {
  std::set<int> ids;
  size_t dim = 0;
  for (const auto& t : tracks) {
    const std::string name = "identify_persons: track " + std::to_string(t.track_id);
    if (!ids.insert(t.track_id).second) throw Error(ErrorCode::Internal, name + " given twice");
    if (t.present.empty()) throw Error(ErrorCode::Internal, name + " has no presence interval");
    for (const auto& e : t.embeddings) {
      if (dim == 0) dim = e.size();
      if (e.empty() || e.size() != dim)
        throw Error(ErrorCode::Internal, name + " has an embedding of length " + std::to_string(e.size()) +
                                             ", expected " + std::to_string(dim));
    }
  }
}

double cosine_of_sums(const std::vector<double>& a, const std::vector<double>& b) {
  double ab = 0, aa = 0, bb = 0;
  for (size_t i = 0; i < a.size(); ++i) ab += a[i] * b[i], aa += a[i] * a[i], bb += b[i] * b[i];
  return (aa > 0 && bb > 0) ? ab / std::sqrt(aa * bb) : 0.0;
}

// Step 1: agglomerative clustering of the tracks with embeddings (indices into tracks). Returns, per
// such track, its group number (arbitrary order).
std::vector<int> cluster_embedded(const std::vector<TrackEvidence>& tracks, const std::vector<size_t>& idx,
                                  double min_similarity) {
  const size_t n = idx.size();
  std::vector<std::vector<double>> sum(n);
  for (size_t g = 0; g < n; ++g) {
    sum[g].assign(tracks[idx[g]].embeddings.front().size(), 0.0);
    for (const auto& e : tracks[idx[g]].embeddings)
      for (size_t i = 0; i < e.size(); ++i) sum[g][i] += e[i];
  }
  std::vector<std::vector<char>> conflict(n, std::vector<char>(n, 0));
  std::vector<std::vector<double>> sim(n, std::vector<double>(n, 0.0));
  for (size_t a = 0; a < n; ++a)
    for (size_t b = a + 1; b < n; ++b) {
      conflict[a][b] = conflict[b][a] = overlaps(tracks[idx[a]].present, tracks[idx[b]].present);
      sim[a][b] = sim[b][a] = cosine_of_sums(sum[a], sum[b]);
    }
  std::vector<int> group(n);
  std::iota(group.begin(), group.end(), 0);
  std::vector<char> alive(n, 1);
  for (;;) {
    double best = -std::numeric_limits<double>::infinity();
    size_t ba = 0, bb = 0;
    for (size_t a = 0; a < n; ++a)
      for (size_t b = a + 1; alive[a] && b < n; ++b)
        if (alive[b] && !conflict[a][b] && sim[a][b] > best) best = sim[a][b], ba = a, bb = b;
    if (!(best >= min_similarity)) break;
    // merge bb into ba
    for (size_t i = 0; i < sum[ba].size(); ++i) sum[ba][i] += sum[bb][i];
    alive[bb] = 0;
    for (size_t k = 0; k < n; ++k) {
      if (group[k] == static_cast<int>(bb)) group[k] = static_cast<int>(ba);
      if (!alive[k] || k == ba) continue;
      conflict[ba][k] = conflict[k][ba] = conflict[ba][k] || conflict[bb][k];
      sim[ba][k] = sim[k][ba] = cosine_of_sums(sum[ba], sum[k]);
    }
  }
  return group;
}

bool boxes_continue(const cv::Rect2f& earlier, const cv::Rect2f& later) {
  if (earlier.width <= 0 || later.width <= 0) return false;
  const cv::Point2f a(earlier.x + 0.5f * earlier.width, earlier.y + 0.5f * earlier.height);
  const cv::Point2f b(later.x + 0.5f * later.width, later.y + 0.5f * later.height);
  const float ratio = later.width / earlier.width;
  return cv::norm(a - b) < std::max(earlier.width, later.width) && ratio >= 0.5f && ratio <= 2.0f;
}

// Time from one track to the other when they follow each other at about the same place within max_gap
// (either order); nullopt-like negative value otherwise.
double continuity_gap(const TrackEvidence& a, const TrackEvidence& b, double max_gap) {
  if (end_sec(a) < begin_sec(b)) {
    const double gap = begin_sec(b) - end_sec(a);
    return gap <= max_gap && boxes_continue(a.last_box_px, b.first_box_px) ? gap : -1.0;
  }
  if (end_sec(b) < begin_sec(a)) {
    const double gap = begin_sec(a) - end_sec(b);
    return gap <= max_gap && boxes_continue(b.last_box_px, a.first_box_px) ? gap : -1.0;
  }
  return -1.0;
}

// Step 2: gives each track without embeddings (in order of first appearance) the group of a track it
// continues, or a new group. group[k] == -1 marks the tracks still to place.
void place_by_continuity(const std::vector<TrackEvidence>& tracks, std::vector<int>& group, int& next_group,
                         double max_gap) {
  std::vector<size_t> todo;
  for (size_t k = 0; k < tracks.size(); ++k)
    if (group[k] < 0) todo.push_back(k);
  std::sort(todo.begin(), todo.end(), [&](size_t a, size_t b) {
    return begin_sec(tracks[a]) != begin_sec(tracks[b]) ? begin_sec(tracks[a]) < begin_sec(tracks[b])
                                                        : tracks[a].track_id < tracks[b].track_id;
  });
  for (size_t s : todo) {
    std::vector<std::pair<double, size_t>> candidates;  // (gap, track)
    for (size_t c = 0; c < tracks.size(); ++c) {
      if (group[c] < 0) continue;
      const double gap = continuity_gap(tracks[c], tracks[s], max_gap);
      if (gap >= 0) candidates.emplace_back(gap, c);
    }
    std::sort(candidates.begin(), candidates.end());
    for (const auto& [gap, c] : candidates) {
      bool clash = false;
      for (size_t k = 0; k < tracks.size() && !clash; ++k)
        clash = group[k] == group[c] && overlaps(tracks[k].present, tracks[s].present);
      if (!clash) {
        group[s] = group[c];
        break;
      }
    }
    if (group[s] < 0) group[s] = next_group++;
  }
}

}  // namespace

float person_threshold(const std::string& model) {
  if (model == "faceres") return kFaceResPersonThreshold;
  if (model == "mobilefacenet") return kMobileFaceNetPersonThreshold;
  throw Error(ErrorCode::Usage, "no person threshold for face embedding model '" + model + "'");
}

bool overlaps(const std::vector<TimeInterval>& a, const std::vector<TimeInterval>& b) {
  size_t i = 0, j = 0;  // both sorted and disjoint: a merge walk
  while (i < a.size() && j < b.size()) {
    if (a[i].begin_sec <= b[j].end_sec && b[j].begin_sec <= a[i].end_sec) return true;
    if (a[i].end_sec < b[j].end_sec) ++i;
    else ++j;
  }
  return false;
}

PersonAssignment identify_persons(const std::vector<TrackEvidence>& tracks, const PersonOptions& options) {
  check_tracks(tracks);
  std::vector<size_t> embedded;
  for (size_t k = 0; k < tracks.size(); ++k)
    if (!tracks[k].embeddings.empty()) embedded.push_back(k);
  std::vector<int> group(tracks.size(), -1);
  const std::vector<int> clusters = cluster_embedded(tracks, embedded, options.min_similarity);
  for (size_t g = 0; g < embedded.size(); ++g) group[embedded[g]] = clusters[g];
  int next_group = static_cast<int>(embedded.size());
  place_by_continuity(tracks, group, next_group, options.continuity_gap_sec);

  // Number the groups by first appearance (ties: the lower track id).
  std::vector<size_t> order(tracks.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return begin_sec(tracks[a]) != begin_sec(tracks[b]) ? begin_sec(tracks[a]) < begin_sec(tracks[b])
                                                        : tracks[a].track_id < tracks[b].track_id;
  });
  std::map<int, int> person_of_group;
  PersonAssignment out;
  for (size_t k : order) {
    auto [it, fresh] = person_of_group.emplace(group[k], static_cast<int>(person_of_group.size()));
    if (fresh) {
      IdentifiedPerson p;
      p.person_id = it->second;
      p.first_t_sec = begin_sec(tracks[k]);
      p.last_t_sec = end_sec(tracks[k]);
      out.persons.push_back(p);
    }
    IdentifiedPerson& p = out.persons[static_cast<size_t>(it->second)];
    const TrackEvidence& t = tracks[k];
    out.track_to_person[t.track_id] = p.person_id;
    p.track_ids.push_back(t.track_id);
    p.frames += t.frames;
    p.last_t_sec = std::max(p.last_t_sec, end_sec(t));
    for (const auto& e : t.embeddings) {
      if (p.mean_embedding.empty()) p.mean_embedding.assign(e.size(), 0.0f);
      for (size_t i = 0; i < e.size(); ++i) p.mean_embedding[i] += e[i];
      ++p.embeddings;
    }
  }
  for (auto& p : out.persons) {
    std::sort(p.track_ids.begin(), p.track_ids.end());
    double norm = 0;
    for (float x : p.mean_embedding) norm += static_cast<double>(x) * x;
    if (norm > 0)
      for (float& x : p.mean_embedding) x = static_cast<float>(x / std::sqrt(norm));
  }
  return out;
}

TrackEmbeddingCollector::TrackEmbeddingCollector(CollectorOptions options) : options_(options) {
  if (!(options_.sample_every_sec > 0) || options_.max_per_track < 1 || !(options_.max_gap_sec >= 0) ||
      options_.max_intervals < 1)
    throw Error(ErrorCode::Usage, "TrackEmbeddingCollector: sample_every_sec > 0, max_per_track >= 1, "
                                  "max_gap_sec >= 0 and max_intervals >= 1 required");
}

void TrackEmbeddingCollector::observe(int track_id, double t_sec, const cv::Rect2f& box_px) {
  auto [it, fresh] = tracks_.try_emplace(track_id);
  State& s = it->second;
  TrackEvidence& e = s.evidence;
  if (fresh) {
    e.track_id = track_id;
    e.present.push_back({t_sec, t_sec});
    e.first_box_px = box_px;
    s.interval_sec = options_.sample_every_sec;
  } else if (t_sec - e.present.back().end_sec > options_.max_gap_sec) {
    e.present.push_back({t_sec, t_sec});
    if (static_cast<int>(e.present.size()) > options_.max_intervals) {  // merge across the shortest gap
      size_t best = 0;
      for (size_t k = 1; k + 1 < e.present.size(); ++k)
        if (e.present[k + 1].begin_sec - e.present[k].end_sec < e.present[best + 1].begin_sec - e.present[best].end_sec)
          best = k;
      e.present[best].end_sec = e.present[best + 1].end_sec;
      e.present.erase(e.present.begin() + static_cast<std::ptrdiff_t>(best) + 1);
    }
  } else {
    e.present.back().end_sec = std::max(e.present.back().end_sec, t_sec);
  }
  e.last_box_px = box_px;
  ++e.frames;
}

bool TrackEmbeddingCollector::wants(int track_id, double t_sec) const {
  const auto it = tracks_.find(track_id);
  if (it == tracks_.end()) return false;  // observe() first
  const State& s = it->second;
  return s.sample_sec.empty() || t_sec - s.sample_sec.back() >= s.interval_sec - 1e-6;
}

void TrackEmbeddingCollector::add(int track_id, double t_sec, std::vector<float> embedding) {
  const int64_t ticket = reserve(track_id, t_sec);
  if (ticket >= 0) fulfil(ticket, std::move(embedding));
}

int64_t TrackEmbeddingCollector::reserve(int track_id, double t_sec) {
  if (!wants(track_id, t_sec)) return -1;
  State& s = tracks_.at(track_id);
  const int64_t ticket = next_ticket_++;
  s.sample_sec.push_back(t_sec);
  s.tickets.push_back(ticket);
  s.evidence.embeddings.emplace_back();
  pending_.emplace(ticket, track_id);
  if (static_cast<int>(s.sample_sec.size()) > options_.max_per_track) {  // keep every second, sample half as often
    size_t kept = 0;
    for (size_t k = 0; k < s.sample_sec.size(); ++k) {
      if (k % 2 != 0) {
        pending_.erase(s.tickets[k]);  // dropped before its embedding came: nothing to wait for
        continue;
      }
      if (kept != k) {
        s.sample_sec[kept] = s.sample_sec[k];
        s.tickets[kept] = s.tickets[k];
        s.evidence.embeddings[kept] = std::move(s.evidence.embeddings[k]);
      }
      ++kept;
    }
    s.sample_sec.resize(kept);
    s.tickets.resize(kept);
    s.evidence.embeddings.resize(kept);
    s.interval_sec *= 2;
  }
  return ticket;
}

void TrackEmbeddingCollector::fulfil(int64_t ticket, std::vector<float> embedding) {
  const auto it = pending_.find(ticket);
  if (it == pending_.end()) return;
  State& s = tracks_.at(it->second);
  pending_.erase(it);
  for (size_t k = 0; k < s.tickets.size(); ++k)
    if (s.tickets[k] == ticket) s.evidence.embeddings[k] = std::move(embedding);
}

std::vector<TrackEvidence> TrackEmbeddingCollector::tracks() const {
  if (!pending_.empty())
    throw Error(ErrorCode::Internal, std::to_string(pending_.size()) + " identity embeddings reserved but never given");
  std::vector<TrackEvidence> out;
  out.reserve(tracks_.size());
  for (const auto& [id, s] : tracks_) {
    out.push_back(s.evidence);
    out.back().embedding_t_sec = s.sample_sec;
  }
  std::sort(out.begin(), out.end(), [](const TrackEvidence& a, const TrackEvidence& b) { return a.track_id < b.track_id; });
  return out;
}

}  // namespace psyface::faces

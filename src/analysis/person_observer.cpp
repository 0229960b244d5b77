#include "analysis/person_observer.hpp"

#include <chrono>
#include <cmath>
#include <exception>
#include <mutex>
#include <thread>
#include <utility>

#include <opencv2/imgproc.hpp>

#include "faces/face_align.hpp"
#include "faces/face_geometry.hpp"
#include "util/bounded_queue.hpp"
#include "util/thread_priority.hpp"

namespace psyface::analysis {

int PersonResult::person_of(int face_id) const {
  auto it = persons.track_to_person.find(face_id);
  return it == persons.track_to_person.end() ? -1 : it->second;
}

faces::Role PersonResult::role_of(int face_id) const {
  auto it = roles.roles.find(person_of(face_id));
  return it == roles.roles.end() ? faces::Role::Unknown : it->second;
}

// Loads the embedding model and embeds queued crops in order, in its own thread. The results wait until
// the observer collects them; an error (loading or running) is kept and rethrown there.
class EmbeddingWorker {
 public:
  struct Result {
    int64_t ticket;
    std::vector<float> embedding;
  };
  EmbeddingWorker(std::filesystem::path models_dir, std::string model)
      : jobs_(kQueuedCrops), thread_([this, dir = std::move(models_dir), m = std::move(model)] { run(dir, m); }) {}
  ~EmbeddingWorker() {
    jobs_.close();
    if (thread_.joinable()) thread_.join();
  }
  // Blocks while kQueuedCrops crops wait (memory stays bounded); rethrows the worker's error.
  void embed(int64_t ticket, cv::Mat crop) {
    rethrow();
    jobs_.push({ticket, std::move(crop)});
  }
  // The embeddings done so far.
  std::vector<Result> take() {
    std::lock_guard lock(mutex_);
    return std::exchange(done_, {});
  }
  // Waits for every queued crop; rethrows the worker's error.
  void finish() {
    jobs_.close();
    if (thread_.joinable()) thread_.join();
    rethrow();
  }
  // After finish():
  const faces::FaceEmbedder& embedder() const { return *embedder_; }
  double busy_ms() const { return busy_ms_; }
  int embeddings() const { return embeddings_; }

 private:
  static constexpr size_t kQueuedCrops = 16;
  struct Job {
    int64_t ticket;
    cv::Mat crop;
  };
  void run(const std::filesystem::path& dir, const std::string& model) {
    util::lower_this_thread_priority();  // works from a queue behind the tracking thread
    try {
      embedder_ = std::make_unique<faces::FaceEmbedder>(dir, model);
      Job job;
      while (jobs_.pop(job)) {
        const auto t0 = std::chrono::steady_clock::now();
        std::vector<float> e = embedder_->embed_crop(job.crop);
        busy_ms_ += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        ++embeddings_;
        std::lock_guard lock(mutex_);
        done_.push_back({job.ticket, std::move(e)});
      }
    } catch (...) {
      std::lock_guard lock(mutex_);
      error_ = std::current_exception();
      jobs_.close();
    }
  }
  void rethrow() {
    std::lock_guard lock(mutex_);
    if (error_) std::rethrow_exception(error_);
  }

  util::BoundedQueue<Job> jobs_;
  std::mutex mutex_;
  std::vector<Result> done_;
  std::exception_ptr error_;
  std::unique_ptr<faces::FaceEmbedder> embedder_;
  double busy_ms_ = 0;
  int embeddings_ = 0;
  std::thread thread_;  // last: starts after every other member exists
};

PersonObserver::PersonObserver(const std::filesystem::path& models_dir, const PersonOptions& options,
                               int frame_width_px, int frame_height_px)
    : options_(options),
      width_(std::max(frame_width_px, 1)),
      height_(std::max(frame_height_px, 1)),
      collector_(options.collector),
      inset_(options.inset) {
  if (!options_.enabled) return;
  crop_ = faces::FaceEmbedder::crop_of(models_dir, options_.embedding_model);
  worker_ = std::make_unique<EmbeddingWorker>(models_dir, options_.embedding_model);
}

PersonObserver::~PersonObserver() = default;

void PersonObserver::observe(const cv::Mat& bgr, double t_sec, const std::vector<faces::TrackedFace>& faces) {
  if (!options_.enabled) return;
  if (t_sec >= next_layout_sample_) {
    layout_.add_frame(bgr);
    next_layout_sample_ = t_sec + options_.layout_sample_every_sec;
  }
  frame_boxes_.clear();
  for (const auto& f : faces) frame_boxes_.emplace_back(f.track_id, f.box_px);
  inset_.add_frame(t_sec, frame_boxes_, width_, height_);
  for (const auto& f : faces) {
    collector_.observe(f.track_id, t_sec, f.box_px);
    auto& seconds = places_[f.track_id];
    if (seconds.empty() || std::floor(seconds.back().first_t) != std::floor(t_sec)) seconds.emplace_back();
    auto& p = seconds.back();
    const double cx = (f.box_px.x + f.box_px.width / 2) / width_;
    if (p.frames == 0) p.first_t = t_sec;
    ++p.frames;
    p.sum_cx += cx;
    p.sum_cx2 += cx * cx;
    p.sum_cy += (f.box_px.y + f.box_px.height / 2) / height_;
    p.sum_area += f.box_px.area() / (width_ * height_);
    p.last_t = t_sec;
    // Only frontal, confident, large-enough faces: the identity thresholds were measured on those.
    if (collector_.wants(f.track_id, t_sec) &&
        faces::worth_embedding(f.landmarks.presence, faces::measure_geometry(f.landmarks).yaw_deg, f.box_px.width)) {
      const int64_t ticket = collector_.reserve(f.track_id, t_sec);
      worker_->embed(ticket, faces::aligned_face_crop(bgr, f.landmarks, crop_.size_px, crop_.margin));
    }
  }
  for (auto& r : worker_->take()) collector_.fulfil(r.ticket, std::move(r.embedding));
}

void PersonObserver::TrackPlace::add(const TrackPlace& o) {
  if (o.frames == 0) return;
  if (frames == 0 || o.first_t < first_t) first_t = o.first_t;
  if (frames == 0 || o.last_t > last_t) last_t = o.last_t;
  frames += o.frames, inset_frames += o.inset_frames;
  sum_cx += o.sum_cx, sum_cx2 += o.sum_cx2, sum_cy += o.sum_cy, sum_area += o.sum_area;
}

// Positions per face id: a split track's seconds go to the piece that holds them. A second counts as in the
// inset when its mean face centre lies in the inset region (a track never crosses into an inset).
std::map<int, PersonObserver::TrackPlace> PersonObserver::piece_places(const faces::SplitTracks& splits,
                                                                       const faces::InsetRegion& inset) const {
  std::map<int, TrackPlace> out;
  for (const auto& [track, seconds] : places_)
    for (TrackPlace sec : seconds) {
      const double n = static_cast<double>(std::max<int64_t>(sec.frames, 1));
      if ((inset.found || inset.candidate) && inset.contains(sec.sum_cx / n, sec.sum_cy / n)) sec.inset_frames = sec.frames;
      out[splits.face_id_at(track, sec.first_t)].add(sec);
    }
  return out;
}

PersonResult PersonObserver::finish(int64_t session_frames, bool two_camera_side_b, bool two_camera) {
  PersonResult r;
  if (!options_.enabled) return r;
  worker_->finish();
  for (auto& res : worker_->take()) collector_.fulfil(res.ticket, std::move(res.embedding));
  r.embed_ms = worker_->busy_ms();
  r.embeddings = worker_->embeddings();
  r.embedding_model = worker_->embedder().model_name();
  r.embedding_sha256 = worker_->embedder().model_checksum();
  const auto tracks = collector_.tracks();
  const int first_new_id = tracks.empty() ? 0 : tracks.back().track_id + 1;
  r.splits = faces::split_tracks(tracks, first_new_id, {options_.identity.min_similarity, 2});
  if (!two_camera) {
    r.layout = layout_.result();          // the divider evidence
    r.layout.inset = inset_.result();     // the picture-in-picture evidence
    r.layout.layout = options_.layout;    // what the user asked for (auto: decided from the evidence)
  }
  const auto places = piece_places(r.splits, r.layout.inset);
  for (auto& piece : r.splits.tracks)  // exact frame counts for the pieces
    if (auto it = places.find(piece.track_id); it != places.end()) piece.frames = it->second.frames;
  r.persons = faces::identify_persons(r.splits.tracks, options_.identity);

  // Where each person sits: frame-weighted over the person's tracks.
  std::vector<faces::PersonPlacement> placements;
  for (const auto& person : r.persons.persons) {
    faces::PersonPlacement pl;
    pl.person_id = person.person_id;
    double sum_cx = 0, sum_cx2 = 0, sum_area = 0;
    int64_t inset_frames = 0;
    bool first = true;
    for (int track : person.track_ids) {
      const auto it = places.find(track);
      if (it == places.end()) continue;
      const auto& p = it->second;
      pl.frames += p.frames;
      inset_frames += p.inset_frames;
      sum_cx += p.sum_cx, sum_cx2 += p.sum_cx2, sum_area += p.sum_area;
      if (first || p.first_t < pl.first_t_sec) pl.first_t_sec = p.first_t;
      if (first || p.last_t > pl.last_t_sec) pl.last_t_sec = p.last_t;
      first = false;
    }
    if (pl.frames > 0) {
      const double n = static_cast<double>(pl.frames);
      pl.mean_center_x_norm = sum_cx / n;
      pl.sd_center_x_norm = std::sqrt(std::max(0.0, sum_cx2 / n - pl.mean_center_x_norm * pl.mean_center_x_norm));
      pl.mean_area_norm = sum_area / n;
      pl.inset_share = static_cast<double>(inset_frames) / n;
    }
    placements.push_back(pl);
  }
  r.placements = placements;
  if (two_camera) {
    r.roles = faces::assign_camera_roles(placements, session_frames,
                                         two_camera_side_b ? faces::Camera::B : faces::Camera::A, options_.roles);
    return r;
  }
  r.roles = faces::assign_roles(placements, session_frames, r.layout, options_.roles);
  r.panels = faces::make_panel_setup(r.roles, placements, options_.roles.patient, static_cast<int>(width_),
                                     static_cast<int>(height_));
  return r;
}

}  // namespace psyface::analysis

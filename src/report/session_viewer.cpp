// Players, cursor and click-to-seek of a session page (session_viewer.hpp).
#include "report/session_viewer.hpp"

#include "report/html_text.hpp"
#include "report/report_format.hpp"
#include "report/video_link.hpp"
#include "util/sha256.hpp"

namespace psyface::report {
namespace {

// Plots are <svg data-x0 data-x1 data-end-sec> with a <line class="cursor"> (session_page.cpp): time t on
// the first video's clock is at x0 + t / end_sec * (x1 - x0) in the SVG's user units. Videos after the
// first play at (first's time - data-offset-sec), paused where that lies outside them.
constexpr const char* kScript = R"JS((() => {
  const videos = [...document.querySelectorAll('video.camera')];
  const main = videos[0];
  if (!main) return;
  const plots = [...document.querySelectorAll('figure.plot svg[data-end-sec]')];
  const place = () => {
    const t = main.currentTime;
    for (const svg of plots) {
      const x0 = Number(svg.dataset.x0), x1 = Number(svg.dataset.x1), end = Number(svg.dataset.endSec);
      const c = svg.querySelector('line.cursor');
      const x = x0 + (t / end) * (x1 - x0);
      c.setAttribute('x1', x.toFixed(2));
      c.setAttribute('x2', x.toFixed(2));
      c.setAttribute('visibility', t >= 0 && t <= end ? 'visible' : 'hidden');
    }
  };
  const follow = (force) => {
    for (const v of videos.slice(1)) {
      const want = main.currentTime - Number(v.dataset.offsetSec);
      const end = Number.isFinite(v.duration) ? v.duration : Infinity;
      const target = Math.min(Math.max(want, 0), end);
      if (v.readyState > 0 && (force || Math.abs(v.currentTime - target) > 0.3)) v.currentTime = target;
      v.playbackRate = main.playbackRate;
      const inside = want >= 0 && want < end;
      if (!main.paused && inside && v.paused) v.play().catch(() => {});
      else if ((main.paused || !inside) && !v.paused) v.pause();
    }
  };
  let frame = 0;
  const tick = () => { place(); follow(false); frame = main.paused ? 0 : requestAnimationFrame(tick); };
  main.addEventListener('play', () => { follow(true); if (!frame) frame = requestAnimationFrame(tick); });
  for (const e of ['pause', 'seeked', 'timeupdate', 'loadedmetadata', 'ratechange'])
    main.addEventListener(e, () => { place(); follow(e !== 'timeupdate'); });
  for (const v of videos.slice(1)) v.addEventListener('loadedmetadata', () => follow(true));
  for (const svg of plots)
    svg.addEventListener('click', (ev) => {
      const m = svg.getScreenCTM();
      if (!m) return;
      const p = new DOMPoint(ev.clientX, ev.clientY).matrixTransform(m.inverse());
      const x0 = Number(svg.dataset.x0), x1 = Number(svg.dataset.x1), end = Number(svg.dataset.endSec);
      const t = Math.min(Math.max(((p.x - x0) / (x1 - x0)) * end, 0), end);
      main.currentTime = Number.isFinite(main.duration) ? Math.min(t, main.duration) : t;
      place();
    });
  place();
})();)JS";

std::string base64_of_hex(const std::string& hex) {
  static constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string bytes;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) bytes += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  std::string out;
  for (size_t i = 0; i < bytes.size(); i += 3) {
    const size_t n = std::min<size_t>(3, bytes.size() - i);
    uint32_t v = 0;
    for (size_t k = 0; k < 3; ++k) v = v << 8 | (k < n ? static_cast<unsigned char>(bytes[i + k]) : 0u);
    for (size_t k = 0; k < 4; ++k) out += k <= n ? kB64[(v >> (18 - 6 * k)) & 63] : '=';
  }
  return out;
}

std::string missing_line(const SessionVideo& v) {
  const std::string whose = v.label == "video" ? "The video " : "The " + html_escape(v.label) + "'s video ";  // one video: no label
  return "<p class=\"no-video\">" + whose + html_escape(v.file.string()) +
         " is not reachable from this page (moved, archived or on another drive): no player, the plots are below.</p>";
}

}  // namespace

const std::string& viewer_script() {
  static const std::string script = kScript;
  return script;
}

std::string session_page_csp(bool player) {
  std::string csp = "default-src 'none'; style-src 'unsafe-inline'";
  if (player) csp += "; script-src 'sha256-" + base64_of_hex(util::sha256_bytes(viewer_script())) + "'; media-src 'self'";
  return csp;
}

SessionViewer session_viewer(const std::vector<SessionVideo>& videos, const std::filesystem::path& page_dir) {
  SessionViewer out;
  if (videos.empty()) {
    out.html = "<p class=\"no-video\">No video is known for this session: no player, the plots are below.</p>";
    return out;
  }
  const std::string first = video_href(page_dir, videos[0].file);
  if (first.empty()) {
    out.html = missing_line(videos[0]);
    return out;
  }
  out.player = true;
  std::string players, lines;
  for (size_t i = 0; i < videos.size(); ++i) {
    const auto& v = videos[i];
    const std::string href = i == 0 ? first : video_href(page_dir, v.file);
    if (href.empty()) {
      lines += missing_line(v);
      continue;
    }
    std::string caption = html_escape(v.label);
    if (i > 0) caption += " (follows the first; its time + " + exact_number(v.offset_sec) + " s = the first's time)";
    players += "<figure class=\"camera\"><video class=\"camera\" id=\"video-" + std::to_string(i) + "\" src=\"" +
               html_escape(href) + "\" data-offset-sec=\"" + exact_number(v.offset_sec) + "\" preload=\"metadata\"" +
               (i == 0 ? " controls" : " muted") + "></video><figcaption>" + caption + ": " + html_escape(v.file.filename().string()) +
               "</figcaption></figure>";
  }
  out.html = "<div class=\"viewer\"><div class=\"cameras\">" + players + "</div>" + lines +
             "<p class=\"viewer-help\">Click a time course to go to that moment; the vertical line on each plot follows the video.</p></div>";
  return out;
}

}  // namespace psyface::report

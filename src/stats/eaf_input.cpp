// ELAN .eaf ratings: a small scanner for the few elements we need (TIME_SLOT, TIER,
// ALIGNABLE_ANNOTATION, ANNOTATION_VALUE); no general XML library is needed for this flat format.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <set>
#include <tuple>

#include "psyface/error.hpp"
#include "stats/ratings_input.hpp"
#include "util/atomic_file.hpp"

namespace psyface::stats {
namespace {

std::string decode_entities(const std::string& s) {
  static const std::pair<const char*, char> kEntities[] = {
      {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    bool replaced = false;
    if (s[i] == '&')
      for (const auto& [name, ch] : kEntities)
        if (s.compare(i, std::char_traits<char>::length(name), name) == 0) {
          out += ch, i += std::char_traits<char>::length(name) - 1, replaced = true;
          break;
        }
    if (!replaced) out += s[i];
  }
  return out;
}

struct Tag {
  std::string name;  // "/NAME" for a closing tag
  std::map<std::string, std::string> attributes;
  size_t end = 0;  // position after '>'
  int64_t line = 0;
};

class EafScanner {
 public:
  EafScanner(std::string text, std::string file) : text_(std::move(text)), file_(std::move(file)) {}

  // Next element tag from pos (comments, declarations and processing instructions skipped).
  std::optional<Tag> next() {
    while (true) {
      const size_t lt = text_.find('<', pos_);
      if (lt == std::string::npos) return std::nullopt;
      advance_lines(lt);
      if (text_.compare(lt, 4, "<!--") == 0) {
        const size_t e = text_.find("-->", lt);
        if (e == std::string::npos) fail("unterminated comment");
        pos_ = e + 3;
        continue;
      }
      const size_t gt = text_.find('>', lt);
      if (gt == std::string::npos) fail("unterminated tag");
      pos_ = gt + 1;
      if (text_[lt + 1] == '?' || text_[lt + 1] == '!') continue;
      return parse_tag(text_.substr(lt + 1, gt - lt - 1), gt + 1);
    }
  }

  // Text up to the next '<' (entities decoded).
  std::string text_until_tag() {
    const size_t lt = text_.find('<', pos_);
    return decode_entities(text_.substr(pos_, lt == std::string::npos ? std::string::npos : lt - pos_));
  }

  int64_t line() const { return line_; }
  [[noreturn]] void fail(const std::string& what) const {
    throw Error(ErrorCode::Input, file_ + " line " + std::to_string(line_) + ": " + what);
  }

 private:
  void advance_lines(size_t upto) {
    line_ += std::count(text_.begin() + static_cast<std::ptrdiff_t>(counted_), text_.begin() + static_cast<std::ptrdiff_t>(upto), '\n');
    counted_ = upto;
  }

  Tag parse_tag(const std::string& body, size_t end) {
    Tag t;
    t.end = end;
    t.line = line_;
    size_t i = 0;
    while (i < body.size() && !std::isspace(static_cast<unsigned char>(body[i])) && body[i] != '/') t.name += body[i++];
    if (t.name.empty() && i < body.size() && body[i] == '/') {  // closing tag
      ++i;
      while (i < body.size() && !std::isspace(static_cast<unsigned char>(body[i]))) t.name += body[i++];
      t.name = "/" + t.name;
      return t;
    }
    while (i < body.size()) {
      while (i < body.size() && (std::isspace(static_cast<unsigned char>(body[i])) || body[i] == '/')) ++i;
      std::string key;
      while (i < body.size() && body[i] != '=' && !std::isspace(static_cast<unsigned char>(body[i]))) key += body[i++];
      if (key.empty()) break;
      while (i < body.size() && body[i] != '"' && body[i] != '\'') ++i;
      if (i >= body.size()) fail("attribute " + key + " of <" + t.name + "> has no quoted value");
      const char q = body[i++];
      const size_t close = body.find(q, i);
      if (close == std::string::npos) fail("unterminated attribute " + key + " of <" + t.name + ">");
      t.attributes[key] = decode_entities(body.substr(i, close - i));
      i = close + 1;
    }
    return t;
  }

  std::string text_, file_;
  size_t pos_ = 0, counted_ = 0;
  int64_t line_ = 1;
};

std::string attribute(const Tag& t, const std::string& key) {
  const auto it = t.attributes.find(key);
  return it == t.attributes.end() ? std::string{} : it->second;
}

struct Annotation {
  double start_sec, end_sec;
  std::string value;
  int64_t line;
};

}  // namespace

EafTierMap parse_eaf_tier_map(const std::string& spec) {
  EafTierMap map;
  size_t start = 0;
  while (start < spec.size()) {
    const size_t comma = spec.find(',', start);
    const std::string item = spec.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const size_t eq = item.find('=');
    const std::string key = item.substr(0, eq), value = eq == std::string::npos ? "" : item.substr(eq + 1);
    if (eq == std::string::npos || value.empty())
      throw Error(ErrorCode::Usage, "--eaf-tiers: expected key=TIER, got \"" + item + "\"");
    if (key == "mode") map.mode = value;
    else if (key == "peak") map.peak = value;
    else if (key == "emotion") map.emotion = value;
    else throw Error(ErrorCode::Usage, "--eaf-tiers: unknown key \"" + key + "\" (mode, peak, emotion)");
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return map;
}

std::vector<HumanRating> read_ratings_eaf(const std::filesystem::path& path, const EafTierMap& tiers) {
  const std::string file = path.string();
  EafScanner scan(util::read_file(path), file);
  std::map<std::string, double> slots;  // TIME_SLOT_ID -> seconds
  // (field, rater) -> annotations
  std::map<std::pair<std::string, std::string>, std::vector<Annotation>> by_tier;
  std::string field, rater;  // of the current tier; field empty = tier not used
  std::optional<Annotation> open;
  bool seen_document = false;
  while (auto tag = scan.next()) {
    if (tag->name == "ANNOTATION_DOCUMENT") seen_document = true;
    if (tag->name == "TIME_SLOT") {
      const std::string id = attribute(*tag, "TIME_SLOT_ID"), value = attribute(*tag, "TIME_VALUE");
      if (value.empty()) continue;  // unaligned slot
      double ms = 0;
      const auto r = std::from_chars(value.data(), value.data() + value.size(), ms);
      if (r.ec != std::errc() || r.ptr != value.data() + value.size() || ms < 0)
        scan.fail("TIME_SLOT " + id + ": TIME_VALUE \"" + value + "\" is not milliseconds");
      slots[id] = ms / 1000.0;
    } else if (tag->name == "TIER") {
      const std::string id = attribute(*tag, "TIER_ID");
      field.clear(), rater.clear();
      for (const auto& [name, f] : {std::pair{tiers.mode, "mode"}, {tiers.peak, "peak"}, {tiers.emotion, "emotion"}}) {
        if (id == name) {
          field = f;
          rater = attribute(*tag, "ANNOTATOR");
          if (rater.empty()) rater = attribute(*tag, "PARTICIPANT");
        } else if (id.rfind(name + "@", 0) == 0) {
          field = f;
          rater = id.substr(name.size() + 1);
        }
      }
      if (!field.empty() && rater.empty())
        scan.fail("tier \"" + id + "\" has no rater: name it \"" + id + "@RATER\" or set its ANNOTATOR");
    } else if (tag->name == "/TIER") {
      field.clear();
    } else if (tag->name == "ALIGNABLE_ANNOTATION" && !field.empty()) {
      const std::string a = attribute(*tag, "TIME_SLOT_REF1"), b = attribute(*tag, "TIME_SLOT_REF2");
      if (!slots.count(a) || !slots.count(b))
        scan.fail("annotation " + attribute(*tag, "ANNOTATION_ID") + " refers to a time slot without a time (" + a +
                  ", " + b + ")");
      open = Annotation{slots[a], slots[b], "", tag->line};
    } else if (tag->name == "ANNOTATION_VALUE" && open) {
      open->value = scan.text_until_tag();
    } else if (tag->name == "/ALIGNABLE_ANNOTATION" && open) {
      by_tier[{field, rater}].push_back(*open);
      open.reset();
    }
  }
  if (!seen_document) throw Error(ErrorCode::Input, file + ": not an ELAN file (no ANNOTATION_DOCUMENT element)");
  const std::string session = tiers.session_id.empty() ? path.stem().string() : tiers.session_id;
  std::set<std::string> raters;
  for (const auto& [key, list] : by_tier) raters.insert(key.second);
  if (raters.empty())
    throw Error(ErrorCode::Input, file + ": no annotations on tiers \"" + tiers.mode + "\" / \"" + tiers.peak +
                                      "\" (map other tier names with --eaf-tiers mode=NAME,peak=NAME)");
  std::vector<HumanRating> out;
  const auto where = [&](int64_t line) { return file + " line " + std::to_string(line); };
  for (const auto& r : raters) {
    const auto& modes = by_tier[{"mode", r}];
    const auto& peaks = by_tier[{"peak", r}];
    const auto& emotions = by_tier[{"emotion", r}];
    const auto find = [](const std::vector<Annotation>& list, const Annotation& a) -> const Annotation* {
      for (const auto& b : list)
        if (std::fabs(b.start_sec - a.start_sec) < 1e-6 && std::fabs(b.end_sec - a.end_sec) < 1e-6) return &b;
      return nullptr;
    };
    for (const auto& p : peaks)
      if (!find(modes, p))
        throw Error(ErrorCode::Input, where(p.line) + ": peak annotation of rater " + r + " has no mode annotation with the same times");
    for (const auto& m : modes) {
      const Annotation* p = find(peaks, m);
      if (!p) throw Error(ErrorCode::Input, where(m.line) + ": mode annotation of rater " + r + " has no peak annotation with the same times");
      const auto as_int = [&](const Annotation& a, const std::string& what) {
        int v = 0;
        const std::string s = a.value;
        const auto res = std::from_chars(s.data(), s.data() + s.size(), v);
        if (s.empty() || res.ec != std::errc() || res.ptr != s.data() + s.size())
          throw Error(ErrorCode::Input, where(a.line) + " column " + what + ": \"" + s + "\" is not an integer 1-7");
        return v;
      };
      const Annotation* e = find(emotions, m);
      HumanRating h{session, m.start_sec, m.end_sec, r, as_int(m, "ceas_mode"), as_int(*p, "ceas_peak"),
                    e ? e->value : std::string{}, path.filename().string() + ":" + std::to_string(m.line)};
      if (const auto problem = validate_rating(h))
        throw Error(ErrorCode::Input, where(problem->column == "ceas_peak" ? p->line : m.line) + " column " +
                                          problem->column + ": " + problem->what);
      out.push_back(std::move(h));
    }
  }
  return out;
}

}  // namespace psyface::stats

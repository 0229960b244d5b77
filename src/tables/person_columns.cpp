#include "tables/person_columns.hpp"

#include <array>
#include <charconv>
#include <fstream>
#include <string_view>

#include "psyface/error.hpp"
#include "util/atomic_file.hpp"

namespace psyface::tables {
namespace {

// Field k of a CSV line without quoted commas (psyface's own tables).
std::string_view field(const std::string& line, size_t k) {
  size_t start = 0;
  for (size_t i = 0; i < k; ++i) {
    start = line.find(',', start);
    if (start == std::string::npos) return {};
    ++start;
  }
  const size_t end = line.find(',', start);
  return std::string_view(line).substr(start, end == std::string::npos ? std::string::npos : end - start);
}

size_t column_index(const std::string& header, std::string_view name, const std::filesystem::path& in) {
  size_t k = 0;
  for (size_t start = 0;; ++k) {
    const size_t end = header.find(',', start);
    if (std::string_view(header).substr(start, end == std::string::npos ? std::string::npos : end - start) == name)
      return k;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  throw Error(ErrorCode::Input, in.string() + ":1: no column " + std::string(name));
}

template <typename T>
bool parse(std::string_view s, T& v) {
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

struct PendingRow {
  std::string line;
  size_t after_face_id;  // offset of the text after "frame,face_id,"
  size_t face_id_start;
};

// Offset of field k in line (the text after k commas); npos when the line has fewer fields.
size_t field_offset(const std::string& line, size_t k) {
  size_t start = 0;
  for (size_t i = 0; i < k; ++i) {
    start = line.find(',', start);
    if (start == std::string::npos) return start;
    ++start;
  }
  return start;
}

}  // namespace

void add_person_columns(const std::filesystem::path& in, const std::filesystem::path& out,
                        const std::function<std::vector<PersonLabel>(const std::vector<FrameRowKey>&)>& label,
                        const InsertedColumns& inserted, const std::vector<std::string>& extra_columns) {
  std::ifstream src(in);
  if (!src) throw Error(ErrorCode::Input, "cannot read " + in.string());
  util::AtomicFile dst(out);
  std::string header;
  if (!std::getline(src, header) || header.rfind("frame,face_id,", 0) != 0)
    throw Error(ErrorCode::Input, in.string() + ":1: not a psyface frames table (header must start frame,face_id,)");
  const size_t t_col = column_index(header, "timestamp", in);
  const std::array<size_t, 4> box_col = {column_index(header, "box_x", in), column_index(header, "box_y", in),
                                         column_index(header, "box_w", in), column_index(header, "box_h", in)};
  const bool inserting = !inserted.names.empty();
  const size_t insert_col = inserting ? column_index(header, inserted.before, in) : 0;
  if (inserting && insert_col < 2) throw Error(ErrorCode::Internal, "add_person_columns inserts after face_id only");
  std::string na_text, names_text;
  for (const auto& n : inserted.names) {
    na_text += na_text.empty() ? "NA" : ",NA";
    names_text += n + ",";
  }
  if (inserting) {
    const size_t at = field_offset(header, insert_col);
    header.insert(at, names_text);
  }
  dst.stream() << "frame,face_id,person_id,role," << header.substr(14);
  for (const auto& c : extra_columns) dst.stream() << ',' << c;
  dst.stream() << '\n';

  std::vector<PendingRow> rows;
  std::vector<FrameRowKey> keys;
  std::string frame_text;
  const auto flush = [&] {
    if (rows.empty()) return;
    const std::vector<PersonLabel> labels = label(keys);
    if (labels.size() != rows.size()) throw Error(ErrorCode::Internal, "add_person_columns: one label per row expected");
    for (size_t k = 0; k < rows.size(); ++k) {
      const std::string& line = rows[k].line;
      dst.stream().write(line.data(), static_cast<std::streamsize>(rows[k].face_id_start));
      if (keys[k].face_id < 0)
        dst.stream() << "-1,-1,NA,";
      else
        dst.stream() << labels[k].face_id << ',' << labels[k].person_id << ',' << labels[k].role << ',';
      if (!inserting) {
        dst.stream().write(line.data() + rows[k].after_face_id,
                           static_cast<std::streamsize>(line.size() - rows[k].after_face_id));
      } else {
        const size_t at = field_offset(line, insert_col);
        if (at == std::string::npos) throw Error(ErrorCode::Input, in.string() + ": a row has no column " + inserted.before);
        dst.stream().write(line.data() + rows[k].after_face_id, static_cast<std::streamsize>(at - rows[k].after_face_id));
        dst.stream() << (keys[k].face_id < 0 ? na_text : labels[k].inserted) << ',';
        dst.stream().write(line.data() + at, static_cast<std::streamsize>(line.size() - at));
      }
      if (!extra_columns.empty()) dst.stream() << ',' << labels[k].suffix;
      dst.stream() << '\n';
    }
    rows.clear();
    keys.clear();
  };
  int64_t line_no = 1;
  std::string line;
  while (std::getline(src, line)) {
    ++line_no;
    const auto bad = [&](const std::string& what) {
      return Error(ErrorCode::Input, in.string() + ":" + std::to_string(line_no) + ": cannot read " + what);
    };
    const size_t c1 = line.find(','), c2 = c1 == std::string::npos ? c1 : line.find(',', c1 + 1);
    FrameRowKey key;
    if (c2 == std::string::npos || !parse(std::string_view(line).substr(c1 + 1, c2 - c1 - 1), key.face_id))
      throw bad("face_id");
    if (!parse(std::string_view(line).substr(0, c1), key.frame)) throw bad("frame");
    if (!parse(field(line, t_col), key.t_sec)) throw bad("timestamp");
    if (key.face_id >= 0) {
      double* box[4] = {&key.box_x, &key.box_y, &key.box_w, &key.box_h};
      for (int i = 0; i < 4; ++i)
        if (!parse(field(line, box_col[i]), *box[i])) throw bad("the face box");
    }
    if (line.compare(0, c1, frame_text) != 0 || frame_text.size() != c1) {
      flush();
      frame_text = line.substr(0, c1);
    }
    keys.push_back(key);
    rows.push_back({std::move(line), c2 + 1, c1 + 1});
  }
  flush();
  dst.commit();
}

}  // namespace psyface::tables

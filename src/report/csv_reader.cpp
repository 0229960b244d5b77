#include "report/csv_reader.hpp"

#include <charconv>
#include <cmath>

#include "psyface/error.hpp"

namespace psyface::report {

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') cur += '"', ++i;
      else if (c == '"') quoted = false;
      else cur += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.push_back(std::move(cur));
      cur.clear();
    } else if (c != '\r') {
      cur += c;
    }
  }
  out.push_back(std::move(cur));
  return out;
}

CsvReader::CsvReader(const std::filesystem::path& path) : path_(path), in_(path) {
  if (!in_) throw Error(ErrorCode::Input, "cannot read " + path.string());
  std::string line;
  if (!std::getline(in_, line)) throw Error(ErrorCode::Input, path.string() + ": empty file (no header row)");
  line_ = 1;
  header_ = split_csv_line(line);
}

bool CsvReader::has_column(const std::string& name) const {
  for (const auto& h : header_)
    if (h == name) return true;
  return false;
}

int CsvReader::column(const std::string& name) const {
  for (size_t i = 0; i < header_.size(); ++i)
    if (header_[i] == name) return static_cast<int>(i);
  throw Error(ErrorCode::Input, path_.string() + ":1: no column '" + name + "' in the header");
}

bool CsvReader::next(std::vector<std::string>& fields) {
  std::string line;
  while (std::getline(in_, line)) {
    ++line_;
    if (line.empty() || line == "\r") continue;
    fields = split_csv_line(line);
    if (fields.size() != header_.size())
      throw Error(ErrorCode::Input, where() + ": " + std::to_string(fields.size()) + " fields, the header has " +
                                        std::to_string(header_.size()));
    return true;
  }
  return false;
}

std::string CsvReader::where() const { return path_.string() + ":" + std::to_string(line_); }

double CsvReader::number(const std::vector<std::string>& fields, int col) const {
  const std::string& s = fields.at(static_cast<size_t>(col));
  if (s.empty() || s == "NA" || s == "NaN") return NAN;
  double v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size())
    throw Error(ErrorCode::Input, where() + ": column '" + header_.at(static_cast<size_t>(col)) + "' is not a number: '" + s + "'");
  return v;
}

}  // namespace psyface::report

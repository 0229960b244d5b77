#include "tables/csv_reader.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "psyface/error.hpp"

namespace psyface::tables {

CsvReader::CsvReader(std::filesystem::path path) : path_(std::move(path)), in_(path_, std::ios::binary) {
  if (!in_) throw Error(ErrorCode::Input, path_.string() + ": cannot open");
  if (!read_record()) throw Error(ErrorCode::Input, path_.string() + ": empty file, expected a header line");
  if (!fields_.empty() && fields_[0].rfind("\xEF\xBB\xBF", 0) == 0) fields_[0].erase(0, 3);  // UTF-8 BOM
  header_ = fields_;
}

bool CsvReader::read_record() {
  while (std::getline(in_, line_)) {
    ++line_number_;
    if (!line_.empty() && line_.back() == '\r') line_.pop_back();
    if (line_.find_first_not_of(" \t") == std::string::npos) continue;
    split();
    return true;
  }
  if (in_.bad()) fail("read error");
  return false;
}

bool CsvReader::next() {
  if (!read_record()) return false;
  if (fields_.size() != header_.size())
    fail(std::to_string(fields_.size()) + " fields, the header has " + std::to_string(header_.size()));
  return true;
}

void CsvReader::split() {
  fields_.clear();
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < line_.size(); ++i) {
    const char ch = line_[i];
    if (quoted) {
      if (ch != '"') {
        field += ch;
      } else if (i + 1 < line_.size() && line_[i + 1] == '"') {
        field += '"';
        ++i;
      } else {
        quoted = false;
      }
    } else if (ch == '"') {
      quoted = true;
    } else if (ch == ',') {
      fields_.push_back(std::move(field));
      field.clear();
    } else {
      field += ch;
    }
  }
  if (quoted) fail("unterminated quoted field");
  fields_.push_back(std::move(field));
}

void CsvReader::fail(const std::string& what) const {
  throw Error(ErrorCode::Input, path_.string() + " line " + std::to_string(line_number_) + ": " + what);
}

bool CsvReader::has_column(const std::string& name) const {
  return std::find(header_.begin(), header_.end(), name) != header_.end();
}

size_t CsvReader::column(const std::string& name) const {
  const auto it = std::find(header_.begin(), header_.end(), name);
  if (it == header_.end())
    throw Error(ErrorCode::Input, path_.string() + " line 1: no column \"" + name +
                                      "\" (not a psyface frames.csv table? see docs/output-format.md)");
  return static_cast<size_t>(it - header_.begin());
}

double CsvReader::number(size_t col) const {
  const std::string& s = fields_.at(col);
  if (s.empty() || s == "NA" || s == "NaN") return NAN;
  double v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size())
    fail("column \"" + header_.at(col) + "\" is not a number: \"" + s + "\"");
  return v;
}

}  // namespace psyface::tables

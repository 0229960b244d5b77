// Reading CSV tables that psyface (or a user) wrote, one record per line: header row, RFC 4180 quoting
// within a line (frames.csv has no line breaks inside fields), UTF-8 BOM and CRLF tolerated, blank lines
// skipped. Every problem throws Error(Input) as "<file> line <n>: <what>".
#pragma once
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace psyface::tables {

class CsvReader {
 public:
  // throws Error(Input) when the file cannot be opened or has no header line.
  explicit CsvReader(std::filesystem::path path);

  // ensures: true with the next record in fields(), or false at the end of the file.
  // throws Error(Input) for a record whose field count differs from the header's, an unterminated quote
  // or a read error.
  bool next();

  const std::vector<std::string>& header() const { return header_; }
  const std::vector<std::string>& fields() const { return fields_; }
  const std::filesystem::path& path() const { return path_; }
  // Line of the current record in the file (1 = the header; blank lines count).
  int64_t line_number() const { return line_number_; }

  bool has_column(const std::string& name) const;
  // Index of a column. throws Error(Input) naming the file and the missing column.
  size_t column(const std::string& name) const;

  // Field `col` of the current record as a number; "NA", "NaN" and "" give NaN; anything else that does
  // not parse throws Error(Input) naming the file, line and column.
  double number(size_t col) const;

  // throws Error(Input) "<file> line <current line>: <what>".
  [[noreturn]] void fail(const std::string& what) const;

 private:
  bool read_record();
  void split();

  std::filesystem::path path_;
  std::ifstream in_;
  std::string line_;
  int64_t line_number_ = 0;
  std::vector<std::string> header_, fields_;
};

}  // namespace psyface::tables

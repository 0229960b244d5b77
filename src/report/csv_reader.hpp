// Reading CSV tables that psyface (or a user) wrote: header row, RFC 4180 quoting, errors with file:line.
#pragma once
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace psyface::report {

class CsvReader {
 public:
  // throws Error(Input) when the file cannot be opened or has no header.
  explicit CsvReader(const std::filesystem::path& path);

  // Index of a column; throws Error(Input) naming the file and the missing column.
  int column(const std::string& name) const;
  bool has_column(const std::string& name) const;
  const std::vector<std::string>& header() const { return header_; }

  // ensures: false at end of file; otherwise the next row's fields (same count as the header, else
  // throws Error(Input) with file:line).
  bool next(std::vector<std::string>& fields);

  // "file:line" of the row last returned, for error messages.
  std::string where() const;
  // Field as a number; "NA" / "" → NaN; anything else unparsable throws Error(Input) with file:line.
  double number(const std::vector<std::string>& fields, int col) const;

 private:
  std::filesystem::path path_;
  std::ifstream in_;
  std::vector<std::string> header_;
  int64_t line_ = 0;
};

// Splits one CSV line (no embedded newlines) into fields.
std::vector<std::string> split_csv_line(const std::string& line);

}  // namespace psyface::report

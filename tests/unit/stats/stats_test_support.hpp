// Reading the R goldens of tests/golden/stats/ (written by tests/reference/stats_reference.R).
#pragma once
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "tables/csv_reader.hpp"
#include "../test_paths.hpp"

namespace psyface::test {

inline std::filesystem::path stats_golden_dir() { return source_dir() / "tests/golden/stats"; }

// Numeric columns of a golden CSV, by name.
inline std::map<std::string, std::vector<double>> read_golden_columns(const std::string& file) {
  tables::CsvReader csv(stats_golden_dir() / file);
  std::map<std::string, std::vector<double>> cols;
  while (csv.next())
    for (size_t c = 0; c < csv.header().size(); ++c) cols[csv.header()[c]].push_back(csv.number(c));
  return cols;
}

// expected.csv as quantity -> value.
inline const std::map<std::string, double>& r_expected() {
  static const std::map<std::string, double> values = [] {
    tables::CsvReader csv(stats_golden_dir() / "expected.csv");
    std::map<std::string, double> v;
    while (csv.next()) v[csv.fields()[0]] = csv.number(1);
    return v;
  }();
  return values;
}

inline double r_value(const std::string& name) {
  const auto it = r_expected().find(name);
  if (it == r_expected().end()) ADD_FAILURE() << "no R value " << name << " in expected.csv";
  return it == r_expected().end() ? 0 : it->second;
}

inline std::vector<int> to_ints(const std::vector<double>& v) { return {v.begin(), v.end()}; }

}  // namespace psyface::test

// Agreement with R: absolute tolerance, or relative for tiny p-values.
#define EXPECT_R(actual, name, tol)                                                        \
  do {                                                                                     \
    const double _e = psyface::test::r_value(name);                                        \
    EXPECT_NEAR((actual), _e, (tol) * std::max(1.0, std::fabs(_e))) << "R value " << name; \
  } while (0)

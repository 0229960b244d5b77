// `psyface models build` on a malformed TF.js weights manifest: exit code 4 (model) with the file and
// the field on stderr, not 70 ("internal error") or a signal.
#include <gtest/gtest.h>

#include "../cli/cli_test_support.hpp"
#include "models/model_catalog.hpp"
#include "util/atomic_file.hpp"

namespace psyface::models {
namespace {

namespace fs = std::filesystem;

TEST(ModelsBuildCli, MalformedWeightsManifestExitsWithModelError) {
  ASSERT_TRUE(fs::exists(test::psyface_bin())) << "build the psyface target first: " << test::psyface_bin();
  const fs::path root = test::temp_dir("models_build_bad");
  const CatalogEntry& e = catalog_entry("face-api");
  const fs::path manifest = root / "sources" / e.manifest.source_package / e.manifest.source_path;
  fs::create_directories(manifest.parent_path());
  util::write_file_atomic(manifest.parent_path() / "w.bin", std::string(8, '\0'));
  const std::string cases[][2] = {
      // a string where TF.js writes a number: nlohmann's type_error reached main as "internal error"
      {R"([{"paths": ["w.bin"], "weights": [{"name": "w", "shape": ["2"], "dtype": "float32"}]}])",
       "[0].weights[0].shape[0]"},
      // a huge dimension: the element count overflowed
      {R"([{"paths": ["w.bin"], "weights": [{"name": "w", "shape": [4611686018427387904, 4], "dtype": "float32"}]}])",
       "[0].weights[0].shape"},
  };
  for (const auto& [text, field] : cases) {
    SCOPED_TRACE(text);
    util::write_file_atomic(manifest, text);
    const test::Result r = test::run("models build --sources " + (root / "sources").string() + " --models " +
                                     (root / "models").string() + " --only face-api");
    EXPECT_EQ(r.exit_code, 4) << r.err;
    EXPECT_NE(r.err.find("psyface: error: " + manifest.string()), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(field), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(root / "models" / "face-api" / "manifest.json"));
  }
  fs::remove_all(root);
}

}  // namespace
}  // namespace psyface::models

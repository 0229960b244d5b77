// Typed reading of model files' JSON (TF.js model.json, weight manifests, psyface manifests): a missing
// field, a wrong type or an unparsable number throws Error(Model) naming the file and the field's path
// ("weightsManifest[0].weights[3].shape[1]"), never nlohmann's exceptions ("internal error").
#pragma once
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace psyface::models {

class JsonField {
 public:
  // requires: j outlives this object and every field taken from it.
  JsonField(const nlohmann::json& j, std::string file, std::string path = "");

  // A member (throws when this is not an object or lacks it) / an array element (throws when not an array
  // or out of range).
  JsonField operator[](const std::string& key) const;
  JsonField operator[](size_t k) const;
  bool has(const std::string& key) const;  // false also when this is not an object

  // size of an array (throws when this is not an array) / members of an object (throws when not one).
  size_t size() const;
  const nlohmann::json& object() const;
  const nlohmann::json& raw() const { return j_; }

  std::string str() const;
  bool boolean() const;
  double number() const;  // finite
  // A JSON integer within [lo, hi].
  int64_t integer(int64_t lo = INT64_MIN, int64_t hi = INT64_MAX) const;
  // An integer given as a JSON integer or as a decimal string (TF GraphDef JSON writes int64 as strings);
  // throws when it is neither, has trailing characters, or lies outside [lo, hi].
  int64_t tf_integer(int64_t lo = INT64_MIN, int64_t hi = INT64_MAX) const;

  const std::string& file() const { return file_; }
  const std::string& path() const { return path_; }
  // throws Error(Model) "<file>: field <path>: <what>".
  [[noreturn]] void fail(const std::string& what) const;

 private:
  const nlohmann::json& j_;
  std::string file_, path_;
};

}  // namespace psyface::models

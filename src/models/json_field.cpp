#include "models/json_field.hpp"

#include <charconv>
#include <cmath>

#include "psyface/error.hpp"

namespace psyface::models {
namespace {

std::string type_of(const nlohmann::json& j) { return j.type_name(); }

}  // namespace

JsonField::JsonField(const nlohmann::json& j, std::string file, std::string path)
    : j_(j), file_(std::move(file)), path_(std::move(path)) {}

void JsonField::fail(const std::string& what) const {
  throw Error(ErrorCode::Model, file_ + ": field " + (path_.empty() ? "(top level)" : path_) + ": " + what);
}

JsonField JsonField::operator[](const std::string& key) const {
  const std::string sub = path_.empty() ? key : path_ + "." + key;
  if (!j_.is_object()) fail("is " + type_of(j_) + ", expected an object with '" + key + "'");
  const auto it = j_.find(key);
  if (it == j_.end()) JsonField(j_, file_, sub).fail("missing");
  return JsonField(*it, file_, sub);
}

JsonField JsonField::operator[](size_t k) const {
  if (!j_.is_array()) fail("is " + type_of(j_) + ", expected an array");
  const std::string sub = path_ + "[" + std::to_string(k) + "]";
  if (k >= j_.size()) JsonField(j_, file_, sub).fail("missing (array has " + std::to_string(j_.size()) + ")");
  return JsonField(j_[k], file_, sub);
}

bool JsonField::has(const std::string& key) const { return j_.is_object() && j_.contains(key); }

size_t JsonField::size() const {
  if (!j_.is_array()) fail("is " + type_of(j_) + ", expected an array");
  return j_.size();
}

const nlohmann::json& JsonField::object() const {
  if (!j_.is_object()) fail("is " + type_of(j_) + ", expected an object");
  return j_;
}

std::string JsonField::str() const {
  if (!j_.is_string()) fail("is " + type_of(j_) + ", expected a string");
  return j_.get<std::string>();
}

bool JsonField::boolean() const {
  if (!j_.is_boolean()) fail("is " + type_of(j_) + ", expected true or false");
  return j_.get<bool>();
}

double JsonField::number() const {
  if (!j_.is_number()) fail("is " + type_of(j_) + ", expected a number");
  const double v = j_.get<double>();
  if (!std::isfinite(v)) fail("is not finite");
  return v;
}

int64_t JsonField::integer(int64_t lo, int64_t hi) const {
  if (!j_.is_number_integer()) fail("is " + type_of(j_) + ", expected an integer");
  return tf_integer(lo, hi);
}

int64_t JsonField::tf_integer(int64_t lo, int64_t hi) const {
  int64_t v = 0;
  if (j_.is_number_integer()) {
    if (j_.is_number_unsigned() && j_.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX))
      fail(j_.dump() + " is too large");
    v = j_.get<int64_t>();
  } else if (j_.is_string()) {
    const std::string& s = j_.get_ref<const std::string&>();
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || end != s.data() + s.size())
      fail("\"" + s.substr(0, 40) + "\" is not an integer" + (ec == std::errc::result_out_of_range ? " in range" : ""));
  } else {
    fail("is " + type_of(j_) + ", expected an integer");
  }
  if (v < lo || v > hi)
    fail(std::to_string(v) + " is outside " + std::to_string(lo) + ".." + std::to_string(hi));
  return v;
}

}  // namespace psyface::models

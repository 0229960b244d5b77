// A small host tensor used during model conversion: float32 or int32 data with a shape (TF layout).
#pragma once
#include <cstdint>
#include <numeric>
#include <string>
#include <vector>

namespace psyface::models {

enum class DType { Float32, Int32 };

struct HostTensor {
  std::string name;
  DType dtype = DType::Float32;
  std::vector<int64_t> shape;
  std::vector<float> f;    // when dtype == Float32
  std::vector<int32_t> i;  // when dtype == Int32

  int64_t size() const {
    return std::accumulate(shape.begin(), shape.end(), int64_t{1}, std::multiplies<>());
  }
  double at(int64_t k) const { return dtype == DType::Float32 ? f[k] : i[k]; }
};

}  // namespace psyface::models

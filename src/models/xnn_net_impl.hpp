// Internals of the XNNPACK engine, shared by xnn_net.cpp (loading, runtimes, running) and xnn_subgraph.cpp
// (the ONNX graph as an XNNPACK subgraph). Not part of the models stage's interface: include xnn_net.hpp.
#pragma once
#include <onnx/onnx_pb.h>
#include <pthreadpool.h>
#include <xnnpack.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <numeric>
#include <span>
#include <string>
#include <vector>

#include "models/xnn_net.hpp"
#include "util/huge_pages.hpp"

namespace psyface::models {
namespace xnn_detail {

inline int64_t product(const std::vector<int64_t>& v, size_t from = 0) {
  return std::accumulate(v.begin() + static_cast<std::ptrdiff_t>(std::min(from, v.size())), v.end(), int64_t{1},
                         std::multiplies<>());
}

// An activation during subgraph definition. shape is the ONNX (logical) shape with batch N; a 4-D NCHW
// tensor (nchw = true) is stored NHWC in XNNPACK.
struct Val {
  uint32_t id = XNN_INVALID_VALUE_ID;
  std::vector<int64_t> shape;
  bool nchw = false;

  std::vector<size_t> physical() const {
    if (nchw) return {size_t(shape[0]), size_t(shape[2]), size_t(shape[3]), size_t(shape[1])};
    return {shape.begin(), shape.end()};
  }
  // Storing NHWC changes nothing about the memory order when the tensor has H·W = 1 or C = 1.
  bool memory_is_logical() const { return !nchw || shape[2] * shape[3] == 1 || shape[1] == 1; }
};

struct Runtime {
  int batch = 0, threads = 0;
  xnn_runtime_t rt = nullptr;
  std::vector<Val> outputs;
  // External buffers, bound once by xnn_setup_runtime: the NHWC input and each output as XNNPACK writes it.
  std::vector<float> input;
  std::vector<std::vector<float>> output_data;
  Runtime() = default;
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;
  ~Runtime() {
    if (rt) xnn_delete_runtime(rt);
  }
};

}  // namespace xnn_detail

struct XnnNet::Impl {
  onnx::ModelProto model;
  std::map<std::string, const onnx::TensorProto*> inits;
  std::vector<std::string> output_names;
  int64_t in_c = 0, in_h = 0, in_w = 0;
  // Permuted constants, by key; they outlive every runtime. Their floats live in one block sized to the
  // model's float initializers (huge pages from 2 MiB on: fewer page faults at load, util/huge_pages.hpp).
  std::map<std::string, std::span<const float>> weights;
  std::unique_ptr<float[], void (*)(float*)> store{nullptr, [](float* p) { util::huge_page_free(p); }};
  size_t store_size = 0, store_used = 0;  // floats
  std::vector<std::vector<float>> overflow;  // constants that do not fit the block (none in practice)
  std::vector<std::unique_ptr<xnn_detail::Runtime>> runtimes;
  std::map<int, pthreadpool_t> pools;

  ~Impl() {
    runtimes.clear();
    for (auto& [t, p] : pools) pthreadpool_destroy(p);
  }

  // How many nodes read the tensor (a graph output counts as one more).
  int consumers(const std::string& name) const {
    int c = 0;
    for (const auto& n : model.graph().node())
      for (const auto& i : n.input()) c += i == name;
    for (const auto& o : output_names) c += o == name;
    return c;
  }

  const onnx::TensorProto* init(const std::string& name) const {
    auto it = inits.find(name);
    return it == inits.end() ? nullptr : it->second;
  }

  std::span<const float> cached(const std::string& key, const std::function<std::vector<float>()>& make) {
    auto it = weights.find(key);
    if (it == weights.end()) it = weights.emplace(key, keep(make())).first;
    return it->second;
  }
  std::span<const float> keep(std::vector<float> v) {
    constexpr size_t kAlign = 16;  // floats: 64-byte aligned, like XNNPACK's own buffers
    const size_t at = (store_used + kAlign - 1) / kAlign * kAlign;
    if (!store || at + v.size() > store_size) {
      overflow.push_back(std::move(v));
      return overflow.back();
    }
    std::copy(v.begin(), v.end(), store.get() + at);
    store_used = at + v.size();
    return {store.get() + at, v.size()};
  }
  // Once the subgraph holds the permuted copies, the ONNX floats are dropped (later batch sizes reuse the
  // copies), so XNNPACK packs the weights into memory the parser has just freed.
  void drop_onnx_floats() {
    for (auto& t : *model.mutable_graph()->mutable_initializer())
      if (t.data_type() == onnx::TensorProto::FLOAT) {
        t.clear_raw_data();
        t.clear_float_data();
      }
  }
  const float* weight(const std::string& key, const std::function<std::vector<float>()>& make) {
    return cached(key, make).data();
  }

  pthreadpool_t pool(int threads) {
    if (threads <= 1) return nullptr;
    auto it = pools.find(threads);
    if (it == pools.end()) it = pools.emplace(threads, pthreadpool_create(static_cast<size_t>(threads))).first;
    return it->second;
  }

  xnn_detail::Runtime& runtime(int batch, int threads);
};

namespace xnn_detail {

// Defines the whole graph in `sg` for one batch size (the weights go through im.cached, so each is permuted
// once per model); returns the graph outputs' values in output order.
// throws UnsupportedGraph at the first node the translation does not cover.
std::vector<Val> build_subgraph(XnnNet::Impl& im, xnn_subgraph_t sg, int64_t batch);

}  // namespace xnn_detail
}  // namespace psyface::models

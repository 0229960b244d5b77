// The XNNPACK engine (see xnn_net.hpp): loading, one runtime per (batch, threads), running. The graph
// translation is in xnn_subgraph.cpp.
#include "models/xnn_net.hpp"

#include <algorithm>
#include <limits>
#include <mutex>

#include "models/xnn_net_impl.hpp"
#include "psyface/error.hpp"
#include "util/huge_pages.hpp"

namespace psyface::models {
namespace {

constexpr size_t kMaxRuntimes = 4;  // (batch, threads) combinations kept; the oldest is dropped first

// XNNPACK's packed weights and activation buffers (2–30 MB per model) go to huge pages: their first
// touch was ~60 % of the start-up page faults (util/huge_pages.hpp).
const xnn_allocator kHugePageAllocator = {
    nullptr,
    [](void*, size_t size) { return util::huge_page_alloc(size); },
    [](void*, void* p, size_t size) { return util::huge_page_realloc(p, size); },
    [](void*, void* p) { util::huge_page_free(p); },
    [](void*, size_t alignment, size_t size) { return util::huge_page_alloc(size, alignment); },
    [](void*, void* p) { util::huge_page_free(p); },
};

void init_xnnpack() {
  static std::once_flag once;
  static xnn_status status = xnn_status_success;
  std::call_once(once, [] { status = xnn_initialize(&kHugePageAllocator); });
  if (status != xnn_status_success) throw UnsupportedGraph("XNNPACK does not initialise on this CPU");
}

}  // namespace

using xnn_detail::product;
using xnn_detail::Runtime;
using xnn_detail::Val;

Runtime& XnnNet::Impl::runtime(int batch, int threads) {
  for (auto& r : runtimes)
    if (r->batch == batch && r->threads == threads) return *r;
  xnn_subgraph_t sg = nullptr;
  if (xnn_create_subgraph(static_cast<uint32_t>(output_names.size() + 1), 0, &sg) != xnn_status_success)
    throw UnsupportedGraph("XNNPACK cannot create a subgraph");
  auto r = std::make_unique<Runtime>();
  r->batch = batch;
  r->threads = threads;
  try {
    r->outputs = xnn_detail::build_subgraph(*this, sg, batch);
  } catch (...) {
    xnn_delete_subgraph(sg);
    throw;
  }
  drop_onnx_floats();
  // Workers sleep between inferences instead of spinning (the pipeline's other threads need the cores).
  const xnn_status s = xnn_create_runtime_v2(sg, pool(threads), threads > 1 ? XNN_FLAG_YIELD_WORKERS : 0, &r->rt);
  xnn_delete_subgraph(sg);
  if (s != xnn_status_success) throw UnsupportedGraph("XNNPACK cannot create a runtime (status " + std::to_string(s) + ")");
  // Fixed buffers, so the runtime is set up once, not before every inference.
  r->input.assign(static_cast<size_t>(batch * in_c * in_h * in_w), 0.0f);
  std::vector<xnn_external_value> ext{{0, r->input.data()}};
  for (size_t k = 0; k < r->outputs.size(); ++k) {
    r->output_data.emplace_back(static_cast<size_t>(product(r->outputs[k].shape)), 0.0f);
    ext.push_back({static_cast<uint32_t>(k + 1), r->output_data.back().data()});
  }
  if (xnn_setup_runtime(r->rt, ext.size(), ext.data()) != xnn_status_success)
    throw UnsupportedGraph("XNNPACK cannot set up a runtime");
  if (runtimes.size() >= kMaxRuntimes) runtimes.erase(runtimes.begin());
  runtimes.push_back(std::move(r));
  return *runtimes.back();
}

XnnNet::XnnNet() : impl_(std::make_unique<Impl>()) {}
XnnNet::~XnnNet() = default;

std::unique_ptr<XnnNet> XnnNet::from_onnx(std::string_view onnx_bytes, const std::vector<std::string>& output_names) {
  init_xnnpack();
  std::unique_ptr<XnnNet> net(new XnnNet());
  Impl& im = *net->impl_;
  if (onnx_bytes.size() > size_t(std::numeric_limits<int>::max()) ||
      !im.model.ParseFromArray(onnx_bytes.data(), static_cast<int>(onnx_bytes.size())))
    throw Error(ErrorCode::Model, "not a valid ONNX model");
  const auto& g = im.model.graph();
  for (const auto& t : g.initializer()) im.inits[t.name()] = &t;
  std::vector<std::string> inputs;
  for (const auto& i : g.input())
    if (!im.inits.count(i.name())) inputs.push_back(i.name());
  if (inputs.size() != 1 || g.input(0).name() != inputs[0]) throw UnsupportedGraph("the graph must have one input");
  const auto& dims = g.input(0).type().tensor_type().shape().dim();
  if (dims.size() != 4) throw UnsupportedGraph("the input is not 4-D NCHW");
  im.in_c = dims[1].dim_value(), im.in_h = dims[2].dim_value(), im.in_w = dims[3].dim_value();
  if (im.in_c <= 0 || im.in_h <= 0 || im.in_w <= 0) throw UnsupportedGraph("the input shape is not static");
  im.output_names = output_names;
  if (im.output_names.empty())
    for (const auto& o : g.output()) im.output_names.push_back(o.name());
  size_t floats = 0;  // the block for the permuted constants: every float initializer, each aligned
  for (const auto& t : g.initializer())
    if (t.data_type() == onnx::TensorProto::FLOAT)
      floats += (t.raw_data().empty() ? size_t(t.float_data_size()) : t.raw_data().size() / sizeof(float)) + 16;
  im.store.reset(static_cast<float*>(util::huge_page_alloc(floats * sizeof(float))));
  im.store_size = im.store ? floats : 0;
  im.runtime(1, 1);  // the model's floats are held once from here on (plus XNNPACK's packed form)
  return net;
}

float* XnnNet::input(int batch, int threads) { return impl_->runtime(batch, std::max(threads, 1)).input.data(); }

int XnnNet::input_channels() const { return static_cast<int>(impl_->in_c); }
int XnnNet::input_height() const { return static_cast<int>(impl_->in_h); }
int XnnNet::input_width() const { return static_cast<int>(impl_->in_w); }

std::vector<cv::Mat> XnnNet::invoke(int batch, int threads) {
  Runtime& r = impl_->runtime(batch, std::max(threads, 1));
  if (xnn_invoke_runtime(r.rt) != xnn_status_success) throw Error(ErrorCode::Internal, "XNNPACK failed to run the model");
  std::vector<cv::Mat> outs;
  for (size_t k = 0; k < r.outputs.size(); ++k) {
    const Val& v = r.outputs[k];
    std::vector<int> sz(v.shape.begin(), v.shape.end());
    outs.emplace_back(static_cast<int>(sz.size()), sz.data(), CV_32F);
    const float* in = r.output_data[k].data();
    float* o = outs.back().ptr<float>();
    if (v.memory_is_logical()) {
      std::copy(in, in + outs.back().total(), o);
      continue;
    }
    const auto& s = v.shape;  // [N, C, H, W] stored [N, H, W, C]
    const size_t oc = size_t(s[1]), ohw = size_t(s[2] * s[3]);
    for (int64_t b = 0; b < s[0]; ++b, in += oc * ohw, o += oc * ohw)
      for (size_t p = 0; p < ohw; ++p)
        for (size_t c = 0; c < oc; ++c) o[c * ohw + p] = in[p * oc + c];
  }
  return outs;
}

std::vector<cv::Mat> XnnNet::run(const cv::Mat& blob, int threads) {
  Impl& im = *impl_;
  if (blob.dims != 4 || blob.type() != CV_32F || !blob.isContinuous() || blob.size[1] != im.in_c ||
      blob.size[2] != im.in_h || blob.size[3] != im.in_w)
    throw Error(ErrorCode::Internal, "XnnNet::run: blob is not a continuous float [N, " + std::to_string(im.in_c) + ", " +
                                         std::to_string(im.in_h) + ", " + std::to_string(im.in_w) + "]");
  const int batch = blob.size[0];
  const size_t C = size_t(im.in_c), HW = size_t(im.in_h * im.in_w);
  const float* src = blob.ptr<float>();
  float* dst = input(batch, threads);
  for (int b = 0; b < batch; ++b, src += C * HW, dst += C * HW)
    for (size_t c = 0; c < C; ++c)
      for (size_t p = 0; p < HW; ++p) dst[p * C + c] = src[c * HW + p];
  return invoke(batch, threads);
}

}  // namespace psyface::models

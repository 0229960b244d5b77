// The project's own ONNX graphs (written by tf_to_onnx.cpp: NCHW, opset 11, a small known op set) run
// on XNNPACK (Debian's libxnnpack-dev): each graph becomes one XNNPACK subgraph in NHWC.
//
// Layout: every 4-D activation the ONNX graph holds NCHW is stored NHWC here; the converter's NCHW→NHWC
// Transposes (before a Reshape, before a 4-D output) become no-ops, constants are permuted once at load.
// Supported ONNX ops: Conv (plain, depthwise, grouped), Relu, PRelu, Sigmoid, Abs, Add/Sub/Mul (two
// activations of one shape, or an activation and a per-channel/scalar/full constant), MaxPool,
// AveragePool, GlobalAveragePool, Softmax (last axis), Gemm, Flatten, Reshape, Transpose (layout
// changes only), Pad (constant), Concat, Resize (bilinear, constant scales), Identity, and the
// converter's Reshape–Transpose–Reshape DepthToSpace. Anything else: XnnNet::from_onnx throws
// UnsupportedGraph naming the node, and the caller (DnnModel) falls back to OpenCV DNN.
//
// XNNPACK fixes tensor shapes at definition, so there is one subgraph + runtime per (batch size, thread
// count), built on first use; the permuted weights are shared and outlive them all.
#pragma once
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <opencv2/core.hpp>

namespace psyface::models {

// The graph uses an operation (or an operand layout) the XNNPACK translation does not cover.
struct UnsupportedGraph : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class XnnNet {
 public:
  // requires: onnx_bytes is a serialised ModelProto with one float input [1, C, H, W]; output_names name
  // graph tensors (empty = the graph's outputs).
  // ensures: the batch-1 subgraph is built (so anything unsupported is found here).
  // throws UnsupportedGraph (first node the engine cannot run), Error(Model) for a malformed graph.
  static std::unique_ptr<XnnNet> from_onnx(std::string_view onnx_bytes, const std::vector<std::string>& output_names);
  ~XnnNet();
  XnnNet(const XnnNet&) = delete;
  XnnNet& operator=(const XnnNet&) = delete;

  // requires: blob is CV_32F [N, C, H, W] with the graph's C, H, W; threads >= 1.
  // ensures: one Mat per output with the ONNX output's shape (batch N) and memory order — the same
  // values OpenCV DNN returns for this graph. Not thread-safe (one XnnNet per thread).
  std::vector<cv::Mat> run(const cv::Mat& blob, int threads);

  // The same in two steps, for a caller that writes the input in NHWC itself (no NCHW blob, no transpose):
  // input() is the batch's [N, H, W, C] buffer (built with its runtime on first use; valid until the next
  // call for another batch size or thread count), invoke() runs it. requires: batch, threads >= 1.
  float* input(int batch, int threads);
  std::vector<cv::Mat> invoke(int batch, int threads);
  int input_channels() const;
  int input_height() const;
  int input_width() const;

  struct Impl;

 private:
  XnnNet();
  std::unique_ptr<Impl> impl_;
};

}  // namespace psyface::models

// Plain-data kernels behind the Node-API bindings. Semantics are those of
// core/snn/kernels/types.ts; sizes were validated in TypeScript (core/native/nativeKernels.ts)
// before any of these run.
#pragma once

#include <cstddef>
#include <cstdint>

namespace spikelab {

struct GemmArgs {
  bool transA;
  bool transB;
  int m;
  int n;
  int k;
  float alpha;
  const float* a;
  const float* b;
  float beta;
  float* c;
};
void Gemm(const GemmArgs& g);

struct SpikeMatmulArgs {
  std::size_t rows;  // R
  std::size_t inner; // K
  std::size_t cols;  // N
};
void SpikeMatmul(const SpikeMatmulArgs& s, const float* x, const float* w, float* out, bool accumulate);
void SpikeMatmulGradW(const SpikeMatmulArgs& s, const float* x, const float* g, float* dW);

struct ConvGeometry {
  int channels, height, width;
  int kernelH, kernelW;
  int strideH, strideW;
  int padH, padW;
  int outH, outW;
};
void Im2col(const ConvGeometry& g, const float* x, float* cols);
void Col2im(const ConvGeometry& g, const float* cols, float* dx);
// Serial, channels [c0, c1) of one image, column rows `ld` floats apart (batched layouts).
void Im2colRows(const ConvGeometry& g, const float* x, float* cols, std::size_t ld, std::size_t c0, std::size_t c1);
void Col2imRows(const ConvGeometry& g, const float* cols, std::size_t ld, float* dx, std::size_t c0, std::size_t c1);

// A convolution over a whole [samples, C, H, W] batch; `g` describes one group (channels = C/groups).
struct ConvBatch {
  ConvGeometry g;
  std::size_t samples;
  int groups;
  int filters;
  // Most floats of one block of columns (plus the transposed output they produce); each thread
  // works on one block at a time.
  std::size_t columnBudget;
};
void ConvForward(const ConvBatch& c, const float* x, const float* w, const float* bias, float* out);
void ConvBackward(const ConvBatch& c, const float* x, const float* w, const float* gy, float* dW, float* dBias,
                  float* dx);

struct PoolGeometry {
  std::size_t planes;
  int height, width;
  int size, stride;
  int outH, outW;
};
void AvgPoolForward(const PoolGeometry& g, const float* x, float* out);
void AvgPoolBackward(const PoolGeometry& g, const float* gy, float* dx);

// out[t·n + j] = Bernoulli(gain · x[j]) per step from counter hashes (core/snn/kernels/types.ts).
void PoissonEncode(const float* x, std::size_t n, std::size_t T, double gain, std::uint32_t key0, std::uint32_t key1,
                   float* out);

enum class Surrogate : int { Arctan = 0, Sigmoid = 1, FastSigmoid = 2, Triangle = 3, Rectangle = 4 };
enum class Reset : int { Hard = 0, Soft = 1, None = 2 };

struct NeuronParams {
  double decay;
  double inputScale;
  double bias;
  double threshold;
  Reset reset;
  double vReset;
  double vInit;
  int refractory;
  bool detachReset;
  Surrogate surrogate;
  double surrogateAlpha;
};

struct NeuronGrads {
  double decay;
  double threshold;
};

void NeuronForward(const NeuronParams& p, std::size_t T, std::size_t N, const float* x, float* s, float* h, float* v);
NeuronGrads NeuronBackward(const NeuronParams& p, std::size_t T, std::size_t N, const float* h, const float* s,
                           const float* gradS, const float* gradV, float* gradX);

}  // namespace spikelab

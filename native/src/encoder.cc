// Poisson spike trains from counter hashes (core/snn/kernels/counterHash.ts): every element is
// drawn on its own, so the T·B·F draws of a step split over the pool and still equal the
// TypeScript reference bit for bit.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "bindings.h"
#include "clones.h"
#include "kernels.h"
#include "threadPool.h"

namespace spikelab {

namespace {

// Elements per chunk: a row of features is split into blocks so small batches still spread over
// the pool; boundaries depend on the sizes only.
constexpr std::size_t kBlock = 8192;

inline std::uint32_t LowBias32(std::uint32_t x) {
  x ^= x >> 16;
  x *= 0x7feb352dU;
  x ^= x >> 15;
  x *= 0x846ca68bU;
  x ^= x >> 16;
  return x;
}

// out[j] = on[j] && u(i0 + j) <= lim[j], for j in [0, count).
SPIKELAB_CLONES_512
void DrawBlock(std::uint32_t i0, std::size_t count, std::uint32_t key0, std::uint32_t key1, const std::uint32_t* lim,
               const float* on, float* out) {
  for (std::size_t j = 0; j < count; ++j) {
    const std::uint32_t i = i0 + static_cast<std::uint32_t>(j);
    const std::uint32_t u = LowBias32(LowBias32(i * 0x9e3779b9U + key0) ^ key1);
    out[j] = u <= lim[j] ? on[j] : 0.0f;
  }
}

}  // namespace

void PoissonEncode(const float* x, std::size_t n, std::size_t T, double gain, std::uint32_t key0, std::uint32_t key1,
                   float* out) {
  // Spike iff u < th = min(ceil(p·2^32), 2^32), i.e. u <= th - 1 when th > 0 (as in the reference).
  std::vector<std::uint32_t> lim(n);
  std::vector<float> on(n);
  for (std::size_t j = 0; j < n; ++j) {
    const double p = gain * static_cast<double>(x[j]);
    const double th = p > 0 ? std::min(std::ceil(p * 4294967296.0), 4294967296.0) : 0.0;
    on[j] = th > 0 ? 1.0f : 0.0f;
    lim[j] = th > 0 ? static_cast<std::uint32_t>(th - 1) : 0;
  }
  const std::size_t blocks = ChunkCount(n, kBlock);
  ParallelFor(T * blocks, [&](std::size_t chunk) {
    const std::size_t t = chunk / blocks, j0 = (chunk % blocks) * kBlock;
    const std::size_t count = std::min(kBlock, n - j0);
    const std::size_t i0 = t * n + j0;
    DrawBlock(static_cast<std::uint32_t>(i0), count, key0, key1, lim.data() + j0, on.data() + j0, out + i0);
  });
}

namespace {

// poissonEncode(x, n, T, gain, key0, key1, out)
Napi::Value PoissonEncodeJs(const Napi::CallbackInfo& info) {
  PoissonEncode(FloatData(info[0]), SizeArg(info[1]), SizeArg(info[2]), info[3].As<Napi::Number>().DoubleValue(),
                info[4].As<Napi::Number>().Uint32Value(), info[5].As<Napi::Number>().Uint32Value(), FloatData(info[6]));
  return info.Env().Undefined();
}

}  // namespace

void RegisterEncoder(Napi::Env env, Napi::Object exports) {
  exports.Set("poissonEncode", Napi::Function::New(env, PoissonEncodeJs, "poissonEncode"));
}

}  // namespace spikelab

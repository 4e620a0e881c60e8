#include <cstring>

#include "bindings.h"
#include "clones.h"
#include "kernels.h"
#include "threadPool.h"

namespace spikelab {

namespace {

// Rows of X per chunk for the forward; chunking is by index only, so results do not depend on the
// thread count.
constexpr std::size_t kRowGrain = 16;
// dW rows per chunk for the gradient: a band of 64 rows of 500 floats (128 KB) stays in L2 while
// the batch streams past, so G is read K/64 times instead of K/16.
constexpr std::size_t kGradBand = 64;

// out row += sum over active k of x[k] * W[k, :].
SPIKELAB_CLONES
void AccumulateRow(const float* xr, std::size_t K, const float* w, std::size_t N, float* o) {
  for (std::size_t k = 0; k < K; ++k) {
    const float xv = xr[k];
    if (xv == 0.0f) continue;
    const float* wk = w + k * N;
    // Spikes are 1, so this is a pure add of the weight row; the multiply keeps graded
    // (non-binary) inputs correct.
    if (xv == 1.0f) {
      for (std::size_t n = 0; n < N; ++n) o[n] += wk[n];
    } else {
      for (std::size_t n = 0; n < N; ++n) o[n] += xv * wk[n];
    }
  }
}

// dW[k0..k1) += X[:, k0..k1)^T G, visiting batch rows in ascending order.
SPIKELAB_CLONES
void AccumulateBand(const float* x, const float* g, std::size_t R, std::size_t K, std::size_t N, std::size_t k0,
                    std::size_t k1, float* dW) {
  for (std::size_t r = 0; r < R; ++r) {
    const float* xr = x + r * K;
    const float* gr = g + r * N;
    for (std::size_t k = k0; k < k1; ++k) {
      const float xv = xr[k];
      if (xv == 0.0f) continue;
      float* d = dW + k * N;
      if (xv == 1.0f) {
        for (std::size_t n = 0; n < N; ++n) d[n] += gr[n];
      } else {
        for (std::size_t n = 0; n < N; ++n) d[n] += xv * gr[n];
      }
    }
  }
}

}  // namespace

void SpikeMatmul(const SpikeMatmulArgs& s, const float* x, const float* w, float* out, bool accumulate) {
  const std::size_t N = s.cols, K = s.inner;
  ParallelFor(ChunkCount(s.rows, kRowGrain), [&](std::size_t chunk) {
    const std::size_t r0 = chunk * kRowGrain;
    const std::size_t r1 = r0 + kRowGrain < s.rows ? r0 + kRowGrain : s.rows;
    for (std::size_t r = r0; r < r1; ++r) {
      float* o = out + r * N;
      if (!accumulate) std::memset(o, 0, N * sizeof(float));
      AccumulateRow(x + r * K, K, w, N, o);
    }
  });
}

void SpikeMatmulGradW(const SpikeMatmulArgs& s, const float* x, const float* g, float* dW) {
  const std::size_t K = s.inner;
  // Each chunk owns a band of dW rows, so every dW element accumulates in ascending r exactly as a
  // serial loop would, whatever the thread count.
  ParallelFor(ChunkCount(K, kGradBand), [&](std::size_t chunk) {
    const std::size_t k0 = chunk * kGradBand;
    const std::size_t k1 = k0 + kGradBand < K ? k0 + kGradBand : K;
    AccumulateBand(x, g, s.rows, K, s.cols, k0, k1, dW);
  });
}

namespace {

// spikeMatmul(R, K, N, X, W, out, accumulate)
Napi::Value SpikeMatmulJs(const Napi::CallbackInfo& info) {
  const SpikeMatmulArgs s{SizeArg(info[0]), SizeArg(info[1]), SizeArg(info[2])};
  SpikeMatmul(s, FloatData(info[3]), FloatData(info[4]), FloatData(info[5]), info[6].As<Napi::Boolean>().Value());
  return info.Env().Undefined();
}

// spikeMatmulGradW(R, K, N, X, G, dW)
Napi::Value SpikeMatmulGradWJs(const Napi::CallbackInfo& info) {
  const SpikeMatmulArgs s{SizeArg(info[0]), SizeArg(info[1]), SizeArg(info[2])};
  SpikeMatmulGradW(s, FloatData(info[3]), FloatData(info[4]), FloatData(info[5]));
  return info.Env().Undefined();
}

}  // namespace

void RegisterSpikeMatmul(Napi::Env env, Napi::Object exports) {
  exports.Set("spikeMatmul", Napi::Function::New(env, SpikeMatmulJs, "spikeMatmul"));
  exports.Set("spikeMatmulGradW", Napi::Function::New(env, SpikeMatmulGradWJs, "spikeMatmulGradW"));
}

}  // namespace spikelab

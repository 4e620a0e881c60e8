#include <cstring>

#include "bindings.h"
#include "kernels.h"
#include "threadPool.h"

namespace spikelab {

namespace {
// Rows (or weight rows) per chunk; chunking is by index only, so results do not depend on the
// thread count.
constexpr std::size_t kRowGrain = 16;
}  // namespace

void SpikeMatmul(const SpikeMatmulArgs& s, const float* x, const float* w, float* out, bool accumulate) {
  const std::size_t N = s.cols, K = s.inner;
  ParallelFor(ChunkCount(s.rows, kRowGrain), [&](std::size_t chunk) {
    const std::size_t r0 = chunk * kRowGrain;
    const std::size_t r1 = r0 + kRowGrain < s.rows ? r0 + kRowGrain : s.rows;
    for (std::size_t r = r0; r < r1; ++r) {
      float* o = out + r * N;
      if (!accumulate) std::memset(o, 0, N * sizeof(float));
      const float* xr = x + r * K;
      for (std::size_t k = 0; k < K; ++k) {
        const float xv = xr[k];
        if (xv == 0.0f) continue;
        const float* wk = w + k * N;
        // Spikes are 1, so this is a pure add of the weight row; the multiply keeps graded
        // (non-binary) inputs correct at no measurable cost.
        if (xv == 1.0f) {
          for (std::size_t n = 0; n < N; ++n) o[n] += wk[n];
        } else {
          for (std::size_t n = 0; n < N; ++n) o[n] += xv * wk[n];
        }
      }
    }
  });
}

void SpikeMatmulGradW(const SpikeMatmulArgs& s, const float* x, const float* g, float* dW) {
  const std::size_t N = s.cols, K = s.inner, R = s.rows;
  // Each chunk owns a band of dW rows and visits the batch rows in order, so every dW element
  // accumulates in ascending r exactly as a serial loop would.
  ParallelFor(ChunkCount(K, kRowGrain), [&](std::size_t chunk) {
    const std::size_t k0 = chunk * kRowGrain;
    const std::size_t k1 = k0 + kRowGrain < K ? k0 + kRowGrain : K;
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

#include <cblas.h>

#include <algorithm>

#include "bindings.h"
#include "blasThreads.h"
#include "kernels.h"
#include "threadPool.h"

namespace spikelab {

namespace {

// Products below this many flops run as one sgemm call: splitting would cost more than it saves.
constexpr double kSplitFlops = 16e6;

}  // namespace

void Gemm(const GemmArgs& g) {
  if (g.m == 0 || g.n == 0) return;
  if (g.k == 0) {
    // BLAS would accept this too, but lda must then still be >= 1; scaling C directly is clearer.
    const std::size_t size = static_cast<std::size_t>(g.m) * g.n;
    for (std::size_t i = 0; i < size; ++i) g.c[i] = g.beta == 0.0f ? 0.0f : g.beta * g.c[i];
    return;
  }
  const int lda = std::max(1, g.transA ? g.m : g.k);
  const int ldb = std::max(1, g.transB ? g.k : g.n);
  const DenseSplit split = SplitDense(static_cast<std::size_t>(g.m));
  if (split.count < 2 || 2.0 * g.m * g.n * g.k < kSplitFlops) {
    cblas_sgemm(CblasRowMajor, g.transA ? CblasTrans : CblasNoTrans, g.transB ? CblasTrans : CblasNoTrans, g.m, g.n,
                g.k, g.alpha, g.a, lda, g.b, ldb, g.beta, g.c, std::max(1, g.n));
    return;
  }
  // Row bands of C, each a single-threaded sgemm on the pool: OpenBLAS's own threads did not speed
  // up the conv net's fully connected products (512 x 800 x 200, 1.1-1.4 ms each on one thread and
  // on two); the bands are fixed by the sizes, so results do not depend on the thread count.
  SingleThreadedBlas blas;
  ParallelFor(split.count, [&](std::size_t chunk) {
    const std::size_t m0 = split.Begin(chunk), rows = split.Begin(chunk + 1) - m0;
    const float* a = g.a + (g.transA ? m0 : m0 * static_cast<std::size_t>(lda));
    float* c = g.c + m0 * static_cast<std::size_t>(g.n);
    cblas_sgemm(CblasRowMajor, g.transA ? CblasTrans : CblasNoTrans, g.transB ? CblasTrans : CblasNoTrans,
                static_cast<int>(rows), g.n, g.k, g.alpha, a, lda, g.b, ldb, g.beta, c, std::max(1, g.n));
  });
}

namespace {

// gemm(transA, transB, M, N, K, alpha, A, aOffset, B, bOffset, beta, C, cOffset)
Napi::Value GemmJs(const Napi::CallbackInfo& info) {
  GemmArgs g{};
  g.transA = info[0].As<Napi::Boolean>().Value();
  g.transB = info[1].As<Napi::Boolean>().Value();
  g.m = info[2].As<Napi::Number>().Int32Value();
  g.n = info[3].As<Napi::Number>().Int32Value();
  g.k = info[4].As<Napi::Number>().Int32Value();
  g.alpha = info[5].As<Napi::Number>().FloatValue();
  g.a = FloatData(info[6], SizeArg(info[7]));
  g.b = FloatData(info[8], SizeArg(info[9]));
  g.beta = info[10].As<Napi::Number>().FloatValue();
  g.c = FloatData(info[11], SizeArg(info[12]));
  Gemm(g);
  return info.Env().Undefined();
}

}  // namespace

void RegisterGemm(Napi::Env env, Napi::Object exports) {
  exports.Set("gemm", Napi::Function::New(env, GemmJs, "gemm"));
}

}  // namespace spikelab

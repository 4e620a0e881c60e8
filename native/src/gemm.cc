#include <cblas.h>

#include <algorithm>

#include "bindings.h"
#include "kernels.h"

namespace spikelab {

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
  cblas_sgemm(CblasRowMajor, g.transA ? CblasTrans : CblasNoTrans, g.transB ? CblasTrans : CblasNoTrans, g.m, g.n,
              g.k, g.alpha, g.a, lda, g.b, ldb, g.beta, g.c, std::max(1, g.n));
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

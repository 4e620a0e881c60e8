#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "bindings.h"
#include "clones.h"
#include "kernels.h"
#include "threadPool.h"

namespace spikelab {

namespace {

// Columns (neurons) per chunk: enough to vectorise the inner loop and amortise the pool hand-off.
constexpr std::size_t kColumnGrain = 512;
constexpr double kPi = 3.14159265358979323846;

// One-to-one ports of core/snn/surrogates.ts, in double precision like the JS originals. The
// surrogate is a template argument so the fast loops inline it and vectorise.
template <Surrogate G>
inline double SurrogateGradT(double x, double alpha) {
  if constexpr (G == Surrogate::Arctan) {
    const double u = (kPi / 2) * alpha * x;
    return alpha / 2 / (1 + u * u);
  } else if constexpr (G == Surrogate::Sigmoid) {
    const double s = 1 / (1 + std::exp(-alpha * x));
    return alpha * s * (1 - s);
  } else if constexpr (G == Surrogate::FastSigmoid) {
    const double d = 1 + alpha * std::fabs(x);
    return 1 / (d * d);
  } else if constexpr (G == Surrogate::Triangle) {
    const double v = 1 - alpha * std::fabs(x);
    return v > 0 ? alpha * v : 0;
  } else {
    return std::fabs(x) < 0.5 / alpha ? alpha : 0;
  }
}

double SurrogateGrad(Surrogate kind, double x, double alpha) {
  switch (kind) {
    case Surrogate::Arctan:
      return SurrogateGradT<Surrogate::Arctan>(x, alpha);
    case Surrogate::Sigmoid:
      return SurrogateGradT<Surrogate::Sigmoid>(x, alpha);
    case Surrogate::FastSigmoid:
      return SurrogateGradT<Surrogate::FastSigmoid>(x, alpha);
    case Surrogate::Triangle:
      return SurrogateGradT<Surrogate::Triangle>(x, alpha);
    case Surrogate::Rectangle:
      return SurrogateGradT<Surrogate::Rectangle>(x, alpha);
  }
  return 0;
}

// Post-reset membrane for a pre-reset value h and spike s.
inline double ResetMembrane(const NeuronParams& p, double h, double s) {
  switch (p.reset) {
    case Reset::Hard:
      return s != 0 ? p.vReset : h;
    case Reset::Soft:
      return h - p.threshold * s;
    case Reset::None:
      return h;
  }
  return h;
}

// `pick ? a : b` as a bit blend, which GCC vectorises where it keeps a conditional select as a
// branch; the result is the same value, bit for bit.
template <typename F, typename U>
inline F SelectBitsAs(bool pick, F a, F b) {
  U ab, bb;
  std::memcpy(&ab, &a, sizeof ab);
  std::memcpy(&bb, &b, sizeof bb);
  const U mask = U{0} - static_cast<U>(pick);
  const U rb = (ab & mask) | (bb & ~mask);
  F r;
  std::memcpy(&r, &rb, sizeof r);
  return r;
}

inline double SelectBits(bool pick, double a, double b) { return SelectBitsAs<double, std::uint64_t>(pick, a, b); }
inline float SelectBits(bool pick, float a, float b) { return SelectBitsAs<float, std::uint32_t>(pick, a, b); }

inline std::size_t ChunkEnd(std::size_t chunk, std::size_t total) {
  const std::size_t end = (chunk + 1) * kColumnGrain;
  return end < total ? end : total;
}

// Forward without refractory periods (the common case): branch-free per neuron, so the inner loop
// over a chunk's columns vectorises. Same arithmetic as the generic loop, bit for bit. It has an
// AVX-512 clone: measured on one thread over LeNet's lif1 ([8, 64·11520], soft reset) it took 7 ms
// against 18 ms for the AVX2 one; the backward's AVX-512 clone was slower (23 vs 15 ms) and is not
// built.
template <Reset R, bool kWriteV>
SPIKELAB_CLONES_512 void ForwardFast(const NeuronParams& p, std::size_t T, std::size_t N, std::size_t n0, std::size_t width,
                 const float* x, float* s, float* h, float* v) {
  const double decay = p.decay, scale = p.inputScale, bias = p.bias, thr = p.threshold;
  const float vResetF = static_cast<float>(p.vReset);
  std::vector<double> mem(width, p.vInit);
  double* m = mem.data();
  for (std::size_t t = 0; t < T; ++t) {
    const std::size_t off = t * N + n0;
    const float* xt = x + off;
    float* ht = h + off;
    float* st = s + off;
    float* vt = kWriteV ? v + off : nullptr;
    for (std::size_t j = 0; j < width; ++j) {
      const float hf = static_cast<float>(decay * m[j] + scale * static_cast<double>(xt[j]) + bias);
      const bool fire = R != Reset::None && static_cast<double>(hf) >= thr;
      const float sv = fire ? 1.0f : 0.0f;
      float post;
      if constexpr (R == Reset::Hard) {
        // Written as `fire ? vResetF : hf`, GCC kept a branch and left this loop scalar, 3.5x
        // slower than the soft reset (25 vs 7 ms on one thread over LeNet's lif1).
        post = SelectBits(fire, vResetF, hf);
      } else if constexpr (R == Reset::Soft) {
        post = static_cast<float>(static_cast<double>(hf) - thr * static_cast<double>(sv));
      } else {
        post = hf;
      }
      m[j] = post;
      ht[j] = hf;
      st[j] = sv;
      if constexpr (kWriteV) vt[j] = post;
    }
  }
}

// Backward without refractory periods. Parameter gradients are summed per column and then in
// column order, which keeps the loop vectorisable and the result independent of threading.
template <Reset R, Surrogate G>
SPIKELAB_CLONES NeuronGrads BackwardFast(const NeuronParams& p, std::size_t T, std::size_t N, std::size_t n0, std::size_t width,
                         const float* h, const float* s, const float* gradS, const float* gradV, float* gradX) {
  const double decay = p.decay, scale = p.inputScale, thr = p.threshold, vReset = p.vReset, alpha = p.surrogateAlpha;
  const bool detach = p.detachReset;
  std::vector<double> carry(width, 0.0), accDecay(width, 0.0), accThr(width, 0.0), vPrev(width, 0.0);
  const std::vector<float> zeros(width, 0.0f);
  double* c = carry.data();
  double* ad = accDecay.data();
  double* at = accThr.data();
  double* vp = vPrev.data();
  for (std::size_t tt = T; tt-- > 0;) {
    const std::size_t off = tt * N + n0;
    const float* ht = h + off;
    const float* st = s + off;
    const float* gst = gradS != nullptr ? gradS + off : zeros.data();
    const float* gvt = gradV != nullptr ? gradV + off : zeros.data();
    float* gxt = gradX + off;
    if (tt == 0) {
      for (std::size_t j = 0; j < width; ++j) vp[j] = p.vInit;
    } else {
      const float* hp = ht - N;
      const float* sp = st - N;
      for (std::size_t j = 0; j < width; ++j) {
        const double hv = hp[j], sv = sp[j];
        if constexpr (R == Reset::Hard) {
          // Bitwise select, for the same reason as in ForwardFast (the loop stayed scalar).
          vp[j] = SelectBits(sv != 0, vReset, hv);
        } else if constexpr (R == Reset::Soft) {
          vp[j] = hv - thr * sv;
        } else {
          vp[j] = hv;
        }
      }
    }
    for (std::size_t j = 0; j < width; ++j) {
      const double hv = ht[j], sv = st[j];
      const double dV = static_cast<double>(gvt[j]) + c[j];
      double dH;
      if constexpr (R == Reset::None) {
        dH = dV;
      } else {
        const double g = SurrogateGradT<G>(hv - thr, alpha);
        double dS = gst[j];
        double dVdH = 1;
        if constexpr (R == Reset::Hard) {
          dVdH = 1 - sv;
          dS += detach ? 0.0 : dV * (vReset - hv);
        } else {
          dS += detach ? 0.0 : dV * -thr;
          at[j] -= dV * sv;
        }
        dH = dV * dVdH + dS * g;
        at[j] -= dS * g;
      }
      gxt[j] = static_cast<float>(scale * dH);
      ad[j] += dH * vp[j];
      c[j] = decay * dH;
    }
  }
  NeuronGrads out{0, 0};
  for (std::size_t j = 0; j < width; ++j) {
    out.decay += ad[j];
    out.threshold += at[j];
  }
  return out;
}

template <Reset R>
NeuronGrads BackwardFastFor(const NeuronParams& p, std::size_t T, std::size_t N, std::size_t n0, std::size_t width,
                            const float* h, const float* s, const float* gradS, const float* gradV, float* gradX) {
  switch (p.surrogate) {
    case Surrogate::Arctan:
      return BackwardFast<R, Surrogate::Arctan>(p, T, N, n0, width, h, s, gradS, gradV, gradX);
    case Surrogate::Sigmoid:
      return BackwardFast<R, Surrogate::Sigmoid>(p, T, N, n0, width, h, s, gradS, gradV, gradX);
    case Surrogate::FastSigmoid:
      return BackwardFast<R, Surrogate::FastSigmoid>(p, T, N, n0, width, h, s, gradS, gradV, gradX);
    case Surrogate::Triangle:
      return BackwardFast<R, Surrogate::Triangle>(p, T, N, n0, width, h, s, gradS, gradV, gradX);
    case Surrogate::Rectangle:
      return BackwardFast<R, Surrogate::Rectangle>(p, T, N, n0, width, h, s, gradS, gradV, gradX);
  }
  return NeuronGrads{0, 0};
}

void ForwardFastChunk(const NeuronParams& p, std::size_t T, std::size_t N, std::size_t n0, std::size_t width,
                      const float* x, float* s, float* h, float* v) {
  const bool writeV = v != nullptr;
  switch (p.reset) {
    case Reset::Hard:
      return writeV ? ForwardFast<Reset::Hard, true>(p, T, N, n0, width, x, s, h, v)
                    : ForwardFast<Reset::Hard, false>(p, T, N, n0, width, x, s, h, v);
    case Reset::Soft:
      return writeV ? ForwardFast<Reset::Soft, true>(p, T, N, n0, width, x, s, h, v)
                    : ForwardFast<Reset::Soft, false>(p, T, N, n0, width, x, s, h, v);
    case Reset::None:
      return writeV ? ForwardFast<Reset::None, true>(p, T, N, n0, width, x, s, h, v)
                    : ForwardFast<Reset::None, false>(p, T, N, n0, width, x, s, h, v);
  }
}

NeuronGrads BackwardFastChunk(const NeuronParams& p, std::size_t T, std::size_t N, std::size_t n0, std::size_t width,
                              const float* h, const float* s, const float* gradS, const float* gradV, float* gradX) {
  switch (p.reset) {
    case Reset::Hard:
      return BackwardFastFor<Reset::Hard>(p, T, N, n0, width, h, s, gradS, gradV, gradX);
    case Reset::Soft:
      return BackwardFastFor<Reset::Soft>(p, T, N, n0, width, h, s, gradS, gradV, gradX);
    case Reset::None:
      return BackwardFastFor<Reset::None>(p, T, N, n0, width, h, s, gradS, gradV, gradX);
  }
  return NeuronGrads{0, 0};
}

}  // namespace

void NeuronForward(const NeuronParams& p, std::size_t T, std::size_t N, const float* x, float* s, float* h,
                   float* v) {
  ParallelFor(ChunkCount(N, kColumnGrain), [&](std::size_t chunk) {
    const std::size_t n0 = chunk * kColumnGrain, n1 = ChunkEnd(chunk, N), width = n1 - n0;
    if (p.refractory == 0) {
      ForwardFastChunk(p, T, N, n0, width, x, s, h, v);
      return;
    }
    // General loop (refractory periods).
    std::vector<double> mem(width, p.vInit);
    std::vector<int> refr(width, 0);
    for (std::size_t t = 0; t < T; ++t) {
      const std::size_t row = t * N;
      for (std::size_t j = 0; j < width; ++j) {
        const std::size_t i = row + n0 + j;
        double hv;
        double sv = 0;
        if (refr[j] > 0) {
          // Refractory: the membrane is held and input is ignored.
          --refr[j];
          hv = mem[j];
        } else {
          // Charge in double like the reference, then decide on the float32 value that is stored
          // so backward (which only sees H) agrees with the spike that was emitted.
          hv = static_cast<float>(p.decay * mem[j] + p.inputScale * static_cast<double>(x[i]) + p.bias);
          if (p.reset != Reset::None && hv >= p.threshold) {
            sv = 1;
            refr[j] = p.refractory;
          }
          mem[j] = static_cast<float>(ResetMembrane(p, hv, sv));
        }
        h[i] = static_cast<float>(hv);
        s[i] = static_cast<float>(sv);
        if (v != nullptr) v[i] = static_cast<float>(mem[j]);
      }
    }
  });
}

NeuronGrads NeuronBackward(const NeuronParams& p, std::size_t T, std::size_t N, const float* h, const float* s,
                           const float* gradS, const float* gradV, float* gradX) {
  const std::size_t chunks = ChunkCount(N, kColumnGrain);
  std::vector<NeuronGrads> partial(chunks, NeuronGrads{0, 0});
  ParallelFor(chunks, [&](std::size_t chunk) {
    const std::size_t n0 = chunk * kColumnGrain, n1 = ChunkEnd(chunk, N), width = n1 - n0;
    if (p.refractory == 0) {
      partial[chunk] = BackwardFastChunk(p, T, N, n0, width, h, s, gradS, gradV, gradX);
      return;
    }
    // General loop (refractory periods). Which steps were refractory is replayed from the spike
    // train in forward order.
    std::vector<unsigned char> held(T * width, 0);
    std::vector<int> refr(width, 0);
    for (std::size_t t = 0; t < T; ++t) {
      for (std::size_t j = 0; j < width; ++j) {
        if (refr[j] > 0) {
          --refr[j];
          held[t * width + j] = 1;
        } else if (s[t * N + n0 + j] != 0) {
          refr[j] = p.refractory;
        }
      }
    }
    std::vector<double> dVnext(width, 0.0);
    double dDecay = 0, dThreshold = 0;
    for (std::size_t tt = T; tt-- > 0;) {
      const std::size_t row = tt * N;
      for (std::size_t j = 0; j < width; ++j) {
        const std::size_t i = row + n0 + j;
        if (held[tt * width + j]) {
          // Gradients do not flow through refractory steps.
          gradX[i] = 0;
          dVnext[j] = 0;
          continue;
        }
        const double hv = h[i], sv = s[i];
        const double gv = (gradV != nullptr ? static_cast<double>(gradV[i]) : 0.0) + dVnext[j];
        const double gs = gradS != nullptr ? static_cast<double>(gradS[i]) : 0.0;
        double dH;
        if (p.reset == Reset::None) {
          dH = gv;
        } else {
          const double sg = SurrogateGrad(p.surrogate, hv - p.threshold, p.surrogateAlpha);
          double dS = gs;
          double dHdirect;
          if (p.reset == Reset::Hard) {
            dHdirect = gv * (1 - sv);
            if (!p.detachReset) dS += gv * (p.vReset - hv);
          } else {
            dHdirect = gv;
            if (!p.detachReset) dS += gv * -p.threshold;
            dThreshold += gv * -sv;
          }
          dH = dHdirect + dS * sg;
          dThreshold += -dS * sg;
        }
        gradX[i] = static_cast<float>(dH * p.inputScale);
        const double vPrev = tt == 0 ? p.vInit : ResetMembrane(p, h[i - N], s[i - N]);
        dDecay += dH * vPrev;
        dVnext[j] = dH * p.decay;
      }
    }
    partial[chunk] = NeuronGrads{dDecay, dThreshold};
  });
  NeuronGrads total{0, 0};
  for (const auto& g : partial) {
    total.decay += g.decay;
    total.threshold += g.threshold;
  }
  return total;
}

namespace {

NeuronParams ParamsArg(const Napi::Value& value) {
  const Napi::Object o = value.As<Napi::Object>();
  auto num = [&](const char* name) { return o.Get(name).As<Napi::Number>().DoubleValue(); };
  NeuronParams p{};
  p.decay = num("decay");
  p.inputScale = num("inputScale");
  p.bias = num("bias");
  p.threshold = num("threshold");
  p.reset = static_cast<Reset>(o.Get("reset").As<Napi::Number>().Int32Value());
  p.vReset = num("vReset");
  p.vInit = num("vInit");
  p.refractory = o.Get("refractory").As<Napi::Number>().Int32Value();
  p.detachReset = o.Get("detachReset").As<Napi::Boolean>().Value();
  p.surrogate = static_cast<Surrogate>(o.Get("surrogate").As<Napi::Number>().Int32Value());
  p.surrogateAlpha = num("surrogateAlpha");
  return p;
}

// neuronForward(params, T, N, X, S, H, V | null)
Napi::Value NeuronForwardJs(const Napi::CallbackInfo& info) {
  NeuronForward(ParamsArg(info[0]), SizeArg(info[1]), SizeArg(info[2]), FloatData(info[3]), FloatData(info[4]),
                FloatData(info[5]), FloatDataOrNull(info[6]));
  return info.Env().Undefined();
}

// neuronBackward(params, T, N, H, S, gradS | null, gradV | null, gradX) -> [dDecay, dThreshold]
Napi::Value NeuronBackwardJs(const Napi::CallbackInfo& info) {
  const NeuronGrads g = NeuronBackward(ParamsArg(info[0]), SizeArg(info[1]), SizeArg(info[2]), FloatData(info[3]),
                                       FloatData(info[4]), FloatDataOrNull(info[5]), FloatDataOrNull(info[6]),
                                       FloatData(info[7]));
  Napi::Env env = info.Env();
  Napi::Array out = Napi::Array::New(env, 2);
  out.Set(0u, Napi::Number::New(env, g.decay));
  out.Set(1u, Napi::Number::New(env, g.threshold));
  return out;
}

}  // namespace

void RegisterNeuron(Napi::Env env, Napi::Object exports) {
  exports.Set("neuronForward", Napi::Function::New(env, NeuronForwardJs, "neuronForward"));
  exports.Set("neuronBackward", Napi::Function::New(env, NeuronBackwardJs, "neuronBackward"));
}

}  // namespace spikelab

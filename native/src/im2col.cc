#include <algorithm>
#include <vector>

#include "bindings.h"
#include "clones.h"
#include "kernels.h"
#include "threadPool.h"

#ifdef SPIKELAB_AVX512_KERNELS
#include <immintrin.h>
#endif

namespace spikelab {

namespace {
// Below this many output elements per channel the pool hand-off costs more than it saves.
constexpr std::size_t kParallelMinPerCall = 1 << 15;

#ifdef SPIKELAB_AVX512_KERNELS
// Stride-1 rows of LeNet's convolutions are 8 and 24 outputs long: one or two masked 16-lane
// moves each, where a memcpy call per row, or the compiler's loop choosing between its main loop
// and its remainder, spent more than the copy (im2col was 18 % of the convolutions' time, col2im
// 7 %; with these, conv2 took 21 instead of 27.6 ms forward and 44.6 instead of 59 ms backward on
// one thread at T·B = 512). The masks depend only on kj and the 16-lane chunk, so they are
// computed once per call.
inline __mmask16 FirstLanes(int n) {
  return n >= 16 ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << std::max(n, 0)) - 1);
}

// Lanes [lo - j, hi - j) of the 16 starting at j.
inline __mmask16 LaneRange(int j, int lo, int hi) { return FirstLanes(hi - j) & ~FirstLanes(lo - j); }

SPIKELAB_TARGET_AVX512
void Im2colStride1(const ConvGeometry& g, const float* x, float* cols, std::size_t ld, std::size_t c0,
                   std::size_t c1) {
  const std::size_t kArea = static_cast<std::size_t>(g.kernelH) * g.kernelW;
  const int chunks = (g.outW + 15) / 16;
  // Per kj and chunk: the output lanes that exist, and those of them that read the input row
  // (outputs [lo, hi); the rest are padding, zero).
  std::vector<__mmask16> store(chunks), read(static_cast<std::size_t>(g.kernelW) * chunks);
  for (int j = 0; j < chunks; ++j) store[j] = FirstLanes(g.outW - 16 * j);
  for (int kj = 0; kj < g.kernelW; ++kj) {
    const int lo = std::max(0, g.padW - kj), hi = std::min(g.outW, g.width + g.padW - kj);
    for (int j = 0; j < chunks; ++j) read[kj * chunks + j] = LaneRange(16 * j, lo, hi) & store[j];
  }
  for (std::size_t c = c0; c < c1; ++c) {
    const float* xc = x + c * g.height * g.width;
    for (int ki = 0; ki < g.kernelH; ++ki) {
      for (int kj = 0; kj < g.kernelW; ++kj) {
        float* col = cols + (c * kArea + static_cast<std::size_t>(ki) * g.kernelW + kj) * ld;
        const __mmask16* rd = read.data() + kj * chunks;
        for (int oy = 0; oy < g.outH; ++oy, col += g.outW) {
          const int iy = oy * g.strideH - g.padH + ki;
          if (iy < 0 || iy >= g.height) {
            for (int j = 0; j < chunks; ++j) _mm512_mask_storeu_ps(col + 16 * j, store[j], _mm512_setzero_ps());
            continue;
          }
          // Masked-off lanes are never read, so the address may run past the row's ends.
          const float* src = xc + static_cast<std::ptrdiff_t>(iy) * g.width + kj - g.padW;
          for (int j = 0; j < chunks; ++j) {
            _mm512_mask_storeu_ps(col + 16 * j, store[j], _mm512_maskz_loadu_ps(rd[j], src + 16 * j));
          }
        }
      }
    }
  }
}

// Each dx row is loaded once per (ki, oy) and gets its kernel row's kW contributions in registers:
// updating it in memory once per kj made every load wait for the masked store before it (no
// store forwarding between overlapping masked accesses), 60 % of col2im's time. For one dx
// element the additions still run in (ki, kj) order, as in the generic loop.
SPIKELAB_TARGET_AVX512
void Col2imStride1(const ConvGeometry& g, const float* cols, std::size_t ld, float* dx, std::size_t c0,
                   std::size_t c1) {
  const std::size_t kArea = static_cast<std::size_t>(g.kernelH) * g.kernelW;
  const int chunks = (g.width + 15) / 16;
  // Per kj and chunk of the dx row: lanes ix whose column ox = ix + padW - kj is an output.
  std::vector<__mmask16> rowLanes(chunks), add(static_cast<std::size_t>(g.kernelW) * chunks);
  for (int j = 0; j < chunks; ++j) rowLanes[j] = FirstLanes(g.width - 16 * j);
  for (int kj = 0; kj < g.kernelW; ++kj) {
    for (int j = 0; j < chunks; ++j) add[kj * chunks + j] = LaneRange(16 * j, kj - g.padW, g.outW + kj - g.padW) & rowLanes[j];
  }
  for (std::size_t c = c0; c < c1; ++c) {
    float* dc = dx + c * g.height * g.width;
    for (int ki = 0; ki < g.kernelH; ++ki) {
      const float* kiCols = cols + (c * kArea + static_cast<std::size_t>(ki) * g.kernelW) * ld;
      for (int oy = 0; oy < g.outH; ++oy) {
        const int iy = oy * g.strideH - g.padH + ki;
        if (iy < 0 || iy >= g.height) continue;
        float* dst = dc + static_cast<std::size_t>(iy) * g.width;
        for (int j = 0; j < chunks; ++j) {
          __m512 acc = _mm512_maskz_loadu_ps(rowLanes[j], dst + 16 * j);
          for (int kj = 0; kj < g.kernelW; ++kj) {
            const __mmask16 m = add[kj * chunks + j];
            // Lane ix reads column ox = ix + padW - kj of this (ki, kj, oy) row.
            const float* src = kiCols + kj * ld + static_cast<std::size_t>(oy) * g.outW + 16 * j + g.padW - kj;
            acc = _mm512_mask_add_ps(acc, m, acc, _mm512_maskz_loadu_ps(m, src));
          }
          _mm512_mask_storeu_ps(dst + 16 * j, rowLanes[j], acc);
        }
      }
    }
  }
}
#endif
}  // namespace

// Caffe layout (Jia et al. 2014): row (c, ki, kj), column (oy, ox). Rows are `ld` floats apart:
// outH*outW for a lone image, more when the batched convolution lays images side by side.
// Without AVX-512, stride-1 rows are copied by an inline loop: a memcpy call per row cost more than
// the copy.
SPIKELAB_CLONES
void Im2colRows(const ConvGeometry& g, const float* x, float* cols, std::size_t ld, std::size_t c0,
                std::size_t c1) {
#ifdef SPIKELAB_AVX512_KERNELS
  if (g.strideW == 1 && HasAvx512()) {
    Im2colStride1(g, x, cols, ld, c0, c1);
    return;
  }
#endif
  const std::size_t kArea = static_cast<std::size_t>(g.kernelH) * g.kernelW;
  for (std::size_t c = c0; c < c1; ++c) {
    const float* xc = x + c * g.height * g.width;
    for (int ki = 0; ki < g.kernelH; ++ki) {
      for (int kj = 0; kj < g.kernelW; ++kj) {
        float* __restrict col = cols + (c * kArea + static_cast<std::size_t>(ki) * g.kernelW + kj) * ld;
        // Stride 1: outputs [lo, hi) read the contiguous run row[ox + kj - padW]; the rest is padding.
        const int lo = std::max(0, g.padW - kj), hi = std::max(lo, std::min(g.outW, g.width + g.padW - kj));
        for (int oy = 0; oy < g.outH; ++oy) {
          const int iy = oy * g.strideH - g.padH + ki;
          if (iy < 0 || iy >= g.height) {
            for (int ox = 0; ox < g.outW; ++ox) col[ox] = 0.0f;
          } else {
            const float* row = xc + static_cast<std::size_t>(iy) * g.width;
            if (g.strideW == 1) {
              const float* __restrict src = row + (lo + kj - g.padW);
              for (int ox = 0; ox < lo; ++ox) col[ox] = 0.0f;
              for (int i = 0; i < hi - lo; ++i) col[lo + i] = src[i];
              for (int ox = hi; ox < g.outW; ++ox) col[ox] = 0.0f;
            } else {
              for (int ox = 0; ox < g.outW; ++ox) {
                const int ix = ox * g.strideW - g.padW + kj;
                col[ox] = (ix >= 0 && ix < g.width) ? row[ix] : 0.0f;
              }
            }
          }
          col += g.outW;
        }
      }
    }
  }
}

// Adjoint of Im2colRows: within a channel the additions run in (ki, kj, oy, ox) order.
SPIKELAB_CLONES
void Col2imRows(const ConvGeometry& g, const float* cols, std::size_t ld, float* dx, std::size_t c0, std::size_t c1) {
#ifdef SPIKELAB_AVX512_KERNELS
  if (g.strideW == 1 && HasAvx512()) {
    Col2imStride1(g, cols, ld, dx, c0, c1);
    return;
  }
#endif
  const std::size_t kArea = static_cast<std::size_t>(g.kernelH) * g.kernelW;
  for (std::size_t c = c0; c < c1; ++c) {
    float* dc = dx + c * g.height * g.width;
    for (int ki = 0; ki < g.kernelH; ++ki) {
      for (int kj = 0; kj < g.kernelW; ++kj) {
        const float* __restrict col = cols + (c * kArea + static_cast<std::size_t>(ki) * g.kernelW + kj) * ld;
        const int lo = std::max(0, g.padW - kj), hi = std::max(lo, std::min(g.outW, g.width + g.padW - kj));
        for (int oy = 0; oy < g.outH; ++oy) {
          const int iy = oy * g.strideH - g.padH + ki;
          if (iy >= 0 && iy < g.height) {
            float* row = dc + static_cast<std::size_t>(iy) * g.width;
            if (g.strideW == 1) {
              float* __restrict dst = row + (lo + kj - g.padW);
              for (int i = 0; i < hi - lo; ++i) dst[i] += col[lo + i];
            } else {
              for (int ox = 0; ox < g.outW; ++ox) {
                const int ix = ox * g.strideW - g.padW + kj;
                if (ix >= 0 && ix < g.width) row[ix] += col[ox];
              }
            }
          }
          col += g.outW;
        }
      }
    }
  }
}

// One image: channels run in parallel when the image is large enough; each channel's rows (and,
// for col2im, each channel of dx) belong to one chunk, so results do not depend on threads.
void Im2col(const ConvGeometry& g, const float* x, float* cols) {
  const std::size_t outArea = static_cast<std::size_t>(g.outH) * g.outW;
  const std::size_t C = static_cast<std::size_t>(g.channels);
  if (C * g.kernelH * g.kernelW * outArea < kParallelMinPerCall) {
    Im2colRows(g, x, cols, outArea, 0, C);
  } else {
    ParallelFor(C, [&](std::size_t c) { Im2colRows(g, x, cols, outArea, c, c + 1); });
  }
}

void Col2im(const ConvGeometry& g, const float* cols, float* dx) {
  const std::size_t outArea = static_cast<std::size_t>(g.outH) * g.outW;
  const std::size_t C = static_cast<std::size_t>(g.channels);
  if (C * g.kernelH * g.kernelW * outArea < kParallelMinPerCall) {
    Col2imRows(g, cols, outArea, dx, 0, C);
  } else {
    ParallelFor(C, [&](std::size_t c) { Col2imRows(g, cols, outArea, dx, c, c + 1); });
  }
}

ConvGeometry GeometryArg(const Napi::Value& v) {
  const Napi::Object o = v.As<Napi::Object>();
  auto field = [&](const char* name) { return o.Get(name).As<Napi::Number>().Int32Value(); };
  return ConvGeometry{field("channels"), field("height"),  field("width"), field("kernelH"),
                      field("kernelW"),  field("strideH"), field("strideW"), field("padH"),
                      field("padW"),     field("outH"),    field("outW")};
}

namespace {

// im2col(geometry, x, xOffset, cols, colsOffset)
Napi::Value Im2colJs(const Napi::CallbackInfo& info) {
  Im2col(GeometryArg(info[0]), FloatData(info[1], SizeArg(info[2])), FloatData(info[3], SizeArg(info[4])));
  return info.Env().Undefined();
}

// col2im(geometry, cols, colsOffset, dx, dxOffset)
Napi::Value Col2imJs(const Napi::CallbackInfo& info) {
  Col2im(GeometryArg(info[0]), FloatData(info[1], SizeArg(info[2])), FloatData(info[3], SizeArg(info[4])));
  return info.Env().Undefined();
}

}  // namespace

void RegisterIm2col(Napi::Env env, Napi::Object exports) {
  exports.Set("im2col", Napi::Function::New(env, Im2colJs, "im2col"));
  exports.Set("col2im", Napi::Function::New(env, Col2imJs, "col2im"));
}

}  // namespace spikelab

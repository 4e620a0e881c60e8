#include <algorithm>
#include <cstring>

#include "bindings.h"
#include "kernels.h"
#include "threadPool.h"

namespace spikelab {

namespace {
// Below this many output elements per channel the pool hand-off costs more than it saves.
constexpr std::size_t kParallelMinPerCall = 1 << 15;
}  // namespace

// Caffe layout (Jia et al. 2014): row (c, ki, kj), column (oy, ox). Rows are `ld` floats apart:
// outH*outW for a lone image, more when the batched convolution lays images side by side.
void Im2colRows(const ConvGeometry& g, const float* x, float* cols, std::size_t ld, std::size_t c0,
                std::size_t c1) {
  const std::size_t kArea = static_cast<std::size_t>(g.kernelH) * g.kernelW;
  for (std::size_t c = c0; c < c1; ++c) {
    const float* xc = x + c * g.height * g.width;
    for (int ki = 0; ki < g.kernelH; ++ki) {
      for (int kj = 0; kj < g.kernelW; ++kj) {
        float* col = cols + (c * kArea + static_cast<std::size_t>(ki) * g.kernelW + kj) * ld;
        for (int oy = 0; oy < g.outH; ++oy) {
          const int iy = oy * g.strideH - g.padH + ki;
          if (iy < 0 || iy >= g.height) {
            for (int ox = 0; ox < g.outW; ++ox) col[ox] = 0.0f;
          } else {
            const float* row = xc + static_cast<std::size_t>(iy) * g.width;
            if (g.strideW == 1) {
              // Contiguous source run: only the padded borders need the bounds test.
              const int lo = std::max(0, g.padW - kj), hi = std::min(g.outW, g.width + g.padW - kj);
              for (int ox = 0; ox < lo; ++ox) col[ox] = 0.0f;
              if (hi > lo) std::memcpy(col + lo, row + lo - g.padW + kj, static_cast<std::size_t>(hi - lo) * sizeof(float));
              for (int ox = std::max(lo, hi); ox < g.outW; ++ox) col[ox] = 0.0f;
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
void Col2imRows(const ConvGeometry& g, const float* cols, std::size_t ld, float* dx, std::size_t c0, std::size_t c1) {
  const std::size_t kArea = static_cast<std::size_t>(g.kernelH) * g.kernelW;
  for (std::size_t c = c0; c < c1; ++c) {
    float* dc = dx + c * g.height * g.width;
    for (int ki = 0; ki < g.kernelH; ++ki) {
      for (int kj = 0; kj < g.kernelW; ++kj) {
        const float* col = cols + (c * kArea + static_cast<std::size_t>(ki) * g.kernelW + kj) * ld;
        for (int oy = 0; oy < g.outH; ++oy) {
          const int iy = oy * g.strideH - g.padH + ki;
          if (iy >= 0 && iy < g.height) {
            float* row = dc + static_cast<std::size_t>(iy) * g.width;
            for (int ox = 0; ox < g.outW; ++ox) {
              const int ix = ox * g.strideW - g.padW + kj;
              if (ix >= 0 && ix < g.width) row[ix] += col[ox];
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

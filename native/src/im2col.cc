#include "bindings.h"
#include "kernels.h"
#include "threadPool.h"

namespace spikelab {

namespace {
// Below this many output elements per channel the pool hand-off costs more than it saves.
constexpr std::size_t kParallelMinPerCall = 1 << 15;
}  // namespace

// Caffe layout (Jia et al. 2014): row (c, ki, kj), column (oy, ox).
void Im2col(const ConvGeometry& g, const float* x, float* cols) {
  const std::size_t outArea = static_cast<std::size_t>(g.outH) * g.outW;
  const std::size_t kArea = static_cast<std::size_t>(g.kernelH) * g.kernelW;
  auto channel = [&](std::size_t c) {
    const float* xc = x + c * g.height * g.width;
    float* col = cols + c * kArea * outArea;
    for (int ki = 0; ki < g.kernelH; ++ki) {
      for (int kj = 0; kj < g.kernelW; ++kj) {
        for (int oy = 0; oy < g.outH; ++oy) {
          const int iy = oy * g.strideH - g.padH + ki;
          if (iy < 0 || iy >= g.height) {
            for (int ox = 0; ox < g.outW; ++ox) col[ox] = 0.0f;
          } else {
            const float* row = xc + static_cast<std::size_t>(iy) * g.width;
            for (int ox = 0; ox < g.outW; ++ox) {
              const int ix = ox * g.strideW - g.padW + kj;
              col[ox] = (ix >= 0 && ix < g.width) ? row[ix] : 0.0f;
            }
          }
          col += g.outW;
        }
      }
    }
  };
  const std::size_t C = static_cast<std::size_t>(g.channels);
  if (C * kArea * outArea < kParallelMinPerCall) {
    for (std::size_t c = 0; c < C; ++c) channel(c);
  } else {
    ParallelFor(C, channel);
  }
}

// Adjoint of Im2col; each channel of dx is written by one chunk only, and within a channel the
// additions run in the same (ki, kj, oy, ox) order as a serial loop.
void Col2im(const ConvGeometry& g, const float* cols, float* dx) {
  const std::size_t outArea = static_cast<std::size_t>(g.outH) * g.outW;
  const std::size_t kArea = static_cast<std::size_t>(g.kernelH) * g.kernelW;
  auto channel = [&](std::size_t c) {
    float* dc = dx + c * g.height * g.width;
    const float* col = cols + c * kArea * outArea;
    for (int ki = 0; ki < g.kernelH; ++ki) {
      for (int kj = 0; kj < g.kernelW; ++kj) {
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
  };
  const std::size_t C = static_cast<std::size_t>(g.channels);
  if (C * kArea * outArea < kParallelMinPerCall) {
    for (std::size_t c = 0; c < C; ++c) channel(c);
  } else {
    ParallelFor(C, channel);
  }
}

namespace {

ConvGeometry GeometryArg(const Napi::Value& v) {
  const Napi::Object o = v.As<Napi::Object>();
  auto field = [&](const char* name) { return o.Get(name).As<Napi::Number>().Int32Value(); };
  return ConvGeometry{field("channels"), field("height"),  field("width"), field("kernelH"),
                      field("kernelW"),  field("strideH"), field("strideW"), field("padH"),
                      field("padW"),     field("outH"),    field("outW")};
}

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

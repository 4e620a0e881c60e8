// Average pooling over [planes, H, W], with the reference's arithmetic (sums in double, in the
// same order), so both backends agree bit for bit. Planes are independent; chunks of planes run on
// the pool. Over a conv layer's whole T·B output these loops were a tenth of a LeNet training step
// in JavaScript.
#include <algorithm>
#include <cstring>

#include "bindings.h"
#include "clones.h"
#include "kernels.h"
#include "threadPool.h"

namespace spikelab {

namespace {

// Input floats per chunk: enough to amortise the hand-off, small enough to balance two threads.
constexpr std::size_t kChunkFloats = 1 << 16;

std::size_t PlanesPerChunk(const PoolGeometry& g) {
  const std::size_t plane = static_cast<std::size_t>(g.height) * g.width;
  return plane == 0 ? g.planes : std::max<std::size_t>(1, kChunkFloats / plane);
}

SPIKELAB_CLONES
void Forward2x2(const PoolGeometry& g, std::size_t p0, std::size_t p1, const float* x, float* out) {
  const std::size_t w = g.width, inPlane = static_cast<std::size_t>(g.height) * w;
  const std::size_t outW = g.outW, outPlane = static_cast<std::size_t>(g.outH) * outW;
  for (std::size_t p = p0; p < p1; ++p) {
    for (std::size_t oy = 0; oy < static_cast<std::size_t>(g.outH); ++oy) {
      const float* r0 = x + p * inPlane + 2 * oy * w;
      const float* r1 = r0 + w;
      float* o = out + p * outPlane + oy * outW;
      for (std::size_t ox = 0; ox < outW; ++ox) {
        double s = static_cast<double>(r0[2 * ox]) + static_cast<double>(r0[2 * ox + 1]);
        s += static_cast<double>(r1[2 * ox]);
        s += static_cast<double>(r1[2 * ox + 1]);
        o[ox] = static_cast<float>(s * 0.25);
      }
    }
  }
}

void ForwardGeneral(const PoolGeometry& g, std::size_t p0, std::size_t p1, const float* x, float* out) {
  const std::size_t w = g.width, inPlane = static_cast<std::size_t>(g.height) * w;
  const std::size_t outPlane = static_cast<std::size_t>(g.outH) * g.outW;
  const double inv = 1.0 / (static_cast<double>(g.size) * g.size);
  for (std::size_t p = p0; p < p1; ++p) {
    for (int oy = 0; oy < g.outH; ++oy) {
      for (int ox = 0; ox < g.outW; ++ox) {
        double acc = 0;
        for (int ky = 0; ky < g.size; ++ky) {
          const float* row = x + p * inPlane + static_cast<std::size_t>(oy * g.stride + ky) * w + ox * g.stride;
          for (int kx = 0; kx < g.size; ++kx) acc += row[kx];
        }
        out[p * outPlane + static_cast<std::size_t>(oy) * g.outW + ox] = static_cast<float>(acc * inv);
      }
    }
  }
}

SPIKELAB_CLONES
void Backward2x2(const PoolGeometry& g, std::size_t p0, std::size_t p1, const float* gy, float* dx) {
  const std::size_t w = g.width, inPlane = static_cast<std::size_t>(g.height) * w;
  const std::size_t outW = g.outW, outPlane = static_cast<std::size_t>(g.outH) * outW;
  // Odd H or W leave a floor-mode remainder that no window covers.
  if (g.height % 2 != 0 || g.width % 2 != 0) std::memset(dx + p0 * inPlane, 0, (p1 - p0) * inPlane * sizeof(float));
  for (std::size_t p = p0; p < p1; ++p) {
    for (std::size_t oy = 0; oy < static_cast<std::size_t>(g.outH); ++oy) {
      float* r0 = dx + p * inPlane + 2 * oy * w;
      float* r1 = r0 + w;
      const float* o = gy + p * outPlane + oy * outW;
      for (std::size_t ox = 0; ox < outW; ++ox) {
        const float v = static_cast<float>(static_cast<double>(o[ox]) * 0.25);
        r0[2 * ox] = v;
        r0[2 * ox + 1] = v;
        r1[2 * ox] = v;
        r1[2 * ox + 1] = v;
      }
    }
  }
}

void BackwardGeneral(const PoolGeometry& g, std::size_t p0, std::size_t p1, const float* gy, float* dx) {
  const std::size_t w = g.width, inPlane = static_cast<std::size_t>(g.height) * w;
  const std::size_t outPlane = static_cast<std::size_t>(g.outH) * g.outW;
  const double inv = 1.0 / (static_cast<double>(g.size) * g.size);
  std::memset(dx + p0 * inPlane, 0, (p1 - p0) * inPlane * sizeof(float));
  for (std::size_t p = p0; p < p1; ++p) {
    for (int oy = 0; oy < g.outH; ++oy) {
      for (int ox = 0; ox < g.outW; ++ox) {
        const double v = gy[p * outPlane + static_cast<std::size_t>(oy) * g.outW + ox] * inv;
        for (int ky = 0; ky < g.size; ++ky) {
          float* row = dx + p * inPlane + static_cast<std::size_t>(oy * g.stride + ky) * w + ox * g.stride;
          for (int kx = 0; kx < g.size; ++kx) row[kx] = static_cast<float>(static_cast<double>(row[kx]) + v);
        }
      }
    }
  }
}

}  // namespace

void AvgPoolForward(const PoolGeometry& g, const float* x, float* out) {
  const std::size_t per = PlanesPerChunk(g);
  const bool unrolled = g.size == 2 && g.stride == 2;
  ParallelFor(ChunkCount(g.planes, per), [&](std::size_t chunk) {
    const std::size_t p0 = chunk * per, p1 = std::min(g.planes, p0 + per);
    if (unrolled) Forward2x2(g, p0, p1, x, out);
    else ForwardGeneral(g, p0, p1, x, out);
  });
}

void AvgPoolBackward(const PoolGeometry& g, const float* gy, float* dx) {
  const std::size_t per = PlanesPerChunk(g);
  const bool unrolled = g.size == 2 && g.stride == 2;
  ParallelFor(ChunkCount(g.planes, per), [&](std::size_t chunk) {
    const std::size_t p0 = chunk * per, p1 = std::min(g.planes, p0 + per);
    if (unrolled) Backward2x2(g, p0, p1, gy, dx);
    else BackwardGeneral(g, p0, p1, gy, dx);
  });
}

namespace {

PoolGeometry PoolArg(const Napi::Value& v) {
  const Napi::Object o = v.As<Napi::Object>();
  auto field = [&](const char* name) { return o.Get(name).As<Napi::Number>().Int32Value(); };
  PoolGeometry g{};
  g.planes = SizeArg(o.Get("planes"));
  g.height = field("height");
  g.width = field("width");
  g.size = field("size");
  g.stride = field("stride");
  g.outH = field("outH");
  g.outW = field("outW");
  return g;
}

// avgPool2dForward(geometry, x, out)
Napi::Value AvgPoolForwardJs(const Napi::CallbackInfo& info) {
  AvgPoolForward(PoolArg(info[0]), FloatData(info[1]), FloatData(info[2]));
  return info.Env().Undefined();
}

// avgPool2dBackward(geometry, gy, dx)
Napi::Value AvgPoolBackwardJs(const Napi::CallbackInfo& info) {
  AvgPoolBackward(PoolArg(info[0]), FloatData(info[1]), FloatData(info[2]));
  return info.Env().Undefined();
}

}  // namespace

void RegisterPool(Napi::Env env, Napi::Object exports) {
  exports.Set("avgPool2dForward", Napi::Function::New(env, AvgPoolForwardJs, "avgPool2dForward"));
  exports.Set("avgPool2dBackward", Napi::Function::New(env, AvgPoolBackwardJs, "avgPool2dBackward"));
}

}  // namespace spikelab

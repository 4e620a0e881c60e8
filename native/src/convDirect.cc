#include "convDirect.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "clones.h"

#ifdef SPIKELAB_AVX512_KERNELS
#include <immintrin.h>
#endif

namespace spikelab {

namespace {

constexpr std::size_t kLanes = 16;
constexpr std::size_t kMaxFilters = 64;
// dW and dx with fewer taps per output than this stay with im2col + GEMM: the columns are then small
// (25 floats per output for LeNet's conv1), and the direct dW's fixed work per output and image
// (transposing dY, a block's accumulators) weighs more: conv1's backward took 9.5 instead of
// 8.3 ms direct, conv2's (500 taps) 39.7 instead of 43.9 ms, on one thread at T·B = 512.
constexpr std::size_t kMinGradTaps = 64;
// Accumulator registers of a dW block: taps × V filter vectors (plus V for an output's gradients
// and one broadcast, within the 32 vector registers).
constexpr int kAccumulators = 24;
// Outputs per block of the image-lane forward: 4 filters × 5 outputs of accumulators, 5 input
// vectors and a broadcast filter value.
constexpr std::size_t kImagePositions = 5;
constexpr std::size_t kImageFilters = 4;
constexpr std::size_t kInputBytesInL1 = 24 * 1024;

template <typename T>
T* ThreadBuffer(std::vector<T>& buffer, std::size_t n) {
  if (buffer.size() < n) buffer.resize(n);
  return buffer.data();
}

// Calls block(std::integral_constant<int, n>) for the n < kImagePositions outputs left after the
// full blocks (nothing when n is 0): the block width must be a compile-time constant.
template <typename Block>
void ForLastBlock(std::size_t n, Block&& block) {
  static_assert(kImagePositions == 5, "the cases below cover every narrower last block");
  switch (n) {
    case 1: block(std::integral_constant<int, 1>{}); break;
    case 2: block(std::integral_constant<int, 2>{}); break;
    case 3: block(std::integral_constant<int, 3>{}); break;
    case 4: block(std::integral_constant<int, 4>{}); break;
    default: break;
  }
}

#ifdef SPIKELAB_AVX512_KERNELS
inline __mmask16 FirstLanes(int n) {
  return n >= 16 ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << std::max(n, 0)) - 1);
}

// out[f][q] for F filters × P outputs of 16 images at once, images along the lanes: xT holds the
// images' padded input as [c][y][x][16 images], so one load gives a tap's input for all 16, and a
// tap's F filter values are broadcast. Every lane does useful work: with filters along the lanes
// instead, a quarter of LeNet conv2's lanes idled (50 of 64) and its forward took 17.6 ms on one
// thread at T·B = 512, against 13-15 ms now (21 with im2col + GEMM); conv1's 4.6 against 6.6.
// outT rows (one per filter and output) are 16 floats; pos[j] is output j's window origin.
template <int F, int P>
SPIKELAB_TARGET_AVX512 void ImageBlock(const ConvGeometry& g, const float* xT, std::size_t plane, std::size_t wp,
                                       const std::int32_t* pos, const float* wg, std::size_t colRows, const float* bias,
                                       int c0, int c1, std::size_t outArea, float* outT) {
  __m512 acc[F][P];
  for (int f = 0; f < F; ++f) {
    for (int j = 0; j < P; ++j) {
      if (c0 > 0) acc[f][j] = _mm512_loadu_ps(outT + (f * outArea + j) * kLanes);
      else acc[f][j] = bias != nullptr ? _mm512_set1_ps(bias[f]) : _mm512_setzero_ps();
    }
  }
  std::size_t tap = static_cast<std::size_t>(c0) * g.kernelH * g.kernelW;
  for (int c = c0; c < c1; ++c) {
    for (int ki = 0; ki < g.kernelH; ++ki) {
      const float* xr = xT + (c * plane + ki * wp) * kLanes;
      for (int kj = 0; kj < g.kernelW; ++kj, ++tap) {
        const float* xk = xr + kj * kLanes;
        __m512 xv[P];
        for (int j = 0; j < P; ++j) xv[j] = _mm512_loadu_ps(xk + static_cast<std::size_t>(pos[j]) * kLanes);
        for (int f = 0; f < F; ++f) {
          const __m512 wv = _mm512_set1_ps(wg[f * colRows + tap]);
          for (int j = 0; j < P; ++j) acc[f][j] = _mm512_fmadd_ps(wv, xv[j], acc[f][j]);
        }
      }
    }
  }
  for (int f = 0; f < F; ++f) {
    for (int j = 0; j < P; ++j) _mm512_storeu_ps(outT + (f * outArea + j) * kLanes, acc[f][j]);
  }
}

// Every output for F filters and channels [c0, c1), in blocks of P and one last narrower block
// (blocks must not overlap: each adds its channels to the partial sums in outT).
template <int F>
void ImageFilters(const ConvGeometry& g, const float* xT, std::size_t plane, std::size_t wp, const std::int32_t* origin,
                  std::size_t outArea, const float* wg, std::size_t colRows, const float* bias, int c0, int c1,
                  float* outT) {
  constexpr std::size_t P = kImagePositions;
  std::size_t q = 0;
  for (; q + P <= outArea; q += P) {
    ImageBlock<F, P>(g, xT, plane, wp, origin + q, wg, colRows, bias, c0, c1, outArea, outT + q * kLanes);
  }
  const auto rest = [&](auto width) {
    ImageBlock<F, decltype(width)::value>(g, xT, plane, wp, origin + q, wg, colRows, bias, c0, c1, outArea, outT + q * kLanes);
  };
  ForLastBlock(outArea - q, rest);
}

// dx of 16 images at once, images along the lanes: for T taps × P outputs, Σ_f W[f][tap]·dY[f][q]
// (dY as [f][q][16 images]) in registers, then added to dxT (the padded input gradient as
// [c][y][x][16 images]) at each tap's input position. The same products as Wᵀ · dY followed by
// col2im, without writing and re-reading the [colRows, outputs] matrix between them.
template <int T, int P>
SPIKELAB_TARGET_AVX512 void DxBlock(std::size_t fg, std::size_t colRows, std::size_t outArea, const float* wg,
                                    const float* gyT, const std::int32_t* tapOff, const std::int32_t* pos, float* dxT) {
  __m512 acc[T][P];
  for (int t = 0; t < T; ++t) {
    for (int j = 0; j < P; ++j) acc[t][j] = _mm512_setzero_ps();
  }
  for (std::size_t f = 0; f < fg; ++f) {
    __m512 gv[P];
    for (int j = 0; j < P; ++j) gv[j] = _mm512_loadu_ps(gyT + (f * outArea + j) * kLanes);
    for (int t = 0; t < T; ++t) {
      const __m512 wv = _mm512_set1_ps(wg[f * colRows + t]);
      for (int j = 0; j < P; ++j) acc[t][j] = _mm512_fmadd_ps(wv, gv[j], acc[t][j]);
    }
  }
  for (int t = 0; t < T; ++t) {
    for (int j = 0; j < P; ++j) {
      float* d = dxT + static_cast<std::size_t>(tapOff[t] + pos[j]) * kLanes;
      _mm512_storeu_ps(d, _mm512_add_ps(_mm512_loadu_ps(d), acc[t][j]));
    }
  }
}

// Every output for T taps, in blocks of P and one last narrower block.
template <int T>
void DxTaps(std::size_t fg, std::size_t colRows, std::size_t outArea, const float* wg, const float* gyT,
            const std::int32_t* tapOff, const std::int32_t* origin, float* dxT) {
  constexpr std::size_t P = kImagePositions;
  std::size_t q = 0;
  for (; q + P <= outArea; q += P) DxBlock<T, P>(fg, colRows, outArea, wg, gyT + q * kLanes, tapOff, origin + q, dxT);
  const auto rest = [&](auto width) {
    DxBlock<T, decltype(width)::value>(fg, colRows, outArea, wg, gyT + q * kLanes, tapOff, origin + q, dxT);
  };
  ForLastBlock(outArea - q, rest);
}

// dWT[tap][0, 16·V) += Σ over outputs q, in order, of x[tap at q] · gyT[q][0, 16·V) for the B taps
// at offsets tapOff[0, B) (in the padded input, from a window's origin): B taps × V vectors of
// accumulators, each output's gradients loaded once for the B taps.
template <int B, int V>
SPIKELAB_TARGET_AVX512 void TapBlock(const float* xp, const std::int32_t* origin, std::size_t outArea,
                                     const std::int32_t* tapOff, const float* gyT, std::size_t ld, float* dWT) {
  __m512 acc[B][V];
  for (int t = 0; t < B; ++t) {
    for (int u = 0; u < V; ++u) acc[t][u] = _mm512_loadu_ps(dWT + t * ld + kLanes * u);
  }
  for (std::size_t q = 0; q < outArea; ++q) {
    __m512 gv[V];
    for (int u = 0; u < V; ++u) gv[u] = _mm512_loadu_ps(gyT + q * ld + kLanes * u);
    const float* xq = xp + origin[q];
    for (int t = 0; t < B; ++t) {
      const __m512 xv = _mm512_set1_ps(xq[tapOff[t]]);
      for (int u = 0; u < V; ++u) acc[t][u] = _mm512_fmadd_ps(xv, gv[u], acc[t][u]);
    }
  }
  for (int t = 0; t < B; ++t) {
    for (int u = 0; u < V; ++u) _mm512_storeu_ps(dWT + t * ld + kLanes * u, acc[t][u]);
  }
}

// Every tap in blocks of B, the rest one by one (a shifted block would add twice).
template <int V>
void AllTaps(const float* xp, const std::int32_t* origin, std::size_t outArea, const std::int32_t* tapOff,
             std::size_t taps, const float* gyT, std::size_t ld, float* dWT) {
  constexpr int B = kAccumulators / V;
  std::size_t t = 0;
  for (; t + B <= taps; t += B) TapBlock<B, V>(xp, origin, outArea, tapOff + t, gyT, ld, dWT + t * ld);
  for (; t < taps; ++t) TapBlock<1, V>(xp, origin, outArea, tapOff + t, gyT, ld, dWT + t * ld);
}

// dst[k][i] = src[i][k] + add[k] over a block of at most 16 × 16: src rows i < srcRows (later rows
// read as zeros), srcCols floats each; dst rows k < dstRows, dstLanes lanes each stored. Unpacks
// and lane shuffles in registers.
SPIKELAB_TARGET_AVX512 void Transpose16(const float* src, std::size_t lds, int srcRows, int srcCols, float* dst,
                                        std::size_t ldd, int dstRows, int dstLanes, const float* add) {
  // Zero-masked forms with every lane on: the plain ones start from an undefined vector, which
  // GCC 12 reports as uninitialised.
  constexpr __mmask16 kAll = 0xFFFF;
  __m512 r[16], t[16];
  const __mmask16 cols = FirstLanes(srcCols);
  for (int i = 0; i < 16; ++i) r[i] = i < srcRows ? _mm512_maskz_loadu_ps(cols, src + i * lds) : _mm512_setzero_ps();
  for (int i = 0; i < 16; i += 2) {
    t[i] = _mm512_maskz_unpacklo_ps(kAll, r[i], r[i + 1]);
    t[i + 1] = _mm512_maskz_unpackhi_ps(kAll, r[i], r[i + 1]);
  }
  for (int i = 0; i < 16; i += 4) {
    r[i] = _mm512_maskz_shuffle_ps(kAll, t[i], t[i + 2], _MM_SHUFFLE(1, 0, 1, 0));
    r[i + 1] = _mm512_maskz_shuffle_ps(kAll, t[i], t[i + 2], _MM_SHUFFLE(3, 2, 3, 2));
    r[i + 2] = _mm512_maskz_shuffle_ps(kAll, t[i + 1], t[i + 3], _MM_SHUFFLE(1, 0, 1, 0));
    r[i + 3] = _mm512_maskz_shuffle_ps(kAll, t[i + 1], t[i + 3], _MM_SHUFFLE(3, 2, 3, 2));
  }
  for (int i = 0; i < 4; ++i) {
    t[i] = _mm512_maskz_shuffle_f32x4(kAll, r[i], r[i + 4], 0x88);
    t[i + 4] = _mm512_maskz_shuffle_f32x4(kAll, r[i], r[i + 4], 0xdd);
    t[i + 8] = _mm512_maskz_shuffle_f32x4(kAll, r[i + 8], r[i + 12], 0x88);
    t[i + 12] = _mm512_maskz_shuffle_f32x4(kAll, r[i + 8], r[i + 12], 0xdd);
  }
  for (int i = 0; i < 8; ++i) {
    r[i] = _mm512_maskz_shuffle_f32x4(kAll, t[i], t[i + 8], 0x88);
    r[i + 8] = _mm512_maskz_shuffle_f32x4(kAll, t[i], t[i + 8], 0xdd);
  }
  const __mmask16 lanes = FirstLanes(dstLanes);
  for (int k = 0; k < dstRows; ++k) {
    const __m512 v = add != nullptr ? _mm512_add_ps(_mm512_set1_ps(add[k]), r[k]) : r[k];
    _mm512_mask_storeu_ps(dst + k * ldd, lanes, v);
  }
}
#endif

}  // namespace

std::size_t DirectLanes(std::size_t fg) { return (fg + kLanes - 1) / kLanes * kLanes; }

bool ConvDirectForward(const ConvBatch& c) {
  return HasAvx512() && c.groups > 0 && static_cast<std::size_t>(c.filters / c.groups) <= kMaxFilters;
}

bool ConvDirectGradW(const ConvBatch& c) {
  const std::size_t taps = static_cast<std::size_t>(c.g.channels) * c.g.kernelH * c.g.kernelW;
  return ConvDirectForward(c) && taps >= kMinGradTaps;
}

#ifdef SPIKELAB_AVX512_KERNELS
// Where the kernels read: each output's window origin and each tap's offset from it, in a padded
// input plane of wp columns (plane = hp·wp floats per channel). Computed once per call of a kernel,
// not per image (two divisions per tap).
struct Offsets {
  std::size_t wp, plane;
  const std::int32_t* origin;
  const std::int32_t* tap;
};

Offsets WindowOffsets(const ConvGeometry& g) {
  thread_local std::vector<std::int32_t> originBuffer, tapBuffer;
  const std::size_t hp = static_cast<std::size_t>(g.height) + 2 * g.padH, wp = static_cast<std::size_t>(g.width) + 2 * g.padW;
  const std::size_t plane = hp * wp, outArea = static_cast<std::size_t>(g.outH) * g.outW;
  const std::size_t kArea = static_cast<std::size_t>(g.kernelH) * g.kernelW, taps = g.channels * kArea;
  std::int32_t* origin = ThreadBuffer(originBuffer, outArea);
  for (std::size_t q = 0; q < outArea; ++q) {
    const std::size_t oy = q / g.outW, ox = q % g.outW;
    origin[q] = static_cast<std::int32_t>(oy * g.strideH * wp + ox * g.strideW);
  }
  std::int32_t* tap = ThreadBuffer(tapBuffer, taps);
  for (std::size_t t = 0; t < taps; ++t) {
    const std::size_t c = t / kArea, k = t % kArea;
    tap[t] = static_cast<std::int32_t>(c * plane + (k / g.kernelW) * wp + k % g.kernelW);
  }
  return Offsets{wp, plane, origin, tap};
}

// One image's input as the dW kernel reads it: x itself, or a zero-bordered copy where padding is
// set (so every tap of every window reads real memory).
const float* PaddedImage(const ConvGeometry& g, const Offsets& o, const float* x) {
  thread_local std::vector<float> paddedBuffer;
  if (g.padH == 0 && g.padW == 0) return x;
  float* copy = ThreadBuffer(paddedBuffer, g.channels * o.plane);
  std::fill(copy, copy + g.channels * o.plane, 0.0f);
  for (std::size_t r = 0; r < static_cast<std::size_t>(g.channels) * g.height; ++r) {
    const std::size_t c = r / g.height, iy = r % g.height;
    std::memcpy(copy + c * o.plane + (iy + g.padH) * o.wp + g.padW, x + r * g.width, g.width * sizeof(float));
  }
  return copy;
}

void ConvForwardImages(const ConvGeometry& g, std::size_t fg, const float* x, std::size_t inStride, std::size_t images,
                       const float* wg, const float* bias, float* out, std::size_t outStride) {
  thread_local std::vector<float> inBuffer, outBuffer;
  const Offsets o = WindowOffsets(g);
  const std::size_t wp = o.wp, plane = o.plane, area = static_cast<std::size_t>(g.height) * g.width;
  const std::size_t outArea = static_cast<std::size_t>(g.outH) * g.outW;
  const std::size_t colRows = static_cast<std::size_t>(g.channels) * g.kernelH * g.kernelW;
  const std::int32_t* origin = o.origin;
  // [c][y][x][16 images]; lanes past the last image and the padding are zero.
  float* xT = ThreadBuffer(inBuffer, g.channels * plane * kLanes);
  if (g.padH > 0 || g.padW > 0) {
    std::fill(xT, xT + g.channels * plane * kLanes, 0.0f);
    for (std::size_t i = 0; i < images; ++i) {
      for (std::size_t r = 0; r < static_cast<std::size_t>(g.channels) * g.height; ++r) {
        const std::size_t c = r / g.height, iy = r % g.height;
        float* dst = xT + (c * plane + (iy + g.padH) * wp + g.padW) * kLanes + i;
        const float* src = x + i * inStride + r * g.width;
        for (int ix = 0; ix < g.width; ++ix) dst[ix * kLanes] = src[ix];
      }
    }
  } else {
    for (std::size_t c = 0; c < static_cast<std::size_t>(g.channels); ++c) {
      for (std::size_t p0 = 0; p0 < area; p0 += kLanes) {
        const int n = static_cast<int>(std::min(kLanes, area - p0));
        Transpose16(x + c * area + p0, inStride, static_cast<int>(images), n, xT + (c * plane + p0) * kLanes, kLanes, n,
                    static_cast<int>(kLanes), nullptr);
      }
    }
  }
  float* outT = ThreadBuffer(outBuffer, fg * outArea * kLanes);
  // Channels in groups whose input planes stay in L1 while every block passes over them: with
  // all 20 of LeNet conv2's (184 KB) each block's loads came from L2.
  const int perGroup = static_cast<int>(std::max<std::size_t>(1, kInputBytesInL1 / (plane * kLanes * sizeof(float))));
  for (int c0 = 0; c0 < g.channels; c0 += perGroup) {
    const int c1 = std::min(g.channels, c0 + perGroup);
    for (std::size_t f0 = 0; f0 < fg; f0 += kImageFilters) {
      const float* wf = wg + f0 * colRows;
      const float* bf = bias != nullptr ? bias + f0 : nullptr;
      float* of = outT + f0 * outArea * kLanes;
      switch (std::min(kImageFilters, fg - f0)) {
        case 1: ImageFilters<1>(g, xT, plane, wp, origin, outArea, wf, colRows, bf, c0, c1, of); break;
        case 2: ImageFilters<2>(g, xT, plane, wp, origin, outArea, wf, colRows, bf, c0, c1, of); break;
        case 3: ImageFilters<3>(g, xT, plane, wp, origin, outArea, wf, colRows, bf, c0, c1, of); break;
        default: ImageFilters<4>(g, xT, plane, wp, origin, outArea, wf, colRows, bf, c0, c1, of); break;
      }
    }
  }
  // [f][q][image] to each image's [f][q].
  for (std::size_t f = 0; f < fg; ++f) {
    for (std::size_t q0 = 0; q0 < outArea; q0 += kLanes) {
      const int nq = static_cast<int>(std::min(kLanes, outArea - q0));
      Transpose16(outT + (f * outArea + q0) * kLanes, kLanes, nq, static_cast<int>(kLanes), out + f * outArea + q0, outStride,
                  static_cast<int>(images), nq, nullptr);
    }
  }
}

void ConvGradWImages(const ConvGeometry& g, std::size_t fg, const float* x, std::size_t inStride, const float* gy,
                     std::size_t outStride, std::size_t images, float* dWT) {
  thread_local std::vector<float> gyBuffer;
  const std::size_t outArea = static_cast<std::size_t>(g.outH) * g.outW, ld = DirectLanes(fg);
  const std::size_t taps = static_cast<std::size_t>(g.channels) * g.kernelH * g.kernelW;
  const Offsets o = WindowOffsets(g);
  float* gyT = ThreadBuffer(gyBuffer, outArea * ld);
  for (std::size_t i = 0; i < images; ++i) {
    const float* xi = PaddedImage(g, o, x + i * inStride);
    const float* gi = gy + i * outStride;
    // Output-major gradients, lanes past the last filter zero.
    for (std::size_t q0 = 0; q0 < outArea; q0 += kLanes) {
      const int nq = static_cast<int>(std::min(kLanes, outArea - q0));
      for (std::size_t f0 = 0; f0 < ld; f0 += kLanes) {
        const int rows = f0 < fg ? static_cast<int>(std::min(kLanes, fg - f0)) : 0;
        Transpose16(gi + f0 * outArea + q0, outArea, rows, nq, gyT + q0 * ld + f0, ld, nq, static_cast<int>(kLanes), nullptr);
      }
    }
    switch (ld / kLanes) {
      case 1: AllTaps<1>(xi, o.origin, outArea, o.tap, taps, gyT, ld, dWT); break;
      case 2: AllTaps<2>(xi, o.origin, outArea, o.tap, taps, gyT, ld, dWT); break;
      case 3: AllTaps<3>(xi, o.origin, outArea, o.tap, taps, gyT, ld, dWT); break;
      default: AllTaps<4>(xi, o.origin, outArea, o.tap, taps, gyT, ld, dWT); break;
    }
  }
}

void ConvDxImages(const ConvGeometry& g, std::size_t fg, const float* gy, std::size_t outStride, std::size_t images,
                  const float* wg, float* dx, std::size_t inStride) {
  thread_local std::vector<float> gyBuffer, dxBuffer;
  const Offsets o = WindowOffsets(g);
  const std::size_t wp = o.wp, plane = o.plane, area = static_cast<std::size_t>(g.height) * g.width;
  const std::size_t outArea = static_cast<std::size_t>(g.outH) * g.outW;
  const std::size_t colRows = static_cast<std::size_t>(g.channels) * g.kernelH * g.kernelW;
  const std::int32_t* origin = o.origin;
  const std::int32_t* tapOff = o.tap;
  // dY as [f][q][16 images], lanes past the last image zero.
  float* gyT = ThreadBuffer(gyBuffer, fg * outArea * kLanes);
  for (std::size_t f = 0; f < fg; ++f) {
    for (std::size_t q0 = 0; q0 < outArea; q0 += kLanes) {
      const int nq = static_cast<int>(std::min(kLanes, outArea - q0));
      Transpose16(gy + f * outArea + q0, outStride, static_cast<int>(images), nq, gyT + (f * outArea + q0) * kLanes, kLanes,
                  nq, static_cast<int>(kLanes), nullptr);
    }
  }
  float* dxT = ThreadBuffer(dxBuffer, g.channels * plane * kLanes);
  std::fill(dxT, dxT + g.channels * plane * kLanes, 0.0f);
  constexpr std::size_t kTaps = kImageFilters;
  std::size_t t = 0;
  for (; t + kTaps <= colRows; t += kTaps) DxTaps<kTaps>(fg, colRows, outArea, wg + t, gyT, tapOff + t, origin, dxT);
  for (; t < colRows; ++t) DxTaps<1>(fg, colRows, outArea, wg + t, gyT, tapOff + t, origin, dxT);
  // [c][y][x][image] (inside the padding) to each image's [c][y][x].
  if (g.padH > 0 || g.padW > 0) {
    for (std::size_t i = 0; i < images; ++i) {
      for (std::size_t r = 0; r < static_cast<std::size_t>(g.channels) * g.height; ++r) {
        const std::size_t c = r / g.height, iy = r % g.height;
        const float* src = dxT + (c * plane + (iy + g.padH) * wp + g.padW) * kLanes + i;
        float* dst = dx + i * inStride + r * g.width;
        for (int ix = 0; ix < g.width; ++ix) dst[ix] = src[ix * kLanes];
      }
    }
    return;
  }
  for (std::size_t c = 0; c < static_cast<std::size_t>(g.channels); ++c) {
    for (std::size_t p0 = 0; p0 < area; p0 += kLanes) {
      const int n = static_cast<int>(std::min(kLanes, area - p0));
      Transpose16(dxT + (c * plane + p0) * kLanes, kLanes, n, static_cast<int>(kLanes), dx + c * area + p0, inStride,
                  static_cast<int>(images), n, nullptr);
    }
  }
}
#else
void ConvGradWImages(const ConvGeometry&, std::size_t, const float*, std::size_t, const float*, std::size_t, std::size_t,
                     float*) {}
void ConvDxImages(const ConvGeometry&, std::size_t, const float*, std::size_t, std::size_t, const float*, float*,
                  std::size_t) {}
void ConvForwardImages(const ConvGeometry&, std::size_t, const float*, std::size_t, std::size_t, const float*, const float*,
                       float*, std::size_t) {}
#endif

}  // namespace spikelab

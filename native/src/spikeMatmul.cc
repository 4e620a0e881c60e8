#include <cblas.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include "bindings.h"
#include "blasThreads.h"
#include "clones.h"
#include "kernels.h"
#include "threadPool.h"

#ifdef SPIKELAB_AVX512_KERNELS
#include <immintrin.h>
#endif

namespace spikelab {

namespace {

// Rows of X per chunk for the forward; chunking is by index only, so results do not depend on the
// thread count.
constexpr std::size_t kRowGrain = 16;
// dW rows per chunk for the gradient.
constexpr std::size_t kGradBand = 64;
// Output columns per register tile: 64 floats are four 512-bit (eight 256-bit) accumulators that
// stay in registers while the active inputs stream past, so each event costs one load and one add
// per vector instead of a load, an add and a store of the output row. The matching 64-column
// slice of W (or G) is small enough to stay in L1/L2 while a chunk's rows walk over it.
constexpr std::size_t kTile = 64;

// The active inputs of a set of rows as compressed lists: for item i, entries
// [start[i], start[i + 1]) of index/value. Built once per chunk and reused for every tile.
struct ActiveLists {
  std::vector<std::uint32_t> start, index;
  std::vector<float> value;
  void Reset(std::size_t items) {
    start.assign(1, 0);
    start.reserve(items + 1);
    index.clear();
    value.clear();
  }
  void Push(std::uint32_t i, float v) {
    index.push_back(i);
    value.push_back(v);
  }
  void Close() { start.push_back(static_cast<std::uint32_t>(index.size())); }
};

// o[skip..kTile) = (accumulate ? o : 0) + Σ_e value[e] · src[index[e]·ld + skip..kTile), events in
// list order. Spikes (value 1) add the row as is; the multiply keeps graded inputs correct. The
// accumulators stay in registers; a row's last tile is shifted left to end at the row's end and
// stores only the columns no other tile owns (`skip` of them are recomputed, not stored), so every
// tile has the full width and no slow narrow loop is needed when N is not a multiple of kTile.
SPIKELAB_CLONES_512
void TileSum(const std::uint32_t* index, const float* value, std::size_t events, const float* src, std::size_t ld,
             std::size_t skip, float* o, bool accumulate) {
  float acc[kTile];
  for (std::size_t j = 0; j < kTile; ++j) acc[j] = accumulate ? o[j] : 0.0f;
  for (std::size_t e = 0; e < events; ++e) {
    const float* row = src + static_cast<std::size_t>(index[e]) * ld;
    const float v = value[e];
    if (v == 1.0f) {
      for (std::size_t j = 0; j < kTile; ++j) acc[j] += row[j];
    } else {
      for (std::size_t j = 0; j < kTile; ++j) acc[j] += v * row[j];
    }
  }
  for (std::size_t j = skip; j < kTile; ++j) o[j] = acc[j];
}

// out[0..N) of one row (or dW row) from its event list, tile by tile. The shifted last tile goes
// first: it reads the original values of the columns it overlaps, which a later tile overwrites.
void SumEvents(const std::uint32_t* index, const float* value, std::size_t events, const float* src, std::size_t N,
               float* o, bool accumulate) {
  const std::size_t full = N / kTile * kTile;
  if (full < N) {
    const std::size_t n0 = N - kTile;
    TileSum(index, value, events, src + n0, N, full - n0, o + n0, accumulate);
  }
  for (std::size_t n0 = 0; n0 < full; n0 += kTile) TileSum(index, value, events, src + n0, N, 0, o + n0, accumulate);
}

// Vectorised (the baseline build counted one float at a time): the count runs on every call, over
// the MLP's whole 3200 x 784 input twice per step.
SPIKELAB_CLONES_512
std::size_t CountNonZero(const float* x, std::size_t n) {
  std::uint32_t nz = 0;  // a chunk holds far fewer than 2^32 values
  for (std::size_t i = 0; i < n; ++i) nz += x[i] != 0.0f;
  return nz;
}

// Input densities above which one sgemm replaces the event loops. Measured for the MLP's fc1
// (3200 x 784 -> 500, CPU ms on one thread, sgemm 17.5-18 ms either way): the event-driven forward
// took 6 / 9.5 / 14.5 / 19.6 ms at 2 / 5 / 10 / 15 % density, the event-driven dW 9.8 / 15.2 / 25 /
// 35 ms. dW is the slower one because each input's event list walks rows of G, which does not fit
// in L2, while the forward walks rows of W, which does.
constexpr double kDenseForwardAbove = 0.13;
// With AVX-512 (same product, one thread, sgemm 18-19 ms): binary inputs take the blocked mask
// loops (ForwardSlice, GradSlice), 7.4 / 11.1 / 17.3 ms forward and 7.7 / 11.8 / 17.7 ms for dW at
// 15 / 30 / 50 % density; graded inputs the per-row lists with wide tiles (ListRow512), 12.3 /
// 15.7 ms at 15 / 20 %.
constexpr double kDenseForwardAbove512 = 0.4;
constexpr double kDenseListForwardAbove512 = 0.2;
constexpr double kDenseGradAbove = 0.06;
constexpr double kDenseGradAbove512 = 0.4;

// Outputs narrower than one register tile always take sgemm: the event loops scan every input
// twice (count, then list) before adding anything, which for LeNet's and the MLP's 10-unit output
// layers (N = 10, R = 3200, K = 500) cost 1.3-2.5 ms forward and 2.3-3.5 ms for dW at 0-5 %
// density against 0.75 ms for the whole sgemm.
// Callers have returned already when R, K or N is 0.
bool Dense(const SpikeMatmulArgs& s, const float* x, double above) {
  const std::size_t total = s.rows * s.inner;
  if (s.cols < kTile) return true;
  std::vector<std::size_t> counts(ChunkCount(s.rows, kRowGrain), 0);
  ParallelFor(counts.size(), [&](std::size_t chunk) {
    const std::size_t a = chunk * kRowGrain * s.inner;
    const std::size_t b = std::min(total, a + kRowGrain * s.inner);
    counts[chunk] = CountNonZero(x + a, b - a);
  });
  std::size_t nz = 0;
  for (std::size_t c : counts) nz += c;
  return static_cast<double>(nz) > above * static_cast<double>(total);
}

#ifdef SPIKELAB_AVX512_KERNELS
// Columns per wide tile: 16 accumulators of 16 lanes. With the 64-column tiles each event's four
// additions depended on the previous event's, so a row's ~120 events (the MLP at 15 % density)
// ran at the 4-cycle add latency; sixteen independent sums run at the load throughput.
constexpr std::size_t kWide = 256;

// The nonzero inputs of xr[0..K) in ascending k, without branches: per 16 inputs, one compare and
// a compress of their indices and values. Writes up to 15 entries past the count (full-vector
// stores), so index and value hold K + 16.
SPIKELAB_TARGET_AVX512
std::size_t ListRow512(const float* xr, std::size_t K, std::uint32_t* index, float* value) {
  std::size_t n = 0;
  __m512i ks = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  const __m512i step = _mm512_set1_epi32(16);
  for (std::size_t k = 0; k < K; k += 16) {
    const __mmask16 lanes = K - k >= 16 ? __mmask16(0xFFFF) : static_cast<__mmask16>((1u << (K - k)) - 1);
    const __m512 v = _mm512_maskz_loadu_ps(lanes, xr + k);
    // Unordered-or-not-equal: NaN counts as active, as `x != 0.0f` does.
    const __mmask16 m = _mm512_mask_cmp_ps_mask(lanes, v, _mm512_setzero_ps(), _CMP_NEQ_UQ);
    _mm512_storeu_si512(index + n, _mm512_maskz_compress_epi32(m, ks));
    _mm512_storeu_ps(value + n, _mm512_maskz_compress_ps(m, v));
    n += static_cast<std::size_t>(__builtin_popcount(m));
    ks = _mm512_add_epi32(ks, step);
  }
  return n;
}

// TileSum with V vectors of 16 columns (V = 16 or 4): the same additions in the same order.
template <int V>
SPIKELAB_TARGET_AVX512 void TileSum512(const std::uint32_t* index, const float* value, std::size_t events,
                                       const float* src, std::size_t ld, std::size_t skip, float* o,
                                       bool accumulate) {
  __m512 acc[V];
#pragma GCC unroll 16
  for (int j = 0; j < V; ++j) acc[j] = accumulate ? _mm512_loadu_ps(o + 16 * j) : _mm512_setzero_ps();
  for (std::size_t e = 0; e < events; ++e) {
    const float* row = src + static_cast<std::size_t>(index[e]) * ld;
    const float v = value[e];
    if (v == 1.0f) {
#pragma GCC unroll 16
      for (int j = 0; j < V; ++j) acc[j] = _mm512_add_ps(acc[j], _mm512_loadu_ps(row + 16 * j));
    } else {
      const __m512 vv = _mm512_set1_ps(v);
#pragma GCC unroll 16
      for (int j = 0; j < V; ++j) acc[j] = _mm512_add_ps(acc[j], _mm512_mul_ps(vv, _mm512_loadu_ps(row + 16 * j)));
    }
  }
#pragma GCC unroll 16
  for (int j = 0; j < V; ++j) {
    const std::size_t c0 = 16 * static_cast<std::size_t>(j);
    if (skip >= c0 + 16) continue;
    const __mmask16 keep =
        skip <= c0 ? __mmask16(0xFFFF) : static_cast<__mmask16>(0xFFFFu << static_cast<unsigned>(skip - c0));
    _mm512_mask_storeu_ps(o + c0, keep, acc[j]);
  }
}

// SumEvents for N >= 64 with wide tiles: full 256-column tiles, then the rest either as one
// 256-column tile shifted to end at the row's end (when more than half a wide tile is left) or as
// 64-column tiles, the last of them shifted. The shifted tile goes first, as in SumEvents.
SPIKELAB_TARGET_AVX512
void SumEvents512(const std::uint32_t* index, const float* value, std::size_t events, const float* src,
                  std::size_t N, float* o, bool accumulate) {
  const std::size_t wideEnd = N / kWide * kWide;
  const std::size_t rest = N - wideEnd;
  if (rest > kWide / 2 && N >= kWide) {
    TileSum512<16>(index, value, events, src + N - kWide, N, wideEnd - (N - kWide), o + N - kWide, accumulate);
  } else {
    const std::size_t narrowEnd = wideEnd + rest / kTile * kTile;
    if (narrowEnd < N) {
      const std::size_t n0 = N - kTile;
      TileSum512<4>(index, value, events, src + n0, N, narrowEnd - n0, o + n0, accumulate);
    }
    for (std::size_t n0 = wideEnd; n0 < narrowEnd; n0 += kTile)
      TileSum512<4>(index, value, events, src + n0, N, 0, o + n0, accumulate);
  }
  for (std::size_t n0 = 0; n0 < wideEnd; n0 += kWide)
    TileSum512<16>(index, value, events, src + n0, N, 0, o + n0, accumulate);
}

// Event-driven forward for binary X: inputs in blocks of 64, per row and block a 64-bit mask of the
// inputs that fired; a task owns a 128-column slice of the output (and a range of rows) and, block
// by block, keeps the block's slice of W (64 x 128 floats, 32 KB) in L1 while its rows add their
// events. The per-row lists (ListRow512) walked a whole 256-column slice of W, from L2, per row.
constexpr std::size_t kMaskInputs = 64;
// Output (forward) or dW (gradient) columns per task: eight 16-lane accumulators.
constexpr std::size_t kGradCols = 128;
constexpr std::size_t kForwardRowBands = 2;

struct InputMasks {
  std::vector<std::uint64_t> bits;  // at [r * blocks + block]
  std::size_t blocks = 0;
  std::size_t active = 0;
  bool binary = true;
};

SPIKELAB_TARGET_AVX512
std::pair<std::size_t, std::size_t> RowInputMasks(const float* xr, std::size_t K, std::uint64_t* bits) {
  std::size_t nz = 0, graded = 0;
  const __m512 zero = _mm512_setzero_ps(), one = _mm512_set1_ps(1.0f);
  for (std::size_t k0 = 0, b = 0; k0 < K; k0 += kMaskInputs, ++b) {
    std::uint64_t word = 0;
    for (std::size_t k = k0, shift = 0; k < K && shift < kMaskInputs; k += 16, shift += 16) {
      const __mmask16 lanes = K - k >= 16 ? __mmask16(0xFFFF) : static_cast<__mmask16>((1u << (K - k)) - 1);
      const __m512 v = _mm512_maskz_loadu_ps(lanes, xr + k);
      const __mmask16 m = _mm512_mask_cmp_ps_mask(lanes, v, zero, _CMP_NEQ_UQ);
      nz += static_cast<std::size_t>(__builtin_popcount(m));
      graded += static_cast<std::size_t>(__builtin_popcount(_mm512_mask_cmp_ps_mask(m, v, one, _CMP_NEQ_UQ)));
      word |= static_cast<std::uint64_t>(m) << shift;
    }
    bits[b] = word;
  }
  return {nz, graded};
}

InputMasks BuildInputMasks(const float* x, std::size_t R, std::size_t K) {
  InputMasks m;
  m.blocks = ChunkCount(K, kMaskInputs);
  m.bits.resize(R * m.blocks);
  std::vector<std::pair<std::size_t, std::size_t>> counts(ChunkCount(R, kRowGrain));
  ParallelFor(counts.size(), [&](std::size_t chunk) {
    const std::size_t r0 = chunk * kRowGrain, r1 = std::min(R, r0 + kRowGrain);
    std::pair<std::size_t, std::size_t> c{0, 0};
    for (std::size_t r = r0; r < r1; ++r) {
      const auto rc = RowInputMasks(x + r * K, K, m.bits.data() + r * m.blocks);
      c.first += rc.first;
      c.second += rc.second;
    }
    counts[chunk] = c;
  });
  for (const auto& c : counts) {
    m.active += c.first;
    m.binary = m.binary && c.second == 0;
  }
  return m;
}

// Fills `keep` for a slice whose first `skip` columns belong to another task.
template <int V>
void SliceKeep(std::size_t skip, __mmask16* keep) {
  for (int j = 0; j < V; ++j) {
    const std::size_t c0 = 16 * static_cast<std::size_t>(j);
    keep[j] = skip >= c0 + 16 ? __mmask16(0)
              : skip <= c0    ? __mmask16(0xFFFF)
                              : static_cast<__mmask16>(0xFFFFu << static_cast<unsigned>(skip - c0));
  }
}

// out[r0..r1, n0..n0 + 128) = (accumulate ? out : 0) + the rows of W where the row's inputs fired,
// in ascending k; columns before `skip` are neither read nor written.
SPIKELAB_TARGET_AVX512
void ForwardSlice(const InputMasks& m, const float* w, std::size_t N, std::size_t n0, std::size_t skip,
                  std::size_t r0, std::size_t r1, float* out, bool accumulate) {
  constexpr int V = kGradCols / 16;
  __mmask16 keep[V];
  SliceKeep<V>(skip, keep);
  for (std::size_t b = 0; b < m.blocks; ++b) {
    const float* wb = w + b * kMaskInputs * N + n0;
    const bool fresh = b == 0 && !accumulate;
    for (std::size_t r = r0; r < r1; ++r) {
      std::uint64_t bits = m.bits[r * m.blocks + b];
      if (bits == 0 && !fresh) continue;
      float* o = out + r * N + n0;
      __m512 acc[V];
#pragma GCC unroll 8
      for (int j = 0; j < V; ++j) acc[j] = fresh ? _mm512_setzero_ps() : _mm512_maskz_loadu_ps(keep[j], o + 16 * j);
      while (bits != 0) {
        const float* row = wb + static_cast<std::size_t>(__builtin_ctzll(bits)) * N;
#pragma GCC unroll 8
        for (int j = 0; j < V; ++j) acc[j] = _mm512_add_ps(acc[j], _mm512_loadu_ps(row + 16 * j));
        bits &= bits - 1;
      }
#pragma GCC unroll 8
      for (int j = 0; j < V; ++j) _mm512_mask_storeu_ps(o + 16 * j, keep[j], acc[j]);
    }
  }
}

// Event-driven dW for binary X: rows of X and G in blocks of 64, and per block and input k a
// 64-bit mask of the rows where k fired. A task owns a 128-column slice of dW (and a range of its
// rows); per block, the block's slice of G (64 x 128 floats, 32 KB) stays in L1 while every input's
// events add its rows into eight accumulators. The event loops had walked rows of G that missed
// L2 (35 ms at 15 % density for the MLP's fc1 on one thread, against 18-20 ms for sgemm).
constexpr std::size_t kMaskRows = 64;
constexpr std::size_t kGradInputBands = 2;

struct RowMasks {
  std::vector<std::uint32_t> lo, hi;  // rows 0-31 and 32-63 of a block, at [block * K + k]
  std::size_t active = 0;             // nonzero inputs
  bool binary = true;                 // every nonzero input is 1
};

// The masks of one block of rows; returns {nonzeros, nonzeros other than 1}.
SPIKELAB_TARGET_AVX512
std::pair<std::size_t, std::size_t> BlockMasks(const float* x, std::size_t rows, std::size_t K, std::uint32_t* lo,
                                               std::uint32_t* hi) {
  std::size_t nz = 0, graded = 0;
  const __m512 zero = _mm512_setzero_ps(), one = _mm512_set1_ps(1.0f);
  for (std::size_t k = 0; k < K; k += 16) {
    const __mmask16 lanes = K - k >= 16 ? __mmask16(0xFFFF) : static_cast<__mmask16>((1u << (K - k)) - 1);
    __m512i l = _mm512_setzero_si512(), h = _mm512_setzero_si512();
    for (std::size_t i = 0; i < rows; ++i) {
      const __m512 v = _mm512_maskz_loadu_ps(lanes, x + i * K + k);
      const __mmask16 m = _mm512_mask_cmp_ps_mask(lanes, v, zero, _CMP_NEQ_UQ);
      nz += static_cast<std::size_t>(__builtin_popcount(m));
      graded += static_cast<std::size_t>(__builtin_popcount(_mm512_mask_cmp_ps_mask(m, v, one, _CMP_NEQ_UQ)));
      const __m512i bit = _mm512_set1_epi32(static_cast<int>(1u << (i & 31)));
      if (i < 32) l = _mm512_mask_or_epi32(l, m, l, bit);
      else h = _mm512_mask_or_epi32(h, m, h, bit);
    }
    _mm512_mask_storeu_epi32(lo + k, lanes, l);
    _mm512_mask_storeu_epi32(hi + k, lanes, h);
  }
  return {nz, graded};
}

RowMasks BuildRowMasks(const float* x, std::size_t R, std::size_t K) {
  const std::size_t blocks = ChunkCount(R, kMaskRows);
  RowMasks m;
  m.lo.resize(blocks * K);
  m.hi.resize(blocks * K);
  std::vector<std::pair<std::size_t, std::size_t>> counts(blocks);
  ParallelFor(blocks, [&](std::size_t b) {
    const std::size_t r0 = b * kMaskRows;
    counts[b] = BlockMasks(x + r0 * K, std::min(kMaskRows, R - r0), K, m.lo.data() + b * K, m.hi.data() + b * K);
  });
  for (const auto& c : counts) {
    m.active += c.first;
    m.binary = m.binary && c.second == 0;
  }
  return m;
}

// dW[k0..k1, n0..n0 + 128) += the rows of G (same columns) where input k fired, block by block in
// ascending row order: per weight, the additions of the plain loop in its order. The first `skip`
// columns belong to another task (a slice shifted to end at the row's end) and are neither read
// nor written.
SPIKELAB_TARGET_AVX512
void GradSlice(const RowMasks& m, const float* g, std::size_t R, std::size_t K, std::size_t N, std::size_t n0,
               std::size_t skip, std::size_t k0, std::size_t k1, float* dW) {
  constexpr int V = kGradCols / 16;
  __mmask16 keep[V];
  SliceKeep<V>(skip, keep);
  const std::size_t blocks = ChunkCount(R, kMaskRows);
  for (std::size_t b = 0; b < blocks; ++b) {
    const float* gb = g + b * kMaskRows * N + n0;
    for (std::size_t k = k0; k < k1; ++k) {
      std::uint64_t bits = m.lo[b * K + k] | static_cast<std::uint64_t>(m.hi[b * K + k]) << 32;
      if (bits == 0) continue;
      float* d = dW + k * N + n0;
      __m512 acc[V];
#pragma GCC unroll 8
      for (int j = 0; j < V; ++j) acc[j] = _mm512_maskz_loadu_ps(keep[j], d + 16 * j);
      do {
        const float* row = gb + static_cast<std::size_t>(__builtin_ctzll(bits)) * N;
#pragma GCC unroll 8
        for (int j = 0; j < V; ++j) acc[j] = _mm512_add_ps(acc[j], _mm512_loadu_ps(row + 16 * j));
        bits &= bits - 1;
      } while (bits != 0);
#pragma GCC unroll 8
      for (int j = 0; j < V; ++j) _mm512_mask_storeu_ps(d + 16 * j, keep[j], acc[j]);
    }
  }
}
#endif

}  // namespace

// Each output element sums its active inputs in ascending k starting from out (or 0): the same
// float operations in the same order as a plain loop, whatever the tiling or thread count.
void SpikeMatmul(const SpikeMatmulArgs& s, const float* x, const float* w, float* out, bool accumulate) {
  const std::size_t N = s.cols, K = s.inner;
  if (s.rows == 0 || N == 0) return;
  if (K == 0) {
    // No inputs: the product is zero (sgemm would reject a leading dimension of 0).
    if (!accumulate) std::memset(out, 0, s.rows * N * sizeof(float));
    return;
  }
  const auto dense = [&] {
    SingleThreadedBlas blas;
    const DenseSplit split = SplitDense(s.rows);
    ParallelFor(split.count, [&](std::size_t chunk) {
      const std::size_t r0 = split.Begin(chunk), m = split.Begin(chunk + 1) - r0;
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, static_cast<int>(m), static_cast<int>(N),
                  static_cast<int>(K), 1.0f, x + r0 * K, static_cast<int>(K), w, static_cast<int>(N),
                  accumulate ? 1.0f : 0.0f, out + r0 * N, static_cast<int>(N));
    });
  };
#ifdef SPIKELAB_AVX512_KERNELS
  const bool avx512 = HasAvx512();
  if (avx512 && N >= kGradCols) {
    // The masks count the inputs as they are built: no separate density pass.
    const InputMasks m = BuildInputMasks(x, s.rows, K);
    const double density = static_cast<double>(m.active) / static_cast<double>(s.rows * K);
    if (density > (m.binary ? kDenseForwardAbove512 : kDenseListForwardAbove512)) {
      dense();
      return;
    }
    if (m.binary) {
      const std::size_t slices = ChunkCount(N, kGradCols);
      const std::size_t band = ChunkCount(s.rows, kForwardRowBands);
      ParallelFor(slices * kForwardRowBands, [&](std::size_t task) {
        const std::size_t slice = task / kForwardRowBands, r0 = task % kForwardRowBands * band;
        const std::size_t n0 = std::min(slice * kGradCols, N - kGradCols);
        ForwardSlice(m, w, N, n0, slice * kGradCols - n0, r0, std::min(s.rows, r0 + band), out, accumulate);
      });
      return;
    }
  } else if (Dense(s, x, kDenseForwardAbove)) {
    dense();
    return;
  }
  if (avx512) {
    ParallelFor(ChunkCount(s.rows, kRowGrain), [&](std::size_t chunk) {
      const std::size_t r0 = chunk * kRowGrain;
      const std::size_t r1 = r0 + kRowGrain < s.rows ? r0 + kRowGrain : s.rows;
      std::vector<std::uint32_t> index(K + 16);
      std::vector<float> value(K + 16);
      for (std::size_t r = r0; r < r1; ++r) {
        const std::size_t events = ListRow512(x + r * K, K, index.data(), value.data());
        SumEvents512(index.data(), value.data(), events, w, N, out + r * N, accumulate);
      }
    });
    return;
  }
#else
  if (Dense(s, x, kDenseForwardAbove)) {
    dense();
    return;
  }
#endif
  ParallelFor(ChunkCount(s.rows, kRowGrain), [&](std::size_t chunk) {
    const std::size_t r0 = chunk * kRowGrain;
    const std::size_t r1 = r0 + kRowGrain < s.rows ? r0 + kRowGrain : s.rows;
    ActiveLists a;
    a.Reset(r1 - r0);
    for (std::size_t r = r0; r < r1; ++r) {
      const float* xr = x + r * K;
      for (std::size_t k = 0; k < K; ++k) {
        if (xr[k] != 0.0f) a.Push(static_cast<std::uint32_t>(k), xr[k]);
      }
      a.Close();
    }
    for (std::size_t r = r0; r < r1; ++r) {
      const std::size_t i = r - r0;
      SumEvents(a.index.data() + a.start[i], a.value.data() + a.start[i], a.start[i + 1] - a.start[i], w, N,
                out + r * N, accumulate);
    }
  });
}

// dW[k, :] += Σ over rows r with x[r, k] != 0 of x[r, k] · G[r, :], rows in ascending order. Each
// chunk owns a band of dW rows, so the order per element is that of a serial loop.
void SpikeMatmulGradW(const SpikeMatmulArgs& s, const float* x, const float* g, float* dW) {
  const std::size_t K = s.inner, N = s.cols, R = s.rows;
  if (R == 0 || K == 0 || N == 0) return;
  const auto dense = [&] {
    // dW[k0..k1) += X[:, k0..k1)^T G: each chunk owns its rows of dW, no reduction needed.
    SingleThreadedBlas blas;
    const DenseSplit split = SplitDense(K);
    ParallelFor(split.count, [&](std::size_t chunk) {
      const std::size_t k0 = split.Begin(chunk), m = split.Begin(chunk + 1) - k0;
      cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, static_cast<int>(m), static_cast<int>(N),
                  static_cast<int>(R), 1.0f, x + k0, static_cast<int>(K), g, static_cast<int>(N), 1.0f, dW + k0 * N,
                  static_cast<int>(N));
    });
  };
#ifdef SPIKELAB_AVX512_KERNELS
  if (N >= kGradCols && HasAvx512()) {
    const RowMasks m = BuildRowMasks(x, R, K);
    const double density = static_cast<double>(m.active) / static_cast<double>(R * K);
    if (m.binary && density <= kDenseGradAbove512) {
      const std::size_t slices = ChunkCount(N, kGradCols);
      const std::size_t band = ChunkCount(K, kGradInputBands);
      ParallelFor(slices * kGradInputBands, [&](std::size_t task) {
        const std::size_t slice = task / kGradInputBands, k0 = task % kGradInputBands * band;
        const std::size_t n0 = std::min(slice * kGradCols, N - kGradCols);
        GradSlice(m, g, R, K, N, n0, slice * kGradCols - n0, k0, std::min(K, k0 + band), dW);
      });
      return;
    }
    if (m.binary || density > kDenseGradAbove) {
      dense();
      return;
    }
  } else if (Dense(s, x, kDenseGradAbove)) {
    dense();
    return;
  }
#else
  if (Dense(s, x, kDenseGradAbove)) {
    dense();
    return;
  }
#endif
  ParallelFor(ChunkCount(K, kGradBand), [&](std::size_t chunk) {
    const std::size_t k0 = chunk * kGradBand;
    const std::size_t k1 = k0 + kGradBand < K ? k0 + kGradBand : K;
    const std::size_t band = k1 - k0;
    // Per input k of the band, the rows where it is active (ascending r): count, then fill.
    std::vector<std::uint32_t> start(band + 1, 0);
    for (std::size_t r = 0; r < R; ++r) {
      const float* xr = x + r * K;
      for (std::size_t k = k0; k < k1; ++k) start[k - k0 + 1] += xr[k] != 0.0f;
    }
    for (std::size_t k = 0; k < band; ++k) start[k + 1] += start[k];
    std::vector<std::uint32_t> rows(start[band]);
    std::vector<float> vals(start[band]);
    std::vector<std::uint32_t> fill(start.begin(), start.end() - 1);
    for (std::size_t r = 0; r < R; ++r) {
      const float* xr = x + r * K;
      for (std::size_t k = k0; k < k1; ++k) {
        const float v = xr[k];
        if (v == 0.0f) continue;
        const std::uint32_t at = fill[k - k0]++;
        rows[at] = static_cast<std::uint32_t>(r);
        vals[at] = v;
      }
    }
    for (std::size_t k = k0; k < k1; ++k) {
      const std::size_t i = k - k0;
      SumEvents(rows.data() + start[i], vals.data() + start[i], start[i + 1] - start[i], g, N, dW + k * N, true);
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

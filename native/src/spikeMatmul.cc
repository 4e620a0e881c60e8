#include <cblas.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "bindings.h"
#include "blasThreads.h"
#include "clones.h"
#include "kernels.h"
#include "threadPool.h"

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
constexpr double kDenseGradAbove = 0.06;

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

}  // namespace

// Each output element sums its active inputs in ascending k starting from out (or 0): the same
// float operations in the same order as a plain loop, whatever the tiling or thread count.
// Rows of X (forward) or of dW (gradient) per single-threaded sgemm of the dense path: chunks fixed
// by size, handed out by the pool (see blasThreads.h).
constexpr std::size_t kDenseRows = 256;

// [0, total) as an even number of near-equal chunks of about kDenseRows, boundaries on multiples
// of 16. Fixed 256-row chunks left a short last one that ran while the other thread idled, or an
// odd one out: the MLP's dW over K = 784 was 3 x 256 + 16 (one thread did 512 rows, the other
// 272), its forward over 3200 rows 12 x 256 + 128. Sizes alone decide the split.
struct DenseSplit {
  std::size_t count, total;
  std::size_t Begin(std::size_t i) const { return i >= count ? total : total * i / count / 16 * 16; }
};

DenseSplit SplitDense(std::size_t total) {
  std::size_t count = std::max<std::size_t>(1, ChunkCount(total, kDenseRows));
  if (count > 1 && count % 2 != 0) ++count;
  return {count, total};
}

void SpikeMatmul(const SpikeMatmulArgs& s, const float* x, const float* w, float* out, bool accumulate) {
  const std::size_t N = s.cols, K = s.inner;
  if (s.rows == 0 || N == 0) return;
  if (K == 0) {
    // No inputs: the product is zero (sgemm would reject a leading dimension of 0).
    if (!accumulate) std::memset(out, 0, s.rows * N * sizeof(float));
    return;
  }
  if (Dense(s, x, kDenseForwardAbove)) {
    SingleThreadedBlas blas;
    const DenseSplit split = SplitDense(s.rows);
    ParallelFor(split.count, [&](std::size_t chunk) {
      const std::size_t r0 = split.Begin(chunk), m = split.Begin(chunk + 1) - r0;
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, static_cast<int>(m), static_cast<int>(N),
                  static_cast<int>(K), 1.0f, x + r0 * K, static_cast<int>(K), w, static_cast<int>(N),
                  accumulate ? 1.0f : 0.0f, out + r0 * N, static_cast<int>(N));
    });
    return;
  }
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
  if (Dense(s, x, kDenseGradAbove)) {
    // dW[k0..k1) += X[:, k0..k1)^T G: each chunk owns its rows of dW, no reduction needed.
    SingleThreadedBlas blas;
    const DenseSplit split = SplitDense(K);
    ParallelFor(split.count, [&](std::size_t chunk) {
      const std::size_t k0 = split.Begin(chunk), m = split.Begin(chunk + 1) - k0;
      cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, static_cast<int>(m), static_cast<int>(N),
                  static_cast<int>(R), 1.0f, x + k0, static_cast<int>(K), g, static_cast<int>(N), 1.0f, dW + k0 * N,
                  static_cast<int>(N));
    });
    return;
  }
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

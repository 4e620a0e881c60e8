// Runs OpenBLAS single-threaded for a scope. Kernels that split their own work over the pool and
// call sgemm once per chunk would otherwise have OpenBLAS split each call over its threads as well,
// oversubscribing the cores the pool already fills; and a chunked split keeps its balance when
// another process takes a core, where OpenBLAS's fixed halves wait for the slower thread.
// Restored to the configured count (a process-wide setting: a kernel on another JS thread that
// calls sgemm meanwhile runs single-threaded, which changes its speed, never its results).
#pragma once

#include <cblas.h>

#include <algorithm>
#include <cstddef>

#include "threadPool.h"

namespace spikelab {

class SingleThreadedBlas {
 public:
  SingleThreadedBlas() { openblas_set_num_threads(1); }
  ~SingleThreadedBlas() { openblas_set_num_threads(PoolThreads()); }
  SingleThreadedBlas(const SingleThreadedBlas&) = delete;
  SingleThreadedBlas& operator=(const SingleThreadedBlas&) = delete;
};

// Rows per single-threaded sgemm where a product is split over the pool (the dense spikeMatmul
// paths, large gemm calls): chunks fixed by size, handed out by the pool.
constexpr std::size_t kDenseRows = 256;

// [0, total) as an even number of near-equal chunks of about kDenseRows, boundaries on multiples
// of 16. Fixed 256-row chunks left a short last one that ran while the other thread idled, or an
// odd one out: the MLP's dW over K = 784 was 3 x 256 + 16 (one thread did 512 rows, the other
// 272), its forward over 3200 rows 12 x 256 + 128. Sizes alone decide the split.
struct DenseSplit {
  std::size_t count, total;
  std::size_t Begin(std::size_t i) const { return i >= count ? total : total * i / count / 16 * 16; }
};

inline DenseSplit SplitDense(std::size_t total) {
  std::size_t count = std::max<std::size_t>(1, ChunkCount(total, kDenseRows));
  if (count > 1 && count % 2 != 0) ++count;
  return {count, total};
}

}  // namespace spikelab

// Runs OpenBLAS single-threaded for a scope. Kernels that split their own work over the pool and
// call sgemm once per chunk would otherwise have OpenBLAS split each call over its threads as well,
// oversubscribing the cores the pool already fills; and a chunked split keeps its balance when
// another process takes a core, where OpenBLAS's fixed halves wait for the slower thread.
// Restored to the configured count (a process-wide setting: a kernel on another JS thread that
// calls sgemm meanwhile runs single-threaded, which changes its speed, never its results).
#pragma once

#include <cblas.h>

#include "threadPool.h"

namespace spikelab {

class SingleThreadedBlas {
 public:
  SingleThreadedBlas() { openblas_set_num_threads(1); }
  ~SingleThreadedBlas() { openblas_set_num_threads(PoolThreads()); }
  SingleThreadedBlas(const SingleThreadedBlas&) = delete;
  SingleThreadedBlas& operator=(const SingleThreadedBlas&) = delete;
};

}  // namespace spikelab

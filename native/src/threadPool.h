// A small fixed pool shared by the event-driven and neuron kernels.
//
// Work is split into chunks whose boundaries depend only on the problem size, never on the
// number of threads or on scheduling, so every result (including reductions, which are summed
// per chunk and then in chunk order) is bit-identical whatever the thread count. Idle workers spin
// for a few microseconds after a job, then sleep on a condition variable, so a pool that is not in
// use takes no core from other processes.
#pragma once

#include <cstddef>
#include <functional>

namespace spikelab {

// Number of threads the kernels use (pool workers + the calling thread).
int PoolThreads();

// Resizes the pool; n < 1 is treated as 1.
void SetPoolThreads(int n);

// Calls fn(chunk) once for every chunk in [0, chunks). The caller takes part. When another
// thread is already using the pool (kernels run on several JS worker threads), the call runs
// serially on the calling thread instead of waiting.
void ParallelFor(std::size_t chunks, const std::function<void(std::size_t)>& fn);

// Splits [0, total) into chunks of `grain` items; returns the chunk count.
inline std::size_t ChunkCount(std::size_t total, std::size_t grain) {
  return grain == 0 ? 0 : (total + grain - 1) / grain;
}

}  // namespace spikelab

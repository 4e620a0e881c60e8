#include "threadPool.h"

#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace spikelab {
namespace {

class Pool {
 public:
  explicit Pool(int threads) { Resize(threads); }

  void Resize(int threads) {
    std::lock_guard<std::mutex> lk(runMutex_);
    StopWorkers();
    const int extra = threads > 1 ? threads - 1 : 0;
    stop_ = false;
    // The generation is captured here, not read by the new thread: a thread that starts late
    // would otherwise mistake an already-posted job for an old one and never join it.
    const std::size_t generation = generation_.load();
    for (int i = 0; i < extra; ++i) workers_.emplace_back([this, generation] { WorkerLoop(generation); });
  }

  void Run(std::size_t chunks, const std::function<void(std::size_t)>& fn) {
    std::unique_lock<std::mutex> runLock(runMutex_, std::try_to_lock);
    if (!runLock.owns_lock() || workers_.empty() || chunks < 2) {
      for (std::size_t i = 0; i < chunks; ++i) fn(i);
      return;
    }
    {
      std::lock_guard<std::mutex> lk(jobMutex_);
      job_ = &fn;
      chunks_ = chunks;
      next_.store(0);
      active_.store(workers_.size());
      generation_.fetch_add(1);
    }
    jobReady_.notify_all();
    Drain(fn, chunks);
    // Workers usually finish within microseconds of the caller: wait for them spinning first.
    SpinUntil([this] { return active_.load() == 0; });
    std::exception_ptr error;
    {
      std::unique_lock<std::mutex> lk(jobMutex_);
      jobDone_.wait(lk, [this] { return active_.load() == 0; });
      job_ = nullptr;
      error = error_;
      error_ = nullptr;
    }
    // A kernel that failed on a worker (e.g. bad_alloc) fails the call on the caller's thread,
    // where node-addon-api turns it into a JS exception, instead of terminating the process.
    if (error) std::rethrow_exception(error);
  }

 private:
  void Drain(const std::function<void(std::size_t)>& fn, std::size_t chunks) {
    for (;;) {
      const std::size_t i = next_.fetch_add(1);
      if (i >= chunks) return;
      try {
        fn(i);
      } catch (...) {
        std::lock_guard<std::mutex> lk(jobMutex_);
        if (!error_) error_ = std::current_exception();
        next_.store(chunks);  // skip the remaining chunks
        return;
      }
    }
  }

  // Spins briefly (kernels of one step often come back to back, and a condition-variable wake-up
  // costs tens of microseconds), then gives up so that an idle or contended pool sleeps instead of
  // taking a core: the caller blocks on the condition variable after this returns false.
  template <typename Pred>
  static bool SpinUntil(Pred&& done) {
    for (int i = 0; i < kSpinIterations; ++i) {
      if (done()) return true;
      CpuRelax();
    }
    return done();
  }

  static void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#else
    std::this_thread::yield();
#endif
  }

  void WorkerLoop(std::size_t seen) {
    for (;;) {
      const std::function<void(std::size_t)>* job = nullptr;
      std::size_t chunks = 0;
      SpinUntil([&] { return stop_.load() || generation_.load() != seen; });
      {
        std::unique_lock<std::mutex> lk(jobMutex_);
        jobReady_.wait(lk, [&] { return stop_.load() || generation_.load() != seen; });
        if (stop_.load()) return;
        seen = generation_.load();
        job = job_;
        chunks = chunks_;
      }
      Drain(*job, chunks);
      {
        std::lock_guard<std::mutex> lk(jobMutex_);
        if (active_.fetch_sub(1) == 1) jobDone_.notify_one();
      }
    }
  }

  // Called with runMutex_ held, so no job is in flight.
  void StopWorkers() {
    {
      std::lock_guard<std::mutex> lk(jobMutex_);
      stop_ = true;
    }
    jobReady_.notify_all();
    for (auto& w : workers_) w.join();
    workers_.clear();
  }

  std::mutex runMutex_;
  std::mutex jobMutex_;
  std::condition_variable jobReady_;
  std::condition_variable jobDone_;
  std::vector<std::thread> workers_;
  const std::function<void(std::size_t)>* job_ = nullptr;
  std::size_t chunks_ = 0;
  // Written under jobMutex_ (the condition variables' protocol); atomic so spinning threads can
  // read them without the lock.
  std::atomic<std::size_t> active_{0};
  std::atomic<std::size_t> generation_{0};
  std::atomic<std::size_t> next_{0};
  std::exception_ptr error_;
  std::atomic<bool> stop_{false};
  // About 10-30 µs of pause instructions on current x86 cores.
  static constexpr int kSpinIterations = 256;
};

// Leaked on purpose: the addon may be loaded by several worker contexts and outlive any one of
// them, and joining threads from a static destructor at process exit can deadlock.
Pool& Instance() {
  static Pool* pool = new Pool(1);
  return *pool;
}

}  // namespace

namespace {
// The configured count, readable without the pool's lock (kernels restore BLAS threads to it while
// another JS thread may hold the pool).
std::atomic<int> gConfigured{1};
}  // namespace

int PoolThreads() { return gConfigured.load(); }

void SetPoolThreads(int n) {
  Instance().Resize(n < 1 ? 1 : n);
  gConfigured.store(n < 1 ? 1 : n);
}

void ParallelFor(std::size_t chunks, const std::function<void(std::size_t)>& fn) {
  Instance().Run(chunks, fn);
}

}  // namespace spikelab

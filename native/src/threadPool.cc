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

  int Threads() {
    std::lock_guard<std::mutex> lk(runMutex_);
    return static_cast<int>(workers_.size()) + 1;
  }

  void Resize(int threads) {
    std::lock_guard<std::mutex> lk(runMutex_);
    StopWorkers();
    const int extra = threads > 1 ? threads - 1 : 0;
    stop_ = false;
    // The generation is captured here, not read by the new thread: a thread that starts late
    // would otherwise mistake an already-posted job for an old one and never join it.
    const std::size_t generation = generation_;
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
      active_ = workers_.size();
      ++generation_;
    }
    jobReady_.notify_all();
    Drain(fn, chunks);
    std::exception_ptr error;
    {
      std::unique_lock<std::mutex> lk(jobMutex_);
      jobDone_.wait(lk, [this] { return active_ == 0; });
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

  void WorkerLoop(std::size_t seen) {
    for (;;) {
      const std::function<void(std::size_t)>* job = nullptr;
      std::size_t chunks = 0;
      {
        std::unique_lock<std::mutex> lk(jobMutex_);
        jobReady_.wait(lk, [&] { return stop_ || generation_ != seen; });
        if (stop_) return;
        seen = generation_;
        job = job_;
        chunks = chunks_;
      }
      Drain(*job, chunks);
      {
        std::lock_guard<std::mutex> lk(jobMutex_);
        if (--active_ == 0) jobDone_.notify_one();
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
  std::size_t active_ = 0;
  std::size_t generation_ = 0;
  std::atomic<std::size_t> next_{0};
  std::exception_ptr error_;
  bool stop_ = false;
};

// Leaked on purpose: the addon may be loaded by several worker contexts and outlive any one of
// them, and joining threads from a static destructor at process exit can deadlock.
Pool& Instance() {
  static Pool* pool = new Pool(1);
  return *pool;
}

}  // namespace

int PoolThreads() { return Instance().Threads(); }

void SetPoolThreads(int n) { Instance().Resize(n < 1 ? 1 : n); }

void ParallelFor(std::size_t chunks, const std::function<void(std::size_t)>& fn) {
  Instance().Run(chunks, fn);
}

}  // namespace spikelab

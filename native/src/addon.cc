// Module entry: registers every kernel and sizes the thread pools once per process.
#include <cblas.h>
#include <napi.h>

#include <cstdlib>
#include <mutex>
#include <thread>

#include "bindings.h"
#include "threadPool.h"

namespace spikelab {
namespace {

int ThreadsFromEnvironment() {
  if (const char* env = std::getenv("SPIKELAB_THREADS")) {
    const int n = std::atoi(env);
    if (n > 0) return n;
  }
  const unsigned hw = std::thread::hardware_concurrency();
  return hw > 0 ? static_cast<int>(hw) : 1;
}

void SetThreads(int n) {
  openblas_set_num_threads(n);
  SetPoolThreads(n);
}

Napi::Value SetThreadsJs(const Napi::CallbackInfo& info) {
  SetThreads(info[0].As<Napi::Number>().Int32Value());
  return info.Env().Undefined();
}

Napi::Value InfoJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  o.Set("threads", Napi::Number::New(env, PoolThreads()));
  o.Set("blasThreads", Napi::Number::New(env, openblas_get_num_threads()));
  o.Set("blas", Napi::String::New(env, openblas_get_config()));
  o.Set("blasCore", Napi::String::New(env, openblas_get_corename()));
  o.Set("napiVersion", Napi::Number::New(env, NAPI_VERSION));
  return o;
}

}  // namespace

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  // Worker threads load the module again; size the shared pools only on the first load.
  static std::once_flag sized;
  std::call_once(sized, [] { SetThreads(ThreadsFromEnvironment()); });
  RegisterGemm(env, exports);
  RegisterSpikeMatmul(env, exports);
  RegisterIm2col(env, exports);
  RegisterNeuron(env, exports);
  RegisterConv(env, exports);
  RegisterEncoder(env, exports);
  RegisterPool(env, exports);
  RegisterEmulator(env, exports);
  exports.Set("setThreads", Napi::Function::New(env, SetThreadsJs, "setThreads"));
  exports.Set("info", Napi::Function::New(env, InfoJs, "info"));
  return exports;
}

}  // namespace spikelab

// The macro pastes its argument into an identifier, so it needs an unqualified name.
static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return spikelab::Init(env, exports); }

NODE_API_MODULE(spikelab_native, InitModule)

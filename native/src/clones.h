// Hot loops are compiled twice, for AVX2 and for the x86-64 baseline, and the loader-time resolver
// (GNU ifunc) picks one: portable binaries (no -march=native) still get 256-bit vectors where the
// CPU has them. Elsewhere (macOS, Windows, ARM) this is a no-op.
#pragma once

#if defined(__GNUC__) && defined(__x86_64__) && defined(__linux__)
#define SPIKELAB_CLONES __attribute__((target_clones("avx2", "default")))
// Register-tiled loops whose accumulators fit in 512-bit registers get an AVX-512 version too.
#define SPIKELAB_CLONES_512 __attribute__((target_clones("avx512f", "avx2", "default")))
// Hand-vectorised kernels (intrinsics) where a compiler-vectorised loop does badly, e.g. rows too
// short for its main loop: built with a target attribute, called where HasAvx512() says so.
#define SPIKELAB_AVX512_KERNELS 1
#define SPIKELAB_TARGET_AVX512 __attribute__((target("avx512f")))
#else
#define SPIKELAB_CLONES
#define SPIKELAB_CLONES_512
#endif

namespace spikelab {

inline bool HasAvx512() {
#ifdef SPIKELAB_AVX512_KERNELS
  // The ifunc resolvers initialise the CPU model themselves; this may run before any of them.
  static const bool has = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") != 0;
  }();
  return has;
#else
  return false;
#endif
}

}  // namespace spikelab

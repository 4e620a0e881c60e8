// Hot loops are compiled twice, for AVX2 and for the x86-64 baseline, and the loader-time resolver
// (GNU ifunc) picks one: portable binaries (no -march=native) still get 256-bit vectors where the
// CPU has them. Elsewhere (macOS, Windows, ARM) this is a no-op.
#pragma once

#if defined(__GNUC__) && defined(__x86_64__) && defined(__linux__)
#define SPIKELAB_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define SPIKELAB_CLONES
#endif

// Batched convolution over a whole [samples, C, H, W] batch in one call.
//
// Image by image from JS, LeNet's conv2 made 2·T·B calls per step of a 50 x 64 x 500 GEMM, each
// too small for OpenBLAS to use both cores, plus an im2col call each. Here the batch is split into
// tasks of a fixed number of images that run in parallel on the pool, one per thread; within a
// task, im2col lays the columns of a few images side by side ([colRows, m·outArea], image i owns
// columns i·outArea ...) and one single-threaded GEMM per group covers them all (or, for large
// output planes, one GEMM per image; see kDirectMinArea). With AVX-512 and at most 64 filters per
// group, the forward, and for layers with many taps per output (LeNet's conv2) dW and dx, run
// without columns (convDirect.h).
//
// The column block is kept cache-sized (Conv2dBatch.columnBudget) rather than as large as memory
// allows: measured on one thread, LeNet conv2 with the whole T·B = 512 batch in one 65 MB block ran
// the forward at half the rate of 1 MB blocks (the GEMM streams B from memory instead of L2).
//
// Event-driven variants were measured twice and were not faster at LeNet densities (15 % Poisson
// pixels, 19 % non-zero pooled spikes). Adding each input spike's kernel footprint: conv1 8.5 vs
// 8.6 ms, conv2 22.7 vs 27.7 ms per forward on one thread. Register-tiled (each output's filters
// in AVX-512 registers while its window's events stream past, events packed by masked compress
// from per-row bit masks, four FMA chains): forward conv1 13.9 vs 6.6 ms, conv2 24.4 vs 21 ms; dW
// no faster (conv2's backward 44.4 vs 44.5 ms). With ~1 event per kernel row, listing the events
// costs as much as the GEMM's arithmetic, and at 64 filters each event loads 256 bytes of W.
#include <cblas.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "bindings.h"
#include "blasThreads.h"
#include "clones.h"
#include "convDirect.h"
#include "kernels.h"
#include "threadPool.h"

namespace spikelab {

namespace {

// Output planes at least this large (outH·outW) make each image's own GEMM wide enough: the block
// GEMM's filter-major output then costs more to transpose than it saves, and the image's GEMM
// writes straight into the layer's layout. Measured on one thread at T·B = 512: LeNet conv1
// (24 x 24 outputs) forward 6.4 ms per image against 8.5 ms as blocks; conv2 (8 x 8) 30.2 against
// 28.9 ms.
constexpr std::size_t kDirectMinArea = 256;

// Images per parallel task. Fixed, so the per-task partial sums of dW (added in task order) and
// therefore every result do not depend on the thread count.
constexpr std::size_t kTaskImages = 16;

struct Plan {
  std::size_t colRows, outArea, fg, cg, groupIn, inSize, outSize, perBlock, tasks;
};

Plan MakePlan(const ConvBatch& c) {
  Plan p{};
  const ConvGeometry& g = c.g;
  p.cg = static_cast<std::size_t>(g.channels);
  p.colRows = p.cg * g.kernelH * g.kernelW;
  p.outArea = static_cast<std::size_t>(g.outH) * g.outW;
  p.fg = static_cast<std::size_t>(c.filters / c.groups);
  p.groupIn = p.cg * g.height * g.width;
  p.inSize = p.groupIn * c.groups;
  p.outSize = static_cast<std::size_t>(c.filters) * p.outArea;
  const std::size_t perImage = std::max<std::size_t>(1, (p.colRows + p.fg) * p.outArea);
  p.perBlock = std::clamp<std::size_t>(c.columnBudget / perImage, 1, kTaskImages);
  p.tasks = ChunkCount(c.samples, kTaskImages);
  return p;
}

// A task's column block and transposed output, grown on demand and kept: pool threads are
// long-lived, and fresh buffers every call would cost page faults every step.
float* Scratch(std::size_t floats) {
  thread_local std::vector<float> buffer;
  if (buffer.size() < floats) {
    buffer = std::vector<float>();
    buffer.resize(floats);
  }
  return buffer.data();
}

void Sgemm(bool transA, bool transB, std::size_t m, std::size_t n, std::size_t k, const float* a, std::size_t lda,
           const float* b, std::size_t ldb, float beta, float* c, std::size_t ldc) {
  cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
              static_cast<int>(m), static_cast<int>(n), static_cast<int>(k), 1.0f, a, static_cast<int>(lda), b,
              static_cast<int>(ldb), beta, c, static_cast<int>(ldc));
}

// Calls fn(s0, m) for the blocks of images of one task.
template <typename Fn>
void ForEachBlock(const ConvBatch& c, const Plan& p, std::size_t task, Fn&& fn) {
  const std::size_t end = std::min(c.samples, (task + 1) * kTaskImages);
  for (std::size_t s0 = task * kTaskImages; s0 < end; s0 += p.perBlock) fn(s0, std::min(p.perBlock, end - s0));
}

// Σ p[0..n) in double over eight interleaved partial sums: one running sum is a chain of dependent
// additions (four cycles each), which made dBias alone cost more than conv1's dW GEMM.
SPIKELAB_CLONES_512
double SumFloats(const float* p, std::size_t n) {
  constexpr std::size_t kLanes = 8;
  double lane[kLanes] = {};
  std::size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    for (std::size_t l = 0; l < kLanes; ++l) lane[l] += p[i + l];
  }
  double acc = 0;
  for (std::size_t l = 0; l < kLanes; ++l) acc += lane[l];
  for (; i < n; ++i) acc += p[i];
  return acc;
}

// dW of one task by the direct kernel: per group, [colRows][lanes] sums over the task's images,
// then added to the task's [F, colRows] partial sums.
void TaskGradWDirect(const ConvBatch& c, const Plan& p, const float* x, const float* gy, std::size_t task,
                     float* taskW) {
  thread_local std::vector<float> buffer;
  const std::size_t ld = DirectLanes(p.fg);
  if (buffer.size() < p.colRows * ld) buffer.resize(p.colRows * ld);
  float* dWT = buffer.data();
  const std::size_t s0 = task * kTaskImages, m = std::min(kTaskImages, c.samples - s0);
  for (int grp = 0; grp < c.groups; ++grp) {
    std::fill(dWT, dWT + p.colRows * ld, 0.0f);
    ConvGradWImages(c.g, p.fg, x + s0 * p.inSize + grp * p.groupIn, p.inSize, gy + s0 * p.outSize + grp * p.fg * p.outArea,
                    p.outSize, m, dWT);
    float* dst = taskW + grp * p.fg * p.colRows;
    for (std::size_t f = 0; f < p.fg; ++f) {
      for (std::size_t r = 0; r < p.colRows; ++r) dst[f * p.colRows + r] += dWT[r * ld + f];
    }
  }
}

void BlockIm2col(const ConvBatch& c, const Plan& p, const float* x, std::size_t s0, std::size_t m, int grp,
                 float* cols) {
  const std::size_t ld = m * p.outArea;
  for (std::size_t i = 0; i < m; ++i) {
    Im2colRows(c.g, x + (s0 + i) * p.inSize + grp * p.groupIn, cols + i * p.outArea, ld, 0, p.cg);
  }
}

}  // namespace

void ConvForward(const ConvBatch& c, const float* x, const float* w, const float* bias, float* out) {
  const Plan p = MakePlan(c);
  if (p.tasks == 0 || p.outArea == 0 || p.fg == 0) return;
  const bool direct = p.outArea >= kDirectMinArea && p.colRows > 0;
  if (ConvDirectForward(c)) {
    static_assert(kTaskImages == 16, "the direct forward runs a task's images along 16 lanes");
    ParallelFor(p.tasks, [&](std::size_t task) {
      const std::size_t s0 = task * kTaskImages, m = std::min(kTaskImages, c.samples - s0);
      for (int grp = 0; grp < c.groups; ++grp) {
        ConvForwardImages(c.g, p.fg, x + s0 * p.inSize + grp * p.groupIn, p.inSize, m, w + grp * p.fg * p.colRows,
                          bias != nullptr ? bias + grp * p.fg : nullptr, out + s0 * p.outSize + grp * p.fg * p.outArea,
                          p.outSize);
      }
    });
    return;
  }
  SingleThreadedBlas blas;
  ParallelFor(p.tasks, [&](std::size_t task) {
    float* cols = Scratch((p.colRows + p.fg) * p.outArea * p.perBlock);
    ForEachBlock(c, p, task, [&](std::size_t s0, std::size_t m) {
      const std::size_t L = m * p.outArea;
      float* y = cols + p.colRows * L;
      for (int grp = 0; grp < c.groups; ++grp) {
        const std::size_t f0 = grp * p.fg;
        if (direct) {
          BlockIm2col(c, p, x, s0, m, grp, cols);
          for (std::size_t i = 0; i < m; ++i) {
            float* dst = out + (s0 + i) * p.outSize + f0 * p.outArea;
            Sgemm(false, false, p.fg, p.outArea, p.colRows, w + f0 * p.colRows, p.colRows, cols + i * p.outArea, L,
                  0.0f, dst, p.outArea);
            if (bias == nullptr) continue;
            for (std::size_t f = 0; f < p.fg; ++f) {
              const float b = bias[f0 + f];
              float* row = dst + f * p.outArea;
              for (std::size_t q = 0; q < p.outArea; ++q) row[q] = b + row[q];
            }
          }
          continue;
        }
        if (p.colRows == 0) {
          std::fill(y, y + p.fg * L, 0.0f);
        } else {
          BlockIm2col(c, p, x, s0, m, grp, cols);
          Sgemm(false, false, p.fg, L, p.colRows, w + f0 * p.colRows, p.colRows, cols, L, 0.0f, y, L);
        }
        // Filter-major GEMM output to the sample-major layout, bias added on the way.
        for (std::size_t i = 0; i < m; ++i) {
          for (std::size_t f = 0; f < p.fg; ++f) {
            const float* src = y + f * L + i * p.outArea;
            float* dst = out + (s0 + i) * p.outSize + (f0 + f) * p.outArea;
            const float b = bias != nullptr ? bias[f0 + f] : 0.0f;
            for (std::size_t q = 0; q < p.outArea; ++q) dst[q] = b + src[q];
          }
        }
      }
    });
  });
}

void ConvBackward(const ConvBatch& c, const float* x, const float* w, const float* gy, float* dW, float* dBias,
                  float* dx) {
  const Plan p = MakePlan(c);
  if (p.tasks == 0) return;
  if (p.outArea == 0 || p.fg == 0) {
    // No outputs: nothing flows back.
    if (dx != nullptr) std::memset(dx, 0, c.samples * p.inSize * sizeof(float));
    return;
  }
  const std::size_t wSize = static_cast<std::size_t>(c.filters) * p.colRows;
  const std::size_t F = static_cast<std::size_t>(c.filters);
  const bool direct = p.outArea >= kDirectMinArea && p.colRows > 0;
  // Direct kernels for dW and dx (convDirect.h); dBias is then summed image by image.
  const bool directGrad = ConvDirectGradW(c);
  // Per-task partial sums of dW and dBias, reduced in task order below.
  std::vector<float> partialW(p.tasks * wSize, 0.0f);
  std::vector<double> partialB(dBias != nullptr ? p.tasks * F : 0, 0.0);
  {
    SingleThreadedBlas blas;
    ParallelFor(p.tasks, [&](std::size_t task) {
      float* taskW = partialW.data() + task * wSize;
      if (directGrad) {
        TaskGradWDirect(c, p, x, gy, task, taskW);
        const std::size_t s0 = task * kTaskImages, m = std::min(kTaskImages, c.samples - s0);
        for (int grp = 0; grp < c.groups; ++grp) {
          const std::size_t f0 = grp * p.fg;
          if (dBias != nullptr) {
            double* b = partialB.data() + task * F + f0;
            for (std::size_t i = 0; i < m; ++i) {
              const float* g = gy + (s0 + i) * p.outSize + f0 * p.outArea;
              for (std::size_t f = 0; f < p.fg; ++f) b[f] += SumFloats(g + f * p.outArea, p.outArea);
            }
          }
          if (dx != nullptr) {
            ConvDxImages(c.g, p.fg, gy + s0 * p.outSize + f0 * p.outArea, p.outSize, m, w + f0 * p.colRows,
                         dx + s0 * p.inSize + grp * p.groupIn, p.inSize);
          }
        }
        return;
      }
      float* cols = Scratch((p.colRows + p.fg) * p.outArea * p.perBlock);
      ForEachBlock(c, p, task, [&](std::size_t s0, std::size_t m) {
        const std::size_t L = m * p.outArea;
        float* gT = cols + p.colRows * L;
        for (int grp = 0; grp < c.groups; ++grp) {
          const std::size_t f0 = grp * p.fg;
          if (direct) {
            // Each image's dY_g [Fg, outArea] is already a contiguous operand: no gather.
            BlockIm2col(c, p, x, s0, m, grp, cols);
            for (std::size_t i = 0; i < m; ++i) {
              const float* g = gy + (s0 + i) * p.outSize + f0 * p.outArea;
              if (dBias != nullptr) {
                double* b = partialB.data() + task * F + f0;
                for (std::size_t f = 0; f < p.fg; ++f) b[f] += SumFloats(g + f * p.outArea, p.outArea);
              }
              Sgemm(false, true, p.fg, p.colRows, p.outArea, g, p.outArea, cols + i * p.outArea, L, 1.0f,
                    taskW + f0 * p.colRows, p.colRows);
            }
            if (dx == nullptr) continue;
            for (std::size_t i = 0; i < m; ++i) {
              const float* g = gy + (s0 + i) * p.outSize + f0 * p.outArea;
              // Image i's columns are used up by its dW product above; its dCols overwrite them.
              Sgemm(true, false, p.colRows, p.outArea, p.fg, w + f0 * p.colRows, p.colRows, g, p.outArea, 0.0f,
                    cols + i * p.outArea, L);
              float* d = dx + (s0 + i) * p.inSize + grp * p.groupIn;
              std::memset(d, 0, p.groupIn * sizeof(float));
              Col2imRows(c.g, cols + i * p.outArea, L, d, 0, p.cg);
            }
            continue;
          }
          // dY of this group, filter-major: gT [Fg, m·outArea].
          for (std::size_t i = 0; i < m; ++i) {
            for (std::size_t f = 0; f < p.fg; ++f) {
              std::memcpy(gT + f * L + i * p.outArea, gy + (s0 + i) * p.outSize + (f0 + f) * p.outArea,
                          p.outArea * sizeof(float));
            }
          }
          if (dBias != nullptr) {
            double* b = partialB.data() + task * F + f0;
            for (std::size_t f = 0; f < p.fg; ++f) b[f] += SumFloats(gT + f * L, L);
          }
          if (p.colRows == 0) continue;
          BlockIm2col(c, p, x, s0, m, grp, cols);
          // dW_g [Fg, colRows] += dY_g · cols^T
          Sgemm(false, true, p.fg, p.colRows, L, gT, L, cols, L, 1.0f, taskW + f0 * p.colRows, p.colRows);
          if (dx == nullptr) continue;
          // dCols = W_g^T · dY_g over the columns (no longer needed), folded back image by image.
          Sgemm(true, false, p.colRows, L, p.fg, w + f0 * p.colRows, p.colRows, gT, L, 0.0f, cols, L);
          for (std::size_t i = 0; i < m; ++i) {
            float* d = dx + (s0 + i) * p.inSize + grp * p.groupIn;
            std::memset(d, 0, p.groupIn * sizeof(float));
            Col2imRows(c.g, cols + i * p.outArea, L, d, 0, p.cg);
          }
        }
        if (dx != nullptr && p.colRows == 0) std::memset(dx + s0 * p.inSize, 0, m * p.inSize * sizeof(float));
      });
    });
  }
  ParallelFor(ChunkCount(wSize, 4096), [&](std::size_t chunk) {
    const std::size_t j1 = std::min(wSize, (chunk + 1) * 4096);
    for (std::size_t j = chunk * 4096; j < j1; ++j) {
      float sum = 0.0f;
      for (std::size_t t = 0; t < p.tasks; ++t) sum += partialW[t * wSize + j];
      dW[j] += sum;
    }
  });
  if (dBias != nullptr) {
    for (std::size_t f = 0; f < F; ++f) {
      double sum = 0;
      for (std::size_t t = 0; t < p.tasks; ++t) sum += partialB[t * F + f];
      dBias[f] += static_cast<float>(sum);
    }
  }
}

namespace {

ConvBatch BatchArg(const Napi::Value& v) {
  const Napi::Object o = v.As<Napi::Object>();
  ConvBatch c{};
  c.g = GeometryArg(o.Get("geometry"));
  c.samples = SizeArg(o.Get("samples"));
  c.groups = o.Get("groups").As<Napi::Number>().Int32Value();
  c.filters = o.Get("filters").As<Napi::Number>().Int32Value();
  c.columnBudget = SizeArg(o.Get("columnBudget"));
  return c;
}

// conv2dForward(batch, x, w, bias | null, out)
Napi::Value ConvForwardJs(const Napi::CallbackInfo& info) {
  ConvForward(BatchArg(info[0]), FloatData(info[1]), FloatData(info[2]), FloatDataOrNull(info[3]), FloatData(info[4]));
  return info.Env().Undefined();
}

// conv2dBackward(batch, x, w, gy, dW, dBias | null, dx | null)
Napi::Value ConvBackwardJs(const Napi::CallbackInfo& info) {
  ConvBackward(BatchArg(info[0]), FloatData(info[1]), FloatData(info[2]), FloatData(info[3]), FloatData(info[4]),
               FloatDataOrNull(info[5]), FloatDataOrNull(info[6]));
  return info.Env().Undefined();
}

}  // namespace

void RegisterConv(Napi::Env env, Napi::Object exports) {
  exports.Set("conv2dForward", Napi::Function::New(env, ConvForwardJs, "conv2dForward"));
  exports.Set("conv2dBackward", Napi::Function::New(env, ConvBackwardJs, "conv2dBackward"));
}

}  // namespace spikelab

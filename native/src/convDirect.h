// Direct convolution forward and weight gradient with AVX-512, without im2col: the im2col route
// wrote, and OpenBLAS then packed, kH·kW copies of every input (500 floats per output for LeNet's
// conv2) before any arithmetic; here the input is read in place.
//
// Forward: the 16 images of a task run along the lanes. Their input is transposed once to
// [c][y][x][16 images] (zero-padded where padding is set), so one load gives a tap's input for all
// 16, and a block of 4 filters × 5 outputs accumulates every tap in registers, a tap's filter
// values broadcast. Channels go in groups whose input planes fit L1.
// dW: per image, a block of taps × the group's filters (along the lanes, up to 64) accumulates
// over the outputs, dY transposed to output-major by 16 × 16 register transposes.
// dx: images along the lanes again; a block of 4 taps × 5 outputs sums Wᵀ · dY over the filters
// in registers and adds it at each tap's input position (col2im without the column matrix).
#pragma once

#include <cstddef>
#include <vector>

#include "kernels.h"

namespace spikelab {

// Whether the direct forward serves this batch: AVX-512 present, at most 64 filters per group (the
// shapes measured; wider layers keep the GEMM).
bool ConvDirectForward(const ConvBatch& c);

// Whether the direct dW and dx do: as the forward, and at least 64 taps (C/groups · kH · kW) per
// output.
bool ConvDirectGradW(const ConvBatch& c);

// The forward of up to 16 images (one lane each) and one group: image i's [C/groups, H, W] input at
// x + i·inStride, its [fg, outH·outW] output block at out + i·outStride, W_g [fg, colRows] as the
// layer holds it, bias (fg values) or null.
void ConvForwardImages(const ConvGeometry& g, std::size_t fg, const float* x, std::size_t inStride, std::size_t images,
                       const float* wg, const float* bias, float* out, std::size_t outStride);

// Filters per group rounded up to whole 16-lane vectors: the row length of ConvGradWImages' dWT.
std::size_t DirectLanes(std::size_t fg);

// dWT[tap][f] += Σ_q x[tap at q]·dY[f][q] over images, in order, and one group: image i's input at
// x + i·inStride, its [fg, outH·outW] block of dY at gy + i·outStride; dWT [colRows][DirectLanes(fg)].
void ConvGradWImages(const ConvGeometry& g, std::size_t fg, const float* x, std::size_t inStride, const float* gy,
                     std::size_t outStride, std::size_t images, float* dWT);

// dx of up to 16 images (one lane each) and one group: image i's [fg, outH·outW] block of dY at
// gy + i·outStride, its [C/groups, H, W] input gradient at dx + i·inStride (overwritten).
void ConvDxImages(const ConvGeometry& g, std::size_t fg, const float* gy, std::size_t outStride, std::size_t images,
                  const float* wg, float* dx, std::size_t inStride);

}  // namespace spikelab

// Registration hooks: each feature file exports its JS functions onto the module object.
#pragma once

#include <napi.h>

#include <cstddef>

namespace spikelab {

void RegisterGemm(Napi::Env env, Napi::Object exports);
void RegisterSpikeMatmul(Napi::Env env, Napi::Object exports);
void RegisterIm2col(Napi::Env env, Napi::Object exports);
void RegisterNeuron(Napi::Env env, Napi::Object exports);
void RegisterConv(Napi::Env env, Napi::Object exports);
void RegisterEncoder(Napi::Env env, Napi::Object exports);
void RegisterPool(Napi::Env env, Napi::Object exports);
void RegisterEmulator(Napi::Env env, Napi::Object exports);

struct ConvGeometry;
// Reads a Conv2dGeometry object (fields validated in TypeScript).
ConvGeometry GeometryArg(const Napi::Value& v);

// Data pointer of a Float32Array argument shifted by an element offset (byteOffset of the view
// is already applied by node-addon-api).
inline float* FloatData(const Napi::Value& v, std::size_t offset = 0) {
  return v.As<Napi::Float32Array>().Data() + offset;
}

inline float* FloatDataOrNull(const Napi::Value& v) {
  return v.IsTypedArray() ? v.As<Napi::Float32Array>().Data() : nullptr;
}

inline std::size_t SizeArg(const Napi::Value& v) {
  return static_cast<std::size_t>(v.As<Napi::Number>().Int64Value());
}

}  // namespace spikelab

// The board emulator's tick (core/board/emulator/meshEngine.ts) in C++: AER delivery through
// bounded core FIFOs, integer accumulation of weight rows, leak / saturate / fire / reset, spike
// routing with hop and cycle accounting. It must stay bit-exact with the TypeScript MeshEngine,
// which is the parity oracle (test/unit/board/nativeEmulator.test.ts compares every spike and
// counter); any change to the arithmetic goes into both.
//
// JS side: `new BoardMesh(spec)` copies the image once (plain typed arrays, checked in TS), then
// `tick(input, out, outCounts, deltas)` runs one tick with no allocation.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "bindings.h"
#include "clones.h"

namespace spikelab {

namespace {

// Order of the counter deltas written by tick(); the first ten of COUNTER_KEYS in messages.ts.
enum Counter { kTicks, kSynOps, kNeuronUpdates, kSpikesIn, kSpikes, kSpikesOut, kHops, kFifoDrops, kFifoHighWater, kCycles, kCounterCount };

struct Core {
  int32_t x = 0, y = 0;
  uint32_t first = 0, count = 0;
  bool wide = false;         // int16 weights (w16) instead of int8 (w8)
  std::vector<int8_t> w8;    // [fanIn][count]
  std::vector<int16_t> w16;
  std::vector<int32_t> bias, threshold, v, spikeCounts;
  std::vector<uint32_t> acc;  // unsigned so that wrap-around (as in an Int32Array) is defined
};

struct Layer {
  uint32_t neurons = 0, fanIn = 0;
  int32_t leakCode = 0, leak = 0, resetCode = 0;
  bool output = false;
  std::vector<Core> cores;
};

// acc[j] += row[j] for every delivered event: the synaptic hot loop. Compiled for AVX2 and the
// baseline; sign-extended adds in uint32 give the two's-complement sum an Int32Array would hold.
template <typename W>
SPIKELAB_CLONES void AccumulateRows(uint32_t* acc, const W* w, const uint16_t* events, std::size_t n, std::size_t count) {
  std::memset(acc, 0, count * sizeof(uint32_t));
  for (std::size_t e = 0; e < n; ++e) {
    const W* row = w + static_cast<std::size_t>(events[e]) * count;
    for (std::size_t j = 0; j < count; ++j) acc[j] += static_cast<uint32_t>(static_cast<int32_t>(row[j]));
  }
}

inline int32_t Wrap32(int64_t x) { return static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(x))); }

inline int64_t CeilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

class BoardMesh : public Napi::ObjectWrap<BoardMesh> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "BoardMesh",
                       {InstanceMethod("tick", &BoardMesh::Tick), InstanceMethod("reset", &BoardMesh::Reset), InstanceMethod("read", &BoardMesh::Read)});
  }

  explicit BoardMesh(const Napi::CallbackInfo& info) : Napi::ObjectWrap<BoardMesh>(info) {
    Napi::Env env = info.Env();
    if (!info[0].IsObject()) throw Napi::TypeError::New(env, "BoardMesh: expected a spec object");
    Napi::Object spec = info[0].As<Napi::Object>();
    const int32_t bits = spec.Get("membraneBits").As<Napi::Number>().Int32Value();
    if (bits < 2 || bits > 32) throw Napi::RangeError::New(env, "BoardMesh: membraneBits must be 2..32");
    satHi_ = (int64_t{1} << (bits - 1)) - 1;
    satLo_ = -(int64_t{1} << (bits - 1));
    fifoDepth_ = spec.Get("fifoDepth").As<Napi::Number>().Int64Value();
    lanes_ = spec.Get("lanes").As<Napi::Number>().Int64Value();
    cyclesPerHop_ = spec.Get("cyclesPerHop").As<Napi::Number>().Int64Value();
    if (fifoDepth_ < 0 || lanes_ < 1) throw Napi::RangeError::New(env, "BoardMesh: fifoDepth must be >= 0 and lanes >= 1");
    Napi::Array layers = spec.Get("layers").As<Napi::Array>();
    std::size_t maxN = 1;
    for (uint32_t li = 0; li < layers.Length(); ++li) {
      Napi::Object lo = layers.Get(li).As<Napi::Object>();
      Layer l;
      l.neurons = lo.Get("neurons").As<Napi::Number>().Uint32Value();
      l.fanIn = lo.Get("fanIn").As<Napi::Number>().Uint32Value();
      l.leakCode = lo.Get("leakCode").As<Napi::Number>().Int32Value();
      l.leak = lo.Get("leak").As<Napi::Number>().Int32Value();
      l.resetCode = lo.Get("resetCode").As<Napi::Number>().Int32Value();
      l.output = lo.Get("output").As<Napi::Boolean>().Value();
      maxN = std::max<std::size_t>(maxN, l.neurons);
      Napi::Array cores = lo.Get("cores").As<Napi::Array>();
      uint32_t next = 0;
      for (uint32_t ci = 0; ci < cores.Length(); ++ci) {
        Napi::Object co = cores.Get(ci).As<Napi::Object>();
        Core c;
        c.x = co.Get("x").As<Napi::Number>().Int32Value();
        c.y = co.Get("y").As<Napi::Number>().Int32Value();
        c.first = co.Get("first").As<Napi::Number>().Uint32Value();
        c.count = co.Get("count").As<Napi::Number>().Uint32Value();
        // Spike routing assumes cores sorted by first neuron and tiling the layer (COMMIT checks it).
        if (c.first != next) throw Napi::RangeError::New(env, "BoardMesh: layer " + std::to_string(li) + " cores must tile its neurons in order");
        next = c.first + c.count;
        const std::size_t cells = static_cast<std::size_t>(l.fanIn) * c.count;
        Napi::TypedArray w = co.Get("weights").As<Napi::TypedArray>();
        if (w.ElementLength() != cells) throw Napi::RangeError::New(env, "BoardMesh: weights of layer " + std::to_string(li) + " have the wrong length");
        if (w.TypedArrayType() == napi_int8_array) {
          const int8_t* p = w.As<Napi::Int8Array>().Data();
          c.w8.assign(p, p + cells);
        } else if (w.TypedArrayType() == napi_int16_array) {
          const int16_t* p = w.As<Napi::Int16Array>().Data();
          c.w16.assign(p, p + cells);
          c.wide = true;
        } else {
          throw Napi::TypeError::New(env, "BoardMesh: weights must be an Int8Array or Int16Array");
        }
        Napi::Int32Array bias = co.Get("bias").As<Napi::Int32Array>();
        Napi::Int32Array thr = co.Get("threshold").As<Napi::Int32Array>();
        if (bias.ElementLength() != c.count || thr.ElementLength() != c.count) throw Napi::RangeError::New(env, "BoardMesh: bias/threshold length != core neurons");
        c.bias.assign(bias.Data(), bias.Data() + c.count);
        c.threshold.assign(thr.Data(), thr.Data() + c.count);
        c.v.assign(c.count, 0);
        c.spikeCounts.assign(c.count, 0);
        c.acc.assign(c.count, 0);
        l.cores.push_back(std::move(c));
      }
      if (next != l.neurons) throw Napi::RangeError::New(env, "BoardMesh: cores of layer " + std::to_string(li) + " do not cover its neurons");
      layers_.push_back(std::move(l));
    }
    if (layers_.empty()) throw Napi::RangeError::New(env, "BoardMesh: no layers");
    src_.resize(maxN);
    fired_.resize(maxN);
  }

 private:
  // tick(input: Uint16Array, out: Uint16Array, outCounts: Int32Array(layers), deltas: Float64Array(10)) -> output spikes written.
  // Output-layer spikes go to `out` back to back, layer by layer; outCounts[l] is layer l's count (0 for hidden layers).
  Napi::Value Tick(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Napi::Uint16Array input = info[0].As<Napi::Uint16Array>();
    Napi::Uint16Array outArr = info[1].As<Napi::Uint16Array>();
    Napi::Int32Array outCounts = info[2].As<Napi::Int32Array>();
    Napi::Float64Array deltas = info[3].As<Napi::Float64Array>();
    if (outCounts.ElementLength() < layers_.size() || deltas.ElementLength() < kCounterCount)
      throw Napi::RangeError::New(env, "BoardMesh.tick: outCounts or deltas too short");
    const uint32_t fanIn0 = layers_[0].fanIn;
    const std::size_t inLen = input.ElementLength();
    const uint16_t* in = input.Data();
    for (std::size_t k = 0; k < inLen; ++k)
      if (in[k] >= fanIn0) throw Napi::RangeError::New(env, "BoardMesh.tick: input id " + std::to_string(in[k]) + " >= " + std::to_string(fanIn0) + " inputs");
    uint16_t* out = outArr.Data();
    const std::size_t outCap = outArr.ElementLength();
    std::size_t outLen = 0;
    double* d = deltas.Data();
    int64_t c[kCounterCount] = {0};

    const uint16_t* src = in;
    std::size_t srcLen = inLen;
    const Layer* srcLayer = nullptr;
    int64_t tickCycles = 0;
    c[kSpikesIn] = static_cast<int64_t>(inLen);
    std::vector<int64_t> packets;
    for (std::size_t li = 0; li < layers_.size(); ++li) {
      Layer& layer = layers_[li];
      const std::size_t n = std::min<std::size_t>(srcLen, static_cast<std::size_t>(fifoDepth_));
      int64_t maxHops = 0;
      // 1. Deliver: every event to every core of the layer; the FIFO keeps the first fifoDepth.
      if (srcLayer == nullptr) {
        for (const Core& core : layer.cores) {
          const int64_t h = core.x + core.y;
          maxHops = std::max(maxHops, h);
          c[kHops] += h * static_cast<int64_t>(srcLen);
        }
      } else {
        // Packets per source core: ids are ascending and the source cores tile their layer.
        packets.assign(srcLayer->cores.size(), 0);
        std::size_t sc = 0;
        for (std::size_t k = 0; k < srcLen; ++k) {
          while (src[k] >= srcLayer->cores[sc].first + srcLayer->cores[sc].count) ++sc;
          ++packets[sc];
        }
        for (const Core& core : layer.cores)
          for (std::size_t s = 0; s < srcLayer->cores.size(); ++s) {
            if (packets[s] == 0) continue;
            const Core& from = srcLayer->cores[s];
            const int64_t h = std::abs(from.x - core.x) + std::abs(from.y - core.y);
            maxHops = std::max(maxHops, h);
            c[kHops] += h * packets[s];
          }
      }
      const int64_t dropped = static_cast<int64_t>(srcLen - n);
      c[kFifoDrops] += dropped * static_cast<int64_t>(layer.cores.size());
      if (!layer.cores.empty()) c[kFifoHighWater] = std::max<int64_t>(c[kFifoHighWater], static_cast<int64_t>(n));

      // 2 + 3. Integrate and fire, core by core (ids come out ascending).
      std::size_t firedLen = 0;
      int64_t stageCycles = 0;
      for (Core& core : layer.cores) {
        const std::size_t N = core.count;
        if (core.wide) AccumulateRows<int16_t>(core.acc.data(), core.w16.data(), src, n, N);
        else AccumulateRows<int8_t>(core.acc.data(), core.w8.data(), src, n, N);
        c[kSynOps] += static_cast<int64_t>(n) * static_cast<int64_t>(N);
        c[kNeuronUpdates] += static_cast<int64_t>(N);
        firedLen = Update(core, layer, firedLen);
        const int64_t coreCycles = CeilDiv(static_cast<int64_t>(n) * static_cast<int64_t>(N), lanes_) + CeilDiv(static_cast<int64_t>(N), lanes_);
        stageCycles = std::max(stageCycles, coreCycles);
      }
      c[kSpikes] += static_cast<int64_t>(firedLen);
      tickCycles += stageCycles + maxHops * cyclesPerHop_;
      int32_t* oc = outCounts.Data();
      oc[li] = 0;
      if (layer.output) {
        int64_t h = 0;
        for (const Core& core : layer.cores) h = std::max<int64_t>(h, core.x + core.y);
        for (std::size_t k = 0, ci = 0; k < firedLen; ++k) {
          while (fired_[k] >= layer.cores[ci].first + layer.cores[ci].count) ++ci;
          c[kHops] += layer.cores[ci].x + layer.cores[ci].y;
        }
        tickCycles += h * cyclesPerHop_;
        c[kSpikesOut] += static_cast<int64_t>(firedLen);
        if (outLen + firedLen > outCap) throw Napi::RangeError::New(env, "BoardMesh.tick: out buffer too small for the output spikes");
        std::memcpy(out + outLen, fired_.data(), firedLen * sizeof(uint16_t));
        outLen += firedLen;
        oc[li] = static_cast<int32_t>(firedLen);
      }
      // The next layer reads these spikes; fired_ is reused, so swap it with src_.
      std::swap(src_, fired_);
      src = src_.data();
      srcLen = firedLen;
      srcLayer = &layer;
    }
    c[kCycles] = tickCycles;
    c[kTicks] = 1;
    for (int k = 0; k < kCounterCount; ++k) d[k] = static_cast<double>(c[k]);
    return Napi::Number::New(env, static_cast<double>(outLen));
  }

  // Leak, add, saturate, fire, reset for one core; appends fired ids (global within the layer).
  std::size_t Update(Core& core, const Layer& layer, std::size_t firedLen) {
    const std::size_t N = core.count;
    const int64_t leak = layer.leak;
    for (std::size_t j = 0; j < N; ++j) {
      const int64_t v0 = core.v[j];
      int64_t lv = v0;
      if (layer.leakCode == 1) {
        lv = v0 - (static_cast<int64_t>(core.v[j] >> (leak & 31)));
      } else if (layer.leakCode == 2) {
        lv = v0 > leak ? v0 - leak : v0 < -leak ? v0 + leak : 0;
      }
      int64_t m = lv + static_cast<int64_t>(static_cast<int32_t>(core.acc[j])) + core.bias[j];
      if (m > satHi_) m = satHi_;
      else if (m < satLo_) m = satLo_;
      const int64_t t = core.threshold[j];
      if (m >= t) {
        fired_[firedLen++] = static_cast<uint16_t>(core.first + j);
        core.spikeCounts[j] = Wrap32(int64_t{core.spikeCounts[j]} + 1);
        m = layer.resetCode == 0 ? 0 : layer.resetCode == 1 ? m - t : m;
      }
      core.v[j] = Wrap32(m);
    }
    return firedLen;
  }

  Napi::Value Reset(const Napi::CallbackInfo& info) {
    for (Layer& l : layers_)
      for (Core& c : l.cores) {
        std::fill(c.v.begin(), c.v.end(), 0);
        std::fill(c.spikeCounts.begin(), c.spikeCounts.end(), 0);
      }
    return info.Env().Undefined();
  }

  // read(region: 0 membrane | 1 spike count, layer, out: Int32Array(neurons))
  Napi::Value Read(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    const int32_t region = info[0].As<Napi::Number>().Int32Value();
    const uint32_t li = info[1].As<Napi::Number>().Uint32Value();
    if (li >= layers_.size()) throw Napi::RangeError::New(env, "BoardMesh.read: no layer " + std::to_string(li));
    Napi::Int32Array out = info[2].As<Napi::Int32Array>();
    const Layer& l = layers_[li];
    if (out.ElementLength() < l.neurons) throw Napi::RangeError::New(env, "BoardMesh.read: out shorter than the layer");
    for (const Core& c : l.cores) {
      const std::vector<int32_t>& s = region == 0 ? c.v : c.spikeCounts;
      std::copy(s.begin(), s.end(), out.Data() + c.first);
    }
    return env.Undefined();
  }

  std::vector<Layer> layers_;
  int64_t satHi_ = 0, satLo_ = 0, fifoDepth_ = 0, lanes_ = 1, cyclesPerHop_ = 0;
  std::vector<uint16_t> src_, fired_;
};

}  // namespace

void RegisterEmulator(Napi::Env env, Napi::Object exports) { exports.Set("BoardMesh", BoardMesh::Define(env)); }

}  // namespace spikelab

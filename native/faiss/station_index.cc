// The station's own N-API binding to faiss: one class, StationIndex, wrapping any faiss::Index
// built from a factory string. Written for the station's gallery because faiss-node (kept for
// its own API) takes number[] input (~200 ms per 1,000 vectors), has no efSearch / nprobe
// setters and lets some faiss exceptions escape, which aborts the whole process.
//
// Rules this file keeps:
//   - every entry point runs inside Guarded(): faiss::FaissException, std::bad_alloc and any
//     other C++ exception become a JS Error with a `code` property; nothing reaches
//     std::terminate through us;
//   - input is validated before faiss sees it (dimension, finiteness, k range, trained state),
//     so faiss's own checks are the second line, not the first;
//   - vectors cross as Float32Array views (no copy into a JS array, no per-element boxing);
//   - labels are returned as Int32Array: faiss's HNSW stores int32 ids anyway, and add()
//     refuses to grow an index past INT32_MAX vectors.
#include <napi.h>

#include <faiss/AutoTune.h>
#include <faiss/Index.h>
#include <faiss/IndexFlatCodes.h>
#include <faiss/IndexHNSW.h>
#include <faiss/IndexIVF.h>
#include <faiss/impl/FaissException.h>
#include <faiss/impl/IDSelector.h>
#include <faiss/impl/io.h>
#include <faiss/index_factory.h>
#include <faiss/index_io.h>
#include <faiss/utils/distances.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <vector>

namespace {

using FaissLabel = int64_t;  // faiss 1.7.3: Index::idx_t

// Generous upper bounds that keep a typo from asking faiss for gigabytes.
constexpr int kMaxDim = 65536;
constexpr int kMaxK = 100000;

// A JS-visible failure: `code` lets the TypeScript adapter map it to a StationError.
struct JsFailure {
  std::string code;
  std::string message;
};

[[noreturn]] void Fail(const std::string& code, const std::string& message) {
  throw JsFailure{code, message};
}

Napi::Error MakeError(Napi::Env env, const std::string& code, const std::string& message) {
  Napi::Error err = Napi::Error::New(env, message);
  err.Set("code", Napi::String::New(env, code));
  return err;
}

// Runs `body`, turning every C++ exception into a thrown JS error. Napi::Error passes through
// (it is already a JS error). catch (...) is deliberate: an unknown exception must still not
// take the door terminal's process down.
template <typename Fn>
auto Guarded(Napi::Env env, const char* what, Fn&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const Napi::Error&) {
    throw;
  } catch (const JsFailure& f) {
    throw MakeError(env, f.code, std::string(what) + ": " + f.message);
  } catch (const faiss::FaissException& e) {
    throw MakeError(env, "FAISS_ERROR", std::string(what) + ": " + e.what());
  } catch (const std::bad_alloc&) {
    throw MakeError(env, "OUT_OF_MEMORY", std::string(what) + ": out of memory");
  } catch (const std::exception& e) {
    throw MakeError(env, "FAISS_ERROR", std::string(what) + ": " + e.what());
  } catch (...) {
    throw MakeError(env, "FAISS_ERROR", std::string(what) + ": unknown native error");
  }
}

struct FloatRows {
  const float* data;
  size_t n;
};

// A Float32Array holding whole rows of `dim` finite values (NaN or Inf would silently poison
// inner products and HNSW graph construction).
FloatRows RowsArg(const Napi::Value& value, int dim, const char* name, bool allowEmpty) {
  if (!value.IsTypedArray() ||
      value.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    Fail("INVALID_ARGUMENT", std::string(name) + " must be a Float32Array");
  }
  Napi::Float32Array arr = value.As<Napi::Float32Array>();
  const size_t len = arr.ElementLength();
  if (len == 0 && !allowEmpty) Fail("INVALID_ARGUMENT", std::string(name) + " is empty");
  if (len % static_cast<size_t>(dim) != 0) {
    Fail("INVALID_ARGUMENT", std::string(name) + " has " + std::to_string(len) +
                                 " values, not a multiple of the dimension " +
                                 std::to_string(dim));
  }
  const float* data = arr.Data();
  for (size_t i = 0; i < len; ++i) {
    if (!std::isfinite(data[i])) {
      Fail("INVALID_ARGUMENT", std::string(name) + " holds a non-finite value at index " +
                                   std::to_string(i));
    }
  }
  return {data, len / static_cast<size_t>(dim)};
}

int IntArg(const Napi::Value& value, const char* name, int min, int max) {
  if (!value.IsNumber()) Fail("INVALID_ARGUMENT", std::string(name) + " must be a number");
  const double v = value.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(v) || v != std::floor(v) || v < min || v > max) {
    Fail("INVALID_ARGUMENT", std::string(name) + " must be an integer in [" +
                                 std::to_string(min) + ", " + std::to_string(max) + "]");
  }
  return static_cast<int>(v);
}

std::string StringArg(const Napi::Value& value, const char* name) {
  if (!value.IsString()) Fail("INVALID_ARGUMENT", std::string(name) + " must be a string");
  return value.As<Napi::String>().Utf8Value();
}

// The vector store behind an index whose codes sit one row per label (flat, and the storage
// of HNSW), or nullptr.
faiss::IndexFlatCodes* FlatCodesOf(faiss::Index* index) {
  if (auto* flat = dynamic_cast<faiss::IndexFlatCodes*>(index)) return flat;
  if (auto* hnsw = dynamic_cast<faiss::IndexHNSW*>(index)) {
    return dynamic_cast<faiss::IndexFlatCodes*>(hnsw->storage);
  }
  return nullptr;
}

// faiss::IOReader over a Buffer's bytes without copying them (VectorIOReader would copy the
// whole serialised index first: 200 MB at 100k vectors, on the cold-start path).
struct SpanReader : faiss::IOReader {
  const uint8_t* data;
  size_t size;
  size_t pos = 0;

  SpanReader(const uint8_t* d, size_t n) : data(d), size(n) {}

  size_t operator()(void* ptr, size_t itemSize, size_t nitems) override {
    if (itemSize == 0 || pos >= size) return 0;
    const size_t items = std::min(nitems, (size - pos) / itemSize);
    std::memcpy(ptr, data + pos, items * itemSize);
    pos += items * itemSize;
    return items;
  }
};

const char* FamilyOf(faiss::Index* index) {
  if (dynamic_cast<faiss::IndexHNSW*>(index)) return "hnsw";
  if (dynamic_cast<faiss::IndexIVF*>(index)) return "ivf";
  if (dynamic_cast<faiss::IndexFlatCodes*>(index)) return "flat";
  return "other";
}

class StationIndex : public Napi::ObjectWrap<StationIndex> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(
        env, "StationIndex",
        {
            StaticMethod<&StationIndex::FromBuffer>("fromBuffer"),
            InstanceAccessor<&StationIndex::Dim>("dim"),
            InstanceAccessor<&StationIndex::Ntotal>("ntotal"),
            InstanceAccessor<&StationIndex::IsTrained>("isTrained"),
            InstanceAccessor<&StationIndex::Family>("family"),
            InstanceMethod<&StationIndex::Train>("train"),
            InstanceMethod<&StationIndex::Add>("add"),
            InstanceMethod<&StationIndex::Search>("search"),
            InstanceMethod<&StationIndex::SetParameter>("setParameter"),
            InstanceMethod<&StationIndex::GetParameter>("getParameter"),
            InstanceMethod<&StationIndex::Scrub>("scrub"),
            InstanceMethod<&StationIndex::ToBuffer>("toBuffer"),
        });
  }

  // new StationIndex(dim, factoryString) -- always inner-product metric (the station compares
  // L2-normalised embeddings by cosine similarity).
  // new StationIndex(null, buffer) is used internally by fromBuffer().
  explicit StationIndex(const Napi::CallbackInfo& info) : Napi::ObjectWrap<StationIndex>(info) {
    Napi::Env env = info.Env();
    Guarded(env, "StationIndex", [&] {
      if (info.Length() == 2 && info[0].IsNull() && info[1].IsBuffer()) {
        Load(info[1].As<Napi::Buffer<uint8_t>>());
        return;
      }
      if (info.Length() != 2) Fail("INVALID_ARGUMENT", "expected (dim, factoryString)");
      const int dim = IntArg(info[0], "dim", 1, kMaxDim);
      const std::string description = StringArg(info[1], "factoryString");
      index_.reset(
          faiss::index_factory(dim, description.c_str(), faiss::METRIC_INNER_PRODUCT));
    });
  }

 private:
  std::unique_ptr<faiss::Index> index_;

  static Napi::Value FromBuffer(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    return Guarded(env, "fromBuffer", [&]() -> Napi::Value {
      if (info.Length() != 1 || !info[0].IsBuffer()) Fail("INVALID_ARGUMENT", "expected a Buffer");
      Napi::FunctionReference* ctor = env.GetInstanceData<Napi::FunctionReference>();
      return ctor->New({env.Null(), info[0]});
    });
  }

  void Load(Napi::Buffer<uint8_t> buf) {
    if (buf.Length() == 0) Fail("INVALID_ARGUMENT", "buffer is empty");
    // The Buffer stays alive for this call (it is an argument), which is all the reader needs.
    SpanReader reader(buf.Data(), buf.Length());
    index_.reset(faiss::read_index(&reader));
    if (index_->metric_type != faiss::METRIC_INNER_PRODUCT) {
      index_.reset();
      Fail("INVALID_ARGUMENT", "index does not use the inner-product metric");
    }
    if (index_->ntotal > INT32_MAX) {
      index_.reset();
      Fail("INVALID_ARGUMENT", "index holds more vectors than int32 labels can address");
    }
  }

  faiss::Index& Ix() {
    if (!index_) Fail("INVALID_STATE", "index is not initialised");
    return *index_;
  }

  Napi::Value Dim(const Napi::CallbackInfo& info) {
    return Guarded(info.Env(), "dim",
                   [&]() -> Napi::Value { return Napi::Number::New(info.Env(), Ix().d); });
  }

  Napi::Value Ntotal(const Napi::CallbackInfo& info) {
    return Guarded(info.Env(), "ntotal", [&]() -> Napi::Value {
      return Napi::Number::New(info.Env(), static_cast<double>(Ix().ntotal));
    });
  }

  Napi::Value IsTrained(const Napi::CallbackInfo& info) {
    return Guarded(info.Env(), "isTrained",
                   [&]() -> Napi::Value { return Napi::Boolean::New(info.Env(), Ix().is_trained); });
  }

  Napi::Value Family(const Napi::CallbackInfo& info) {
    return Guarded(info.Env(), "family", [&]() -> Napi::Value {
      return Napi::String::New(info.Env(), FamilyOf(&Ix()));
    });
  }

  // train(vectors): IVF needs its coarse centroids (and SQ its ranges) before add().
  Napi::Value Train(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    return Guarded(env, "train", [&]() -> Napi::Value {
      faiss::Index& ix = Ix();
      FloatRows rows = RowsArg(info[0], ix.d, "vectors", false);
      if (auto* ivf = dynamic_cast<faiss::IndexIVF*>(&ix)) {
        // faiss's k-means refuses fewer points than centroids; say so in our words first.
        if (rows.n < ivf->nlist) {
          Fail("INVALID_ARGUMENT", "IVF with " + std::to_string(ivf->nlist) +
                                       " lists needs at least that many training vectors, got " +
                                       std::to_string(rows.n));
        }
      }
      ix.train(static_cast<FaissLabel>(rows.n), rows.data);
      return env.Undefined();
    });
  }

  // add(vectors[, firstLabel]): rows get labels firstLabel, firstLabel+1, ... Flat and HNSW
  // number rows by position, so firstLabel must equal ntotal there; IVF stores explicit ids,
  // which is what lets scrub() drop vectors from it without renumbering: after a removal,
  // ntotal < next label, and the caller passes the next label.
  Napi::Value Add(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    return Guarded(env, "add", [&]() -> Napi::Value {
      faiss::Index& ix = Ix();
      FloatRows rows = RowsArg(info[0], ix.d, "vectors", true);
      const int64_t first = info.Length() > 1 && !info[1].IsUndefined()
                                ? IntArg(info[1], "firstLabel", 0, INT32_MAX)
                                : ix.ntotal;
      if (rows.n == 0) return env.Undefined();
      if (!ix.is_trained) Fail("NOT_TRAINED", "the index must be trained before add()");
      if (static_cast<uint64_t>(first) + rows.n > static_cast<uint64_t>(INT32_MAX)) {
        Fail("INVALID_ARGUMENT", "labels would exceed INT32_MAX");
      }
      if (auto* ivf = dynamic_cast<faiss::IndexIVF*>(&ix)) {
        std::vector<FaissLabel> ids(rows.n);
        for (size_t i = 0; i < rows.n; ++i) ids[i] = first + static_cast<int64_t>(i);
        ivf->add_with_ids(static_cast<FaissLabel>(rows.n), rows.data, ids.data());
        return env.Undefined();
      }
      if (first != ix.ntotal) {
        Fail("INVALID_ARGUMENT", std::string("a ") + FamilyOf(&ix) +
                                     " index numbers rows by position: firstLabel must be " +
                                     std::to_string(ix.ntotal));
      }
      ix.add(static_cast<FaissLabel>(rows.n), rows.data);
      return env.Undefined();
    });
  }

  // search(queries, k) -> { labels: Int32Array(nq*k), distances: Float32Array(nq*k) }, row
  // major; missing results are label -1 (fewer than k vectors, or an IVF probe came up short).
  Napi::Value Search(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    return Guarded(env, "search", [&]() -> Napi::Value {
      faiss::Index& ix = Ix();
      FloatRows q = RowsArg(info[0], ix.d, "queries", false);
      const int k = IntArg(info[1], "k", 1, kMaxK);
      if (!ix.is_trained) Fail("NOT_TRAINED", "the index must be trained before search()");
      const size_t total = q.n * static_cast<size_t>(k);
      Napi::Int32Array labels = Napi::Int32Array::New(env, total);
      Napi::Float32Array distances = Napi::Float32Array::New(env, total);
      if (ix.ntotal == 0) {
        // HNSW has no entry point when empty: answer "nothing" without asking faiss.
        for (size_t i = 0; i < total; ++i) {
          labels[i] = -1;
          distances[i] = -INFINITY;
        }
      } else {
        std::vector<FaissLabel> raw(total);
        ix.search(static_cast<FaissLabel>(q.n), q.data, k, distances.Data(), raw.data());
        for (size_t i = 0; i < total; ++i) labels[i] = static_cast<int32_t>(raw[i]);
      }
      Napi::Object out = Napi::Object::New(env);
      out.Set("labels", labels);
      out.Set("distances", distances);
      return out;
    });
  }

  // setParameter(name, value): efSearch / efConstruction (HNSW), nprobe (IVF); any other
  // name goes to faiss::ParameterSpace, which throws (and we convert) when it does not apply.
  Napi::Value SetParameter(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    return Guarded(env, "setParameter", [&]() -> Napi::Value {
      faiss::Index& ix = Ix();
      const std::string name = StringArg(info[0], "name");
      const int value = IntArg(info[1], "value", 1, kMaxK);
      if (name == "efSearch" || name == "efConstruction") {
        auto* hnsw = dynamic_cast<faiss::IndexHNSW*>(&ix);
        if (!hnsw) Fail("INVALID_ARGUMENT", name + " applies to HNSW indexes only");
        (name == "efSearch" ? hnsw->hnsw.efSearch : hnsw->hnsw.efConstruction) = value;
      } else if (name == "nprobe") {
        auto* ivf = dynamic_cast<faiss::IndexIVF*>(&ix);
        if (!ivf) Fail("INVALID_ARGUMENT", "nprobe applies to IVF indexes only");
        ivf->nprobe = static_cast<size_t>(value) < ivf->nlist ? value : ivf->nlist;
      } else {
        faiss::ParameterSpace().set_index_parameter(&ix, name, value);
      }
      return env.Undefined();
    });
  }

  Napi::Value GetParameter(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    return Guarded(env, "getParameter", [&]() -> Napi::Value {
      faiss::Index& ix = Ix();
      const std::string name = StringArg(info[0], "name");
      auto* hnsw = dynamic_cast<faiss::IndexHNSW*>(&ix);
      auto* ivf = dynamic_cast<faiss::IndexIVF*>(&ix);
      if (hnsw && name == "efSearch") return Napi::Number::New(env, hnsw->hnsw.efSearch);
      if (hnsw && name == "efConstruction")
        return Napi::Number::New(env, hnsw->hnsw.efConstruction);
      if (hnsw && name == "M") return Napi::Number::New(env, hnsw->hnsw.nb_neighbors(1));
      if (ivf && name == "nprobe") return Napi::Number::New(env, static_cast<double>(ivf->nprobe));
      if (ivf && name == "nlist") return Napi::Number::New(env, static_cast<double>(ivf->nlist));
      Fail("INVALID_ARGUMENT", "no parameter " + name + " on a " + FamilyOf(&ix) + " index");
    });
  }

  // scrub(labels: Int32Array) -> how many were scrubbed. Destroys the stored vectors of these
  // labels without renumbering the others, for erasure: IVF removes them from its inverted
  // lists; flat and HNSW storage get their code rows zeroed (HNSW cannot unlink a node, and a
  // flat remove_ids would shift every later label). A zeroed row is a constant vector, not the
  // person's embedding; the caller must still filter those labels out of results (tombstones).
  Napi::Value Scrub(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    return Guarded(env, "scrub", [&]() -> Napi::Value {
      faiss::Index& ix = Ix();
      if (!info[0].IsTypedArray() ||
          info[0].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) {
        Fail("INVALID_ARGUMENT", "labels must be an Int32Array");
      }
      Napi::Int32Array labels = info[0].As<Napi::Int32Array>();
      std::vector<FaissLabel> ids;
      ids.reserve(labels.ElementLength());
      for (size_t i = 0; i < labels.ElementLength(); ++i) {
        if (labels[i] < 0) Fail("INVALID_ARGUMENT", "labels must be >= 0");
        ids.push_back(labels[i]);
      }
      if (ids.empty()) return Napi::Number::New(env, 0);
      if (auto* ivf = dynamic_cast<faiss::IndexIVF*>(&ix)) {
        // Ids absent from the lists are simply not counted; the caller compares the count.
        faiss::IDSelectorArray selector(ids.size(), ids.data());
        return Napi::Number::New(env, static_cast<double>(ivf->remove_ids(selector)));
      }
      faiss::IndexFlatCodes* codes = FlatCodesOf(&ix);
      if (!codes) Fail("UNSUPPORTED", std::string("scrub on a ") + FamilyOf(&ix) + " index");
      for (FaissLabel id : ids) {
        if (id >= ix.ntotal) {
          Fail("INVALID_ARGUMENT", "label " + std::to_string(id) + " is outside 0.." +
                                       std::to_string(ix.ntotal - 1));
        }
      }
      for (FaissLabel id : ids) {
        std::memset(codes->codes.data() + static_cast<size_t>(id) * codes->code_size, 0,
                    codes->code_size);
      }
      return Napi::Number::New(env, static_cast<double>(ids.size()));
    });
  }

  Napi::Value ToBuffer(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    return Guarded(env, "toBuffer", [&]() -> Napi::Value {
      faiss::VectorIOWriter writer;
      faiss::write_index(&Ix(), &writer);
      return Napi::Buffer<uint8_t>::Copy(env, writer.data.data(), writer.data.size());
    });
  }
};

// setBlasThreshold(n): faiss computes distances for >= n queries at once with BLAS sgemm,
// fewer with its own loops. Debian's default libblas is the netlib reference BLAS, not a tuned
// one, so batched search may do better without it; exposed so that can be measured. Left at
// faiss's default by the adapter. Process-wide (a faiss global); returns the previous value.
Napi::Value SetBlasThreshold(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guarded(env, "setBlasThreshold", [&]() -> Napi::Value {
    const int previous = faiss::distance_compute_blas_threshold;
    faiss::distance_compute_blas_threshold = IntArg(info[0], "threshold", 1, INT32_MAX);
    return Napi::Number::New(env, previous);
  });
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  Napi::Function ctor = StationIndex::Define(env);
  // Kept per environment (Node worker threads each load the addon) for fromBuffer().
  env.SetInstanceData(new Napi::FunctionReference(Napi::Persistent(ctor)));
  exports.Set("StationIndex", ctor);
  exports.Set("setBlasThreshold", Napi::Function::New(env, SetBlasThreshold, "setBlasThreshold"));
  exports.Set("faissVersion",
              Napi::String::New(env, std::to_string(FAISS_VERSION_MAJOR) + "." +
                                         std::to_string(FAISS_VERSION_MINOR) + "." +
                                         std::to_string(FAISS_VERSION_PATCH)));
  return exports;
}

}  // namespace

NODE_API_MODULE(station_faiss, Init)

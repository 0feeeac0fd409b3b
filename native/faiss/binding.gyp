# Builds two addons against the system faiss (Debian: libfaiss-dev):
#   faiss-node     faiss-node's own src/faiss.cc (its installer downloads a prebuilt or clones
#                  faiss from GitHub, neither of which works offline);
#   station-faiss  our station_index.cc: Float32Array I/O, HNSW/IVF parameters, erasure, and
#                  every C++ exception turned into a JS error (see the file's header).
# Driven by scripts/native/build-faiss-addon.ts, which passes the paths below as -D variables; the
# defaults fit this repository's layout when node-gyp is run by hand in this folder.
# faiss_node_dir must be relative to this folder: gyp's make generator cannot place the object
# file of an absolute source path.
{
  'variables': {
    'faiss_node_dir%': '../../node_modules/faiss-node',
    'node_addon_api_dir%': '<(module_root_dir)/../../node_modules/node-addon-api',
    'faiss_include_dir%': '/usr/include',
    'faiss_static_lib%': '/usr/lib/x86_64-linux-gnu/libfaiss.a',
    # Set by the builder when an AVX2 faiss was built from Debian's source package
    # (scripts/native/faiss-avx2-library.ts); empty = no AVX2 variant.
    'faiss_avx2_lib%': '',
    'faiss_avx2_include_dir%': '',
  },
  'target_defaults': {
    'include_dirs': ['<(node_addon_api_dir)', '<(faiss_include_dir)'],
    'defines': ['NAPI_VERSION=8', 'NAPI_CPP_EXCEPTIONS'],
    # Node's common.gypi turns exceptions and RTTI off; faiss reports errors by throwing
    # FaissException and both addons catch them (ours also needs dynamic_cast), so both on.
    'cflags!': ['-fno-exceptions', '-O2'],
    'cflags_cc!': ['-fno-exceptions', '-fno-rtti', '-std=gnu++17'],
    'cflags': ['-O3', '-fopenmp'],
    'cflags_cc': ['-std=c++17', '-fexceptions', '-frtti', '-O3', '-fopenmp'],
    'ldflags': ['-fopenmp'],
  },
  'targets': [
    {
      # The name faiss-node's lib/index.js asks `bindings` for.
      'target_name': 'faiss-node',
      'sources': ['<(faiss_node_dir)/src/faiss.cc'],
      # The static faiss first: the linker resolves its BLAS/LAPACK calls from what follows.
      'libraries': ['<(faiss_static_lib)', '-lblas', '-llapack', '-fopenmp'],
      'cflags_cc': [
        # faiss.cc is not ours: keep its harmless warnings out of the install log.
        '-Wno-unused-but-set-variable',
        '-include',
        '<(module_root_dir)/faiss-idx-compat.h',
      ],
    },
    {
      # Loaded by src/main/adapters/station-faiss-addon.ts.
      'target_name': 'station-faiss',
      'sources': ['station_index.cc'],
      'libraries': ['<(faiss_static_lib)', '-lblas', '-llapack', '-fopenmp'],
    },
  ],
  'conditions': [
    ['faiss_avx2_lib!=""', {
      'targets': [
        {
          # The same station_index.cc against the AVX2 faiss, compiled for AVX2 too (faiss's
          # headers pick SIMD code paths from __AVX2__). Loaded instead of station-faiss only
          # on CPUs that have AVX2, FMA and F16C (src/main/adapters/station-faiss-addon.ts).
          'target_name': 'station-faiss-avx2',
          'sources': ['station_index.cc'],
          'include_dirs!': ['<(faiss_include_dir)'],
          'include_dirs': ['<(faiss_avx2_include_dir)'],
          'cflags_cc': ['-mavx2', '-mfma', '-mf16c', '-mpopcnt'],
          'libraries': ['<(faiss_avx2_lib)', '-lblas', '-llapack', '-fopenmp'],
        },
      ],
    }],
  ],
}

// Forced-include (-include) for building faiss-node 0.5.1 against Debian 12's faiss 1.7.3.
// faiss-node's src/faiss.cc says `faiss::idx_t`, which faiss 1.7.4 declares at namespace scope;
// 1.7.3 only has the nested `faiss::Index::idx_t`. Both are int64_t, so declaring the alias
// here changes no ABI, and on 1.7.4+ it is a harmless redeclaration of the same alias.
#pragma once
#include <cstdint>

namespace faiss {
using idx_t = int64_t;
}

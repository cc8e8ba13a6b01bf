#include "stages/engine/large_memory.h"

#include <sys/mman.h>

#include <cstdint>

namespace sluice {

void PrepareLargeRegion(void* data, size_t bytes) {
  if (data == nullptr || bytes < kLargeRegionBytes) return;
  constexpr uintptr_t kPage = 4096;
  const uintptr_t begin = (reinterpret_cast<uintptr_t>(data) + kPage - 1) & ~(kPage - 1);
  const uintptr_t end = (reinterpret_cast<uintptr_t>(data) + bytes) & ~(kPage - 1);
  if (end <= begin) return;
  void* at = reinterpret_cast<void*>(begin);
  const size_t n = end - begin;
  // Errors do not matter: these are hints (EINVAL on kernels without them).
#ifdef MADV_HUGEPAGE
  constexpr size_t kHugePage = size_t{2} << 20;
  if (n >= kHugePage) madvise(at, n, MADV_HUGEPAGE);
#endif
#ifdef MADV_POPULATE_WRITE
  madvise(at, n, MADV_POPULATE_WRITE);
#endif
}

}  // namespace sluice

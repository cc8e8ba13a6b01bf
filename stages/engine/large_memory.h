// Large, long-lived buffers (LSH tables, shingle-set chunks, batch buffers)
// are written once from start to end right after they are allocated. Faulting
// their pages in one at a time as they are first written is costly, most of
// all on virtual machines (a trap per 4 KiB page); PrepareLargeRegion asks the
// kernel for transparent huge pages where it allows them per region
// (MADV_HUGEPAGE: the "madvise" setting of Debian's kernels) and populates the
// pages in one call (MADV_POPULATE_WRITE, Linux 5.14+). Both are hints: on an
// older kernel, with THP off, or on another OS nothing happens and the memory
// faults in as before. The contents are not touched.
#pragma once

#include <cstddef>

namespace sluice {

// Regions smaller than this are left alone (a few pages fault in cheaply).
inline constexpr size_t kLargeRegionBytes = size_t{256} << 10;

// Applies the hints to the whole pages inside [data, data + bytes).
void PrepareLargeRegion(void* data, size_t bytes);

}  // namespace sluice

// Strided row copies for channel-axis Concat and SplitV: `rows` rows of `width` bytes from src
// (rows `srcStride` bytes apart) to dst (`dstStride` apart). memcpy lowers to wasm's memory.copy
// (bulk memory), which V8 runs as a native memmove.
#include "kernels.h"

EXPORT(copy_rows)
void copy_rows(const uint8_t* src, uint8_t* dst, u32 rows, u32 width, u32 srcStride, u32 dstStride) {
  if (width == srcStride && width == dstStride) {
    __builtin_memcpy(dst, src, (size_t)rows * width);
    return;
  }
  for (u32 r = 0; r < rows; r++) __builtin_memcpy(dst + (size_t)r * dstStride, src + (size_t)r * srcStride, width);
}

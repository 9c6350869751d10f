// Shared by Facet's SIMD kernels. They run inside tfjs's own wasm memory (imported), read and
// write tensors in place, and must own no static data: the build checks the module declares none.
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name), visibility("default")))

typedef float f32;
typedef uint32_t u32;

/** acc[0..3] += the four lanes of v (in f64). */
static inline void add_lanes(double* acc, v128_t v) {
  acc[0] += wasm_f32x4_extract_lane(v, 0);
  acc[1] += wasm_f32x4_extract_lane(v, 1);
  acc[2] += wasm_f32x4_extract_lane(v, 2);
  acc[3] += wasm_f32x4_extract_lane(v, 3);
}

static inline u32 ceil_div(int32_t a, int32_t b) { return a <= 0 ? 0 : (u32)((a + b - 1) / b); }

/**
 * The output columns [lo, hi) that filter column j reaches inside the input row (width inW,
 * stride sw, dilation dwl, `left` columns of padding); false when there are none. Input column
 * of output column ox: ox·sw + off, with off returned too.
 */
static inline int tap_columns(u32 j, u32 dwl, u32 left, u32 sw, u32 inW, u32 outW, u32* lo, u32* hi, int32_t* off) {
  *off = (int32_t)(j * dwl) - (int32_t)left;
  *lo = ceil_div(-*off, (int32_t)sw);
  *hi = ceil_div((int32_t)inW - *off, (int32_t)sw);
  if (*hi > outW) *hi = outW;
  return *lo < *hi;
}

// Shared by Facet's SIMD kernels. They run inside tfjs's own wasm memory (imported), read and
// write tensors in place, and must own no static data: the build checks the module declares none.
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name), visibility("default")))

typedef float f32;
typedef uint32_t u32;

/**
 * a·b + c. Built twice (scripts/kernel-source.ts): with -mrelaxed-simd it is f32x4.relaxed_madd,
 * one fused multiply-add where the CPU has FMA (rounded once, so results may differ from the plain
 * build in the last bits); the plain build keeps the separate multiply and add.
 */
static inline v128_t madd(v128_t a, v128_t b, v128_t c) {
#ifdef __wasm_relaxed_simd__
  return (v128_t)__builtin_wasm_relaxed_madd_f32x4((__f32x4)a, (__f32x4)b, (__f32x4)c);
#else
  return wasm_f32x4_add(wasm_f32x4_mul(a, b), c);
#endif
}

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

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

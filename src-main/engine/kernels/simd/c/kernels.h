// Shared by Facet's SIMD kernels. They run inside tfjs's own wasm memory (imported), read and
// write tensors in place, and must own no static data: the build checks the module declares none.
#pragma once
#include <stdint.h>
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name), visibility("default")))

typedef float f32;
typedef uint32_t u32;

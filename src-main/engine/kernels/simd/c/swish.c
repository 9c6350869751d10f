// swish (SiLU) forward and gradient, one pass each (the arithmetic is in activations.h).
#include "activations.h"

/** Loads the n % 4 tail lanes (the rest 0) so the tail takes the same arithmetic as the body. */
static inline v128_t load_tail(const f32* p, u32 m) {
  f32 v[4] = {0.f, 0.f, 0.f, 0.f};
  for (u32 j = 0; j < m; j++) v[j] = p[j];
  return wasm_v128_load(v);
}

static inline void store_tail(f32* p, v128_t v, u32 m) {
  f32 o[4];
  wasm_v128_store(o, v);
  for (u32 j = 0; j < m; j++) p[j] = o[j];
}

EXPORT(swish_forward)
void swish_forward(const f32* x, f32* y, u32 n) {
  u32 i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(y + i, swish4(wasm_v128_load(x + i)));
  if (i < n) store_tail(y + i, swish4(load_tail(x + i, n - i)), n - i);
}

EXPORT(swish_grad)
void swish_grad(const f32* dy, const f32* x, f32* dx, u32 n) {
  u32 i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(dx + i, swish_grad4(wasm_v128_load(dy + i), wasm_v128_load(x + i)));
  if (i < n) store_tail(dx + i, swish_grad4(load_tail(dy + i, n - i), load_tail(x + i, n - i)), n - i);
}

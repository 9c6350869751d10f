// relu6's gradient in one pass: dy where 0 < x < 6, else 0 (PyTorch's hardtanh backward and
// tfjs-layers' minimum(6, relu(x)) both pass nothing at the two edges).
#include "kernels.h"

EXPORT(relu6_grad)
void relu6_grad(const f32* dy, const f32* x, f32* out, u32 n) {
  const v128_t zero = wasm_f32x4_splat(0.f);
  const v128_t six = wasm_f32x4_splat(6.f);
  u32 i = 0;
  for (; i + 4 <= n; i += 4) {
    const v128_t v = wasm_v128_load(x + i);
    const v128_t inside = wasm_v128_and(wasm_f32x4_gt(v, zero), wasm_f32x4_lt(v, six));
    wasm_v128_store(out + i, wasm_v128_and(wasm_v128_load(dy + i), inside));
  }
  for (; i < n; i++) out[i] = (x[i] > 0.f && x[i] < 6.f) ? dy[i] : 0.f;
}

// relu6's gradient in one pass: dy where 0 < x < 6, else 0 (PyTorch's hardtanh backward and
// tfjs-layers' minimum(6, relu(x)) both pass nothing at the two edges; activations.h).
#include "activations.h"

EXPORT(relu6_grad)
void relu6_grad(const f32* dy, const f32* x, f32* out, u32 n) {
  u32 i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(out + i, activation_grad4(wasm_v128_load(dy + i), wasm_v128_load(x + i), ACT_RELU6));
  for (; i < n; i++) out[i] = activation_grad1(dy[i], x[i], ACT_RELU6);
}

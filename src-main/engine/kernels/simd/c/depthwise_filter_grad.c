// A depthwise convolution's filter gradient straight from NHWC x and dy (channel multiplier 1):
//   dW[i, j, c] = Σ_{b, oy, ox} x[b, oy·sh + i·dh − top, ox·sw + j·dw − left, c] · dy[b, oy, ox, c]
// Per output row and tap, 16 channels at a time accumulate in registers along the row. With a
// channel multiplier M > 1 (dy channel c·M + m), a plain loop.
#include "kernels.h"


/** acc[c] += Σ_k a[k·sa + c]·b[k·sb + c] for c < C. */
static void row_dot(const f32* a, u32 sa, const f32* b, u32 sb, u32 K, u32 C, f32* acc) {
  u32 c = 0;
  for (; c + 16 <= C; c += 16) {
    v128_t s0 = wasm_f32x4_splat(0.f), s1 = s0, s2 = s0, s3 = s0;
    const f32* p = a + c;
    const f32* q = b + c;
    for (u32 k = 0; k < K; k++, p += sa, q += sb) {
      s0 = madd(wasm_v128_load(p), wasm_v128_load(q), s0);
      s1 = madd(wasm_v128_load(p + 4), wasm_v128_load(q + 4), s1);
      s2 = madd(wasm_v128_load(p + 8), wasm_v128_load(q + 8), s2);
      s3 = madd(wasm_v128_load(p + 12), wasm_v128_load(q + 12), s3);
    }
    wasm_v128_store(acc + c, wasm_f32x4_add(wasm_v128_load(acc + c), s0));
    wasm_v128_store(acc + c + 4, wasm_f32x4_add(wasm_v128_load(acc + c + 4), s1));
    wasm_v128_store(acc + c + 8, wasm_f32x4_add(wasm_v128_load(acc + c + 8), s2));
    wasm_v128_store(acc + c + 12, wasm_f32x4_add(wasm_v128_load(acc + c + 12), s3));
  }
  for (; c + 4 <= C; c += 4) {
    v128_t s = wasm_f32x4_splat(0.f);
    const f32* p = a + c;
    const f32* q = b + c;
    for (u32 k = 0; k < K; k++, p += sa, q += sb) s = madd(wasm_v128_load(p), wasm_v128_load(q), s);
    wasm_v128_store(acc + c, wasm_f32x4_add(wasm_v128_load(acc + c), s));
  }
  for (; c < C; c++) {
    f32 s = 0.f;
    for (u32 k = 0; k < K; k++) s += a[(size_t)k * sa + c] * b[(size_t)k * sb + c];
    acc[c] += s;
  }
}

/** dw: [kh, kw, C, M], overwritten. Geometry as tfjs's Conv2DInfo (pads top/left). */
EXPORT(depthwise_filter_grad)
void depthwise_filter_grad(const f32* x, const f32* dy, f32* dw, u32 batch, u32 inH, u32 inW, u32 C, u32 M, u32 outH,
                           u32 outW, u32 kh, u32 kw, u32 sh, u32 sw, u32 dh, u32 dwl, u32 top, u32 left) {
  const size_t block = (size_t)C * M;
  for (size_t i = 0; i < kh * kw * block; i++) dw[i] = 0.f;
  // Rows outer, taps inner: the few x rows a dy row meets stay in cache for all taps (taps
  // outer swept x and dy once per tap from memory: 4×64×64×144, stride 1, took 15 ms).
  for (u32 b = 0; b < batch; b++) {
    for (u32 oy = 0; oy < outH; oy++) {
      const f32* g = dy + ((size_t)b * outH + oy) * outW * block;
      for (u32 i = 0; i < kh; i++) {
        const int32_t iy = (int32_t)(oy * sh + i * dh) - (int32_t)top;
        if (iy < 0 || iy >= (int32_t)inH) continue;
        for (u32 j = 0; j < kw; j++) {
          f32* acc = dw + (i * kw + j) * block;
          int32_t off;
          u32 lo, hi;
          if (!tap_columns(j, dwl, left, sw, inW, outW, &lo, &hi, &off)) continue;
          const f32* a = x + (((size_t)b * inH + (u32)iy) * inW + (u32)((int32_t)lo * (int32_t)sw + off)) * C;
          const f32* gr = g + (size_t)lo * block;
          if (M == 1) {
            row_dot(a, sw * C, gr, C, hi - lo, C, acc);
            continue;
          }
          for (u32 k = 0; k < hi - lo; k++) {
            const f32* ak = a + (size_t)k * sw * C;
            const f32* gk = gr + (size_t)k * block;
            for (u32 c = 0; c < C; c++) {
              for (u32 m = 0; m < M; m++) acc[c * M + m] += ak[c] * gk[c * M + m];
            }
          }
        }
      }
    }
  }
}

// A convolution's filter gradient straight from NHWC x and dy, no transposes or packing:
//   dW[i, j, ci, co] = Σ_{b, oy, ox} x[b, oy·sh + i·dh − top, ox·sw + j·dw − left, ci] · dy[b, oy, ox, co]
// Per filter tap and output row, the x pixels form a strided list and the dy pixels a contiguous
// one, so each is a small "Aᵀ·B" product accumulated into that tap's [inC, outC] block, in
// registers 4 input channels × 8 output channels at a time.
#include "kernels.h"

/** C[m, n] += Σ_k A[k·sa + m]·B[k·sb + n] for m < M, n < N (C row-major, N wide). */
static void gemm_tn(const f32* A, u32 sa, const f32* B, u32 sb, u32 K, u32 M, u32 N, f32* C) {
  u32 n = 0;
  for (; n + 8 <= N; n += 8) {
    u32 m = 0;
    for (; m + 4 <= M; m += 4) {
      v128_t c00 = wasm_f32x4_splat(0.f), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
      const f32* a = A + m;
      const f32* b = B + n;
      for (u32 k = 0; k < K; k++, a += sa, b += sb) {
        const v128_t b0 = wasm_v128_load(b), b1 = wasm_v128_load(b + 4);
        const v128_t a0 = wasm_v128_load32_splat(a), a1 = wasm_v128_load32_splat(a + 1);
        const v128_t a2 = wasm_v128_load32_splat(a + 2), a3 = wasm_v128_load32_splat(a + 3);
        c00 = madd(a0, b0, c00);
        c01 = madd(a0, b1, c01);
        c10 = madd(a1, b0, c10);
        c11 = madd(a1, b1, c11);
        c20 = madd(a2, b0, c20);
        c21 = madd(a2, b1, c21);
        c30 = madd(a3, b0, c30);
        c31 = madd(a3, b1, c31);
      }
      f32* c = C + (size_t)m * N + n;
      wasm_v128_store(c, wasm_f32x4_add(wasm_v128_load(c), c00));
      wasm_v128_store(c + 4, wasm_f32x4_add(wasm_v128_load(c + 4), c01));
      c += N;
      wasm_v128_store(c, wasm_f32x4_add(wasm_v128_load(c), c10));
      wasm_v128_store(c + 4, wasm_f32x4_add(wasm_v128_load(c + 4), c11));
      c += N;
      wasm_v128_store(c, wasm_f32x4_add(wasm_v128_load(c), c20));
      wasm_v128_store(c + 4, wasm_f32x4_add(wasm_v128_load(c + 4), c21));
      c += N;
      wasm_v128_store(c, wasm_f32x4_add(wasm_v128_load(c), c30));
      wasm_v128_store(c + 4, wasm_f32x4_add(wasm_v128_load(c + 4), c31));
    }
    for (; m < M; m++) {
      v128_t c0 = wasm_f32x4_splat(0.f), c1 = c0;
      const f32* a = A + m;
      const f32* b = B + n;
      for (u32 k = 0; k < K; k++, a += sa, b += sb) {
        const v128_t av = wasm_v128_load32_splat(a);
        c0 = madd(av, wasm_v128_load(b), c0);
        c1 = madd(av, wasm_v128_load(b + 4), c1);
      }
      f32* c = C + (size_t)m * N + n;
      wasm_v128_store(c, wasm_f32x4_add(wasm_v128_load(c), c0));
      wasm_v128_store(c + 4, wasm_f32x4_add(wasm_v128_load(c + 4), c1));
    }
  }
  for (; n < N; n++) {
    for (u32 m = 0; m < M; m++) {
      f32 s = 0.f;
      for (u32 k = 0; k < K; k++) s += A[(size_t)k * sa + m] * B[(size_t)k * sb + n];
      C[(size_t)m * N + n] += s;
    }
  }
}


/** dw: [kh, kw, inC, outC], overwritten. Geometry as tfjs's Conv2DInfo (pads top/left). */
EXPORT(conv_filter_grad)
void conv_filter_grad(const f32* x, const f32* dy, f32* dw, u32 batch, u32 inH, u32 inW, u32 inC, u32 outH,
                      u32 outW, u32 outC, u32 kh, u32 kw, u32 sh, u32 sw, u32 dh, u32 dwl, u32 top, u32 left) {
  const size_t block = (size_t)inC * outC;
  for (size_t i = 0; i < kh * kw * block; i++) dw[i] = 0.f;
  // Rows outer, taps inner, so the kh rows of x an output row meets stay in cache across taps
  // (taps outer swept x and dy once per tap: 4×64×64×128 3×3, 69 → 63 ms; a 1×1 as one list
  // of all pixels in chunks measured no better than row by row).
  for (u32 b = 0; b < batch; b++) {
    for (u32 oy = 0; oy < outH; oy++) {
      for (u32 i = 0; i < kh; i++) {
        const int32_t iy = (int32_t)(oy * sh + i * dh) - (int32_t)top;
        if (iy < 0 || iy >= (int32_t)inH) continue;
        for (u32 j = 0; j < kw; j++) {
          int32_t off;
          u32 lo, hi;
          if (!tap_columns(j, dwl, left, sw, inW, outW, &lo, &hi, &off)) continue;
          const f32* a = x + (((size_t)b * inH + (u32)iy) * inW + (u32)((int32_t)lo * (int32_t)sw + off)) * inC;
          const f32* bb = dy + (((size_t)b * outH + oy) * outW + lo) * outC;
          gemm_tn(a, sw * inC, bb, outC, hi - lo, inC, outC, dw + (i * kw + j) * block);
        }
      }
    }
  }
}

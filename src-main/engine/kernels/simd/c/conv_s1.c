// A stride-1 convolution straight from NHWC x and a [kh, kw, inC, outC] filter, no im2col or
// indirection buffer:
//   y[b, oy, ox, co] = Σ_{i, j, ci} x[b, oy + i·dh − top, ox + j·dw − left, ci] · w[i, j, ci, co]
// Each block of 4 output pixels × 8 output channels stays in registers across all taps and input
// channels and is stored once. The input gradient of a stride-1 convolution is one of these
// (conv_input_grad_filter below packs its filter), which is what the engine runs it for.
#include "kernels.h"

/** One output pixel × N (≤ 8, a multiple of 4) channels at co, every tap checked (edges). */
static void pixel(const f32* x, const f32* w, f32* y, u32 inH, u32 inW, u32 inC, u32 outC, u32 co, u32 N, int32_t oy,
                  int32_t ox, u32 kh, u32 kw, u32 dh, u32 dwl, u32 top, u32 left) {
  v128_t c0 = wasm_f32x4_splat(0.f), c1 = c0;
  for (u32 i = 0; i < kh; i++) {
    const int32_t iy = oy + (int32_t)(i * dh) - (int32_t)top;
    if (iy < 0 || iy >= (int32_t)inH) continue;
    for (u32 j = 0; j < kw; j++) {
      const int32_t ix = ox + (int32_t)(j * dwl) - (int32_t)left;
      if (ix < 0 || ix >= (int32_t)inW) continue;
      const f32* a = x + ((size_t)iy * inW + (u32)ix) * inC;
      const f32* b = w + (size_t)(i * kw + j) * inC * outC + co;
      for (u32 k = 0; k < inC; k++, b += outC) {
        const v128_t av = wasm_v128_load32_splat(a + k);
        c0 = madd(av, wasm_v128_load(b), c0);
        if (N == 8) c1 = madd(av, wasm_v128_load(b + 4), c1);
      }
    }
  }
  wasm_v128_store(y + co, c0);
  if (N == 8) wasm_v128_store(y + co + 4, c1);
}

/** Four neighbouring output pixels × 8 channels at co, all of whose taps are inside the row. */
static void quad8(const f32* x, const f32* w, f32* y, u32 inW, u32 inC, u32 outC, u32 co, const int32_t* rows, u32 nrows,
                  const u32* taps, int32_t ox, u32 kw, u32 dwl, u32 left) {
  v128_t c00 = wasm_f32x4_splat(0.f), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  for (u32 r = 0; r < nrows; r++) {
    const f32* xrow = x + (size_t)rows[r] * inW * inC;
    for (u32 j = 0; j < kw; j++) {
      const f32* a = xrow + (size_t)(ox + (int32_t)(j * dwl) - (int32_t)left) * inC;
      const f32* b = w + (size_t)(taps[r] * kw + j) * inC * outC + co;
      for (u32 k = 0; k < inC; k++, b += outC) {
        const v128_t b0 = wasm_v128_load(b), b1 = wasm_v128_load(b + 4);
        const v128_t a0 = wasm_v128_load32_splat(a + k), a1 = wasm_v128_load32_splat(a + inC + k);
        const v128_t a2 = wasm_v128_load32_splat(a + 2 * inC + k), a3 = wasm_v128_load32_splat(a + 3 * inC + k);
        c00 = madd(a0, b0, c00);
        c01 = madd(a0, b1, c01);
        c10 = madd(a1, b0, c10);
        c11 = madd(a1, b1, c11);
        c20 = madd(a2, b0, c20);
        c21 = madd(a2, b1, c21);
        c30 = madd(a3, b0, c30);
        c31 = madd(a3, b1, c31);
      }
    }
  }
  f32* o = y + co;
  wasm_v128_store(o, c00);
  wasm_v128_store(o + 4, c01);
  o += outC;
  wasm_v128_store(o, c10);
  wasm_v128_store(o + 4, c11);
  o += outC;
  wasm_v128_store(o, c20);
  wasm_v128_store(o + 4, c21);
  o += outC;
  wasm_v128_store(o, c30);
  wasm_v128_store(o + 4, c31);
}

/** As quad8 for 4 channels. */
static void quad4(const f32* x, const f32* w, f32* y, u32 inW, u32 inC, u32 outC, u32 co, const int32_t* rows, u32 nrows,
                  const u32* taps, int32_t ox, u32 kw, u32 dwl, u32 left) {
  v128_t c0 = wasm_f32x4_splat(0.f), c1 = c0, c2 = c0, c3 = c0;
  for (u32 r = 0; r < nrows; r++) {
    const f32* xrow = x + (size_t)rows[r] * inW * inC;
    for (u32 j = 0; j < kw; j++) {
      const f32* a = xrow + (size_t)(ox + (int32_t)(j * dwl) - (int32_t)left) * inC;
      const f32* b = w + (size_t)(taps[r] * kw + j) * inC * outC + co;
      for (u32 k = 0; k < inC; k++, b += outC) {
        const v128_t b0 = wasm_v128_load(b);
        c0 = madd(wasm_v128_load32_splat(a + k), b0, c0);
        c1 = madd(wasm_v128_load32_splat(a + inC + k), b0, c1);
        c2 = madd(wasm_v128_load32_splat(a + 2 * inC + k), b0, c2);
        c3 = madd(wasm_v128_load32_splat(a + 3 * inC + k), b0, c3);
      }
    }
  }
  wasm_v128_store(y + co, c0);
  wasm_v128_store(y + outC + co, c1);
  wasm_v128_store(y + 2 * outC + co, c2);
  wasm_v128_store(y + 3 * outC + co, c3);
}

/**
 * y: [batch, outH, outW, outC], overwritten; outC must be a multiple of 4 (the engine checks).
 * x: [batch, inH, inW, inC]; taps that fall outside x read zeros (padding top/left, and
 * whatever bottom/right padding outH/outW imply).
 */
EXPORT(conv2d_s1)
void conv2d_s1(const f32* x, const f32* w, f32* y, u32 batch, u32 inH, u32 inW, u32 inC, u32 outH, u32 outW, u32 outC,
               u32 kh, u32 kw, u32 dh, u32 dwl, u32 top, u32 left) {
  // Output columns whose every tap is inside the row: ox + j·dw − left ∈ [0, inW) for all j.
  int32_t lo = (int32_t)left;
  int32_t hi = (int32_t)inW - (int32_t)((kw - 1) * dwl) + (int32_t)left;  // exclusive
  if (hi > (int32_t)outW) hi = (int32_t)outW;
  if (lo > hi) lo = hi;
  // The valid filter rows of one output row, at most kh of them: kept on the stack.
  int32_t rows[16];
  u32 taps[16];
  for (u32 b = 0; b < batch; b++) {
    const f32* xb = x + (size_t)b * inH * inW * inC;
    for (u32 oy = 0; oy < outH; oy++) {
      f32* yrow = y + (((size_t)b * outH + oy) * outW) * outC;
      u32 nrows = 0;
      for (u32 i = 0; i < kh && nrows < 16; i++) {
        const int32_t iy = (int32_t)(oy + i * dh) - (int32_t)top;
        if (iy < 0 || iy >= (int32_t)inH) continue;
        rows[nrows] = iy;
        taps[nrows++] = i;
      }
      for (u32 co = 0; co < outC; co += 8) {
        const u32 N = outC - co >= 8 ? 8 : 4;
        int32_t ox = 0;
        for (; ox < lo && ox < (int32_t)outW; ox++) pixel(xb, w, yrow + (size_t)ox * outC, inH, inW, inC, outC, co, N, (int32_t)oy, ox, kh, kw, dh, dwl, top, left);
        for (; ox + 4 <= hi; ox += 4) {
          if (N == 8) quad8(xb, w, yrow + (size_t)ox * outC, inW, inC, outC, co, rows, nrows, taps, ox, kw, dwl, left);
          else quad4(xb, w, yrow + (size_t)ox * outC, inW, inC, outC, co, rows, nrows, taps, ox, kw, dwl, left);
        }
        for (; ox < (int32_t)outW; ox++) pixel(xb, w, yrow + (size_t)ox * outC, inH, inW, inC, outC, co, N, (int32_t)oy, ox, kh, kw, dh, dwl, top, left);
      }
    }
  }
}

/**
 * The filter of a stride-1 convolution's input gradient: out[i, j, co, ci] = w[kh−1−i, kw−1−j, ci, co]
 * (rotated by 180°, channels swapped), so that dx = conv2d_s1(dy, out) with padding
 * (kh−1)·dh − top above and (kw−1)·dw − left to the left.
 */
EXPORT(conv_input_grad_filter)
void conv_input_grad_filter(const f32* w, f32* out, u32 kh, u32 kw, u32 inC, u32 outC) {
  for (u32 i = 0; i < kh; i++) {
    for (u32 j = 0; j < kw; j++) {
      const f32* src = w + (size_t)((kh - 1 - i) * kw + (kw - 1 - j)) * inC * outC;
      f32* dst = out + (size_t)(i * kw + j) * outC * inC;
      for (u32 ci = 0; ci < inC; ci++) {
        for (u32 co = 0; co < outC; co++) dst[(size_t)co * inC + ci] = src[(size_t)ci * outC + co];
      }
    }
  }
}

// A depthwise convolution's input gradient straight from NHWC dy and the filter [kh, kw, C, M]:
//   dx[b, oy·sh + i·dh − top, ox·sw + j·dw − left, c] += Σ_m W[i, j, c, m] · dy[b, oy, ox, c·M + m]
// scattered per tap along each output row, 16 channels at a time with the tap's weights held in
// registers (multiplier 1; a plain loop for M > 1).
#include "kernels.h"


/** d[k·sd + c] += w[c]·g[k·sg + c] for k < K, c < C. */
static void row_axpy(f32* d, u32 sd, const f32* g, u32 sg, const f32* w, u32 K, u32 C) {
  u32 c = 0;
  for (; c + 16 <= C; c += 16) {
    const v128_t w0 = wasm_v128_load(w + c), w1 = wasm_v128_load(w + c + 4);
    const v128_t w2 = wasm_v128_load(w + c + 8), w3 = wasm_v128_load(w + c + 12);
    f32* p = d + c;
    const f32* q = g + c;
    for (u32 k = 0; k < K; k++, p += sd, q += sg) {
      wasm_v128_store(p, madd(w0, wasm_v128_load(q), wasm_v128_load(p)));
      wasm_v128_store(p + 4, madd(w1, wasm_v128_load(q + 4), wasm_v128_load(p + 4)));
      wasm_v128_store(p + 8, madd(w2, wasm_v128_load(q + 8), wasm_v128_load(p + 8)));
      wasm_v128_store(p + 12, madd(w3, wasm_v128_load(q + 12), wasm_v128_load(p + 12)));
    }
  }
  for (; c + 4 <= C; c += 4) {
    const v128_t w0 = wasm_v128_load(w + c);
    f32* p = d + c;
    const f32* q = g + c;
    for (u32 k = 0; k < K; k++, p += sd, q += sg) wasm_v128_store(p, madd(w0, wasm_v128_load(q), wasm_v128_load(p)));
  }
  for (; c < C; c++) {
    for (u32 k = 0; k < K; k++) d[(size_t)k * sd + c] += w[c] * g[(size_t)k * sg + c];
  }
}

/** dx: [batch, inH, inW, C], overwritten. Geometry as tfjs's Conv2DInfo (pads top/left). */
EXPORT(depthwise_input_grad)
void depthwise_input_grad(const f32* dy, const f32* w, f32* dx, u32 batch, u32 inH, u32 inW, u32 C, u32 M, u32 outH,
                          u32 outW, u32 kh, u32 kw, u32 sh, u32 sw, u32 dh, u32 dwl, u32 top, u32 left) {
  const size_t block = (size_t)C * M;
  for (size_t i = 0; i < (size_t)batch * inH * inW * C; i++) dx[i] = 0.f;
  for (u32 b = 0; b < batch; b++) {
    for (u32 oy = 0; oy < outH; oy++) {
      for (u32 i = 0; i < kh; i++) {
        const int32_t iy = (int32_t)(oy * sh + i * dh) - (int32_t)top;
        if (iy < 0 || iy >= (int32_t)inH) continue;
        for (u32 j = 0; j < kw; j++) {
          int32_t off;
          u32 lo, hi;
          if (!tap_columns(j, dwl, left, sw, inW, outW, &lo, &hi, &off)) continue;
          f32* d = dx + (((size_t)b * inH + (u32)iy) * inW + (u32)((int32_t)lo * (int32_t)sw + off)) * C;
          const f32* g = dy + (((size_t)b * outH + oy) * outW + lo) * block;
          const f32* wt = w + (i * kw + j) * block;
          if (M == 1) {
            row_axpy(d, sw * C, g, C, wt, hi - lo, C);
            continue;
          }
          for (u32 k = 0; k < hi - lo; k++) {
            f32* dk = d + (size_t)k * sw * C;
            const f32* gk = g + (size_t)k * block;
            for (u32 c = 0; c < C; c++) {
              f32 s = 0.f;
              for (u32 m = 0; m < M; m++) s += wt[c * M + m] * gk[c * M + m];
              dk[c] += s;
            }
          }
        }
      }
    }
  }
}

// ResizeBilinear's gradient (NHWC), as tfjs's cpu and wasm kernels define it (TensorFlow's
// legacy mapping, half-pixel centres not applied): output pixel (r, c) came from source row
// r·hScale and column c·wScale, so its dy spreads over the four neighbours with the bilinear
// weights. Vectorised over channels.
#include "kernels.h"

/** min(ceil(v), size − 1) for v ≥ 0 whose floor is `f`. */
static u32 upper(double v, u32 f, u32 size) {
  const u32 c = (double)f == v ? f : f + 1;
  return c < size - 1 ? c : size - 1;
}

static void axpy(f32* d, const f32* g, f32 w, u32 C) {
  const v128_t wv = wasm_f32x4_splat(w);
  u32 c = 0;
  for (; c + 4 <= C; c += 4) wasm_v128_store(d + c, madd(wv, wasm_v128_load(g + c), wasm_v128_load(d + c)));
  for (; c < C; c++) d[c] += w * g[c];
}

/** dx: [batch, xH, xW, C], overwritten; dy: [batch, yH, yW, C]. */
EXPORT(resize_bilinear_grad)
void resize_bilinear_grad(const f32* dy, f32* dx, u32 batch, u32 xH, u32 xW, u32 yH, u32 yW, u32 C, double hScale, double wScale) {
  for (size_t i = 0; i < (size_t)batch * xH * xW * C; i++) dx[i] = 0.f;
  for (u32 b = 0; b < batch; b++) {
    f32* img = dx + (size_t)b * xH * xW * C;
    for (u32 r = 0; r < yH; r++) {
      const double fr = r * hScale;
      const u32 top = (u32)fr;
      const u32 bottom = upper(fr, top, xH);
      const double ry = fr - top;
      for (u32 c = 0; c < yW; c++) {
        const double fc = c * wScale;
        const u32 left = (u32)fc;
        const u32 right = upper(fc, left, xW);
        const double rx = fc - left;
        const f32* g = dy + (((size_t)b * yH + r) * yW + c) * C;
        axpy(img + ((size_t)top * xW + left) * C, g, (f32)((1.0 - ry) * (1.0 - rx)), C);
        axpy(img + ((size_t)top * xW + right) * C, g, (f32)((1.0 - ry) * rx), C);
        axpy(img + ((size_t)bottom * xW + left) * C, g, (f32)(ry * (1.0 - rx)), C);
        axpy(img + ((size_t)bottom * xW + right) * C, g, (f32)(ry * rx), C);
      }
    }
  }
}

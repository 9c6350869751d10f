// The segmentation loss (cross-entropy + soft Dice + soft Jaccard, losses/) on softmax
// probabilities p = [npix, C] and class labels, in one pass forward and one backward:
//   forward: per class I = Σ p·t, P = Σ p, T = Σ t and CE = Σ_{t=1} −log(clip(p, 1e-7, 1)),
//            in f64 (the caller turns them into the loss);
//   backward: dL/dp[n, c] = α_c + t·β_c − t·γ_c/p (the last only where clip passes, 1e-7 ≤ p ≤ 1),
//            with α, β, γ per class from the caller. t is the one-hot of the label; labels outside
//            [0, C) have none, as tf.oneHot.
#include "kernels.h"

#define CLIP_LO 1e-7f

/** Natural log in f64 (no libm here): x = m·2^e with m in [√½, √2), log m = 2·atanh(s). */
static double ln(double x) {
  union { double d; uint64_t u; } v = { x };
  int e = (int)((v.u >> 52) & 0x7ff) - 1023;
  v.u = (v.u & 0x000fffffffffffffull) | 0x3ff0000000000000ull;
  double m = v.d;
  if (m > 1.4142135623730951) {
    m *= 0.5;
    e += 1;
  }
  const double s = (m - 1.0) / (m + 1.0), s2 = s * s;
  // |s| < 0.1716: the series to s^15 is exact to ~1e-14.
  const double series = s * (2.0 + s2 * (2.0 / 3 + s2 * (2.0 / 5 + s2 * (2.0 / 7 + s2 * (2.0 / 9 + s2 * (2.0 / 11 + s2 * (2.0 / 13 + s2 * (2.0 / 15))))))));
  return e * 0.6931471805599453 + series;
}

/** sums: 4·C doubles, written as I[C], P[C], T[C], CE[C]. */
EXPORT(seg_loss_forward)
void seg_loss_forward(const f32* p, const int32_t* labels, u32 npix, u32 C, double* sums) {
  double* I = sums;
  double* P = sums + C;
  double* T = sums + 2 * C;
  double* CE = sums + 3 * C;
  for (u32 c = 0; c < 4 * C; c++) sums[c] = 0.0;
  // P in f32 blocks of 64 pixels, then f64.
  for (u32 n0 = 0; n0 < npix; n0 += 64) {
    const u32 n1 = n0 + 64 < npix ? n0 + 64 : npix;
    for (u32 c = 0; c < C; c++) {
      f32 s = 0.f;
      for (u32 n = n0; n < n1; n++) s += p[(size_t)n * C + c];
      P[c] += s;
    }
  }
  for (u32 n = 0; n < npix; n++) {
    const int32_t l = labels[n];
    if (l < 0 || (u32)l >= C) continue;
    f32 v = p[(size_t)n * C + (u32)l];
    I[l] += v;
    T[l] += 1.0;
    if (v < CLIP_LO) v = CLIP_LO;
    if (v > 1.f) v = 1.f;
    CE[l] -= ln(v);
  }
}

/** grad: [npix, C]; alpha, beta, gamma: C floats each (already scaled by the upstream gradient). */
EXPORT(seg_loss_backward)
void seg_loss_backward(const f32* p, const int32_t* labels, u32 npix, u32 C, const f32* alpha, const f32* beta,
                       const f32* gamma, f32* grad) {
  for (u32 n = 0; n < npix; n++) {
    const f32* pn = p + (size_t)n * C;
    f32* gn = grad + (size_t)n * C;
    u32 c = 0;
    for (; c + 4 <= C; c += 4) wasm_v128_store(gn + c, wasm_v128_load(alpha + c));
    for (; c < C; c++) gn[c] = alpha[c];
    const int32_t l = labels[n];
    if (l < 0 || (u32)l >= C) continue;
    const f32 v = pn[l];
    f32 g = gn[l] + beta[l];
    if (v >= CLIP_LO && v <= 1.f) g -= gamma[l] / v;
    gn[l] = g;
  }
}

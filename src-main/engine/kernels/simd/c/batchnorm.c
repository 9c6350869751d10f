// BatchNorm in training mode over x = [rows, C] (NHWC flattened; statistics per channel), in
// three passes forward (mean, variance about the mean, normalise) and two backward (two
// per-channel sums, then dx), where tfjs composes ~5 ops forward and ~12 backward per layer.
// Sums run in f32 over blocks of BLOCK rows, then in f64 across blocks (`acc`, 2·C doubles of
// caller scratch), so accuracy does not degrade with batch·H·W.
#include "kernels.h"

#define BLOCK 32u

/** acc[c] += Σ_r f(x[r, c]) for r in [r0, r1), f = identity or (x − m)²; acc[C + c] unused. */
static void block_sums(const f32* x, u32 r0, u32 r1, u32 C, const f32* m, double* acc) {
  u32 c = 0;
  for (; c + 4 <= C; c += 4) {
    v128_t s = wasm_f32x4_splat(0.f);
    if (m == 0) {
      for (u32 r = r0; r < r1; r++) s = wasm_f32x4_add(s, wasm_v128_load(x + (size_t)r * C + c));
    } else {
      const v128_t mv = wasm_v128_load(m + c);
      for (u32 r = r0; r < r1; r++) {
        const v128_t d = wasm_f32x4_sub(wasm_v128_load(x + (size_t)r * C + c), mv);
        s = madd(d, d, s);
      }
    }
    add_lanes(acc + c, s);
  }
  for (; c < C; c++) {
    f32 s = 0.f;
    for (u32 r = r0; r < r1; r++) {
      const f32 v = x[(size_t)r * C + c];
      s += m == 0 ? v : (v - m[c]) * (v - m[c]);
    }
    acc[c] += s;
  }
}

static void channel_means(const f32* x, u32 rows, u32 C, const f32* m, double* acc, f32* out) {
  for (u32 c = 0; c < C; c++) acc[c] = 0.0;
  for (u32 r0 = 0; r0 < rows; r0 += BLOCK) block_sums(x, r0, r0 + BLOCK < rows ? r0 + BLOCK : rows, C, m, acc);
  for (u32 c = 0; c < C; c++) out[c] = (f32)(acc[c] / rows);
}

/** y = (x − mean)·γ/√(var + ε) + β with the batch's own mean and (biased) variance. */
EXPORT(bn_train_forward)
void bn_train_forward(const f32* x, u32 rows, u32 C, const f32* gamma, const f32* beta, f32 eps,
                      f32* y, f32* mean, f32* var, double* scratch) {
  channel_means(x, rows, C, 0, scratch, mean);
  channel_means(x, rows, C, mean, scratch, var);
  // Per channel y = x·a + b; a and b live in the scratch (as floats, after the doubles are done).
  f32* a = (f32*)scratch;
  f32* b = a + C;
  for (u32 c = 0; c < C; c++) {
    a[c] = gamma[c] / __builtin_sqrtf(var[c] + eps);
    b[c] = beta[c] - mean[c] * a[c];
  }
  for (u32 r = 0; r < rows; r++) {
    const f32* xr = x + (size_t)r * C;
    f32* yr = y + (size_t)r * C;
    u32 c = 0;
    for (; c + 4 <= C; c += 4) {
      wasm_v128_store(yr + c, madd(wasm_v128_load(xr + c), wasm_v128_load(a + c), wasm_v128_load(b + c)));
    }
    for (; c < C; c++) yr[c] = xr[c] * a[c] + b[c];
  }
}

/**
 * Gradients of y = (x − μ)·γ·r + β, r = 1/√(σ² + ε), where μ and σ² are the batch's own:
 *   dβ = Σdy,  dγ = r·Σdy(x − μ),
 *   dx = γr·(dy − Σdy/N − (x − μ)·r²·Σdy(x − μ)/N) = A·dy + B·x + K per channel.
 * scratch: 4·C doubles.
 */
EXPORT(bn_train_backward)
void bn_train_backward(const f32* dy, const f32* x, u32 rows, u32 C, const f32* gamma, const f32* mean,
                       const f32* var, f32 eps, f32* dx, f32* dgamma, f32* dbeta, double* scratch) {
  double* sdy = scratch;
  double* sdyx = scratch + C;
  for (u32 c = 0; c < C; c++) sdy[c] = sdyx[c] = 0.0;
  for (u32 r0 = 0; r0 < rows; r0 += BLOCK) {
    const u32 r1 = r0 + BLOCK < rows ? r0 + BLOCK : rows;
    u32 c = 0;
    for (; c + 4 <= C; c += 4) {
      const v128_t mv = wasm_v128_load(mean + c);
      v128_t s = wasm_f32x4_splat(0.f), t = wasm_f32x4_splat(0.f);
      for (u32 r = r0; r < r1; r++) {
        const v128_t g = wasm_v128_load(dy + (size_t)r * C + c);
        s = wasm_f32x4_add(s, g);
        t = madd(g, wasm_f32x4_sub(wasm_v128_load(x + (size_t)r * C + c), mv), t);
      }
      add_lanes(sdy + c, s);
      add_lanes(sdyx + c, t);
    }
    for (; c < C; c++) {
      f32 s = 0.f, t = 0.f;
      for (u32 r = r0; r < r1; r++) {
        const f32 g = dy[(size_t)r * C + c];
        s += g;
        t += g * (x[(size_t)r * C + c] - mean[c]);
      }
      sdy[c] += s;
      sdyx[c] += t;
    }
  }
  f32* A = (f32*)(scratch + 2 * C);
  f32* B = A + C;
  f32* K = B + C;
  for (u32 c = 0; c < C; c++) {
    const double r = 1.0 / __builtin_sqrt((double)var[c] + eps);
    const double gr = gamma[c] * r;
    dbeta[c] = (f32)sdy[c];
    dgamma[c] = (f32)(r * sdyx[c]);
    A[c] = (f32)gr;
    B[c] = (f32)(-gr * r * r * sdyx[c] / rows);
    K[c] = (f32)(-gr * sdy[c] / rows - B[c] * (double)mean[c]);
  }
  for (u32 r = 0; r < rows; r++) {
    const f32* gr = dy + (size_t)r * C;
    const f32* xr = x + (size_t)r * C;
    f32* dr = dx + (size_t)r * C;
    u32 c = 0;
    for (; c + 4 <= C; c += 4) {
      const v128_t v = madd(wasm_v128_load(xr + c), wasm_v128_load(B + c), wasm_f32x4_mul(wasm_v128_load(gr + c), wasm_v128_load(A + c)));
      wasm_v128_store(dr + c, wasm_f32x4_add(v, wasm_v128_load(K + c)));
    }
    for (; c < C; c++) dr[c] = gr[c] * A[c] + xr[c] * B[c] + K[c];
  }
}

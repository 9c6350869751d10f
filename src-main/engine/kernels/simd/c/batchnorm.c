// BatchNorm in training mode over x = [rows, C] (NHWC flattened; statistics per channel), in
// three passes forward (mean, variance about the mean, normalise) and two backward (two
// per-channel sums, then dx), where tfjs composes ~5 ops forward and ~12 backward per layer.
// Sums run in f32 over blocks of BLOCK rows, then in f64 across blocks (`acc`, 2·C doubles of
// caller scratch), so accuracy does not degrade with batch·H·W.
// The activation layer after a BatchNorm (relu, relu6, swish) can run inside it: forward writes
// act(y) instead of y, and backward recomputes y = x·a + b from x and the saved statistics to
// take the activation's gradient on the fly. That drops the activation's own passes (forward:
// read y, write z; backward: read dy and y, write dy') and y is not kept for backprop at all.
#include "activations.h"

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

/** y = x·a + b per channel, a = γ/√(var + ε), b = β − mean·a: forward and backward compute them alike. */
static void affine(const f32* gamma, const f32* beta, const f32* mean, const f32* var, f32 eps, u32 C, f32* a, f32* b) {
  for (u32 c = 0; c < C; c++) {
    a[c] = gamma[c] / __builtin_sqrtf(var[c] + eps);
    b[c] = beta[c] - mean[c] * a[c];
  }
}

static inline __attribute__((always_inline)) void normalise(const f32* x, u32 rows, u32 C, const f32* a, const f32* b, u32 act, f32* y) {
  for (u32 r = 0; r < rows; r++) {
    const f32* xr = x + (size_t)r * C;
    f32* yr = y + (size_t)r * C;
    u32 c = 0;
    for (; c + 4 <= C; c += 4) {
      wasm_v128_store(yr + c, activate4(madd(wasm_v128_load(xr + c), wasm_v128_load(a + c), wasm_v128_load(b + c)), act));
    }
    for (; c < C; c++) yr[c] = activate1(xr[c] * a[c] + b[c], act);
  }
}

/**
 * z = act(y), y = (x − mean)·γ/√(var + ε) + β with the batch's own mean and (biased) variance.
 * scratch: 2·C doubles.
 */
EXPORT(bn_train_forward)
void bn_train_forward(const f32* x, u32 rows, u32 C, const f32* gamma, const f32* beta, f32 eps, u32 act,
                      f32* y, f32* mean, f32* var, double* scratch) {
  channel_means(x, rows, C, 0, scratch, mean);
  channel_means(x, rows, C, mean, scratch, var);
  // a and b live in the scratch (as floats, after the doubles are done).
  f32* a = (f32*)scratch;
  f32* b = a + C;
  affine(gamma, beta, mean, var, eps, C, a, b);
  // One specialised loop per activation (act is a constant in each call once inlined).
  switch (act) {
    case ACT_RELU: normalise(x, rows, C, a, b, ACT_RELU, y); break;
    case ACT_RELU6: normalise(x, rows, C, a, b, ACT_RELU6, y); break;
    case ACT_SWISH: normalise(x, rows, C, a, b, ACT_SWISH, y); break;
    default: normalise(x, rows, C, a, b, ACT_NONE, y); break;
  }
}

/**
 * Σg and Σg(x − μ) per channel (into sdy, sdyx) for g = dy·act'(x·a + b) (g = dy without an
 * activation, else also written to g_out). Row by row, contiguous with the channel loop inner,
 * the partial sums in f32 rows s and t (C floats each) over BLOCK rows, then added in f64:
 * measured faster than strips of 4 channels down the rows (20 vs 24 ms of BN gradients in a
 * batch-2 MobileNetV2 step), and the activation's arithmetic stays in a streaming loop.
 */
static inline __attribute__((always_inline)) void gradient_sums(
    const f32* dy, const f32* x, u32 rows, u32 C, const f32* mean, const f32* a, const f32* b, u32 act,
    f32* g_out, double* sdy, double* sdyx, f32* s, f32* t) {
  for (u32 c = 0; c < C; c++) sdy[c] = sdyx[c] = 0.0;
  for (u32 r0 = 0; r0 < rows; r0 += BLOCK) {
    const u32 r1 = r0 + BLOCK < rows ? r0 + BLOCK : rows;
    for (u32 c = 0; c < C; c++) s[c] = t[c] = 0.f;
    for (u32 r = r0; r < r1; r++) {
      const size_t row = (size_t)r * C;
      u32 c = 0;
      for (; c + 4 <= C; c += 4) {
        const v128_t xv = wasm_v128_load(x + row + c);
        v128_t g = wasm_v128_load(dy + row + c);
        if (act != ACT_NONE) {
          g = activation_grad4(g, madd(xv, wasm_v128_load(a + c), wasm_v128_load(b + c)), act);
          wasm_v128_store(g_out + row + c, g);
        }
        wasm_v128_store(s + c, wasm_f32x4_add(wasm_v128_load(s + c), g));
        wasm_v128_store(t + c, madd(g, wasm_f32x4_sub(xv, wasm_v128_load(mean + c)), wasm_v128_load(t + c)));
      }
      for (; c < C; c++) {
        f32 g = dy[row + c];
        if (act != ACT_NONE) {
          g = activation_grad1(g, x[row + c] * a[c] + b[c], act);
          g_out[row + c] = g;
        }
        s[c] += g;
        t[c] += g * (x[row + c] - mean[c]);
      }
    }
    for (u32 c = 0; c < C; c++) {
      sdy[c] += s[c];
      sdyx[c] += t[c];
    }
  }
}

/**
 * Gradients of z = act(y), y = (x − μ)·γ·r + β, r = 1/√(σ² + ε), where μ and σ² are the batch's
 * own; with g = dz·act'(y) (g = dz without an activation):
 *   dβ = Σg,  dγ = r·Σg(x − μ),
 *   dx = γr·(g − Σg/N − (x − μ)·r²·Σg(x − μ)/N) = A·g + B·x + K per channel.
 * scratch: 6·C doubles.
 */
EXPORT(bn_train_backward)
void bn_train_backward(const f32* dy, const f32* x, u32 rows, u32 C, const f32* gamma, const f32* beta, const f32* mean,
                       const f32* var, f32 eps, u32 act, f32* dx, f32* dgamma, f32* dbeta, double* scratch) {
  double* sdy = scratch;
  double* sdyx = scratch + C;
  f32* A = (f32*)(scratch + 2 * C);
  f32* B = A + C;
  f32* K = B + C;
  f32* a = K + C;
  f32* b = a + C;
  f32* s = b + C;
  f32* t = s + C;
  affine(gamma, beta, mean, var, eps, C, a, b);
  // g (in dx) and its sums; one specialised loop per activation.
  switch (act) {
    case ACT_RELU: gradient_sums(dy, x, rows, C, mean, a, b, ACT_RELU, dx, sdy, sdyx, s, t); break;
    case ACT_RELU6: gradient_sums(dy, x, rows, C, mean, a, b, ACT_RELU6, dx, sdy, sdyx, s, t); break;
    case ACT_SWISH: gradient_sums(dy, x, rows, C, mean, a, b, ACT_SWISH, dx, sdy, sdyx, s, t); break;
    default: gradient_sums(dy, x, rows, C, mean, a, b, ACT_NONE, dx, sdy, sdyx, s, t); break;
  }
  for (u32 c = 0; c < C; c++) {
    const double r = 1.0 / __builtin_sqrt((double)var[c] + eps);
    const double gr = gamma[c] * r;
    dbeta[c] = (f32)sdy[c];
    dgamma[c] = (f32)(r * sdyx[c]);
    A[c] = (f32)gr;
    B[c] = (f32)(-gr * r * r * sdyx[c] / rows);
    K[c] = (f32)(-gr * sdy[c] / rows - B[c] * (double)mean[c]);
  }
  // With an activation g sits in dx already (read, then overwritten, element by element).
  const f32* g = act != ACT_NONE ? dx : dy;
  for (u32 r = 0; r < rows; r++) {
    const f32* gr = g + (size_t)r * C;
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

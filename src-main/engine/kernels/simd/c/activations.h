// Activation functions on four lanes, shared by swish.c (the activation alone) and batchnorm.c
// (BatchNorm fused with the activation that follows it). swish: y = x·σ(x), dx = dy·σ·(1 + x·(1 − σ)).
// σ comes from e = exp(−|x|) ≤ 1, which cannot overflow: σ(|x|) = 1/(1 + e), σ(−|x|) = e/(1 + e),
// so σ and 1 − σ are both a product with one reciprocal r = 1/(1 + e), and neither is formed by a
// subtraction (tfjs's 1 − σ loses all its digits once σ rounds to 1). Where e underflows to 0
// (|x| ≳ 104, and ±inf) σ is exactly 0 or 1 and the limits are used: y(−inf) = 0, dx = dy or 0,
// where x·σ or x·(1 − σ) would be inf·0 = NaN. NaN in gives NaN out. relu and relu6 (activate4,
// activation_grad4 below) are here too, so relu6.c and batchnorm.c share one definition.
#pragma once
#include "kernels.h"

/**
 * exp(t) for t ≤ 0 (Cephes expf: t = n·ln2 + r, |r| ≤ ln2/2, degree-5 polynomial; ~1 ulp).
 * 2^n is applied as two halves so that results down to the smallest subnormal round once; t is
 * clamped at −110, where exp is 0 in float. Cheap instructions on purpose (V8 on x86): pmax (one
 * maxps; NaN in t still propagates, as t < c is false) rather than NaN-exact max, and n rounded
 * by the 1.5·2^23 shifter, whose low mantissa bits are n as an integer, rather than floor and
 * trunc_sat (each a multi-instruction sequence there).
 */
static inline v128_t exp_nonpositive(v128_t t) {
  t = wasm_f32x4_pmax(t, wasm_f32x4_splat(-110.f));
  const v128_t shifter = wasm_f32x4_splat(12582912.f);
  const v128_t kn = madd(t, wasm_f32x4_splat(1.44269504088896341f), shifter);
  const v128_t n = wasm_f32x4_sub(kn, shifter);
  // ln2 in two parts (0.693359375 is exact in 10 bits, so n·C1 is exact).
  v128_t r = madd(n, wasm_f32x4_splat(-0.693359375f), t);
  r = madd(n, wasm_f32x4_splat(2.12194440e-4f), r);
  v128_t p = wasm_f32x4_splat(1.9875691500e-4f);
  p = madd(p, r, wasm_f32x4_splat(1.3981999507e-3f));
  p = madd(p, r, wasm_f32x4_splat(8.3334519073e-3f));
  p = madd(p, r, wasm_f32x4_splat(4.1665795894e-2f));
  p = madd(p, r, wasm_f32x4_splat(1.6666665459e-1f));
  p = madd(p, r, wasm_f32x4_splat(5.0000001201e-1f));
  p = madd(p, wasm_f32x4_mul(r, r), wasm_f32x4_add(r, wasm_f32x4_splat(1.f)));
  // n ∈ [−159, 0]: halves n1 = ⌊n/2⌋ ≥ −80 and n2 = n − n1 ≥ −79, both normal powers of two.
  const v128_t ni = wasm_i32x4_sub(kn, shifter);
  const v128_t n1 = wasm_i32x4_shr(ni, 1);
  const v128_t n2 = wasm_i32x4_sub(ni, n1);
  const v128_t bias = wasm_i32x4_splat(127);
  p = wasm_f32x4_mul(p, wasm_i32x4_shl(wasm_i32x4_add(n1, bias), 23));
  return wasm_f32x4_mul(p, wasm_i32x4_shl(wasm_i32x4_add(n2, bias), 23));
}

/** σ(x) and 1 − σ(x), and the mask of lanes where exp(−|x|) underflowed to 0. */
static inline void sigmoid_pair(v128_t x, v128_t* s, v128_t* one_minus_s, v128_t* saturated) {
  const v128_t one = wasm_f32x4_splat(1.f);
  const v128_t e = exp_nonpositive(wasm_f32x4_neg(wasm_f32x4_abs(x)));
  const v128_t r = wasm_f32x4_div(one, wasm_f32x4_add(one, e));
  const v128_t er = wasm_f32x4_mul(e, r);
  const v128_t negative = wasm_f32x4_lt(x, wasm_f32x4_splat(0.f));
  *s = wasm_v128_bitselect(er, r, negative);
  *one_minus_s = wasm_v128_bitselect(r, er, negative);
  *saturated = wasm_f32x4_eq(e, wasm_f32x4_splat(0.f));
}

static inline v128_t swish4(v128_t x) {
  v128_t s, q, sat;
  sigmoid_pair(x, &s, &q, &sat);
  // σ is 0 only where e underflowed and x < 0: y = 0 there (x·σ is NaN at −inf). Saturated
  // positive lanes have σ = 1 exactly, so y = x.
  return wasm_v128_andnot(wasm_f32x4_mul(x, s), wasm_f32x4_eq(s, wasm_f32x4_splat(0.f)));
}

static inline v128_t swish_grad4(v128_t dy, v128_t x) {
  v128_t s, q, sat;
  sigmoid_pair(x, &s, &q, &sat);
  // Saturated: x·(1 − σ) → 0 (it is inf·0 at +inf, and 1 + x·0 would be wrong nowhere else).
  const v128_t t = wasm_v128_andnot(wasm_f32x4_mul(x, q), sat);
  return wasm_f32x4_mul(wasm_f32x4_mul(dy, s), wasm_f32x4_add(wasm_f32x4_splat(1.f), t));
}

/** Activation codes: what batchnorm.c applies after normalising (BN_ACTIVATIONS in kernels/wasm/BatchNormTrain.ts). */
enum { ACT_NONE = 0, ACT_RELU = 1, ACT_RELU6 = 2, ACT_SWISH = 3 };

/** act(v); relu and relu6 as pmax/pmin with the constant second, so NaN passes through. */
static inline __attribute__((always_inline)) v128_t activate4(v128_t v, u32 act) {
  switch (act) {
    case ACT_RELU: return wasm_f32x4_pmax(v, wasm_f32x4_splat(0.f));
    case ACT_RELU6: return wasm_f32x4_pmin(wasm_f32x4_pmax(v, wasm_f32x4_splat(0.f)), wasm_f32x4_splat(6.f));
    case ACT_SWISH: return swish4(v);
    default: return v;
  }
}

/** dy·act'(v): relu passes where v > 0, relu6 where 0 < v < 6 (as relu6.c and tfjs's relu). */
static inline __attribute__((always_inline)) v128_t activation_grad4(v128_t dy, v128_t v, u32 act) {
  const v128_t zero = wasm_f32x4_splat(0.f);
  switch (act) {
    case ACT_RELU: return wasm_v128_and(dy, wasm_f32x4_gt(v, zero));
    case ACT_RELU6: return wasm_v128_and(dy, wasm_v128_and(wasm_f32x4_gt(v, zero), wasm_f32x4_lt(v, wasm_f32x4_splat(6.f))));
    case ACT_SWISH: return swish_grad4(dy, v);
    default: return dy;
  }
}

// Tails (n % 4 values) go through the same lane arithmetic, one value in lane 0.
static inline f32 activate1(f32 v, u32 act) { return wasm_f32x4_extract_lane(activate4(wasm_f32x4_splat(v), act), 0); }
static inline f32 activation_grad1(f32 dy, f32 v, u32 act) {
  return wasm_f32x4_extract_lane(activation_grad4(wasm_f32x4_splat(dy), wasm_f32x4_splat(v), act), 0);
}

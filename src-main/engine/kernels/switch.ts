// One switch for Facet's fast training paths (SIMD kernels, buffer-sharing Identity, the relu6
// and swish activations, the fused BatchNorm), so a benchmark or the numerics check can run the previous
// paths and the new ones in the same process. FACET_FAST_PATHS=0 starts with them off.
let on = process.env['FACET_FAST_PATHS'] !== '0';

export function fastPathsEnabled(): boolean {
  return on;
}

export function setFastPathsEnabled(enabled: boolean): void {
  on = enabled;
}

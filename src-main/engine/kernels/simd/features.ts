// Which build of the SIMD kernels this engine can run. Relaxed SIMD (f32x4.relaxed_madd: one fused
// multiply-add where the CPU has FMA) is on by default in Chromium/Electron and Node ≥ 22; Node 20's
// V8 has it behind --experimental-wasm-relaxed-simd. A worker thread's execArgv rejects that flag
// (ERR_WORKER_INVALID_EXEC_ARGV), but V8 reads wasm feature flags when a module is validated or
// compiled, so setting it with v8.setFlagsFromString before compiling works, in the main thread
// and in worker threads alike; it is process-wide and only adds instructions, so nothing else changes.
import v8 from 'node:v8';

/**
 * (func (result v128) v128.const 0, v128.const 0, v128.const 0, f32x4.relaxed_madd): valid
 * exactly where relaxed SIMD is on.
 */
const RELAXED_MADD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // types: () -> v128
  0x03, 0x02, 0x01, 0x00, // functions: one of type 0
  0x0a, 0x3d, 0x01, 0x3b, 0x00, // code: one body of 59 bytes, no locals
  ...[0, 1, 2].flatMap(() => [0xfd, 0x0c, ...new Array<number>(16).fill(0)]), // 3 × v128.const 0
  0xfd, 0x85, 0x02, // f32x4.relaxed_madd
  0x0b, // end
]);

export const RELAXED_SIMD_FLAG = '--experimental-wasm-relaxed-simd';

/** Whether this engine validates relaxed SIMD's multiply-add as it stands (no flag set). */
export function relaxedSimdValidates(): boolean {
  return WebAssembly.validate(RELAXED_MADD_PROBE);
}

let enabled: boolean | null = null;

/**
 * True when relaxed SIMD modules can compile here, turning V8's flag on first where the engine
 * has it behind one (Node 20). Checked once per thread.
 */
export function enableRelaxedSimd(): boolean {
  if (enabled !== null) return enabled;
  if (!relaxedSimdValidates()) {
    try {
      v8.setFlagsFromString(RELAXED_SIMD_FLAG);
    } catch {
      // an engine without V8 flags: stays off
    }
  }
  enabled = relaxedSimdValidates();
  return enabled;
}

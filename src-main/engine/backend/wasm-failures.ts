// The wasm backend fails silently in two ways when its heap (at most 4 GB in wasm32) runs out,
// and both have been seen training DeepLabV3+ MobileNetV2 at 256 px, batch 8, in one heap:
// 1. tfjs allocates a tensor with `_malloc` and does not check the result: a failed allocation
//    returns 0, and the tensor then lives at address 0, over everything else in the heap
//    (measured: a 800 MB tensor written at offset 0 once the heap was at 3.9 GB).
// 2. XNNPACK reports a failed operator (status 6 = out of memory) with a printf, and the
//    kernel returns whatever its output buffer held.
// `guardWasmHeap` makes (1) throw at the allocation. For (2), Emscripten binds its print
// functions to `console.log`/`console.warn` when the module is created, so wrappers installed
// before the backend starts see those lines; `assertEngineHealthy` turns them into an error.
// Either way the work stops with a message that says why, instead of going on with garbage.

import { assertGpuHealthy } from './gpu-health';

const XNN_FAILURE = /XNN status for (\w+) is not successful\. Got status (\d+)/;
const ADVICE = 'Lower the batch size or input size (or use more engine workers: each has its own heap).';

export class EngineFailure extends Error {}

let failures: string[] = [];
let printWatch = false;

function watch(original: (...args: unknown[]) => void): (...args: unknown[]) => void {
  return (...args: unknown[]) => {
    const m = XNN_FAILURE.exec(args.map(String).join(' '));
    if (m) failures.push(`${m[1]} failed with XNNPACK status ${m[2]}${m[2] === '6' ? ' (out of memory)' : ''}`);
    original(...args);
  };
}

/** Installs the print wrappers (idempotent); must run before the wasm backend is created. */
export function installXnnWatch(): void {
  if (printWatch) return;
  printWatch = true;
  console.log = watch(console.log.bind(console));
  console.warn = watch(console.warn.bind(console));
}

/** Throws if XNNPACK (or the WebGPU device, gpu-health.ts) reported a failure since the last call. */
export function assertEngineHealthy(what: string): void {
  assertGpuHealthy(what);
  if (failures.length === 0) return;
  const seen = [...new Set(failures)];
  failures = [];
  throw new EngineFailure(`${what}: the wasm engine failed (${seen.join('; ')}), so its results are wrong and the work stopped. ${ADVICE}`);
}

interface WasmHeapModule {
  _malloc(bytes: number): number;
  _free(at: number): void;
  HEAPU8: Uint8Array;
  __facetGuarded?: boolean;
}

/** Makes every tensor allocation of a started wasm backend throw instead of returning address 0. */
export function guardWasmHeap(backend: unknown): void {
  const wasm = (backend as { wasm?: WasmHeapModule }).wasm;
  if (!wasm || wasm.__facetGuarded) return;
  // Emscripten's `_malloc` export replaces itself with the raw export on first call: make that
  // happen now, or it would replace the guard.
  wasm._free(wasm._malloc(16));
  const malloc = wasm._malloc.bind(wasm);
  wasm._malloc = (bytes: number) => {
    const at = malloc(bytes);
    if (at === 0 && bytes > 0) {
      const mb = (n: number) => `${(n / 2 ** 20).toFixed(0)} MB`;
      throw new EngineFailure(`the wasm engine is out of memory: ${mb(bytes)} more did not fit in its ${mb(wasm.HEAPU8.length)} heap. ${ADVICE}`);
    }
    return at;
  };
  wasm.__facetGuarded = true;
}

// Starts tfjs's wasm backend with XNNPACK threads under Node. As shipped, tfjs turns threads off
// in Node (WASM_HAS_MULTITHREAD_SUPPORT is false there), and forcing the flag fails: Emscripten's
// pthread workers are created from `blob:` URLs, which Node's Worker refuses. The emitted worker
// script itself supports Node (it uses worker_threads and loads its main script with
// fs.readFileSync), so we let it load from files: while the backend initialises, `Blob` is
// replaced by one that writes its text to a temp file and `URL.createObjectURL` returns that
// path. The bundled main-script source refers to rollup's module aliases (`require$$0`…,
// `commonjsGlobal`), which we define in front of it. XNNPACK sizes its pool at load time from
// `emscripten_num_logical_cores() / 2` (assuming hyper-threading), so `os.cpus()` reports twice
// the wanted thread count for that moment. Everything is restored afterwards.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { tf } from '../tf';

const MAIN_PRELUDE =
  'var require$$0=require("fs"),require$$1=require("path"),require$$3=require("perf_hooks"),' +
  'require$$4=require("os"),commonjsGlobal=globalThis;\n';
// Inside each pthread worker the main script arrives as our file-backed blob: resolve it to its path.
const WORKER_PRELUDE = 'URL.createObjectURL=function(b){return b&&b.__facetPath};URL.revokeObjectURL=function(){};';

interface PThreadModule {
  PThread?: { unusedWorkers: Array<{ unref(): void }>; runningWorkers: Array<{ unref(): void }> };
  tfjs: { getThreadsCount(): number };
}

export interface WasmStart {
  threads: number;
  simd: boolean;
}

let started: Promise<WasmStart> | null = null;

/**
 * Sets the wasm backend active with `threads` XNNPACK threads (1: the plain SIMD build). The pool
 * is sized once per process (the webgpu probe may have started it): later calls reactivate it.
 */
export async function startWasm(threads: number): Promise<WasmStart> {
  if (started) {
    const s = await started;
    if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not start');
    return s;
  }
  started = startWasmOnce(threads);
  started.catch(() => (started = null));
  return started;
}

async function startWasmOnce(threads: number): Promise<WasmStart> {
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT') as boolean;
  if (threads <= 1 || !simd) {
    if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not start');
    return { threads: 1, simd };
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'facet-wasm-'));
  const saved = { Blob: globalThis.Blob, create: URL.createObjectURL, revoke: URL.revokeObjectURL, cpus: os.cpus };
  let files = 0;
  class FileBlob {
    readonly __facetPath: string;
    constructor(parts: unknown[]) {
      let text = parts.map(String).join('');
      if (text.startsWith('var WasmBackendModuleThreadedSimd')) text = MAIN_PRELUDE + text;
      else if (text.includes('worker_threads')) text = WORKER_PRELUDE + text;
      this.__facetPath = path.join(dir, `part${files++}.cjs`);
      writeFileSync(this.__facetPath, text);
    }
  }
  try {
    globalThis.Blob = FileBlob as unknown as typeof Blob;
    URL.createObjectURL = (blob: unknown) => (blob as FileBlob).__facetPath;
    URL.revokeObjectURL = () => {};
    const cpu = saved.cpus()[0];
    os.cpus = () => Array.from({ length: threads * 2 }, () => cpu!) ;
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
    setThreadsCount(threads);
    if (!(await tf.setBackend('wasm'))) throw new Error('the threaded wasm backend did not start');
  } finally {
    globalThis.Blob = saved.Blob;
    URL.createObjectURL = saved.create;
    URL.revokeObjectURL = saved.revoke;
    os.cpus = saved.cpus;
  }
  const module = (tf.backend() as unknown as { wasm: PThreadModule }).wasm;
  // Idle pthread workers must not keep the process alive once the program is done.
  for (const w of [...(module.PThread?.unusedWorkers ?? []), ...(module.PThread?.runningWorkers ?? [])]) w.unref();
  // The workers have read their scripts by now only if they started; keep the files until exit.
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return { threads: module.tfjs.getThreadsCount(), simd };
}

// What the committed SIMD kernel binary is built from: the C sources and the compiler flags. The
// build records their hash in the binary's module, and a test recomputes it, so a source edit
// without `npm run build:kernels` fails CI (which has no clang).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const KERNEL_DIR = fileURLToPath(new URL('../src-main/engine/kernels/simd/', import.meta.url));
export const C_DIR = path.join(KERNEL_DIR, 'c');
export const WASM_FILE = path.join(KERNEL_DIR, 'facet-kernels.wasm');
export const BINARY_MODULE = path.join(KERNEL_DIR, 'binary.ts');

/** PIC side module: memory, and a stack pointer if the code needs one, are imported. */
export const CLANG_FLAGS = [
  '--target=wasm32', '-O3', '-msimd128', '-mbulk-memory', '-fPIC', '-fvisibility=hidden', '-nostdlib', '-ffreestanding', '-std=c11', '-Wall', '-Werror',
  '-Wl,--import-memory', '-Wl,--no-entry', '-Wl,--experimental-pic', '-Wl,-shared', '-Wl,--strip-debug',
];

export function sourceFiles(): string[] {
  return readdirSync(C_DIR).filter((f) => f.endsWith('.c') || f.endsWith('.h')).sort();
}

export function sourceHash(): string {
  const h = createHash('sha256');
  h.update(CLANG_FLAGS.join(' '));
  for (const f of sourceFiles()) {
    // Line endings normalised: a checkout with CRLF must not look stale.
    h.update(`\0${f}\0${readFileSync(path.join(C_DIR, f), 'utf8').replace(/\r\n/g, '\n')}`);
  }
  return h.digest('hex');
}

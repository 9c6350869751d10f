// What the committed SIMD kernel binaries are built from: the C sources and the compiler flags. The
// build records their hash in the binaries' module, and a test recomputes it, so a source edit
// without `npm run build:kernels` fails CI (which has no clang).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const KERNEL_DIR = fileURLToPath(new URL('../src-main/engine/kernels/simd/', import.meta.url));
export const C_DIR = path.join(KERNEL_DIR, 'c');
export const BINARY_MODULE = path.join(KERNEL_DIR, 'binary.ts');

/** PIC side module: memory, and a stack pointer if the code needs one, are imported. */
export const CLANG_FLAGS = [
  '--target=wasm32', '-O3', '-msimd128', '-mbulk-memory', '-fPIC', '-fvisibility=hidden', '-nostdlib', '-ffreestanding', '-std=c11', '-Wall', '-Werror',
  '-Wl,--import-memory', '-Wl,--no-entry', '-Wl,--experimental-pic', '-Wl,-shared', '-Wl,--strip-debug',
];

/**
 * The two builds: plain SIMD, which every wasm SIMD engine runs, and relaxed SIMD, whose
 * multiply-adds (kernels.h `madd`) become f32x4.relaxed_madd, fused where the CPU has FMA.
 * The engine picks one at start by feature detection (kernels/simd/features.ts).
 */
export const VARIANTS = {
  simd: { flags: [] as string[], wasmFile: path.join(KERNEL_DIR, 'facet-kernels.wasm') },
  relaxed: { flags: ['-mrelaxed-simd'], wasmFile: path.join(KERNEL_DIR, 'facet-kernels-relaxed.wasm') },
} as const;

export type BuildVariant = keyof typeof VARIANTS;
export const BUILD_VARIANTS = Object.keys(VARIANTS) as BuildVariant[];

export function clangFlags(variant: BuildVariant): string[] {
  return [...CLANG_FLAGS, ...VARIANTS[variant].flags];
}

export function sourceFiles(): string[] {
  return readdirSync(C_DIR).filter((f) => f.endsWith('.c') || f.endsWith('.h')).sort();
}

export function sourceHash(): string {
  const h = createHash('sha256');
  for (const v of BUILD_VARIANTS) h.update(`${v}\0${clangFlags(v).join(' ')}\0`);
  for (const f of sourceFiles()) {
    // Line endings normalised: a checkout with CRLF must not look stale.
    h.update(`\0${f}\0${readFileSync(path.join(C_DIR, f), 'utf8').replace(/\r\n/g, '\n')}`);
  }
  return h.digest('hex');
}

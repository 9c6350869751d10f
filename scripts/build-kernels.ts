// Builds Facet's SIMD kernels (src-main/engine/kernels/simd/c/*.c) into WebAssembly modules, one
// per variant (plain SIMD and relaxed SIMD, kernel-source.ts), and commits each twice: as its
// .wasm file, and in binary.ts (the same bytes in base64 plus the source hash), which is what the
// engine loads, so bundling needs no asset handling. Needs clang ≥ 16 (relaxed SIMD builtins) and
// wasm-ld (Debian: `apt-get install clang-16 lld-16`; FACET_CLANG names another clang); users and
// CI use the committed files.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { enableRelaxedSimd } from '../src-main/engine/kernels/simd/features';
import { BINARY_MODULE, BUILD_VARIANTS, C_DIR, clangFlags, sourceFiles, sourceHash, VARIANTS, type BuildVariant } from './kernel-source';

const ALLOWED_IMPORTS = new Set(['memory', '__indirect_function_table', '__memory_base', '__table_base', '__stack_pointer']);

function leb(bytes: Uint8Array, at: number): [number, number] {
  let value = 0;
  let shift = 0;
  let p = at;
  for (;;) {
    const b = bytes[p++]!;
    value |= (b & 127) << shift;
    shift += 7;
    if ((b & 128) === 0) return [value >>> 0, p];
  }
}

/** The module may own no memory or table of its own: it lives inside tfjs's heap. */
function checkSideModule(bytes: Uint8Array<ArrayBuffer>): void {
  let p = 8;
  while (p < bytes.length) {
    const id = bytes[p++]!;
    const [size, body] = leb(bytes, p);
    if (id === 11 && size > 1) throw new Error('the kernels declare static data (a data section): keep them stateless');
    if (id === 0) {
      const [nameLen, nameAt] = leb(bytes, body);
      const name = new TextDecoder().decode(bytes.subarray(nameAt, nameAt + nameLen));
      if (name === 'dylink.0') {
        let q = nameAt + nameLen;
        const [kind, kindEnd] = leb(bytes, q);
        q = kindEnd;
        if (kind === 1) {
          const [, sizeEnd] = leb(bytes, q);
          const [memSize, a] = leb(bytes, sizeEnd);
          const [, b] = leb(bytes, a);
          const [tableSize] = leb(bytes, b);
          if (memSize !== 0 || tableSize !== 0) throw new Error(`the kernels need ${memSize} B of static memory and ${tableSize} table slots: keep them stateless`);
        }
      }
    }
    p = body + size;
  }
  const module = new WebAssembly.Module(bytes);
  for (const i of WebAssembly.Module.imports(module)) {
    if (i.module !== 'env' || !ALLOWED_IMPORTS.has(i.name)) throw new Error(`unexpected import ${i.module}.${i.name}`);
  }
}

const RELAXED_PROBE = '#include <wasm_simd128.h>\nv128_t f(v128_t a, v128_t b, v128_t c) { return (v128_t)__builtin_wasm_relaxed_madd_f32x4((__f32x4)a, (__f32x4)b, (__f32x4)c); }\n';

/** The first clang that compiles relaxed SIMD's multiply-add (clang 14, Debian's default, does not). */
function findClang(dir: string): string {
  const fromEnv = process.env['FACET_CLANG'];
  const candidates = fromEnv ? [fromEnv] : ['clang', 'clang-19', 'clang-18', 'clang-17', 'clang-16'];
  const probe = path.join(dir, 'probe.c');
  writeFileSync(probe, RELAXED_PROBE);
  for (const clang of candidates) {
    try {
      execFileSync(clang, ['--target=wasm32', '-msimd128', '-mrelaxed-simd', '-c', '-o', path.join(dir, 'probe.o'), probe], { stdio: 'ignore' });
      return clang;
    } catch {
      // not installed, or too old for relaxed SIMD: try the next
    }
  }
  throw new Error(`no clang with relaxed SIMD (tried ${candidates.join(', ')}): install clang-16 and lld-16, or set FACET_CLANG`);
}

function build(clang: string, variant: BuildVariant, dir: string): { bytes: Buffer; exports: string[] } {
  const out = path.join(dir, `${variant}.wasm`);
  const sources = sourceFiles().filter((f) => f.endsWith('.c')).map((f) => path.join(C_DIR, f));
  execFileSync(clang, [...clangFlags(variant), '-o', out, ...sources], { stdio: 'inherit' });
  const bytes = readFileSync(out);
  const view = new Uint8Array(bytes);
  checkSideModule(view);
  return { bytes, exports: WebAssembly.Module.exports(new WebAssembly.Module(view)).map((e) => e.name) };
}

function base64Lines(bytes: Buffer): string[] {
  const lines = bytes.toString('base64').match(/.{1,100}/g) ?? [];
  return lines.map((l, i) => `  '${l}'${i === lines.length - 1 ? ',' : ' +'}`);
}

// The relaxed build is checked by compiling it, here as in the engine.
if (!enableRelaxedSimd()) throw new Error('this Node cannot compile relaxed SIMD (needs Node ≥ 20)');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'facet-kernels-'));
try {
  const clang = findClang(tmp);
  const built = BUILD_VARIANTS.map((variant) => ({ variant, ...build(clang, variant, tmp) }));
  const exports = built[0]!.exports;
  for (const b of built) {
    if (JSON.stringify(b.exports) !== JSON.stringify(exports)) throw new Error(`the ${b.variant} build exports ${b.exports.join(', ')}, not ${exports.join(', ')}`);
    writeFileSync(VARIANTS[b.variant].wasmFile, b.bytes);
  }
  writeFileSync(
    BINARY_MODULE,
    [
      '// Generated by `npm run build:kernels` from ./c/*.c: do not edit. The same bytes as the',
      '// facet-kernels*.wasm files, embedded so that bundles need no asset handling.',
      `export const SOURCE_HASH = '${sourceHash()}';`,
      `export const EXPORTS = ${JSON.stringify(exports)} as const;`,
      '/** Each build variant\'s module, base64 (scripts/kernel-source.ts says how each is built). */',
      'export const WASM_BASE64 = {',
      ...built.flatMap((b) => [`  ${b.variant}:`, ...base64Lines(b.bytes)]),
      '} as const;',
      '',
    ].join('\n'),
  );
  for (const b of built) console.log(`${path.basename(VARIANTS[b.variant].wasmFile)}: ${b.bytes.length} bytes (${clang})`);
  console.log(`exports ${exports.join(', ')}`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

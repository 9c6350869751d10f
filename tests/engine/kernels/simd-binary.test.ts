// The committed SIMD kernel binaries are built from the committed C sources: a source edit without
// `npm run build:kernels` fails here (CI has no clang), and the embedded copies the engine loads
// are byte for byte the committed .wasm files, one per build variant.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXPORTS, SOURCE_HASH, WASM_BASE64 } from '../../../src-main/engine/kernels/simd/binary';
import { enableRelaxedSimd } from '../../../src-main/engine/kernels/simd/features';
import { BUILD_VARIANTS, sourceHash, VARIANTS } from '../../../scripts/kernel-source';

/** Whether the bytes hold f32x4.relaxed_madd (a byte scan: the plain build must show none). */
function usesRelaxedMadd(bytes: Buffer): boolean {
  // f32x4.relaxed_madd is 0xfd 0x85 0x02; the plain build has no relaxed opcode at all (0x100–0x113).
  for (let i = 0; i + 2 < bytes.length; i++) {
    if (bytes[i] === 0xfd && bytes[i + 1] === 0x85 && bytes[i + 2] === 0x02) return true;
  }
  return false;
}

describe('SIMD kernel binaries', () => {
  it('are up to date with their C sources and flags (run `npm run build:kernels`)', () => {
    expect(SOURCE_HASH).toBe(sourceHash());
  });

  it('builds the same variants the engine knows', () => {
    expect(Object.keys(WASM_BASE64).sort()).toEqual([...BUILD_VARIANTS].sort());
  });

  for (const variant of BUILD_VARIANTS) {
    it(`embeds exactly the committed ${variant} build, with the same exports`, () => {
      expect(enableRelaxedSimd()).toBe(true);
      const file = readFileSync(VARIANTS[variant].wasmFile);
      expect(Buffer.from(WASM_BASE64[variant], 'base64').equals(file)).toBe(true);
      const exported = WebAssembly.Module.exports(new WebAssembly.Module(new Uint8Array(file))).map((e) => e.name);
      expect(exported).toEqual([...EXPORTS]);
    });
  }

  it('fuses multiply-adds only in the relaxed build', () => {
    expect(usesRelaxedMadd(readFileSync(VARIANTS.relaxed.wasmFile))).toBe(true);
    expect(usesRelaxedMadd(readFileSync(VARIANTS.simd.wasmFile))).toBe(false);
  });
});

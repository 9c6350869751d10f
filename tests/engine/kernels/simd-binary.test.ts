// The committed SIMD kernel binary is built from the committed C sources: a source edit without
// `npm run build:kernels` fails here (CI has no clang), and the embedded copy the engine loads is
// byte for byte the committed facet-kernels.wasm.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXPORTS, SOURCE_HASH, WASM_BASE64 } from '../../../src-main/engine/kernels/simd/binary';
import { sourceHash, WASM_FILE } from '../../../scripts/kernel-source';

describe('SIMD kernel binary', () => {
  it('is up to date with its C sources and flags (run `npm run build:kernels`)', () => {
    expect(SOURCE_HASH).toBe(sourceHash());
  });

  it('embeds exactly the committed facet-kernels.wasm', () => {
    const file = readFileSync(WASM_FILE);
    expect(Buffer.from(WASM_BASE64, 'base64').equals(file)).toBe(true);
    const exported = WebAssembly.Module.exports(new WebAssembly.Module(new Uint8Array(file))).map((e) => e.name);
    expect(exported).toEqual([...EXPORTS]);
  });
});

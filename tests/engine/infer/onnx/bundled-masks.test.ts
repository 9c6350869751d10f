// The bundled model on real photos: onnxruntime's argmax masks agree with the fused tfjs graph's
// on at least 99.9% of the pixels (float rounding can only flip near-ties), and its
// probabilities stay within float rounding of them.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { beforeAll, expect, it } from 'vitest';
import { initEngine } from '../../../../src-main/engine/backend/index';
import { loadModelDir } from '../../../../src-main/engine/infer/model-dir';
import { inputFloats } from '../../../../src-main/engine/infer/predict';
import { runModel } from '../../../../src-main/engine/infer/runtime';
import { describeWith } from '../../../helpers/describe-with';
import { celebaDir, needsData } from '../../../helpers/requirements';

const BUNDLED = fileURLToPath(new URL('../../../../resources/models/default', import.meta.url));
const PHOTOS = 16;

function argmax(probs: Float32Array, classes: number): Uint8Array {
  const out = new Uint8Array(probs.length / classes);
  for (let p = 0; p < out.length; p++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (probs[p * classes + c]! > probs[p * classes + best]!) best = c;
    out[p] = best;
  }
  return out;
}

describeWith([needsData()], 'onnxruntime on the bundled model, real photos', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'wasm', threads: 1 });
  });

  it('gives the fused graph\'s masks on at least 99.9% of the pixels', async () => {
    const loaded = await loadModelDir(BUNDLED);
    const size = loaded.meta.inputSize;
    const dir = join(celebaDir(), 'images');
    const files = readdirSync(dir).filter((f) => f.endsWith('.jpg')).sort().slice(0, PHOTOS);
    expect(files.length).toBe(PHOTOS);
    const photos = await Promise.all(files.map((f) => sharp(join(dir, f)).removeAlpha().resize(size, size, { fit: 'fill' }).raw().toBuffer()));
    const x = inputFloats(photos.map((b) => new Uint8Array(b.buffer, b.byteOffset, b.length)), size);
    const onnx = await runModel(loaded.model, x, PHOTOS, size, 'onnx');
    const tfjs = await runModel(loaded.model, x, PHOTOS, size, 'tfjs');
    expect(onnx.runtime).toBe('onnx');
    expect(tfjs.runtime).toBe('tfjs');
    let maxDiff = 0;
    for (let i = 0; i < onnx.data.length; i++) maxDiff = Math.max(maxDiff, Math.abs(onnx.data[i]! - tfjs.data[i]!));
    const a = argmax(onnx.data, onnx.classes);
    const b = argmax(tfjs.data, tfjs.classes);
    let same = 0;
    for (let p = 0; p < a.length; p++) if (a[p] === b[p]) same++;
    const agreement = same / a.length;
    process.stderr.write(`bundled model, ${PHOTOS} photos: masks agree on ${(100 * agreement).toFixed(4)}% of ${a.length} pixels; max |Δp| ${maxDiff.toExponential(2)}\n`);
    expect(agreement).toBeGreaterThanOrEqual(0.999);
    expect(maxDiff).toBeLessThan(1e-3);
    loaded.model.dispose();
  }, 300_000);
});

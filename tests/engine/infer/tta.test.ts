// Test-time flip: the mirror image's probabilities mirrored back and averaged with the photo's.
// A mirror-equivariant network gains nothing from it (flip = no flip), any network's
// flip-averaged output on a mirror-symmetric input is itself mirror-symmetric, and on a real photo
// with the bundled model the one-batch flip equals the mean of the two separate passes. A model
// folder's `tta: "flip"` turns it on by default, and an explicit choice overrides it.
import { readdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { resizeRgb } from '../../../src-main/dataset/batches/resize';
import { decodeImage } from '../../../src-main/dataset/io/image';
import { initEngine } from '../../../src-main/engine/backend/index';
import { loadModelDir, readModelMeta } from '../../../src-main/engine/infer/model-dir';
import { predict, type Probabilities } from '../../../src-main/engine/infer/predict';
import { predictWithFlip, useFlip } from '../../../src-main/engine/infer/tta';
import { tf } from '../../../src-main/engine/tf';
import { tinyModel } from '../../segment/model-fixture';
import { describeWith } from '../../helpers/describe-with';
import { celebaDir, needsData } from '../../helpers/requirements';
import { tempDir } from '../../helpers/temp';

const BUNDLED = fileURLToPath(new URL('../../../resources/models/default', import.meta.url));

/** HWC bytes mirrored left-right. */
function mirrorBytes(rgb: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(rgb.length);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) out.set(rgb.subarray((y * size + x) * 3, (y * size + x) * 3 + 3), (y * size + size - 1 - x) * 3);
  return out;
}

/** HWC probabilities mirrored left-right. */
function mirrorProbs(p: Probabilities): Float32Array {
  const { size, classes: C } = p;
  const out = new Float32Array(p.data.length);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) out.set(p.data.subarray((y * size + x) * C, (y * size + x + 1) * C), (y * size + size - 1 - x) * C);
  return out;
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

beforeAll(async () => {
  await initEngine();
});

describe('predictWithFlip', () => {
  it('a mirror-equivariant network (left-right symmetric kernel): flip equals no flip, on a mirror-symmetric input and any other', async () => {
    // 3x3 conv, 3 → 8 channels, kernel symmetric in x, then softmax: f(mirror(x)) = mirror(f(x)).
    const k = tf.tidy(() => {
      const half = tf.randomNormal([3, 2, 3, 8], 0, 1, 'float32', 3);
      return tf.concat([half, tf.slice(half, [0, 0, 0, 0], [3, 1, 3, 8])], 1) as tf.Tensor4D; // columns a, b, a
    });
    const net = (x: tf.Tensor4D): tf.Tensor => tf.softmax(tf.conv2d(x, k, 1, 'same'));
    const asymmetric = tf.randomUniform([2, 16, 16, 3], -1, 1, 'float32', 5) as tf.Tensor4D;
    const symmetric = tf.tidy(() => tf.add(asymmetric, tf.reverse(asymmetric, 2)) as tf.Tensor4D);
    for (const x of [symmetric, asymmetric]) {
      const plain = tf.tidy(() => predictWithFlip(net, x, false));
      const flipped = tf.tidy(() => predictWithFlip(net, x, true));
      expect(maxDiff(await plain.data(), await flipped.data())).toBeLessThan(1e-5);
      tf.dispose([plain, flipped]);
    }
    tf.dispose([k, asymmetric, symmetric]);
  });

  it('any network on a mirror-symmetric input: the flip-averaged output is mirror-symmetric, the mean of the output and its mirror', async () => {
    const { model } = await tinyModel(32);
    const net = (x: tf.Tensor4D): tf.Tensor => model.predict(x) as tf.Tensor;
    const half = tf.randomUniform([1, 32, 32, 3], -1, 1, 'float32', 9) as tf.Tensor4D;
    const x = tf.tidy(() => tf.add(half, tf.reverse(half, 2)) as tf.Tensor4D);
    const plain = tf.tidy(() => predictWithFlip(net, x, false));
    const flipped = tf.tidy(() => predictWithFlip(net, x, true));
    const mirroredBack = tf.tidy(() => tf.reverse(flipped, 2));
    const mean = tf.tidy(() => tf.div(tf.add(plain, tf.reverse(plain, 2)), 2));
    expect(maxDiff(await flipped.data(), await mirroredBack.data())).toBeLessThan(1e-5);
    expect(maxDiff(await flipped.data(), await mean.data())).toBeLessThan(1e-5);
    // The untrained U-Net is not equivariant: the flip does change something.
    expect(maxDiff(await plain.data(), await flipped.data())).toBeGreaterThan(1e-4);
    tf.dispose([half, x, plain, flipped, mirroredBack, mean]);
    model.dispose();
  });

  it('facet-model.json may carry tta "flip" or "none"; anything else is an error naming the file', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const meta = JSON.parse(await readFile(join(BUNDLED, 'facet-model.json'), 'utf8')) as Record<string, unknown>;
      const path = join(dir, 'facet-model.json');
      await writeFile(path, JSON.stringify(meta));
      expect((await readModelMeta(dir)).tta).toBeUndefined();
      await writeFile(path, JSON.stringify({ ...meta, tta: 'flip' }));
      expect((await readModelMeta(dir)).tta).toBe('flip');
      await writeFile(path, JSON.stringify({ ...meta, tta: 'mirror' }));
      await expect(readModelMeta(dir)).rejects.toThrow(`${path}: invalid model description`);
    } finally {
      await cleanup();
    }
  });

  it('the model folder default applies unless the caller chooses', () => {
    expect(useFlip(undefined, undefined)).toBe(false);
    expect(useFlip(undefined, 'none')).toBe(false);
    expect(useFlip(undefined, 'flip')).toBe(true);
    expect(useFlip(false, 'flip')).toBe(false);
    expect(useFlip(true, 'none')).toBe(true);
  });
});

describeWith([needsData()], 'test-time flip with the bundled model on a real photo', () => {
  it('equals the mean of the photo\'s pass and the mirrored-back pass of its mirror; the model default and overrides', async () => {
    const loaded = await loadModelDir(BUNDLED);
    try {
      const size = loaded.meta.inputSize;
      const images = join(celebaDir(), 'images');
      const photo = await decodeImage(join(images, readdirSync(images).sort()[0]!));
      // At the input size already, so the mirror is exact (no resize in between).
      const rgb = await resizeRgb(photo.data, photo.width, photo.height, size);
      const image = { data: rgb, width: size, height: size };
      const plain = await predict(loaded, image, { flip: false });
      const ofMirror = await predict(loaded, { data: mirrorBytes(rgb, size), width: size, height: size }, { flip: false });
      const flipped = await predict(loaded, image, { flip: true });
      const back = mirrorProbs(ofMirror);
      const mean = plain.data.map((v, i) => (v + back[i]!) / 2);
      expect(flipped.data.length).toBe(size * size * loaded.meta.numClasses);
      expect(maxDiff(flipped.data, mean)).toBeLessThan(1e-4);
      expect(maxDiff(flipped.data, plain.data)).toBeGreaterThan(1e-3);
      // Without a choice: the folder's default (none here), then `tta: "flip"`, which `flip: false` overrides.
      expect(maxDiff((await predict(loaded, image)).data, plain.data)).toBe(0);
      loaded.meta = { ...loaded.meta, tta: 'flip' };
      expect(maxDiff((await predict(loaded, image)).data, flipped.data)).toBe(0);
      expect(maxDiff((await predict(loaded, image, { flip: false })).data, plain.data)).toBe(0);
    } finally {
      loaded.model.dispose();
    }
  });
});

// The folder batch's pipeline: photos decoded ahead within bounds, several photos' inputs per model
// call, the same masks as one photo per call, and a failed model call landing on the right photo.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { segmentFolder } from '../../src-main/segment/batch';
import { DecodeAhead } from '../../src-main/segment/decode-ahead';
import type { Photo } from '../../src-main/segment/decode';
import { probabilityModelFromLoaded } from '../../src-main/segment/model';
import type { ProbabilityModel } from '../../src-main/segment/types';
import { tempDir } from '../helpers/temp';
import { tinyModel } from './model-fixture';

/** A photo of seeded noise over a gradient, so the untrained model's masks are not uniform. */
async function noisePhoto(path: string, width: number, height: number, seed: number): Promise<void> {
  let s = seed;
  const data = Buffer.alloc(width * height * 3);
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    data[i] = ((i % (width * 3)) * 2 + (s >> 24)) & 255;
  }
  await writeFile(path, await sharp(data, { raw: { width, height, channels: 3 } }).png().toBuffer());
}

/** Counts model calls and the inputs of each; `failBatches` makes every call of more than one input fail. */
function countingModel(model: ProbabilityModel, calls: number[], failBatches = false): ProbabilityModel {
  return {
    inputSize: model.inputSize,
    numClasses: model.numClasses,
    predict: (rgb) => model.predict(rgb),
    async predictBatch(rgbs) {
      calls.push(rgbs.length);
      if (failBatches && rgbs.length > 1) throw new Error('out of memory in the model');
      return model.predictBatch(rgbs);
    },
    dispose: () => model.dispose(),
  };
}

describe('segment pipeline', () => {
  let root: string;
  let cleanup: () => Promise<void>;
  let inDir: string;
  let model: ProbabilityModel;
  const names = [0, 1, 2, 3, 4, 5, 6].map((i) => `p${i}.png`);

  beforeAll(async () => {
    ({ dir: root, cleanup } = await tempDir('facet-segment-pipeline-'));
    inDir = join(root, 'in');
    await mkdir(inDir, { recursive: true });
    for (const [i, name] of names.entries()) await noisePhoto(join(inDir, name), 40 + i * 3, 30 + i, i + 1);
    await writeFile(join(inDir, 'p3.png'), 'not a png');
    model = probabilityModelFromLoaded(await tinyModel(32));
  });

  afterAll(async () => {
    model?.dispose();
    await cleanup?.();
  });

  async function masksOf(outDir: string): Promise<Map<string, Buffer>> {
    const out = new Map<string, Buffer>();
    for (const name of names) if (name !== 'p3.png') out.set(name, await readFile(join(outDir, name)));
    return out;
  }

  it('puts several photos through one model call and writes the same masks as one photo per call', async () => {
    const single: number[] = [];
    const one = await segmentFolder({ inDir, outDir: join(root, 'one'), model: countingModel(model, single), batchSize: 1 });
    const grouped: number[] = [];
    const three = await segmentFolder({ inDir, outDir: join(root, 'three'), model: countingModel(model, grouped), batchSize: 3 });
    expect(single).toEqual([1, 1, 1, 1, 1, 1]);
    // Groups of three photos; the unreadable p3 leaves its group with two inputs.
    expect(grouped).toEqual([3, 2, 1]);
    for (const report of [one, three]) {
      expect(report.segmented).toBe(6);
      expect(report.failed.map((f) => f.file)).toEqual(['p3.png']);
    }
    expect(await masksOf(join(root, 'three'))).toEqual(await masksOf(join(root, 'one')));
  });

  it('retries a failed model call photo by photo, so the batch goes on', async () => {
    const calls: number[] = [];
    const report = await segmentFolder({ inDir, outDir: join(root, 'retry'), model: countingModel(model, calls, true), batchSize: 4 });
    expect(report.segmented).toBe(6);
    expect(report.failed.map((f) => f.file)).toEqual(['p3.png']);
    expect(calls).toEqual([3, 1, 1, 1, 3, 1, 1, 1]);
    expect(await masksOf(join(root, 'retry'))).toEqual(await masksOf(join(root, 'one')));
  });
});

describe('DecodeAhead', () => {
  /** A decoder that resolves when told to, recording what is in flight. */
  function manualDecoder(bytes: number): { decode: (file: string) => Promise<Photo>; inFlight: string[]; release: (file: string) => void } {
    const waiting = new Map<string, () => void>();
    const inFlight: string[] = [];
    return {
      inFlight,
      decode(file) {
        inFlight.push(file);
        if (file.startsWith('bad')) return Promise.reject(new Error(`${file}: truncated`));
        return new Promise((done) => waiting.set(file, () => done({ data: new Uint8Array(bytes), width: 1, height: bytes / 3 })));
      },
      release(file) {
        waiting.get(file)?.();
        waiting.delete(file);
      },
    };
  }

  it('decodes at most `ahead` photos beyond the one asked for, in order, errors included', async () => {
    const files = ['a', 'b', 'bad-c', 'd', 'e', 'f'];
    const decoder = manualDecoder(30);
    const queue = new DecodeAhead(files, { ahead: 2, maxBytes: 1e9 }, decoder.decode);
    const first = queue.next();
    expect(decoder.inFlight).toEqual(['a', 'b', 'bad-c']);
    decoder.release('a');
    decoder.release('b');
    expect(((await first) as Photo).data.byteLength).toBe(30);
    expect(decoder.inFlight).toEqual(['a', 'b', 'bad-c']);
    const second = queue.next();
    expect(decoder.inFlight).toEqual(['a', 'b', 'bad-c', 'd']);
    expect(await second).not.toBeInstanceOf(Error);
    const bad = await queue.next();
    expect(bad).toBeInstanceOf(Error);
    expect((bad as Error).message).toBe('bad-c: truncated');
    expect(decoder.inFlight).toEqual(['a', 'b', 'bad-c', 'd', 'e']);
    for (let i = 0; i < 3; i++) {
      const next = queue.next();
      for (const f of files) decoder.release(f);
      expect(await next).not.toBeInstanceOf(Error);
    }
    await expect(queue.next()).rejects.toThrow(/no photos left/);
  });

  it('starts no decode while the photos waiting hold the byte budget', async () => {
    const files = ['a', 'b', 'c', 'd', 'e'];
    const decoder = manualDecoder(300);
    const queue = new DecodeAhead(files, { ahead: 3, maxBytes: 600 }, decoder.decode);
    const a = queue.next();
    expect(decoder.inFlight).toEqual(['a', 'b', 'c', 'd']);
    for (const f of files) decoder.release(f);
    await a;
    await queue.next();
    // `ahead` would allow e now, but c and d wait with 600 bytes, the budget.
    expect(decoder.inFlight).toEqual(['a', 'b', 'c', 'd']);
    await queue.next();
    expect(decoder.inFlight).toEqual(['a', 'b', 'c', 'd', 'e']);
    decoder.release('e');
    await queue.next();
    expect(await queue.next()).not.toBeInstanceOf(Error);
  });
});

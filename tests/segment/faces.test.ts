// Face mode: the detector shipped in @vladmandic/face-api finds real faces (several per photo,
// small in a large photo), and each face window is segmented and pasted back in place.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, expect, it } from 'vitest';
import { createFaceDetector, mergeBoxes, tilesOf } from '../../src-main/engine/infer/faces';
import type { Photo } from '../../src-main/segment/decode';
import { probabilityModelFromLoaded } from '../../src-main/segment/model';
import { faceWindow, segmentFaces, segmentPhoto, segmentWhole } from '../../src-main/segment/segment-photo';
import type { FaceDetector } from '../../src-main/engine/infer/faces';
import type { ProbabilityModel } from '../../src-main/segment/types';
import { describeWith } from '../helpers/describe-with';
import { celebaDir, needsData } from '../helpers/requirements';
import { tinyModel } from './model-fixture';

async function rgb(input: sharp.Sharp): Promise<Photo> {
  const { data, info } = await input.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height };
}

describeWith([needsData()], 'face mode', () => {
  let detector: FaceDetector;
  let model: ProbabilityModel;
  let portraits: string[];
  // Two 256px faces on a 1600x1000 grey canvas, at known places.
  let group: Photo;
  const placed = [
    { left: 150, top: 500 },
    { left: 1100, top: 120 },
  ];

  beforeAll(async () => {
    detector = await createFaceDetector();
    model = probabilityModelFromLoaded(await tinyModel(32));
    const names = (await readdir(join(celebaDir(), 'images'))).filter((n) => n.endsWith('.jpg')).sort();
    portraits = names.slice(3, 5).map((n) => join(celebaDir(), 'images', n));
    const tiles = await Promise.all(portraits.map((p) => sharp(p).resize(256, 256).jpeg().toBuffer()));
    group = await rgb(
      sharp({ create: { width: 1600, height: 1000, channels: 3, background: { r: 128, g: 128, b: 128 } } }).composite(
        tiles.map((input, i) => ({ input, left: placed[i]!.left, top: placed[i]!.top })),
      ),
    );
  });

  it('finds one face in a portrait, on the face', async () => {
    const photo = await rgb(sharp(portraits[0]!));
    const faces = await detector.detect(photo);
    expect(faces.length).toBe(1);
    const f = faces[0]!;
    // CelebA-HQ portraits are centred on the face.
    expect(Math.abs(f.x + f.w / 2 - 256)).toBeLessThan(80);
    expect(f.w).toBeGreaterThan(120);
    expect(f.score).toBeGreaterThan(0.5);
  });

  it('finds two small faces in a large photo, each inside its own tile', async () => {
    const faces = await detector.detect(group);
    expect(faces.length).toBe(2);
    for (const spot of placed) {
      const hit = faces.find((f) => f.x + f.w / 2 > spot.left && f.x + f.w / 2 < spot.left + 256 && f.y + f.h / 2 > spot.top && f.y + f.h / 2 < spot.top + 256);
      expect(hit, `a face inside the tile at ${spot.left},${spot.top}`).toBeDefined();
    }
  });

  it('finds the same faces with the net on onnxruntime as with face-api on tfjs', async () => {
    const [onnx, tfjs] = await Promise.all([createFaceDetector({ runtime: 'onnx' }), createFaceDetector({ runtime: 'tfjs' })]);
    for (const photo of [group, await rgb(sharp(portraits[0]!)), await rgb(sharp(portraits[1]!).resize(1024, 1024))]) {
      const a = await onnx.detect(photo);
      const b = await tfjs.detect(photo);
      expect(a.length).toBe(b.length);
      expect(a.length).toBeGreaterThan(0);
      for (const box of b) {
        // The inputs are scaled by libvips here and by tfjs in face-api: close, not equal.
        const twin = a.find((o) => Math.abs(o.x + o.w / 2 - (box.x + box.w / 2)) < 0.15 * box.w && Math.abs(o.y + o.h / 2 - (box.y + box.h / 2)) < 0.15 * box.h);
        expect(twin, `a box near face-api's at ${box.x.toFixed(0)},${box.y.toFixed(0)}`).toBeDefined();
        expect(Math.abs(twin!.w - box.w)).toBeLessThan(0.2 * box.w);
      }
    }
  });

  it('takes photos of any shape: a pixel, a thin strip, a blank photo give no face and no error', async () => {
    for (const [width, height] of [[1, 1], [3000, 12], [7, 2500], [300, 200]] as const) {
      const photo = await rgb(sharp({ create: { width, height, channels: 3, background: { r: 20, g: 90, b: 200 } } }));
      for (const runtime of ['onnx', 'tfjs'] as const) {
        const found = await (await createFaceDetector({ runtime })).detect(photo);
        expect(found, `${width}x${height} on ${runtime}`).toEqual([]);
      }
    }
  });

  it('finds faces too small for the whole-photo pass in a large photo, once each', async () => {
    // Three 110 px faces on a 3000x2000 photo: scaled to the detector's 512 px they would be
    // ~19 px; the tile pass finds them, and overlapping tiles do not double them.
    const spots = [
      { left: 300, top: 300 },
      { left: 1400, top: 1200 },
      { left: 2500, top: 700 },
    ];
    const tiles = await Promise.all([0, 1, 0].map((i) => sharp(portraits[i]!).resize(110, 110).jpeg().toBuffer()));
    const big = await rgb(
      sharp({ create: { width: 3000, height: 2000, channels: 3, background: { r: 90, g: 110, b: 100 } } }).composite(
        tiles.map((input, i) => ({ input, left: spots[i]!.left, top: spots[i]!.top })),
      ),
    );
    const wholeOnly = await createFaceDetector({ tileSide: 1e6 });
    expect((await wholeOnly.detect(big)).length, 'faces the whole-photo pass alone finds').toBeLessThan(3);
    const faces = await detector.detect(big);
    expect(faces.length).toBe(3);
    for (const spot of spots) {
      expect(faces.some((f) => f.x + f.w / 2 > spot.left && f.x + f.w / 2 < spot.left + 110 && f.y + f.h / 2 > spot.top && f.y + f.h / 2 < spot.top + 110)).toBe(true);
    }
  });

  it('tiles cover the photo and merging drops duplicates', () => {
    const tiles = tilesOf(3000, 2000, 1024, 0.25);
    for (const [x, y] of [[0, 0], [2999, 1999], [1500, 1000], [2999, 0]] as const) {
      expect(tiles.some((t) => x >= t.x && x < t.x + t.w && y >= t.y && y < t.y + t.h)).toBe(true);
    }
    expect(tilesOf(800, 600, 1024, 0.25)).toEqual([{ x: 0, y: 0, w: 800, h: 600 }]);
    const merged = mergeBoxes([
      { x: 10, y: 10, w: 100, h: 100, score: 0.9 },
      { x: 14, y: 12, w: 98, h: 101, score: 0.8 },
      { x: 30, y: 30, w: 40, h: 40, score: 0.7 },
      { x: 300, y: 10, w: 100, h: 100, score: 0.6 },
    ]);
    expect(merged.map((b) => b.score)).toEqual([0.9, 0.6]);
  });

  it('pastes each face window back in place and leaves the rest background', async () => {
    const boxes = await detector.detect(group);
    const result = await segmentPhoto(group, model, detector);
    expect(result.faces).toBe(2);
    expect([result.width, result.height]).toEqual([1600, 1000]);
    const windows = boxes.map(faceWindow);
    let outside = 0;
    let insideParts = 0;
    for (let y = 0; y < group.height; y++)
      for (let x = 0; x < group.width; x++) {
        const inWindow = windows.some((w) => x >= Math.floor(w.left) && x < Math.ceil(w.left + w.side) && y >= Math.floor(w.top) && y < Math.ceil(w.top + w.side));
        const label = result.labels[y * group.width + x]!;
        if (!inWindow && label !== 0) outside++;
        if (inWindow && label !== 0) insideParts++;
      }
    expect(outside).toBe(0);
    expect(insideParts).toBeGreaterThan(0);
  });

  it('segments a lone face window exactly like the whole-photo mode segments that window', async () => {
    // A portrait whose single face window covers the whole photo: the two modes see the same
    // square input, so they must give the same labels where face mode labels a part.
    const photo = await rgb(sharp(portraits[1]!));
    const side = 512 / 1.6;
    const box = { x: 256 - side / 2, y: 256 - side / 2 + side * 0.1, w: side, h: side, score: 1 };
    const window = faceWindow(box);
    expect(window.left).toBeCloseTo(0, 6);
    expect(window.top).toBeCloseTo(0, 6);
    expect(window.side).toBeCloseTo(512, 6);
    const faces = await segmentFaces(photo, model, [box]);
    const whole = await segmentWhole(photo, model);
    let compared = 0;
    let same = 0;
    for (let i = 0; i < faces.labels.length; i++) {
      if (faces.labels[i] === 0) continue;
      compared++;
      if (faces.labels[i] === whole.labels[i]) same++;
    }
    expect(compared).toBeGreaterThan(0);
    expect(same).toBe(compared);
  });

  it('falls back to the whole photo when no face is found', async () => {
    const blank = await rgb(sharp({ create: { width: 300, height: 200, channels: 3, background: { r: 20, g: 90, b: 200 } } }));
    expect(await detector.detect(blank)).toEqual([]);
    const result = await segmentPhoto(blank, model, detector);
    expect(result.faces).toBe(0);
    expect(Array.from(result.labels)).toEqual(Array.from((await segmentWhole(blank, model)).labels));
  });
});

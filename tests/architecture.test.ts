// The floors of docs/ARCHITECTURE.md, enforced: every import of every source file (src-main and
// src-renderer; static, dynamic and type imports) is read and checked against them.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { floorOf, importsOf, sourceFiles, violation, type Arrow } from './helpers/import-graph';

const root = fileURLToPath(new URL('..', import.meta.url));
const files = sourceFiles(root);
const arrows = files.flatMap((f) => importsOf(root, f));

describe('architecture', () => {
  it('reads the imports of every source file', () => {
    expect(files.length).toBeGreaterThan(200);
    expect(files.filter((f) => f.startsWith('src-renderer/') && f.endsWith('.vue')).length).toBeGreaterThan(10);
    // Dynamic and type-only imports are arrows too.
    expect(arrows.some((a) => a.from === 'src-main/cli/segment.ts' && a.spec.startsWith('..'))).toBe(true);
    expect(arrows.some((a) => a.from === 'src-renderer/env.d.ts' && a.to === 'src-main/contract/preload-api.ts')).toBe(true);
  });

  it('every source file stands on a floor', () => {
    expect(files.filter((f) => floorOf(f) === 'other')).toEqual([]);
  });

  it('no arrow breaks the floors', () => {
    expect(arrows.map(violation).filter((v): v is string => v !== null)).toEqual([]);
  });

  it('every arrow to our code reaches a file', () => {
    const missing = arrows.filter((a) => a.to !== null && a.to.startsWith('src-') && !existsSync(join(root, a.to)));
    expect(missing.map((a) => `${a.from} → ${a.spec}`)).toEqual([]);
  });
});

describe('the floor rules themselves', () => {
  const arrow = (from: string, spec: string, text: string): Arrow[] => importsOf(root, from, text);
  const broken = (from: string, text: string): string[] =>
    arrow(from, '', text)
      .map(violation)
      .filter((v): v is string => v !== null);

  it('refuse each kind of wrong arrow', () => {
    expect(broken('src-main/contract/x.ts', "import { a } from '../dataset/import';")).toHaveLength(1);
    expect(broken('src-main/contract/x.ts', "import { readFile } from 'node:fs';")).toHaveLength(1);
    expect(broken('src-main/dataset/x.ts', "import type { A } from '../engine/index';")).toHaveLength(1);
    expect(broken('src-main/segment/x.ts', "const m = await import('../engine/infer/faces');")).toHaveLength(1);
    expect(broken('src-main/segment/x.ts', "type T = import('../host/router').Router;")).toHaveLength(1);
    expect(broken('src-main/host/x.ts', "import * as tf from '@tensorflow/tfjs';")).toHaveLength(1);
    expect(broken('src-main/host/x.ts', "import { ipcMain } from 'electron';")).toHaveLength(1);
    expect(broken('src-main/segment/x.ts', "import * as ort from 'onnxruntime-node';")).toHaveLength(1);
    expect(broken('src-main/cli/x.ts', "const ort = await import('onnxruntime-node');")).toHaveLength(1);
    expect(broken('src-main/engine/train/x.ts', "import { jobs } from '../jobs/index';")).toHaveLength(1);
    expect(broken('src-main/engine/worker/x.ts', "import { runTraining } from '../train/loop';")).toHaveLength(1);
    expect(broken('src-main/cli/x.ts', "import { bindIpc } from '../electron/ipc';")).toHaveLength(1);
    expect(broken('src-renderer/stores/x.ts', "import { handlers } from '../../src-main/host/handlers/index';")).toHaveLength(1);
    expect(broken('src-renderer/stores/x.ts', "import { a } from 'node:fs'; import { b } from '@contract/classes';")).toHaveLength(0);
  });

  it('let the right arrows through', () => {
    expect(broken('src-main/host/x.ts', "import { a } from '../engine/index'; import { b } from '../segment/batch'; import { c } from '../contract/errors';")).toEqual([]);
    expect(broken('src-main/engine/train/x.ts', "import { EngineHost } from '../worker/host'; import { tf } from '../tf';")).toEqual([]);
    expect(broken('src-main/engine/jobs/x.ts', "import { runTraining } from '../train/loop';")).toEqual([]);
    expect(broken('src-main/engine/infer/onnx/x.ts', "const ort = await import('onnxruntime-node');")).toEqual([]);
  });
});

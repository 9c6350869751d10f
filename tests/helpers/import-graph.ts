// The import arrows of the source tree, read the way the compiler reads them (static, dynamic,
// type-only and `import('…')` type imports; the <script> blocks of .vue files), and the floor
// rules of docs/ARCHITECTURE.md that every arrow must respect.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export interface Arrow {
  /** Repo-relative importing file, `/` separators. */
  from: string;
  /** What it wrote. */
  spec: string;
  /** Repo-relative file it reaches (ours), or null for a package / node builtin. */
  to: string | null;
  /** The package name for a non-relative import (`@tensorflow/tfjs`, `node:fs`, `vue`). */
  pkg: string | null;
}

const SOURCE_ROOTS = ['src-main', 'src-renderer'];
const EXTENSIONS = ['.ts', '.vue', '.d.ts', '/index.ts'];

function walk(root: string, dir: string, out: string[]): void {
  for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) walk(root, rel, out);
    else if (/\.(ts|vue)$/.test(entry.name)) out.push(rel);
  }
}

export function sourceFiles(root: string): string[] {
  const out: string[] = [];
  for (const dir of SOURCE_ROOTS) walk(root, dir, out);
  return out.sort();
}

function scriptOf(file: string, text: string): string {
  if (!file.endsWith('.vue')) return text;
  return [...text.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join('\n');
}

function packageOf(spec: string): string {
  if (spec.startsWith('node:')) return spec;
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** `@contract/x` is the contract folder (vite, vitest and tsconfig all alias it so). */
export const ALIASES: Record<string, string> = { '@contract/': 'src-main/contract/' };

function resolveOurs(root: string, from: string, spec: string): string | null {
  let base: string | null = null;
  for (const [alias, target] of Object.entries(ALIASES)) if (spec.startsWith(alias)) base = target + spec.slice(alias.length);
  if (base === null && spec.startsWith('.')) base = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
  if (base === null) return null;
  if (existsSync(path.join(root, base)) && statSync(path.join(root, base)).isFile()) return base;
  for (const ext of EXTENSIONS) if (existsSync(path.join(root, base + ext))) return base + ext;
  // A folder or asset (package.json, resources/…) that is not a source module.
  return base;
}

/** Every arrow out of `file`, as the TypeScript pre-processor finds them. */
export function importsOf(root: string, file: string, text = readFileSync(path.join(root, file), 'utf8')): Arrow[] {
  const info = ts.preProcessFile(scriptOf(file, text), true, true);
  return info.importedFiles.map(({ fileName: spec }) => {
    const ours = spec.startsWith('.') || Object.keys(ALIASES).some((a) => spec.startsWith(a));
    return { from: file, spec, to: ours ? resolveOurs(root, file, spec) : null, pkg: ours ? null : packageOf(spec) };
  });
}

// ---- the floors ---------------------------------------------------------------------------

/** Lowest first: a floor may import only the floors listed before it (and itself). */
export const FLOORS = ['contract', 'dataset', 'engine', 'segment', 'host', 'top'] as const;
export type Floor = (typeof FLOORS)[number] | 'renderer' | 'other';

export function floorOf(file: string): Floor {
  if (file.startsWith('src-renderer/')) return 'renderer';
  const m = /^src-main\/([^/]+)\//.exec(file);
  const room = m?.[1];
  if (room === 'contract' || room === 'dataset' || room === 'engine' || room === 'segment' || room === 'host') return room;
  if (room === 'cli' || room === 'electron') return 'top';
  return 'other';
}

/** Inside the engine, lowest first: worker machinery, training, benchmarks, the worker's job list. */
export const ENGINE_FLOORS = ['worker', 'train', 'bench', 'jobs'] as const;
export const ENGINE_FRONT_DOOR = 'src-main/engine/index.ts';

/** Packages that only one place may import. */
export const ONLY_IN: ReadonlyArray<{ pkg: RegExp; where: RegExp; words: string }> = [
  { pkg: /^@tensorflow\/|^@vladmandic\/face-api$/, where: /^src-main\/engine\//, words: 'tfjs only in the engine' },
  { pkg: /^onnxruntime-/, where: /^src-main\/engine\//, words: 'onnxruntime only in the engine' },
  { pkg: /^electron$/, where: /^src-main\/electron\//, words: 'electron only in the Electron glue' },
];

function engineFloorOf(file: string): (typeof ENGINE_FLOORS)[number] | null {
  const m = /^src-main\/engine\/([^/]+)\//.exec(file);
  const room = m?.[1] as (typeof ENGINE_FLOORS)[number] | undefined;
  return room && (ENGINE_FLOORS as readonly string[]).includes(room) ? room : null;
}

/** Why an arrow breaks the floors, or null when it is allowed. */
export function violation(a: Arrow): string | null {
  const from = floorOf(a.from);
  if (a.pkg !== null) {
    for (const rule of ONLY_IN) if (rule.pkg.test(a.pkg) && !rule.where.test(a.from)) return `${rule.words}: ${a.from} imports ${a.spec}`;
    if (from === 'contract' && a.pkg !== 'zod') return `the contract imports only zod: ${a.from} imports ${a.spec}`;
    return null;
  }
  if (a.to === null) return null;
  const to = floorOf(a.to);
  if (!a.to.startsWith('src-main/') && !a.to.startsWith('src-renderer/')) {
    // package.json, resources/: facts of the repo, not code of a floor; never from the contract.
    return from === 'contract' || from === 'renderer' ? `${a.from} reaches ${a.to}` : null;
  }
  if (from === 'renderer') return to === 'renderer' || to === 'contract' ? null : `the renderer imports only the contract: ${a.from} imports ${a.to}`;
  if (to === 'renderer') return `${a.from} imports the renderer (${a.to})`;
  if (from === 'other' || to === 'other') return `${a.from} → ${a.to}: every source file belongs to a floor`;
  if (to === 'engine' && from !== 'engine' && a.to !== ENGINE_FRONT_DOOR) return `outside the engine, only its front door (${ENGINE_FRONT_DOOR}): ${a.from} imports ${a.to}`;
  if (from === 'engine' && to === 'engine') {
    const f = engineFloorOf(a.from);
    const t = engineFloorOf(a.to);
    if (a.from !== ENGINE_FRONT_DOOR && a.to === ENGINE_FRONT_DOOR) return `the engine's own files do not go through its front door: ${a.from}`;
    if (t !== null && (f === null || ENGINE_FLOORS.indexOf(t) > ENGINE_FLOORS.indexOf(f)) && a.from !== ENGINE_FRONT_DOOR) {
      return `engine/${f ?? '(base)'} must not import engine/${t}: ${a.from} imports ${a.to}`;
    }
    return null;
  }
  if (from === 'top' && to === 'top') {
    const room = (f: string) => f.split('/')[1];
    return room(a.from) === room(a.to) ? null : `cli and the Electron glue stand side by side: ${a.from} imports ${a.to}`;
  }
  const fi = FLOORS.indexOf(from as (typeof FLOORS)[number]);
  const ti = FLOORS.indexOf(to as (typeof FLOORS)[number]);
  return ti <= fi ? null : `${from} must not import ${to} (a higher floor): ${a.from} imports ${a.to}`;
}

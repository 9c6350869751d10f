// The WebGPU rung: Dawn for Node (the optional `webgpu` package) gives this thread a
// `navigator.gpu`, and @tensorflow/tfjs-backend-webgpu runs on it (Vulkan on Linux and Windows,
// Metal on macOS, D3D12 on Windows; no CUDA version to match). tfjs registers its backend only if
// `navigator.gpu` exists when its module is evaluated, so that import waits until Dawn is in
// place. A missing package, no adapter, or a software adapter (gpu-adapter.ts) is a reason to
// report; a software adapter is used only when forced (the tests run on SwiftShader that way).
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerWebGpuKernels } from '../kernels/webgpu/register';
import { tf } from '../tf';
import { describeAdapter, type AdapterLike } from './gpu-adapter';
import { watchGpuDevice, type WatchedDevice } from './gpu-health';
import type { GpuAdapterReport } from './types';

interface Gpu {
  requestAdapter(options?: { powerPreference?: 'high-performance' | 'low-power' }): Promise<(AdapterLike & object) | null>;
}

interface DawnModule {
  create(flags: string[]): Gpu;
  globals: Record<string, unknown>;
}

export type WebGpuResult =
  | { ok: true; version: string; adapter: GpuAdapterReport }
  | { ok: false; reason: string; adapter: GpuAdapterReport | null };

let dawn: { gpu: Gpu; version: string } | null = null;

function packageVersion(pkg: string): string {
  try {
    return (createRequire(import.meta.url)(`${pkg}/package.json`) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/**
 * Vulkan's window-system layers print "XDG_RUNTIME_DIR is invalid or not set" on every start
 * where no desktop session set one (servers, CI, `facet` over ssh): give them a private one
 * (mkdtemp makes it 0700, as the spec asks) so the studio's output stays its own.
 */
function ensureRuntimeDir(): void {
  if (process.platform !== 'linux' || process.env['XDG_RUNTIME_DIR']) return;
  process.env['XDG_RUNTIME_DIR'] = mkdtempSync(join(tmpdir(), 'facet-xdg-'));
}

/** Loads Dawn once and makes `navigator.gpu` (and the GPU* constants tfjs uses) global. */
async function loadDawn(): Promise<{ gpu: Gpu; version: string } | { error: string }> {
  if (dawn) return dawn;
  let mod: DawnModule;
  try {
    // A computed specifier: bundlers must not try to resolve an optional native package.
    const specifier: string = 'webgpu';
    mod = (await import(specifier)) as DawnModule;
  } catch (error) {
    const code = (error as { code?: string } | null)?.code;
    const message = error instanceof Error ? error.message : String(error);
    if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && /'webgpu'|webgpu\/|"webgpu"/.test(message)) {
      return { error: 'not installed (optional dependency `webgpu`, Dawn for Node; `npm install webgpu` to use it)' };
    }
    return { error: `the \`webgpu\` package did not load: ${message.split('\n')[0]!.slice(0, 300)}` };
  }
  const g = globalThis as Record<string, unknown>;
  // GPUBufferUsage, GPUMapMode, GPUShaderStage…: only those this runtime lacks.
  for (const [name, value] of Object.entries(mod.globals)) if (!(name in g)) g[name] = value;
  ensureRuntimeDir();
  const gpu = mod.create([]);
  // Node 21+ has a global `navigator` without `gpu`; older Node has none.
  const nav = g['navigator'] as Record<string, unknown> | undefined;
  if (nav === undefined) Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  else if (nav['gpu'] === undefined) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
  dawn = { gpu, version: packageVersion('webgpu') };
  return dawn;
}

function noAdapterReason(): string {
  const hint =
    process.platform === 'linux'
      ? ' (no Vulkan driver answered: install the GPU vendor\'s Vulkan driver and the loader `libvulkan1`; ' +
        'VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json selects the SwiftShader software driver)'
      : ' (no Metal/D3D12/Vulkan device answered)';
  return `no WebGPU adapter${hint}`;
}

/** Finds the adapter tfjs will take (same request) and reports it, without starting tfjs. */
export async function findAdapter(): Promise<{ adapter: GpuAdapterReport } | { error: string }> {
  const loaded = await loadDawn();
  if ('error' in loaded) return loaded;
  let adapter: (AdapterLike & object) | null;
  try {
    adapter = await loaded.gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (error) {
    return { error: `requestAdapter failed: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (adapter === null) return { error: noAdapterReason() };
  return { adapter: describeAdapter(adapter, loaded.version) };
}

/** The started webgpu backend's device (null on other backends). */
export function webgpuDevice(): (WatchedDevice & { destroy(): void }) | null {
  if (tf.getBackend() !== 'webgpu') return null;
  return (tf.backend() as unknown as { device?: WatchedDevice & { destroy(): void } }).device ?? null;
}

/**
 * Starts tfjs's webgpu backend. `allowSoftware`: take a software adapter too (a forced rung).
 * The caller decides about the speed probe (probe.ts) once the backend runs.
 */
export async function startWebGpu(allowSoftware: boolean): Promise<WebGpuResult> {
  const found = await findAdapter();
  if ('error' in found) return { ok: false, reason: found.error, adapter: null };
  const { adapter } = found;
  if (adapter.software && !allowSoftware) {
    return {
      ok: false,
      adapter,
      reason: `software adapter (${adapter.softwareSigns.join('; ')}): slower than wasm, used only when forced (--backend webgpu, FACET_BACKEND=webgpu)`,
    };
  }
  try {
    const { webgpu_util } = await import('@tensorflow/tfjs-backend-webgpu');
    registerWebGpuKernels(webgpu_util);
    if (tf.findBackendFactory('webgpu') === null) return { ok: false, adapter, reason: 'tfjs-backend-webgpu registered no backend (navigator.gpu missing?)' };
    if (!(await tf.setBackend('webgpu'))) return { ok: false, adapter, reason: 'the webgpu backend failed to initialise (requestDevice failed?)' };
  } catch (error) {
    return { ok: false, adapter, reason: `the webgpu backend failed to start: ${error instanceof Error ? error.message : String(error)}` };
  }
  const device = webgpuDevice();
  if (device) watchGpuDevice(device);
  return { ok: true, version: packageVersion('@tensorflow/tfjs-backend-webgpu'), adapter };
}

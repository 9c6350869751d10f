// How the engine reads a WebGPU adapter: its identity, the limits that bound training, and whether
// it is a software rasteriser. Software adapters are common on machines without a GPU (Chromium's
// SwiftShader Vulkan driver, Mesa's llvmpipe/lavapipe, Windows' WARP) and run compute shaders on
// the CPU far slower than the wasm backend, so they are never chosen unless forced. Dawn does not
// always fill `info` (older builds left vendor/architecture empty and had no isFallbackAdapter),
// so every sign is checked: the flag, the names, and the Vulkan ICD the loader was pointed at.
import type { GpuAdapterReport } from './types';

/** The parts of a GPUAdapter this module reads (Dawn's and the spec's, all optional). */
export interface AdapterLike {
  info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
  isFallbackAdapter?: boolean;
  limits: Record<string, unknown>;
}

const SOFTWARE_NAMES = /swiftshader|llvmpipe|lavapipe|lvp_icd|softpipe|\bwarp\b|microsoft basic render|software/i;

/** Limits worth reporting: the ones that decide what fits in one dispatch and one buffer. */
export const KEY_LIMITS = [
  'maxBufferSize',
  'maxStorageBufferBindingSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupsPerDimension',
] as const;

/** Each sign that the adapter is a software one, in words; empty for a hardware adapter. */
export function softwareSigns(adapter: AdapterLike, env: NodeJS.ProcessEnv = process.env): string[] {
  const signs: string[] = [];
  if (adapter.isFallbackAdapter === true || adapter.info?.isFallbackAdapter === true) signs.push('the adapter says it is a fallback adapter');
  const names = [adapter.info?.vendor, adapter.info?.architecture, adapter.info?.device, adapter.info?.description].filter(
    (n): n is string => typeof n === 'string' && n.length > 0,
  );
  const named = names.find((n) => SOFTWARE_NAMES.test(n));
  if (named !== undefined) signs.push(`its name is a software driver's ("${named}")`);
  const icd = env['VK_ICD_FILENAMES'] ?? env['VK_DRIVER_FILES'];
  if (icd !== undefined && SOFTWARE_NAMES.test(icd)) signs.push(`Vulkan is pointed at a software driver (${icd})`);
  return signs;
}

export function describeAdapter(adapter: AdapterLike, dawnPackage: string, env: NodeJS.ProcessEnv = process.env): GpuAdapterReport {
  const signs = softwareSigns(adapter, env);
  const limits: Record<string, number> = {};
  for (const key of KEY_LIMITS) {
    const v = adapter.limits[key];
    if (typeof v === 'number') limits[key] = v;
  }
  return {
    vendor: adapter.info?.vendor ?? '',
    architecture: adapter.info?.architecture ?? '',
    device: adapter.info?.device ?? '',
    description: adapter.info?.description ?? '',
    software: signs.length > 0,
    softwareSigns: signs,
    limits,
    probe: null,
    dawnPackage,
  };
}

/** One line naming the adapter: "google swiftshader (SwiftShader driver 5.0.0)". */
export function adapterName(a: GpuAdapterReport): string {
  const head = [a.vendor, a.architecture].filter(Boolean).join(' ') || a.device || 'unnamed adapter';
  return a.description ? `${head} (${a.description})` : head;
}

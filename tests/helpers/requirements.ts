// Tests that need the real data set or Debian's Chromium are skipped with a printed reason on a
// machine without them, and fail instead when FACET_REQUIRE_ALL=1 (set by .ci/run), so CI always
// runs them all.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const requireAll = process.env['FACET_REQUIRE_ALL'] === '1';

/** `FACET_DATA`, else `../shared/data` beside the checkout. */
export function dataRoot(): string {
  return resolve(process.env['FACET_DATA'] ?? resolve(repoRoot, '../shared/data'));
}

export function celebaDir(): string {
  return resolve(dataRoot(), 'celebamask-hq-800');
}

export function chromiumPath(): string {
  return process.env['FACET_CHROMIUM'] ?? '/usr/bin/chromium';
}

export interface Requirement {
  name: string;
  met: boolean;
  reason: string;
}

export const needsData: () => Requirement = () => {
  const dir = celebaDir();
  const met = existsSync(resolve(dir, 'images')) && existsSync(resolve(dir, 'masks'));
  return { name: 'data', met, reason: `real data not found at ${dir} (set FACET_DATA to the folder holding celebamask-hq-800)` };
};

export const needsChromium: () => Requirement = () => {
  const path = chromiumPath();
  return { name: 'chromium', met: existsSync(path), reason: `Chromium not found at ${path} (apt-get install chromium, or set FACET_CHROMIUM)` };
};

/** The SwiftShader Vulkan driver Debian's chromium package installs (FACET_VK_ICD to override). */
export function swiftShaderIcd(): string {
  return process.env['FACET_VK_ICD'] ?? '/usr/lib/chromium/vk_swiftshader_icd.json';
}

function hasVulkanLoader(): boolean {
  const dirs = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/lib/x86_64-linux-gnu'];
  return dirs.some((d) => existsSync(resolve(d, 'libvulkan.so.1')));
}

function hasWebGpuPackage(): boolean {
  return existsSync(resolve(repoRoot, 'node_modules/webgpu/package.json'));
}

/**
 * WebGPU on SwiftShader: the optional `webgpu` package (Dawn), the Vulkan loader and SwiftShader's
 * ICD. Tests that use it point VK_ICD_FILENAMES at the ICD (useSwiftShader) unless it is set.
 */
export const needsWebGpu: () => Requirement = () => {
  const missing: string[] = [];
  if (!hasWebGpuPackage()) missing.push('the optional `webgpu` package is not installed');
  if (!hasVulkanLoader()) missing.push('libvulkan.so.1 not found (apt-get install libvulkan1)');
  if (process.env['VK_ICD_FILENAMES'] === undefined && !existsSync(swiftShaderIcd())) {
    missing.push(`SwiftShader's Vulkan ICD not found at ${swiftShaderIcd()} (apt-get install chromium, or set FACET_VK_ICD)`);
  }
  return { name: 'webgpu', met: missing.length === 0, reason: `WebGPU on SwiftShader unavailable: ${missing.join('; ')}` };
};

/** Points the Vulkan loader at SwiftShader (before Dawn starts), unless a driver was chosen already. */
export function useSwiftShader(): void {
  process.env['VK_ICD_FILENAMES'] ??= swiftShaderIcd();
}

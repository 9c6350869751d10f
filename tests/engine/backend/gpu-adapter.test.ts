// What the engine concludes about a WebGPU adapter and a native GPU backend, from what they
// report: software adapters by every sign (the flag, the names, the Vulkan ICD), tfjs-node-gpu's
// silent CPU fallback, and a lost or failing device turned into an error. No GPU needed.
import { describe, expect, it } from 'vitest';
import { adapterName, describeAdapter, softwareSigns } from '../../../src-main/engine/backend/gpu-adapter';
import { assertGpuHealthy, gpuDeviceLost, resetGpuHealth, unwatchGpuDevice, watchGpuDevice } from '../../../src-main/engine/backend/gpu-health';
import { gpuFallbackReason } from '../../../src-main/engine/backend/native';

const limits = { maxBufferSize: 2 ** 30, maxStorageBufferBindingSize: 2 ** 27, maxComputeWorkgroupStorageSize: 32768, other: 'x' };

describe('software adapters', () => {
  it('are recognised by the fallback flag, the driver name or the ICD path, each sign named', () => {
    const swift = { info: { vendor: 'google', architecture: 'swiftshader', description: 'SwiftShader driver 5.0.0', isFallbackAdapter: true }, limits };
    const signs = softwareSigns(swift, { VK_ICD_FILENAMES: '/usr/lib/chromium/vk_swiftshader_icd.json' });
    expect(signs).toHaveLength(3);
    expect(signs.join(' ')).toMatch(/fallback adapter.*swiftshader.*vk_swiftshader_icd/);
  });

  it('are recognised when Dawn leaves info empty, from the ICD alone', () => {
    expect(softwareSigns({ info: { vendor: '', architecture: '' }, limits }, { VK_ICD_FILENAMES: '/usr/share/vulkan/icd.d/lvp_icd.x86_64.json' })).toHaveLength(1);
    expect(softwareSigns({ info: {}, limits }, { VK_ICD_FILENAMES: '/opt/swiftshader/vk_swiftshader_icd.json' })).toHaveLength(1);
    expect(softwareSigns({ info: { description: 'llvmpipe (LLVM 15.0.6, 256 bits)' }, limits }, {})).toHaveLength(1);
    expect(softwareSigns({ isFallbackAdapter: true, limits }, {})).toEqual(['the adapter says it is a fallback adapter']);
  });

  it('leave a hardware adapter alone and report its key limits', () => {
    const nvidia = { info: { vendor: 'nvidia', architecture: 'hopper', description: 'NVIDIA H200', isFallbackAdapter: false }, limits };
    const report = describeAdapter(nvidia, '0.6.2', {});
    expect(report).toMatchObject({ vendor: 'nvidia', architecture: 'hopper', software: false, softwareSigns: [], probe: null, dawnPackage: '0.6.2' });
    expect(report.limits).toEqual({ maxBufferSize: 2 ** 30, maxStorageBufferBindingSize: 2 ** 27, maxComputeWorkgroupStorageSize: 32768 });
    expect(adapterName(report)).toBe('nvidia hopper (NVIDIA H200)');
  });
});

describe("tfjs-node-gpu's CPU fallback", () => {
  it('is refused unless the backend says it runs on a GPU device', () => {
    expect(gpuFallbackReason({ isUsingGpuDevice: true, isGPUPackage: true })).toBeNull();
    expect(gpuFallbackReason({ isUsingGpuDevice: false, isGPUPackage: true })).toMatch(/no GPU device.*silently run on the CPU.*CUDA 11\.2/);
    expect(gpuFallbackReason({})).toMatch(/does not say whether it runs on a GPU/);
  });
});

describe('GPU device health', () => {
  function fakeDevice() {
    let lose: (info: { reason: string; message: string }) => void = () => {};
    let onError: ((e: { error?: { message?: string } }) => void) | null = null;
    const device = {
      lost: new Promise<{ reason: string; message: string }>((resolve) => (lose = resolve)),
      addEventListener: (_type: 'uncapturederror', listener: (e: { error?: { message?: string } }) => void) => (onError = listener),
    };
    return { device, lose: (reason: string) => lose({ reason, message: 'gone' }), error: (message: string) => onError?.({ error: { message } }) };
  }

  it('turns a validation error into one error, then is healthy again', () => {
    resetGpuHealth();
    const d = fakeDevice();
    watchGpuDevice(d.device);
    d.error('Error while parsing WGSL: type mismatch\nmore lines');
    expect(() => assertGpuHealthy('training step')).toThrow(/training step: the WebGPU engine reported an error \(Error while parsing WGSL: type mismatch\)/);
    expect(() => assertGpuHealthy('training step')).not.toThrow();
  });

  it('fails every later check once the device is lost, naming the reason', async () => {
    resetGpuHealth();
    const d = fakeDevice();
    watchGpuDevice(d.device);
    d.lose('unknown');
    await new Promise((r) => setImmediate(r));
    expect(gpuDeviceLost()).toBe(true);
    expect(() => assertGpuHealthy('training step')).toThrow(/the GPU device was lost \(unknown: gone\)/);
    expect(() => assertGpuHealthy('evaluation')).toThrow(/evaluation: the GPU device was lost/);
    resetGpuHealth();
  });

  it('ignores a device the engine no longer runs on (one left behind by the speed probe)', async () => {
    const left = fakeDevice();
    watchGpuDevice(left.device);
    unwatchGpuDevice();
    left.lose('destroyed');
    left.error('late validation error');
    await new Promise((r) => setImmediate(r));
    expect(gpuDeviceLost()).toBe(false);
    expect(() => assertGpuHealthy('training step')).not.toThrow();
    const used = fakeDevice();
    watchGpuDevice(used.device);
    left.error('another late error');
    expect(() => assertGpuHealthy('training step')).not.toThrow();
  });
});

// The WebGPU device fails in two ways that tfjs does not surface: the device can be lost (driver
// reset, eGPU unplugged, device destroyed), after which every dispatch is dropped; and a shader or
// dispatch can fail validation, which Dawn only prints ("uncaptured error") while the kernel's
// output keeps whatever its buffer held. Both are recorded here from the device's own events, and
// `assertGpuHealthy` (called with the wasm checks after every training micro-batch and by the
// engine worker after each job) turns them into an error that says what happened, instead of
// training on garbage or waiting forever on a readback.
import { EngineFailure } from './wasm-failures';

interface LostInfo {
  reason?: string;
  message?: string;
}

/** The parts of a GPUDevice watched here. */
export interface WatchedDevice {
  lost: Promise<LostInfo>;
  addEventListener?(type: 'uncapturederror', listener: (event: { error?: { message?: string } }) => void): void;
  onuncapturederror?: ((event: { error?: { message?: string } }) => void) | null;
}

let lost: LostInfo | null = null;
let errors: string[] = [];
/** The engine's device: events of any other (one left behind by a failed probe) do not count. */
let current: object | null = null;
const watched = new WeakSet<object>();

/** Watches the engine's device (idempotent per device); it becomes the one that counts. */
export function watchGpuDevice(device: WatchedDevice): void {
  if (current !== device) {
    current = device;
    lost = null;
    errors = [];
  }
  if (watched.has(device)) return;
  watched.add(device);
  void device.lost.then((info) => {
    if (device === current) lost = { reason: info.reason ?? 'unknown', message: info.message ?? '' };
  });
  const onError = (event: { error?: { message?: string } }) => {
    if (device === current) errors.push((event.error?.message ?? 'unknown error').split('\n')[0]!.slice(0, 300));
  };
  if (typeof device.addEventListener === 'function') device.addEventListener('uncapturederror', onError);
  else device.onuncapturederror = onError;
}

/** Whether the watched device has been lost (the engine cannot compute any more). */
export function gpuDeviceLost(): boolean {
  return lost !== null;
}

/** The error for a lost device, naming the reason; null while it is alive. */
export function gpuLostError(what: string): EngineFailure | null {
  if (lost === null) return null;
  const why = [lost.reason, lost.message].filter(Boolean).join(': ');
  return new EngineFailure(
    `${what}: the GPU device was lost (${why}), so the work stopped. Checkpoints already saved are kept; ` +
      'the engine starts a new device for the next job (or use --backend wasm).',
  );
}

/** Throws if the device was lost or reported an error since the last call (and forgets the errors). */
export function assertGpuHealthy(what: string): void {
  const lostError = gpuLostError(what);
  if (lostError) throw lostError;
  if (errors.length === 0) return;
  const seen = [...new Set(errors)];
  errors = [];
  throw new EngineFailure(`${what}: the WebGPU engine reported an error (${seen.join('; ')}), so its results are wrong and the work stopped.`);
}

/** The engine does not run on the watched device any more (e.g. it lost the wasm probe). */
export function unwatchGpuDevice(): void {
  current = null;
  lost = null;
  errors = [];
}

/** For tests: forget a lost device and errors. */
export function resetGpuHealth(): void {
  lost = null;
  errors = [];
}

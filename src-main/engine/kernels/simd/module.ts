// Instantiates Facet's SIMD kernels (c/*.c, built by `npm run build:kernels`) inside the wasm
// backend's own memory, so they read and write tensors where tfjs keeps them. Why C: JS loops on
// the heap ran at 4–11 ns per element on relu6's gradient with real (mixed-sign) data, against
// ~0.4 ns for XNNPACK's Multiply, so fusing a few wasm passes into one JS pass did not pay.
// The kernels are a side module: they own no static data, and if they need a stack it is carved
// from tfjs's heap with its own malloc. Only the single-threaded (unshared) heap is supported;
// elsewhere `simdKernels` returns null and callers keep their previous path.
// Two builds of the same C (scripts/kernel-source.ts): relaxed SIMD where the engine has it
// (fused multiply-adds), plain SIMD otherwise; FACET_SIMD_KERNELS=simd|relaxed forces one.
import type { TensorInfo } from '@tensorflow/tfjs';
import { fastPathsEnabled } from '../switch';
import { WASM_BASE64 } from './binary';
import { enableRelaxedSimd } from './features';

/** The exports of c/*.c; arguments are heap byte addresses and sizes (see the C for each). */
export interface SimdKernels {
  relu6_grad(dy: number, x: number, out: number, n: number): void;
  swish_forward(x: number, y: number, n: number): void;
  swish_grad(dy: number, x: number, dx: number, n: number): void;
  bn_train_forward(
    x: number, rows: number, channels: number, gamma: number, beta: number, epsilon: number, activation: number,
    y: number, mean: number, variance: number, scratch: number,
  ): void;
  bn_train_backward(
    dy: number, x: number, rows: number, channels: number, gamma: number, beta: number, mean: number, variance: number,
    epsilon: number, activation: number, dx: number, dgamma: number, dbeta: number, scratch: number,
  ): void;
  conv_filter_grad(
    x: number, dy: number, dw: number, batch: number, inH: number, inW: number, inC: number, outH: number, outW: number,
    outC: number, kh: number, kw: number, sh: number, sw: number, dh: number, dw_: number, top: number, left: number,
  ): void;
  conv2d_s1(
    x: number, w: number, y: number, batch: number, inH: number, inW: number, inC: number, outH: number, outW: number, outC: number,
    kh: number, kw: number, dh: number, dw: number, top: number, left: number,
  ): void;
  conv_input_grad_filter(w: number, out: number, kh: number, kw: number, inC: number, outC: number): void;
  depthwise_filter_grad(
    x: number, dy: number, dw: number, batch: number, inH: number, inW: number, channels: number, multiplier: number,
    outH: number, outW: number, kh: number, kw: number, sh: number, sw: number, dh: number, dw_: number, top: number, left: number,
  ): void;
  depthwise_input_grad(
    dy: number, filter: number, dx: number, batch: number, inH: number, inW: number, channels: number, multiplier: number,
    outH: number, outW: number, kh: number, kw: number, sh: number, sw: number, dh: number, dw_: number, top: number, left: number,
  ): void;
  resize_bilinear_grad(
    dy: number, dx: number, batch: number, xH: number, xW: number, yH: number, yW: number, channels: number, hScale: number, wScale: number,
  ): void;
  copy_rows(src: number, dst: number, rows: number, widthBytes: number, srcStrideBytes: number, dstStrideBytes: number): void;
  seg_loss_forward(probs: number, labels: number, pixels: number, classes: number, sums: number): void;
  seg_loss_backward(
    probs: number, labels: number, pixels: number, classes: number, alpha: number, beta: number, gamma: number, grad: number,
  ): void;
}

interface WasmModule {
  asm?: { memory?: WebAssembly.Memory };
  _malloc(bytes: number): number;
}

interface WasmBackendLike {
  wasm: WasmModule;
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
}

export type KernelVariant = keyof typeof WASM_BASE64;
export const KERNEL_VARIANTS = Object.keys(WASM_BASE64) as KernelVariant[];

function parseVariant(value: string | undefined): KernelVariant | null {
  if (value === undefined || value === '') return null;
  if (!(KERNEL_VARIANTS as string[]).includes(value)) {
    throw new Error(`FACET_SIMD_KERNELS: unknown kernel build "${value}" (expected one of ${KERNEL_VARIANTS.join(', ')})`);
  }
  return value as KernelVariant;
}

/** undefined until FACET_SIMD_KERNELS is first read (lazily, so a bad value fails a kernel, not an import). */
let forced: KernelVariant | null | undefined;

/**
 * The build to run: the forced one (an error if it cannot run here), else relaxed SIMD where
 * `relaxedAvailable` says the engine compiles it, else plain SIMD.
 */
export function pickVariant(forcedVariant: KernelVariant | null, relaxedAvailable: () => boolean): KernelVariant {
  if (forcedVariant === 'relaxed' && !relaxedAvailable()) throw new Error('the relaxed SIMD kernels cannot run here: this engine has no relaxed SIMD (FACET_SIMD_KERNELS=simd runs the plain build)');
  return forcedVariant ?? (relaxedAvailable() ? 'relaxed' : 'simd');
}

/** Forces one build (tests and benchmarks run each); null goes back to feature detection. */
export function setKernelVariant(variant: KernelVariant | null): void {
  pickVariant(variant, enableRelaxedSimd);
  forced = variant;
}

/** The build the kernels run in this thread (FACET_SIMD_KERNELS, setKernelVariant, or detected). */
export function kernelVariant(): KernelVariant {
  forced ??= parseVariant(process.env['FACET_SIMD_KERNELS']);
  return pickVariant(forced, enableRelaxedSimd);
}

const STACK_BYTES = 1 << 16;
const instances = new WeakMap<object, Map<KernelVariant, SimdKernels | null>>();
const compiled = new Map<KernelVariant, WebAssembly.Module>();

function compile(variant: KernelVariant): WebAssembly.Module {
  let m = compiled.get(variant);
  if (m === undefined) {
    m = new WebAssembly.Module(Buffer.from(WASM_BASE64[variant], 'base64'));
    compiled.set(variant, m);
  }
  return m;
}

function instantiate(backend: WasmBackendLike, variant: KernelVariant): SimdKernels | null {
  const memory = backend.wasm.asm?.memory;
  if (!(memory instanceof WebAssembly.Memory)) return null;
  const module = compile(variant);
  const needsStack = WebAssembly.Module.imports(module).some((i) => i.name === '__stack_pointer');
  const env: Record<string, WebAssembly.ImportValue> = {
    memory,
    __indirect_function_table: new WebAssembly.Table({ initial: 0, element: 'anyfunc' }),
    __memory_base: new WebAssembly.Global({ value: 'i32', mutable: false }, 0),
    __table_base: new WebAssembly.Global({ value: 'i32', mutable: false }, 0),
  };
  if (needsStack) {
    // Never freed: one stack per backend and build, for the life of the process.
    const base = backend.wasm._malloc(STACK_BYTES);
    env['__stack_pointer'] = new WebAssembly.Global({ value: 'i32', mutable: true }, base + STACK_BYTES);
  }
  try {
    return new WebAssembly.Instance(module, { env }).exports as unknown as SimdKernels;
  } catch {
    // A shared (threaded) heap cannot be imported as an unshared memory.
    return null;
  }
}

/** The kernels bound to `backend`'s heap, or null (not wasm, threaded heap, or turned off). */
export function simdKernels(backend: unknown): SimdKernels | null {
  if (!fastPathsEnabled() || typeof backend !== 'object' || backend === null || !('wasm' in backend)) return null;
  const variant = kernelVariant();
  let byVariant = instances.get(backend);
  if (byVariant === undefined) {
    byVariant = new Map();
    instances.set(backend, byVariant);
  }
  let k = byVariant.get(variant);
  if (k === undefined) {
    k = instantiate(backend as WasmBackendLike, variant);
    byVariant.set(variant, k);
  }
  return k;
}

/** Byte address of a tensor's data in the wasm heap. */
export function heapAddress(backend: unknown, info: TensorInfo): number {
  const data = (backend as WasmBackendLike).dataIdMap.get(info.dataId);
  if (data === undefined) throw new Error('tensor is not on the wasm backend');
  return data.memoryOffset;
}

/** A new float32 output on the wasm heap. */
export function makeOutput(backend: unknown, shape: number[]): TensorInfo {
  return (backend as { makeOutput(shape: number[], dtype: 'float32'): TensorInfo }).makeOutput(shape, 'float32');
}

/** Runs `body` with `bytes` of heap scratch (8-byte aligned), freed afterwards. */
export function withScratch<T>(backend: unknown, bytes: number, body: (address: number) => T): T {
  const info = makeOutput(backend, [Math.ceil(bytes / 4)]);
  try {
    return body(heapAddress(backend, info));
  } finally {
    (backend as { disposeData(dataId: object): void }).disposeData(info.dataId);
  }
}


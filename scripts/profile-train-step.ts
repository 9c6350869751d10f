// Where a training step's time goes on the wasm backend: one engine, one thread (what each
// data-parallel training worker runs), a fresh model, random data; per-kernel time summed over
// the timed steps (tf.profile), largest first. Kernel times are process CPU time, not wall time,
// so that a shared, loaded machine (other processes preempting this one) skews them less; a
// kernel that runs inside another (custom ops: "unnamed scope") is counted in both. Usage:
//   npx tsx scripts/profile-train-step.ts [model] [batch] [size] [steps]
import { initEngine } from '../src-main/engine/backend/index';
import { ORIGINAL_LOSS, makeLoss } from '../src-main/engine/losses/index';
import { kernelVariant } from '../src-main/engine/kernels/simd/module';
import { buildModel } from '../src-main/engine/models/registry';
import { tf } from '../src-main/engine/tf';
import { randomBatch } from '../src-main/engine/train/random-batch';
import { LocalSteps } from '../src-main/engine/train/step-engine';

const [modelName = 'deeplabv3plus-mobilenetv2', batchArg = '4', sizeArg = '256', stepsArg = '2'] = process.argv.slice(2);
const batch = Number(batchArg);
const size = Number(sizeArg);
const steps = Number(stepsArg);
const classes = 8;

const info = await initEngine({ backend: 'wasm', threads: 1 });
// tf.profile times each kernel with the backend's timer: make it CPU time.
const timed = tf.backend() as unknown as { time(f: () => void): Promise<{ kernelMs: number }> };
timed.time = async (f) => {
  const c0 = process.cpuUsage();
  f();
  const c = process.cpuUsage(c0);
  return { kernelMs: (c.user + c.system) / 1000 };
};
console.log(`engine ${info.backend} ${info.version}, threads ${info.threads}, simd ${info.simd}, kernel build ${kernelVariant()} (FACET_SIMD_KERNELS=simd|relaxed forces one)`);
const model = buildModel(modelName, { inputSize: size, numClasses: classes, seed: 1 });
const loss = makeLoss(ORIGINAL_LOSS, classes);
const optimizer = tf.train.sgd(0.1);
const local = new LocalSteps(model, optimizer, loss, batch);
const { x, y } = randomBatch(batch, size, classes, 1);
await local.step(x, y, batch, size, 0.1); // warm-up: compiles, allocates
const totals = new Map<string, { ms: number; calls: number }>();
let wall = 0;
let cpu = 0;
for (let s = 0; s < steps; s++) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const p = await tf.profile(async () => {
    await local.step(x, y, batch, size, 0.1);
  });
  wall += performance.now() - t0;
  const c = process.cpuUsage(c0);
  cpu += (c.user + c.system) / 1000;
  for (const k of p.kernels) {
    const ms = await k.kernelTimeMs;
    const key = k.name;
    const t = totals.get(key) ?? { ms: 0, calls: 0 };
    t.ms += typeof ms === 'number' ? ms : 0;
    t.calls++;
    totals.set(key, t);
  }
}
const rows = [...totals.entries()].sort((a, b) => b[1].ms - a[1].ms);
const kernelMs = rows.reduce((n, [, t]) => n + t.ms, 0);
console.log(`${modelName} batch ${batch} ${size}px: step ${(wall / steps).toFixed(0)} ms wall, ${(cpu / steps).toFixed(0)} ms CPU (profiled); kernels ${(kernelMs / steps).toFixed(0)} ms CPU/step`);
for (const [name, t] of rows) {
  if (t.ms / steps < 1) continue;
  console.log(`${name.padEnd(36)} ${(t.ms / steps).toFixed(1).padStart(8)} ms CPU ${((100 * t.ms) / kernelMs).toFixed(1).padStart(5)}%  ${(t.calls / steps).toFixed(0).padStart(4)} calls`);
}

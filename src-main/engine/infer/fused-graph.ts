// The fused inference path: a functional tf.LayersModel compiled into a function that gives what
// `model.predict` gives (to float rounding) with far fewer passes over the feature maps. Each conv
// runs as one fused kernel with the BatchNormalization after it folded into its kernel and bias
// and the activation after that (relu, relu6, sigmoid) applied in the same kernel; the Facet
// atrous conv runs as tf.fused.conv2d with dilations (its space-to-batch form exists for the
// gradient); relu6 elsewhere is tf.relu6, not minimum(6, relu(x)); a conv that alone reads an
// upsampled map mixes channels before upsampling (fuse/upsample-conv.ts). Every other layer is
// applied as tfjs-layers would apply it. The folded weights are a snapshot: compile again after the
// weights change (graph-cache.ts does that for models used again and again). `model.predict`
// stays the reference.
import { tf } from '../tf';
import { foldWeights } from './fuse/fold-bn';
import { planModel, type ConvStep, type Plan, type PlanStep } from './fuse/plan';
import { countUses, runProgram, type Program, type RunStep } from './fuse/run';
import { upsampleConv } from './fuse/upsample-conv';

export interface FuseStats {
  /** Convs run as one fused kernel. */
  convs: number;
  foldedBatchNorms: number;
  /** Activations computed inside a conv kernel. */
  fusedActivations: number;
  /** Convs run before the upsampling they read (fuse/upsample-conv.ts). */
  upsampledLast: number;
  /** Layer calls applied eagerly as they are. */
  eagerLayers: number;
  compileMs: number;
}

export interface FusedGraph {
  /** The model's output for `x`; the caller disposes it. */
  predict(x: tf.Tensor4D): tf.Tensor;
  /** Frees the folded weights; `predict` throws afterwards. */
  dispose(): void;
  /** Null when the model's shape is not handled and `predict` is `model.predict`. */
  readonly stats: FuseStats | null;
}

function convRunStep(step: ConvStep, owned: tf.Tensor[]): RunStep {
  const weights = foldWeights(step.conv, step.bn);
  const { filter, bias } = weights;
  owned.push(filter, ...(bias ? [bias] : []));
  if (step.upsample) {
    const run = upsampleConv(step.upsample, weights, step.activation, owned);
    return { inputs: [step.input], outputs: [step.output], apply: ([x]) => [run(x as tf.Tensor4D)] };
  }
  const { strides, pad, dilations } = step.conv;
  const args = { filter, strides, pad, dilations, activation: step.activation, ...(bias ? { bias } : {}) };
  return {
    inputs: [step.input],
    outputs: [step.output],
    apply: ([x]) => {
      const x4 = x as tf.Tensor4D;
      return [step.conv.depthwise ? tf.fused.depthwiseConv2d({ x: x4, ...args }) : tf.fused.conv2d({ x: x4, ...args })];
    },
  };
}

function runStep(step: PlanStep, owned: tf.Tensor[]): RunStep {
  switch (step.kind) {
    case 'conv':
      return convRunStep(step, owned);
    case 'activation': {
      const op = step.activation === 'relu6' ? tf.relu6 : tf.relu;
      return { inputs: [step.input], outputs: [step.output], apply: ([x]) => [op(x!)] };
    }
    case 'layer': {
      const { layer } = step;
      // As tfjs-layers' executor calls it: the inputs as a list, no kwargs (training off).
      const apply = (inputs: tf.Tensor[]): tf.Tensor[] => {
        const out = layer.apply(inputs) as tf.Tensor | tf.Tensor[];
        return Array.isArray(out) ? out : [out];
      };
      return { inputs: step.inputs, outputs: step.outputs, apply };
    }
  }
}

function statsOf(plan: Plan, compileMs: number): FuseStats {
  const convs = plan.steps.filter((s): s is ConvStep => s.kind === 'conv');
  return {
    convs: convs.length,
    foldedBatchNorms: convs.filter((s) => s.bn).length,
    fusedActivations: convs.filter((s) => s.activation !== 'linear').length,
    upsampledLast: convs.filter((s) => s.upsample).length,
    eagerLayers: plan.steps.filter((s) => s.kind === 'layer').length,
    compileMs,
  };
}

/** Checks `x` against the model's input shape (unknown dims match anything). */
function checkInput(model: tf.LayersModel, x: tf.Tensor): void {
  const want = model.inputs[0]!.shape;
  const ok = x.rank === want.length && want.every((d, i) => d === null || d === x.shape[i]);
  if (!ok) throw new Error(`fused graph: input of shape [${x.shape.join(', ')}] does not fit the model's [${want.map((d) => d ?? '?').join(', ')}]`);
}

/** Compiles `model` (its current weights) into a fused inference function. */
export function compileFusedGraph(model: tf.LayersModel): FusedGraph {
  const started = performance.now();
  const plan = planModel(model);
  let disposed = false;
  const alive = (): void => {
    if (disposed) throw new Error('fused graph: used after dispose');
  };
  if (!plan) {
    return {
      predict: (x) => (alive(), tf.tidy(() => model.predict(x) as tf.Tensor)),
      dispose: () => void (disposed = true),
      stats: null,
    };
  }
  const owned: tf.Tensor[] = [];
  let program: Program;
  try {
    program = { input: plan.input, output: plan.output, steps: plan.steps.map((s) => runStep(s, owned)) };
  } catch (error) {
    tf.dispose(owned);
    throw error;
  }
  // Compiled inside a caller's tidy, the weights must outlive it.
  for (const t of owned) tf.keep(t);
  const uses = countUses(program);
  return {
    predict(x) {
      alive();
      checkInput(model, x);
      return runProgram(program, uses, x);
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      tf.dispose(owned);
    },
    stats: statsOf(plan, performance.now() - started),
  };
}

// The execution plan of a functional tf.LayersModel for inference: its layer calls in topological
// order, where a conv, the BatchNormalization that alone consumes its output, and the activation
// that alone consumes that become one fused step (with, for a conv that alone reads an
// UpSampling2D's output, that upsampling too: see upsample-conv.ts). Every other layer call is a
// step of its own, applied as tfjs-layers would apply it. Symbolic tensors are named by their ids.
import type { tf } from '../../tf';
import { canFold } from './fold-bn';
import { activationOf, batchNormSpec, convSpec, type BatchNormSpec, type ConvSpec, type FusedActivation } from './layer-specs';
import { upsamplesFirst } from './upsample-conv';

type Layer = tf.layers.Layer;
type SymbolicTensor = tf.SymbolicTensor;
type LayerNode = Layer['inboundNodes'][number];

/** conv (+ folded BN) (+ activation) as one fused kernel. */
export interface ConvStep {
  kind: 'conv';
  name: string;
  conv: ConvSpec;
  bn: BatchNormSpec | null;
  activation: FusedActivation;
  /** An UpSampling2D whose output only this conv reads: the step's input is its input. */
  upsample: Layer | null;
  input: number;
  output: number;
}

/** relu / relu6 not after a conv: one kernel (tfjs-layers' relu6 is minimum(6, relu(x))). */
export interface ActivationStep {
  kind: 'activation';
  name: string;
  activation: 'relu' | 'relu6';
  input: number;
  output: number;
}

/** Any other layer call, applied eagerly with `layer.apply`. */
export interface LayerStep {
  kind: 'layer';
  layer: Layer;
  inputs: number[];
  outputs: number[];
}

export type PlanStep = ConvStep | ActivationStep | LayerStep;

export interface Plan {
  input: number;
  output: number;
  steps: PlanStep[];
}

interface GraphNode {
  layer: Layer;
  inputs: SymbolicTensor[];
  outputs: SymbolicTensor[];
}

function isInput(t: SymbolicTensor): boolean {
  return t.sourceLayer.getClassName() === 'InputLayer';
}

function nodeOf(t: SymbolicTensor): LayerNode {
  const node = t.sourceLayer.inboundNodes[t.nodeIndex];
  if (!node) throw new Error(`fused graph: tensor ${t.name} has no producing node`);
  return node;
}

/** Layer calls that lead to `output`, each after the calls it depends on. */
function sortNodes(output: SymbolicTensor): GraphNode[] {
  const order: GraphNode[] = [];
  const seen = new Set<LayerNode>();
  const visit = (node: LayerNode): void => {
    if (seen.has(node)) return;
    seen.add(node);
    for (const t of node.inputTensors) if (!isInput(t)) visit(nodeOf(t));
    order.push({ layer: node.outboundLayer, inputs: node.inputTensors, outputs: node.outputTensors });
  };
  if (!isInput(output)) visit(nodeOf(output));
  return order;
}

/**
 * The plan for `model`, or null when the model is not the shape this path handles (one input,
 * one output); the caller then keeps using `model.predict`.
 */
export function planModel(model: tf.LayersModel): Plan | null {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) return null;
  const input = model.inputs[0]!;
  const output = model.outputs[0]!;
  const order = sortNodes(output);
  const consumers = new Map<number, GraphNode[]>();
  const producers = new Map<number, GraphNode>();
  for (const node of order) {
    for (const t of node.inputs) consumers.set(t.id, [...(consumers.get(t.id) ?? []), node]);
    for (const t of node.outputs) producers.set(t.id, node);
  }

  /** The one layer call that reads `t`, if exactly one does, with `t` as its only input. */
  const soleConsumer = (t: SymbolicTensor): GraphNode | null => {
    if (t.id === output.id) return null;
    const cs = consumers.get(t.id);
    return cs?.length === 1 && cs[0]!.inputs.length === 1 && cs[0]!.outputs.length === 1 ? cs[0]! : null;
  };

  const absorbed = new Set<GraphNode>();
  const convChain = (node: GraphNode): ConvStep | null => {
    if (node.inputs.length !== 1 || node.outputs.length !== 1) return null;
    const conv = convSpec(node.layer);
    if (!conv) return null;
    let out = node.outputs[0]!;
    let bn: BatchNormSpec | null = null;
    let activation = conv.activation;
    // BN folds only into a linear conv (a conv's own activation comes before the BN).
    if (activation === 'linear') {
      const next = soleConsumer(out);
      const spec = next ? batchNormSpec(next.layer) : null;
      if (next && spec && canFold(conv, spec)) {
        bn = spec;
        absorbed.add(next);
        out = next.outputs[0]!;
      }
      const after = soleConsumer(out);
      const fused = after ? activationOf(after.layer) : null;
      if (after && fused) {
        activation = fused;
        absorbed.add(after);
        out = after.outputs[0]!;
      }
    }
    let input = node.inputs[0]!;
    const up = soleConsumer(input) === node ? producers.get(input.id) : undefined;
    const upsample = up && up.inputs.length === 1 && upsamplesFirst(up.layer, conv) ? up.layer : null;
    if (up && upsample) {
      absorbed.add(up);
      input = up.inputs[0]!;
    }
    return { kind: 'conv', name: node.layer.name, conv, bn, activation, upsample, input: input.id, output: out.id };
  };

  // Chains first: an upsampling a conv absorbs comes before it in `order`.
  const chains = new Map<GraphNode, ConvStep>();
  for (const node of order) {
    const chain = absorbed.has(node) ? null : convChain(node);
    if (chain) chains.set(node, chain);
  }
  const steps: PlanStep[] = [];
  for (const node of order) {
    if (absorbed.has(node)) continue;
    const chain = chains.get(node);
    if (chain) {
      steps.push(chain);
      continue;
    }
    const activation = node.inputs.length === 1 && node.outputs.length === 1 ? activationOf(node.layer) : null;
    if (activation === 'relu' || activation === 'relu6') {
      steps.push({ kind: 'activation', name: node.layer.name, activation, input: node.inputs[0]!.id, output: node.outputs[0]!.id });
      continue;
    }
    steps.push({ kind: 'layer', layer: node.layer, inputs: node.inputs.map((t) => t.id), outputs: node.outputs.map((t) => t.id) });
  }
  return { input: input.id, output: output.id, steps };
}

// Runs a compiled program: steps in order, each reading and writing tensors named by symbolic-tensor
// id. An intermediate is freed as soon as its last reader has run (as tfjs-layers' executor does),
// so peak memory stays that of `model.predict` rather than of every activation at once.
import { tf } from '../../tf';

export interface RunStep {
  inputs: number[];
  outputs: number[];
  /** Runs inside a tidy: only the returned tensors survive. */
  apply(inputs: tf.Tensor[]): tf.Tensor[];
}

export interface Program {
  input: number;
  output: number;
  steps: RunStep[];
}

/** How many times each id is read; the program's output counts once more so it is never freed. */
export function countUses(program: Program): Map<number, number> {
  const uses = new Map<number, number>([[program.output, 1]]);
  for (const step of program.steps) for (const id of step.inputs) uses.set(id, (uses.get(id) ?? 0) + 1);
  return uses;
}

/** The program's output for `x` (the caller owns it; `x` is left alone). */
export function runProgram(program: Program, uses: ReadonlyMap<number, number>, x: tf.Tensor): tf.Tensor {
  const values = new Map<number, tf.Tensor>();
  // Reads left per tensor object: a layer may hand back its input (identity), so two ids can
  // name one tensor, and it is freed only when both are done with.
  const pending = new Map<tf.Tensor, number>();
  const hold = (id: number, t: tf.Tensor): void => {
    values.set(id, t);
    pending.set(t, (pending.get(t) ?? 0) + (uses.get(id) ?? 0));
  };
  const freeIfDone = (t: tf.Tensor): void => {
    if ((pending.get(t) ?? 0) > 0 || t === x) return;
    pending.delete(t);
    t.dispose();
  };
  hold(program.input, x);
  try {
    for (const step of program.steps) {
      const inputs = step.inputs.map((id) => {
        const t = values.get(id);
        if (!t) throw new Error(`fused graph: tensor ${id} is read before it is computed`);
        return t;
      });
      const outputs = tf.tidy(() => step.apply(inputs));
      if (outputs.length !== step.outputs.length) {
        tf.dispose(outputs.filter((t) => t !== x && !inputs.includes(t)));
        throw new Error(`fused graph: a step gave ${outputs.length} outputs, expected ${step.outputs.length}`);
      }
      step.outputs.forEach((id, i) => hold(id, outputs[i]!));
      for (const t of inputs) pending.set(t, (pending.get(t) ?? 1) - 1);
      for (const t of new Set([...inputs, ...outputs])) freeIfDone(t);
    }
    const y = values.get(program.output);
    if (!y) throw new Error('fused graph: the output was never computed');
    pending.delete(y);
    // The caller disposes what it gets: never hand it the input itself.
    return y === x ? tf.clone(x) : y;
  } catch (error) {
    for (const t of pending.keys()) if (t !== x && !t.isDisposed) t.dispose();
    throw error;
  }
}

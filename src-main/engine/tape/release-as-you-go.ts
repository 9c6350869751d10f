// Frees each tape node's saved tensors and its outputs' gradients as soon as backprop has passed
// the node, as PyTorch's autograd does, instead of at the end of the whole backward pass.
// tfjs's engine.gradients keeps every saved activation and every intermediate gradient alive until
// backprop ends (tape.ts: the accumulated-gradient map is only dropped by the closing tidy), so a
// training step peaked at ~1.85x the model's layer outputs: 807 MB for a batch of 4 DeepLabV3+
// MobileNetV2 images at 256 px (tf.profile peakBytes), and the wasm heap never shrinks from a peak.
//
// How: engine.gradients is wrapped; after the forward pass (still inside it, the tape complete)
// every node's gradient function is wrapped. Backprop walks the nodes in reverse and calls each
// one's gradient, then all of that node's input-gradient thunks, before the next node; so when
// the next node's gradient is called, the previous node is done: its saved tensors and the
// gradients of its outputs are disposed then. Safe because
//   - saved tensors are the node's own clones (engine.saveTensorsForBackwardMode), used only by
//     its own gradient; the engine's own clean-up later disposes them again, a no-op;
//   - an output's gradient is read only by the node that produced it; the gradients asked for
//     (xs) are never outputs of a node on the filtered tape, and the seed (y's) is kept;
//   - a thunk that returns a tensor the map already holds (its own dy, or one it returned for
//     another input) or one of its node's saved tensors gets a clone (Identity: the same
//     buffer), so each map entry is its own object and disposing one never frees another.
// Only the outermost gradient computation is changed (higher-order gradients need the tape), and
// only with the fast paths on (FACET_FAST_PATHS=0 restores tfjs's behaviour for comparisons).
import { fastPathsEnabled } from '../kernels/switch';
import { tf } from '../tf';

type Thunks = Record<string, () => tf.Tensor>;

interface TapeNode {
  outputs: tf.Tensor[];
  saved?: tf.Tensor[];
  gradient?: (dys: Array<tf.Tensor | null>) => Thunks;
}

type Gradients = (f: () => tf.Tensor, xs: tf.Tensor[], dy?: tf.Tensor, allowNoGradients?: boolean) => { value: tf.Tensor; grads: tf.Tensor[] };

interface EngineInternals {
  state: { activeTape: TapeNode[] | null; gradientDepth: number };
  gradients: Gradients;
}

const patched = new WeakSet<object>();
let enabled = true;

/** Turns the early release off or on by itself (the fast-path switch turns it off too), for comparisons. */
export function setReleaseAsYouGo(on: boolean): void {
  enabled = on;
}

/** Installs the wrapper on tfjs's engine (idempotent). */
export function installReleaseAsYouGo(): void {
  const engine = tf.engine() as unknown as EngineInternals;
  if (patched.has(engine)) return;
  patched.add(engine);
  const original = engine.gradients.bind(engine);
  engine.gradients = (f, xs, dy, allowNoGradients) => {
    if (!enabled || !fastPathsEnabled()) return original(f, xs, dy, allowNoGradients);
    const forward = () => {
      const y = f();
      // gradientDepth counts this computation: 1 = outermost.
      if (engine.state.gradientDepth === 1 && engine.state.activeTape !== null) releaseBehindBackprop(engine.state.activeTape, y);
      return y;
    };
    return original(forward, xs, dy, allowNoGradients);
  };
}

function releaseBehindBackprop(tape: TapeNode[], y: tf.Tensor): void {
  // Every gradient tensor handed to a node or returned by a thunk so far.
  const inMap = new WeakSet<tf.Tensor>();
  let done: tf.Tensor[] = [];
  const releaseDone = () => {
    for (const t of done) if (!t.isDisposed) t.dispose();
    done = [];
  };
  for (const node of tape) {
    const gradient = node.gradient;
    if (gradient === undefined) continue;
    node.gradient = (dys) => {
      releaseDone();
      const thunks = gradient(dys);
      const owned: Thunks = {};
      for (const [name, thunk] of Object.entries(thunks)) {
        owned[name] = () => {
          const dx = thunk();
          const fresh = inMap.has(dx) || dys.includes(dx) || (node.saved?.includes(dx) ?? false) ? tf.clone(dx) : dx;
          inMap.add(fresh);
          return fresh;
        };
      }
      for (const d of dys) if (d !== null) inMap.add(d);
      // Released when the next node starts: this node's thunks have all run by then.
      done = [...(node.saved ?? []), ...dys.filter((d, i): d is tf.Tensor => d !== null && node.outputs[i]?.id !== y.id)];
      return owned;
    };
  }
}

// Accumulates the nodes and initializers of an ONNX graph with unique names, so the exporter
// says what to compute and never how names are made.
import { TensorType, type AttributeValue, type OnnxInitializer, type OnnxNode } from './proto';

export class GraphWriter {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxInitializer[] = [];
  private count = 0;
  private readonly consts = new Map<string, string>();

  fresh(hint: string): string {
    return `${hint.replace(/[^A-Za-z0-9_]/g, '_')}__${this.count++}`;
  }

  /** One node with a single output; returns that output's name. */
  op(opType: string, inputs: string[], hint: string, attributes?: Record<string, AttributeValue>): string {
    const out = this.fresh(hint);
    this.nodes.push({ opType, inputs, outputs: [out], name: out, ...(attributes ? { attributes } : {}) });
    return out;
  }

  floats(hint: string, dims: number[], data: Float32Array): string {
    const name = this.fresh(hint);
    this.initializers.push({ name, dims, type: TensorType.Float, data });
    return name;
  }

  /** A small constant, shared by every node that needs the same values. */
  constFloats(values: number[], dims: number[] = [values.length]): string {
    return this.shared(`f:${dims.join(',')}:${values.join(',')}`, () => this.floats('const', dims, Float32Array.from(values)));
  }

  constInts(values: number[]): string {
    return this.shared(`i:${values.join(',')}`, () => {
      const name = this.fresh('const');
      this.initializers.push({ name, dims: [values.length], type: TensorType.Int64, data: BigInt64Array.from(values.map(BigInt)) });
      return name;
    });
  }

  private shared(key: string, make: () => string): string {
    let name = this.consts.get(key);
    if (!name) {
      name = make();
      this.consts.set(key, name);
    }
    return name;
  }
}

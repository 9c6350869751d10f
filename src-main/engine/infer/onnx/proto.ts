// The few ONNX protobuf messages an exported inference graph needs (onnx.proto3 field numbers),
// written by hand: no protobuf library is in the dependencies and these messages use only
// varints, length-delimited fields and packed int64s, so a writer of those is all it takes.
// Nothing here decodes; onnxruntime reads the bytes and reports a malformed model itself.

export const TensorType = { Float: 1, Int64: 7 } as const;
export type TensorType = (typeof TensorType)[keyof typeof TensorType];

const AttributeType = { Float: 1, Int: 2, String: 3, Floats: 6, Ints: 7 } as const;

/** A number is an int attribute; floats are wrapped so that 1.0 is never written as an int. */
export type AttributeValue = number | string | number[] | { float: number } | { floats: number[] };

export interface OnnxNode {
  opType: string;
  inputs: string[];
  outputs: string[];
  name: string;
  attributes?: Record<string, AttributeValue>;
}

export interface OnnxInitializer {
  name: string;
  dims: number[];
  type: TensorType;
  /** Float32Array for Float, BigInt64Array for Int64 (little-endian raw data either way). */
  data: Float32Array | BigInt64Array;
}

export interface OnnxValue {
  name: string;
  /** A string names a symbolic dimension (the batch). */
  dims: (number | string)[];
}

export interface OnnxModel {
  nodes: OnnxNode[];
  initializers: OnnxInitializer[];
  input: OnnxValue;
  output: OnnxValue;
  opset: number;
}

class Writer {
  private chunks: Uint8Array[] = [];
  private length = 0;

  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.length += bytes.length;
  }

  varint(value: number | bigint): void {
    // Negative int64s are ten-byte two's complement varints in protobuf.
    let v = BigInt.asUintN(64, BigInt(value));
    const out: number[] = [];
    while (v >= 0x80n) {
      out.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    out.push(Number(v));
    this.push(Uint8Array.from(out));
  }

  tag(field: number, wire: 0 | 2 | 5): void {
    this.varint((field << 3) | wire);
  }

  int(field: number, value: number): void {
    this.tag(field, 0);
    this.varint(value);
  }

  float(field: number, value: number): void {
    this.tag(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.push(b);
  }

  bytes(field: number, data: Uint8Array): void {
    this.tag(field, 2);
    this.varint(data.length);
    this.push(data);
  }

  string(field: number, s: string): void {
    this.bytes(field, new TextEncoder().encode(s));
  }

  message(field: number, build: (w: Writer) => void): void {
    const inner = new Writer();
    build(inner);
    this.bytes(field, inner.finish());
  }

  packedInts(field: number, values: readonly number[]): void {
    const inner = new Writer();
    for (const v of values) inner.varint(v);
    this.bytes(field, inner.finish());
  }

  packedFloats(field: number, values: readonly number[]): void {
    const b = new Uint8Array(4 * values.length);
    const view = new DataView(b.buffer);
    values.forEach((v, i) => view.setFloat32(4 * i, v, true));
    this.bytes(field, b);
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

function littleEndianBytes(data: Float32Array | BigInt64Array): Uint8Array {
  // Typed arrays are in the platform's byte order; every platform onnxruntime ships for is little-endian.
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function writeAttribute(w: Writer, name: string, value: AttributeValue): void {
  w.string(1, name);
  if (typeof value === 'string') {
    w.bytes(4, new TextEncoder().encode(value));
    w.int(20, AttributeType.String);
  } else if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Error(`onnx attribute ${name}: ${value} is not an integer`);
    w.int(3, value);
    w.int(20, AttributeType.Int);
  } else if (Array.isArray(value)) {
    w.packedInts(8, value);
    w.int(20, AttributeType.Ints);
  } else if ('float' in value) {
    w.float(2, value.float);
    w.int(20, AttributeType.Float);
  } else {
    w.packedFloats(7, value.floats);
    w.int(20, AttributeType.Floats);
  }
}

function writeNode(w: Writer, node: OnnxNode): void {
  for (const i of node.inputs) w.string(1, i);
  for (const o of node.outputs) w.string(2, o);
  w.string(3, node.name);
  w.string(4, node.opType);
  for (const [name, value] of Object.entries(node.attributes ?? {})) w.message(5, (a) => writeAttribute(a, name, value));
}

function writeTensor(w: Writer, t: OnnxInitializer): void {
  if (t.dims.length > 0) w.packedInts(1, t.dims);
  w.int(2, t.type);
  w.string(8, t.name);
  w.bytes(9, littleEndianBytes(t.data));
}

function writeValueInfo(w: Writer, v: OnnxValue): void {
  w.string(1, v.name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, TensorType.Float);
      tensor.message(2, (shape) => {
        for (const d of v.dims) shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
      });
    }),
  );
}

/** The serialised ModelProto. */
export function encodeModel(model: OnnxModel): Uint8Array {
  const w = new Writer();
  // IR version 8 goes with opsets up to 18.
  w.int(1, 8);
  w.string(2, 'facet-studio');
  w.message(7, (g) => {
    for (const n of model.nodes) g.message(1, (m) => writeNode(m, n));
    g.string(2, 'facet');
    for (const t of model.initializers) g.message(5, (m) => writeTensor(m, t));
    g.message(11, (m) => writeValueInfo(m, model.input));
    g.message(12, (m) => writeValueInfo(m, model.output));
  });
  w.message(8, (o) => {
    o.string(1, '');
    o.int(2, model.opset);
  });
  return w.finish();
}

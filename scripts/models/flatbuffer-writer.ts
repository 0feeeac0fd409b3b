/**
 * A minimal FlatBuffers encoder for the few tables we write by hand (TFLite metadata and a new
 * TFLite root table). It lays objects out front to back: a parent is written first with
 * placeholder references, then each child after it, and the placeholders are patched. FlatBuffers
 * references are unsigned offsets that must point forward, which this order guarantees.
 *
 * `external` nodes refer to objects that are not encoded here but live *after* the encoded bytes
 * (the shifted body of an existing model): their references are resolved once the caller knows
 * where that body will start (see resolveExternals).
 */

export type FbField =
  { kind: 'u8'; value: number } | { kind: 'u32'; value: number } | { kind: 'ref'; node: FbNode };

export type FbNode =
  | { kind: 'table'; fields: readonly (FbField | undefined)[] }
  | { kind: 'string'; value: string }
  | { kind: 'f32-vector'; values: readonly number[] }
  | { kind: 'u8-vector'; data: Uint8Array; align: number }
  | { kind: 'ref-vector'; items: readonly FbNode[] }
  | { kind: 'external'; position: number };

export interface ExternalRef {
  /** Where the uint32 reference is stored in the encoded bytes. */
  at: number;
  /** Position of the target inside the body that will follow the encoded bytes. */
  position: number;
}

export interface EncodedFlatbuffer {
  bytes: Uint8Array;
  externals: ExternalRef[];
}

const UTF8 = new TextEncoder();

export const u8 = (value: number): FbField => ({ kind: 'u8', value });
export const u32 = (value: number): FbField => ({ kind: 'u32', value });
export const ref = (node: FbNode): FbField => ({ kind: 'ref', node });
export const table = (fields: readonly (FbField | undefined)[]): FbNode => ({
  kind: 'table',
  fields,
});
export const str = (value: string): FbNode => ({ kind: 'string', value });

class ForwardWriter {
  private buf = new Uint8Array(1024);
  private view = new DataView(this.buf.buffer);
  length = 0;
  readonly externals: ExternalRef[] = [];

  private reserve(size: number): number {
    const at = this.length;
    if (at + size > this.buf.length) {
      const bigger = new Uint8Array(Math.max(this.buf.length * 2, at + size));
      bigger.set(this.buf);
      this.buf = bigger;
      this.view = new DataView(bigger.buffer);
    }
    this.length += size; // new bytes are already zero
    return at;
  }

  /** Pads with zeros until (length + after) is a multiple of `align`. */
  pad(align: number, after = 0): void {
    const rem = (this.length + after) % align;
    if (rem !== 0) this.reserve(align - rem);
  }

  setU8(at: number, v: number): void {
    this.view.setUint8(at, v);
  }
  setU16(at: number, v: number): void {
    this.view.setUint16(at, v, true);
  }
  setU32(at: number, v: number): void {
    this.view.setUint32(at, v, true);
  }

  appendU32(v: number): number {
    const at = this.reserve(4);
    this.setU32(at, v);
    return at;
  }

  appendBytes(data: Uint8Array): number {
    const at = this.reserve(data.length);
    this.buf.set(data, at);
    return at;
  }

  appendF32s(values: readonly number[]): void {
    const at = this.reserve(values.length * 4);
    values.forEach((v, i) => this.view.setFloat32(at + 4 * i, v, true));
  }

  /** Writes `node` (if it is ours) and stores a forward reference to it at `at`. */
  link(at: number, node: FbNode): void {
    if (node.kind === 'external') {
      this.externals.push({ at, position: node.position });
      return;
    }
    const target = this.write(node);
    this.setU32(at, target - at);
  }

  write(node: FbNode): number {
    switch (node.kind) {
      case 'table':
        return this.writeTable(node.fields);
      case 'string': {
        const data = UTF8.encode(node.value);
        this.pad(4);
        const at = this.appendU32(data.length);
        this.appendBytes(data);
        this.reserve(1); // FlatBuffers strings are zero-terminated
        return at;
      }
      case 'f32-vector': {
        this.pad(4);
        const at = this.appendU32(node.values.length);
        this.appendF32s(node.values);
        return at;
      }
      case 'u8-vector': {
        // The alignment applies to the data, which follows the 4-byte length.
        this.pad(Math.max(4, node.align), 4);
        const at = this.appendU32(node.data.length);
        this.appendBytes(node.data);
        return at;
      }
      case 'ref-vector': {
        this.pad(4);
        const at = this.appendU32(node.items.length);
        const slots = this.reserve(4 * node.items.length);
        node.items.forEach((item, i) => this.link(slots + 4 * i, item));
        return at;
      }
      case 'external':
        throw new Error('external nodes can only be referenced, not written');
    }
  }

  private writeTable(fields: readonly (FbField | undefined)[]): number {
    // Inline layout: soffset, then 4-byte fields, then bytes (no padding needed between them).
    const offsets = new Array<number>(fields.length).fill(0);
    let size = 4;
    for (const wide of [true, false]) {
      fields.forEach((f, id) => {
        if (f && (f.kind !== 'u8') === wide) {
          offsets[id] = size;
          size += wide ? 4 : 1;
        }
      });
    }
    this.pad(2);
    const vtable = this.reserve(4 + 2 * fields.length);
    this.setU16(vtable, 4 + 2 * fields.length);
    this.setU16(vtable + 2, size);
    offsets.forEach((off, id) => this.setU16(vtable + 4 + 2 * id, off));
    this.pad(4);
    const start = this.reserve(size);
    this.view.setInt32(start, start - vtable, true);
    const refs: { at: number; node: FbNode }[] = [];
    fields.forEach((f, id) => {
      const at = start + (offsets[id] ?? 0);
      if (f?.kind === 'u8') this.setU8(at, f.value);
      else if (f?.kind === 'u32') this.setU32(at, f.value);
      else if (f?.kind === 'ref') refs.push({ at, node: f.node });
    });
    for (const r of refs) this.link(r.at, r.node);
    return start;
  }

  finish(padTo: number): Uint8Array {
    this.pad(padTo);
    return this.buf.slice(0, this.length);
  }
}

/**
 * Encodes a buffer whose root is `root`, with the 4-character file `identifier`, zero-padded to
 * a multiple of `padTo` bytes.
 */
export function encodeFlatbuffer(root: FbNode, identifier: string, padTo = 8): EncodedFlatbuffer {
  if (identifier.length !== 4)
    throw new Error(`file identifier must be 4 characters: "${identifier}"`);
  const w = new ForwardWriter();
  w.appendU32(0);
  w.appendBytes(UTF8.encode(identifier));
  w.link(0, root);
  return { bytes: w.finish(padTo), externals: w.externals };
}

/** Points each external reference at `bodyStart + position` in `out` (the final buffer). */
export function resolveExternals(
  out: Uint8Array,
  externals: readonly ExternalRef[],
  bodyStart: number,
): void {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  for (const { at, position } of externals) view.setUint32(at, bodyStart + position - at, true);
}

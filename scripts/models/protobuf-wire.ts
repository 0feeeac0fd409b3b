/**
 * The protobuf wire format, just enough to read and rewrite ONNX models without a generated
 * schema (no protobuf library is a dependency here, and ONNX only needs a handful of fields).
 * A message is kept as its ordered list of fields, each with its raw value, so fields we do
 * not understand pass through a rewrite byte for byte.
 */

export const WIRE = { varint: 0, fixed64: 1, bytes: 2, fixed32: 5 } as const;
export type WireType = (typeof WIRE)[keyof typeof WIRE];

export interface PbField {
  field: number;
  wire: WireType;
  /** varint: the value (bigint, int64-safe); bytes/fixed: the raw payload bytes. */
  value: bigint | Uint8Array;
}

function readVarint(buf: Uint8Array, pos: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    if (pos >= buf.length) throw new Error('protobuf: truncated varint');
    const b = buf[pos++]!;
    result |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return [result, pos];
    shift += 7n;
    if (shift > 70n) throw new Error('protobuf: varint too long');
  }
}

/** The fields of one message, in wire order. */
export function decodeMessage(buf: Uint8Array): PbField[] {
  const out: PbField[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const [key, p1] = readVarint(buf, pos);
    pos = p1;
    const field = Number(key >> 3n);
    const wire = Number(key & 7n) as WireType;
    switch (wire) {
      case WIRE.varint: {
        const [v, p2] = readVarint(buf, pos);
        out.push({ field, wire, value: v });
        pos = p2;
        break;
      }
      case WIRE.fixed64:
      case WIRE.fixed32: {
        const n = wire === WIRE.fixed64 ? 8 : 4;
        if (pos + n > buf.length) throw new Error('protobuf: truncated fixed field');
        out.push({ field, wire, value: buf.subarray(pos, pos + n) });
        pos += n;
        break;
      }
      case WIRE.bytes: {
        const [len, p2] = readVarint(buf, pos);
        const end = p2 + Number(len);
        if (end > buf.length) throw new Error(`protobuf: field ${field} runs past the end`);
        out.push({ field, wire, value: buf.subarray(p2, end) });
        pos = end;
        break;
      }
      default:
        throw new Error(`protobuf: unsupported wire type ${String(wire)} at byte ${pos}`);
    }
  }
  return out;
}

function varintBytes(v: bigint): number[] {
  // Negative int64 values are encoded as their two's complement in 10 bytes.
  let x = v < 0n ? (1n << 64n) + v : v;
  const out: number[] = [];
  do {
    let b = Number(x & 0x7fn);
    x >>= 7n;
    if (x > 0n) b |= 0x80;
    out.push(b);
  } while (x > 0n);
  return out;
}

/** Serialises fields in the given order. */
export function encodeMessage(fields: readonly PbField[]): Uint8Array {
  const parts: Uint8Array[] = [];
  let size = 0;
  const push = (p: Uint8Array): void => {
    parts.push(p);
    size += p.length;
  };
  for (const f of fields) {
    push(Uint8Array.from(varintBytes(BigInt((f.field << 3) | f.wire))));
    if (f.wire === WIRE.varint) push(Uint8Array.from(varintBytes(f.value as bigint)));
    else if (f.wire === WIRE.bytes) {
      const v = f.value as Uint8Array;
      push(Uint8Array.from(varintBytes(BigInt(v.length))));
      push(v);
    } else push(f.value as Uint8Array);
  }
  const out = new Uint8Array(size);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

// Builders and readers for the field kinds ONNX uses.
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

export const pb = {
  str: (field: number, s: string): PbField => ({ field, wire: WIRE.bytes, value: utf8.encode(s) }),
  bytes: (field: number, b: Uint8Array): PbField => ({ field, wire: WIRE.bytes, value: b }),
  msg: (field: number, m: readonly PbField[]): PbField => ({
    field,
    wire: WIRE.bytes,
    value: encodeMessage(m),
  }),
  int: (field: number, v: number | bigint): PbField => ({
    field,
    wire: WIRE.varint,
    value: BigInt(v),
  }),
  float: (field: number, v: number): PbField => {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    return { field, wire: WIRE.fixed32, value: b };
  },
};

export function getAll(m: readonly PbField[], field: number): PbField[] {
  return m.filter((f) => f.field === field);
}

export function getString(m: readonly PbField[], field: number): string | undefined {
  const f = m.find((x) => x.field === field);
  return f && f.wire === WIRE.bytes ? fromUtf8.decode(f.value as Uint8Array) : undefined;
}

export function getStrings(m: readonly PbField[], field: number): string[] {
  return getAll(m, field).map((f) => fromUtf8.decode(f.value as Uint8Array));
}

export function getInt(m: readonly PbField[], field: number): bigint | undefined {
  const f = m.find((x) => x.field === field);
  return f && f.wire === WIRE.varint ? BigInt.asIntN(64, f.value as bigint) : undefined;
}

/** A repeated int64 field, packed or not. */
export function getInts(m: readonly PbField[], field: number): bigint[] {
  const out: bigint[] = [];
  for (const f of getAll(m, field)) {
    if (f.wire === WIRE.varint) out.push(BigInt.asIntN(64, f.value as bigint));
    else {
      const b = f.value as Uint8Array;
      for (let pos = 0; pos < b.length;) {
        const [v, p] = readVarint(b, pos);
        out.push(BigInt.asIntN(64, v));
        pos = p;
      }
    }
  }
  return out;
}

export function getMessage(m: readonly PbField[], field: number): PbField[] | undefined {
  const f = m.find((x) => x.field === field);
  return f && f.wire === WIRE.bytes ? decodeMessage(f.value as Uint8Array) : undefined;
}

export function getMessages(m: readonly PbField[], field: number): PbField[][] {
  return getAll(m, field).map((f) => decodeMessage(f.value as Uint8Array));
}

import { describe, expect, it } from 'vitest';
import {
  WIRE,
  decodeMessage,
  encodeMessage,
  getInts,
  getMessage,
  getString,
  pb,
} from '../../scripts/models/protobuf-wire';

describe('protobuf wire codec (ONNX rewriting)', () => {
  it('round-trips fields in order, unknown ones byte for byte', () => {
    const fields = [
      pb.int(1, 7),
      pb.str(2, 'conv_1'),
      pb.float(3, 0.5),
      pb.msg(4, [pb.int(1, -3), pb.str(2, 'x')]),
      { field: 99, wire: WIRE.fixed64, value: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]) },
    ];
    const bytes = encodeMessage(fields);
    const back = decodeMessage(bytes);
    expect(encodeMessage(back)).toEqual(bytes);
    expect(getString(back, 2)).toBe('conv_1');
    // Negative int64s take ten bytes and come back as the same value.
    expect(getInts(getMessage(back, 4)!, 1)).toEqual([-3n]);
    expect(back[4]).toMatchObject({ field: 99, wire: WIRE.fixed64 });
  });

  it('reads packed repeated int64 (ONNX tensor dims)', () => {
    const packed = Uint8Array.from([0x40, 0x03, 0x70, 0x70]); // 64, 3, 112, 112
    const bytes = encodeMessage([pb.bytes(1, packed)]);
    expect(getInts(decodeMessage(bytes), 1)).toEqual([64n, 3n, 112n, 112n]);
  });

  it('refuses truncated input instead of reading past the end', () => {
    const bytes = encodeMessage([pb.str(2, 'a long enough string')]);
    expect(() => decodeMessage(bytes.subarray(0, 5))).toThrow(/runs past the end/);
    expect(() => decodeMessage(Uint8Array.from([0x08, 0x80]))).toThrow(/truncated varint/);
  });
});

/**
 * A small, bounds-checked FlatBuffers reader: enough to walk TFLite models and their metadata
 * without generated code. Every read is checked against the buffer, so a truncated or hostile
 * file raises a StationError instead of returning garbage or throwing a RangeError.
 *
 * Wire format reminders (FlatBuffers "internals"): a table starts with an int32 soffset to its
 * vtable (vtable = table - soffset); the vtable holds uint16 vtable size, uint16 table size, then
 * one uint16 offset per field id (0 = absent). References are uint32 offsets relative to the
 * place they are stored. Vectors and strings start with a uint32 element count.
 */
import { StationError } from '../../src/shared/errors';

const UTF8 = new TextDecoder('utf-8', { fatal: true });

export class FlatReader {
  private readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    /** Names the buffer in error messages ("TFLite model", "TFLite metadata"). */
    readonly label: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get length(): number {
    return this.bytes.byteLength;
  }

  fail(why: string): never {
    throw new StationError('MODEL_TAMPERED', `Malformed ${this.label}: ${why}`);
  }

  private check(pos: number, size: number): void {
    if (!Number.isInteger(pos) || pos < 0 || pos + size > this.length) {
      this.fail(`read of ${size} bytes at ${pos} is outside the ${this.length}-byte buffer`);
    }
  }

  u8(pos: number): number {
    this.check(pos, 1);
    return this.view.getUint8(pos);
  }

  u16(pos: number): number {
    this.check(pos, 2);
    return this.view.getUint16(pos, true);
  }

  u32(pos: number): number {
    this.check(pos, 4);
    return this.view.getUint32(pos, true);
  }

  i32(pos: number): number {
    this.check(pos, 4);
    return this.view.getInt32(pos, true);
  }

  u64(pos: number): bigint {
    this.check(pos, 8);
    return this.view.getBigUint64(pos, true);
  }

  /** The 4-character file identifier stored after the root offset. */
  identifier(): string {
    if (this.length < 8) return '';
    return String.fromCharCode(...this.bytes.subarray(4, 8));
  }

  /** Position of the root table. */
  root(): number {
    return this.deref(0);
  }

  /** Follows the uint32 reference stored at `pos`. */
  deref(pos: number): number {
    const target = pos + this.u32(pos);
    this.check(target, 4);
    return target;
  }

  private vtable(table: number): { at: number; size: number } {
    const at = table - this.i32(table);
    const size = this.u16(at);
    if (size < 4 || size % 2 !== 0) this.fail(`table at ${table} has a vtable of size ${size}`);
    this.check(at, size);
    return { at, size };
  }

  /** Number of field slots the table's vtable describes (present or not). */
  fieldSlots(table: number): number {
    return (this.vtable(table).size - 4) / 2;
  }

  /** Absolute position of field `id` of the table at `table`, or undefined when absent. */
  field(table: number, id: number): number | undefined {
    const vt = this.vtable(table);
    const slot = 4 + 2 * id;
    if (slot + 2 > vt.size) return undefined;
    const offset = this.u16(vt.at + slot);
    return offset === 0 ? undefined : table + offset;
  }

  /** Target of a reference field (table, vector or string), or undefined when absent. */
  refField(table: number, id: number): number | undefined {
    const at = this.field(table, id);
    return at === undefined ? undefined : this.deref(at);
  }

  u8Field(table: number, id: number, fallback = 0): number {
    const at = this.field(table, id);
    return at === undefined ? fallback : this.u8(at);
  }

  u32Field(table: number, id: number, fallback = 0): number {
    const at = this.field(table, id);
    return at === undefined ? fallback : this.u32(at);
  }

  i32Field(table: number, id: number, fallback = 0): number {
    const at = this.field(table, id);
    return at === undefined ? fallback : this.i32(at);
  }

  f32Field(table: number, id: number, fallback = 0): number {
    const at = this.field(table, id);
    if (at === undefined) return fallback;
    this.check(at, 4);
    return this.view.getFloat32(at, true);
  }

  u64Field(table: number, id: number): bigint {
    const at = this.field(table, id);
    return at === undefined ? 0n : this.u64(at);
  }

  vectorLength(vector: number): number {
    return this.u32(vector);
  }

  /** Positions of the tables referenced by a vector of tables. */
  tableVector(vector: number): number[] {
    const n = this.vectorLength(vector);
    this.check(vector + 4, n * 4);
    return Array.from({ length: n }, (_, i) => this.deref(vector + 4 + 4 * i));
  }

  i32Vector(vector: number): number[] {
    const n = this.vectorLength(vector);
    this.check(vector + 4, n * 4);
    return Array.from({ length: n }, (_, i) => this.view.getInt32(vector + 4 + 4 * i, true));
  }

  f32Vector(vector: number): number[] {
    const n = this.vectorLength(vector);
    this.check(vector + 4, n * 4);
    return Array.from({ length: n }, (_, i) => this.view.getFloat32(vector + 4 + 4 * i, true));
  }

  /** The bytes of a [ubyte] vector, as a view into the buffer (no copy). */
  byteVector(vector: number): Uint8Array {
    const n = this.vectorLength(vector);
    this.check(vector + 4, n);
    return this.bytes.subarray(vector + 4, vector + 4 + n);
  }

  string(pos: number): string {
    try {
      return UTF8.decode(this.byteVector(pos));
    } catch (err) {
      if (err instanceof StationError) throw err;
      return this.fail(`string at ${pos} is not valid UTF-8`);
    }
  }

  stringField(table: number, id: number): string | undefined {
    const at = this.refField(table, id);
    return at === undefined ? undefined : this.string(at);
  }
}

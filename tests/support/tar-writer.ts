/**
 * A tiny ustar writer for tests of scripts/models/tgz-reader.ts: builds archives with the
 * features npm tarballs use (prefix field, pax path records) and lets tests corrupt them.
 */
import { gzipSync } from 'node:zlib';

export interface TarInput {
  path: string;
  data?: Uint8Array | string;
  /** ustar typeflag, default '0' (file). */
  type?: string;
  /** Put the path in a preceding pax 'x' header instead of name/prefix. */
  pax?: boolean;
}

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

function header(name: string, size: number, type: string, prefix = ''): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, 'utf8');
  h.write(octal(0o644, 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii');
  h.write(octal(0, 8), 116, 'ascii');
  h.write(octal(size, 12), 124, 'ascii');
  h.write(octal(0, 12), 136, 'ascii');
  h.write(type, 156, 1, 'ascii');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  h.write(prefix, 345, 155, 'utf8');
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(octal(sum, 7), 148, 'ascii');
  h[155] = 0x20;
  return h;
}

function padded(data: Buffer): Buffer {
  return Buffer.concat([data, Buffer.alloc((512 - (data.length % 512)) % 512)]);
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = body.length + 1;
  while (`${len}${body}`.length !== len) len = `${len}${body}`.length;
  return `${len}${body}`;
}

export function buildTar(entries: TarInput[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const data = Buffer.from(entry.data ?? '');
    const type = entry.type ?? '0';
    if (entry.pax) {
      const pax = Buffer.from(paxRecord('path', entry.path));
      parts.push(
        header('PaxHeader', pax.length, 'x'),
        padded(pax),
        header('ignored-name', data.length, type),
      );
    } else if (entry.path.length > 100) {
      const cut = entry.path.lastIndexOf('/', 155);
      parts.push(header(entry.path.slice(cut + 1), data.length, type, entry.path.slice(0, cut)));
    } else {
      parts.push(header(entry.path, data.length, type));
    }
    parts.push(padded(data));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

export function buildTgz(entries: TarInput[]): Buffer {
  return gzipSync(buildTar(entries));
}

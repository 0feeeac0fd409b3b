import { describe, expect, it } from 'vitest';
import { dispatch, type Handlers } from '../../src/main/core/ipc/dispatch';
import {
  BinaryBodyError,
  decodeBinaryBody,
  encodeBinaryBody,
  hasBytes,
} from '../../src/shared/binary-body';
import { contract } from '../../src/shared/contract';
import { SENT_FACE_PX, sentFaceScale } from '../../src/shared/sent-face-scale';

/** A 2 x 2 frame region request as the terminal sends it. */
function frameRequest(rgb: unknown, size = { width: 2, height: 2 }) {
  return {
    frameId: 3,
    frameWidth: 640,
    frameHeight: 480,
    faces: [],
    region: { x: 10, y: 20, ...size, rgb },
    capturedAtMs: 12.5,
  };
}

/** Builds a binary body by hand, to forge malformed ones. */
function body(header: string, ...blobs: number[][]): Uint8Array {
  const h = new TextEncoder().encode(header);
  const out = new Uint8Array(4 + h.length + blobs.reduce((n, b) => n + b.length, 0));
  new DataView(out.buffer).setUint32(0, h.length, true);
  out.set(h, 4);
  let at = 4 + h.length;
  for (const b of blobs) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

describe('binary request body (frame transport over the loopback host)', () => {
  it('round-trips a request with bytes, as views of the body (no copy)', () => {
    const rgb = Uint8Array.from({ length: 12 }, (_, i) => i * 20);
    const encoded = encodeBinaryBody(frameRequest(rgb));
    const decoded = decodeBinaryBody(encoded) as ReturnType<typeof frameRequest>;
    expect(decoded).toEqual({ ...frameRequest(rgb), region: { ...frameRequest(rgb).region } });
    const bytes = decoded.region.rgb as Uint8Array;
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(Array.from(bytes)).toEqual(Array.from(rgb));
    expect(bytes.buffer).toBe(encoded.buffer);
    // The header is small JSON; the pixels follow as they are (no base64 inflation).
    expect(encoded.byteLength).toBeLessThan(rgb.byteLength + 200);
  });

  it('encodes a Node Buffer as bytes too, and plain requests are not binary', () => {
    const buf = Buffer.from([1, 2, 3]);
    expect(hasBytes({ a: [{ b: buf }] })).toBe(true);
    expect(hasBytes({ a: [1, 'x', null], b: { c: true } })).toBe(false);
    const decoded = decodeBinaryBody(encodeBinaryBody({ a: [{ b: buf }] })) as {
      a: [{ b: Uint8Array }];
    };
    expect(Array.from(decoded.a[0].b)).toEqual([1, 2, 3]);
  });

  it.each([
    ['no header length', new Uint8Array(3), /no header length/],
    ['header longer than the body', body('{"v":1}').subarray(0, 6), /longer than/],
    ['header not JSON', body('{"v":1,'), /not valid UTF-8 JSON/],
    ['wrong version', body('{"v":2,"blobs":[],"body":{}}'), /must be \{"v":1/],
    [
      'blob lengths not numbers',
      body('{"v":1,"blobs":["3"],"body":{}}', [1, 2, 3]),
      /non-negative/,
    ],
    [
      'blob bytes missing',
      body('{"v":1,"blobs":[4],"body":{"$bytes":0}}', [1, 2, 3]),
      /declares 4 blob bytes but 3/,
    ],
    ['extra bytes', body('{"v":1,"blobs":[],"body":{}}', [9]), /declares 0 blob bytes but 1/],
    [
      'placeholder to no blob',
      body('{"v":1,"blobs":[],"body":{"a":{"$bytes":0}}}'),
      /blob 0, which was not sent/,
    ],
    [
      'blob used twice',
      body('{"v":1,"blobs":[1],"body":[{"$bytes":0},{"$bytes":0}]}', [5]),
      /used twice/,
    ],
    [
      'blob unused',
      body('{"v":1,"blobs":[1],"body":{}}', [5]),
      /carries 1 blobs but the request uses 0/,
    ],
    [
      'odd placeholder',
      body('{"v":1,"blobs":[1],"body":{"$bytes":0,"x":1}}', [5]),
      /placeholder must be/,
    ],
  ])('refuses a body with %s', (_name, bytes, message) => {
    expect(() => decodeBinaryBody(bytes)).toThrow(BinaryBodyError);
    expect(() => decodeBinaryBody(bytes)).toThrow(message);
  });
});

describe('access:frame region contract (RGB bytes)', () => {
  const parse = (req: unknown) => contract['access:frame'].safeParse(req);
  const messageOf = (req: unknown): string => {
    const r = parse(req);
    return r.success
      ? ''
      : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  };

  it('accepts exactly width * height * 3 bytes', () => {
    expect(parse(frameRequest(new Uint8Array(12))).success).toBe(true);
    expect(parse(frameRequest(Buffer.alloc(12))).success).toBe(true);
  });

  it('refuses a wrong byte count (RGBA, truncated) naming the field', () => {
    expect(messageOf(frameRequest(new Uint8Array(16)))).toMatch(
      /region\.rgb: .*width \* height \* 3/,
    );
    expect(messageOf(frameRequest(new Uint8Array(11)))).toMatch(/region\.rgb/);
  });

  it('refuses dimensions that do not match the bytes, or are out of range', () => {
    expect(messageOf(frameRequest(new Uint8Array(12), { width: 3, height: 2 }))).toMatch(
      /region\.rgb/,
    );
    expect(parse(frameRequest(new Uint8Array(0), { width: 0, height: 2 })).success).toBe(false);
    expect(parse(frameRequest(new Uint8Array(12), { width: 2.5, height: 2 })).success).toBe(false);
    // Over the pixel cap: refused before anyone looks at the bytes.
    expect(messageOf(frameRequest(new Uint8Array(3), { width: 4096, height: 4096 }))).toMatch(
      /region too large/,
    );
  });

  it('refuses non-binary pixels: base64 text, number arrays, a missing field', () => {
    for (const rgb of ['AAAAAAAAAAAAAAAA', Array.from({ length: 12 }, () => 0), undefined])
      expect(messageOf(frameRequest(rgb))).toMatch(/region\.rgb: region\.rgb must be binary/);
    expect(
      parse({
        ...frameRequest(new Uint8Array(12)),
        region: { ...frameRequest(new Uint8Array(12)).region, rgbaBase64: 'AAAA' },
      }).success,
    ).toBe(false);
  });

  it('reaches the handler only when valid, with a clear BAD_REQUEST otherwise', async () => {
    const seen: number[] = [];
    const handlers = {
      'access:frame': (req: { region: { rgb: Uint8Array } | null }) => {
        seen.push(req.region?.rgb.byteLength ?? -1);
        return Promise.resolve({});
      },
    } as unknown as Handlers;
    expect(
      await dispatch(handlers, 'access:frame', frameRequest(new Uint8Array(12))),
    ).toMatchObject({
      ok: true,
    });
    const bad = await dispatch(handlers, 'access:frame', frameRequest(new Uint8Array(16)));
    expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(!bad.ok && bad.error.message).toMatch(/Invalid access:frame request at region\.rgb/);
    expect(seen).toEqual([12]);
  });
});

describe('shrunk door regions (region.scale)', () => {
  it('keeps the face at the target size or more, in 1/8 steps, steady while it still fits', () => {
    const scale = (side: number, previous: number | null = null) =>
      sentFaceScale(side, previous, 128);
    expect(scale(100)).toBe(1);
    expect(scale(128)).toBe(1);
    // 128 / 200 = 0.64 -> 0.75 (never below the target face size).
    expect(scale(200)).toBe(0.75);
    // A face jittering between 195 and 215 px keeps one scale.
    expect(scale(215, 0.75)).toBe(0.75);
    expect(scale(195, 0.75)).toBe(0.75);
    // Walking closer: a smaller scale once the old one wastes more than the hysteresis.
    expect(scale(400, 0.75)).toBe(0.375);
    // Stepping back: the old scale would shrink the face below the target, so it grows.
    expect(scale(150, 0.75)).toBe(0.875);
    expect(scale(0)).toBe(1);
    // The door's default target, whatever it is: never below it, never above 1.
    for (const side of [50, 97, 185, 300, 1000]) {
      const k = sentFaceScale(side);
      expect(k).toBeLessThanOrEqual(1);
      expect(side * k).toBeGreaterThanOrEqual(Math.min(side, SENT_FACE_PX));
    }
  });

  it('accepts a scale in (0, 1] on access:frame only, and refuses it for enroll:check', () => {
    const withScale = (scale: unknown) => {
      const r = frameRequest(new Uint8Array(12));
      return { ...r, region: { ...r.region, scale } };
    };
    expect(contract['access:frame'].safeParse(withScale(0.5)).success).toBe(true);
    for (const bad of [0, -1, 1.5, Number.NaN, '0.5'])
      expect(contract['access:frame'].safeParse(withScale(bad)).success).toBe(false);
    const check = { frameWidth: 640, frameHeight: 480, faces: [], region: withScale(0.5).region };
    expect(contract['enroll:check'].safeParse(check).success).toBe(false);
    expect(
      contract['enroll:check'].safeParse({
        ...check,
        region: frameRequest(new Uint8Array(12)).region,
      }).success,
    ).toBe(true);
  });
});

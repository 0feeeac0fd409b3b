import { Worker } from 'node:worker_threads';
import { StationError } from '../../../shared/errors';
import type { SiteTemplateBinding } from './site-cipher';

/**
 * What the worker runs: AES-256-GCM opening of sealGcm's layout (nonce 12 | body | tag 16),
 * given as CommonJS source so it starts alike from tsx, vitest and a bundle. It holds only the
 * site's template key (HKDF-derived; never the site key) and answers with every plaintext of
 * a page in one transferred buffer, or the index of the first template that failed.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createDecipheriv } = require('node:crypto');
const key = Buffer.from(workerData.key);
parentPort.on('message', (m) => {
  const sealed = Buffer.from(m.sealed);
  const total = m.dims.reduce((a, d) => a + d, 0);
  const out = new Float32Array(total);
  const bytes = new Uint8Array(out.buffer);
  let at = 0;
  for (let i = 0; i < m.dims.length; i++) {
    const s = sealed.subarray(m.offsets[i], m.offsets[i + 1]);
    let plain = null;
    if (s.length >= 28) {
      try {
        const d = createDecipheriv('aes-256-gcm', key, s.subarray(0, 12), { authTagLength: 16 });
        d.setAAD(Buffer.from(m.aads[i]));
        d.setAuthTag(s.subarray(s.length - 16));
        plain = d.update(s.subarray(12, s.length - 16));
        d.final();
      } catch {
        plain = null;
      }
    }
    if (plain === null || plain.length !== m.dims[i] * 4) {
      if (plain) plain.fill(0);
      bytes.fill(0);
      parentPort.postMessage(
        { id: m.id, failed: i, length: plain ? plain.length : -1, sealed: m.sealed },
        [m.sealed],
      );
      return;
    }
    bytes.set(plain, at * 4);
    plain.fill(0);
    at += m.dims[i];
  }
  parentPort.postMessage({ id: m.id, vectors: out, sealed: m.sealed }, [out.buffer, m.sealed]);
});
`;

/** The sealed bytes' buffer comes back with the answer, for the next page (see `spare`). */
type Answer = { id: number; sealed: ArrayBuffer } & (
  { vectors: Float32Array } | { failed: number; length: number }
);

/** Below this many templates a page is opened on the calling thread (a worker round trip costs more). */
export const OFF_THREAD_MIN_TEMPLATES = 256;

/**
 * Opens a page's site templates on a worker thread, so a pull decrypts the next page while it
 * applies this one (a new station's first sync is 300,000 templates). The plaintexts come
 * back as views of one buffer per page; whoever takes them zeroes them when done, as with
 * SiteCipher.openTemplate. Same checks and errors: a template that fails its tag or length is
 * TEMPLATE_TAMPERED, and nothing of that page is returned.
 */
export class SiteTemplateOpener {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly waiting = new Map<number, (a: Answer | Error) => void>();
  /**
   * The buffer the last page's sealed bytes went over in, reused: a fresh 30 MB buffer per
   * page costs more in page faults (~150 ms here) than decrypting on the pull's thread saves.
   */
  private spare: ArrayBuffer | null = null;

  constructor(
    private readonly templateKey: Buffer,
    private readonly aadOf: (at: SiteTemplateBinding) => string,
  ) {}

  async open(
    templates: readonly (SiteTemplateBinding & { sealed: Uint8Array })[],
  ): Promise<Float32Array[]> {
    if (templates.length === 0) return [];
    const offsets = [0];
    for (const t of templates) offsets.push(offsets[offsets.length - 1]! + t.sealed.length);
    const sealed = this.buffer(offsets[offsets.length - 1]!);
    templates.forEach((t, i) => sealed.set(t.sealed, offsets[i]));
    const id = this.nextId++;
    const answer = await new Promise<Answer | Error>((resolve) => {
      this.waiting.set(id, resolve);
      const message = {
        id,
        sealed: sealed.buffer,
        offsets,
        dims: templates.map((t) => t.dim),
        aads: templates.map((t) => this.aadOf(t)),
      };
      this.started().postMessage(message, [sealed.buffer]);
    });
    if (answer instanceof Error) throw answer;
    this.spare = answer.sealed;
    if ('failed' in answer) throw tampered(templates[answer.failed]!, answer.length);
    let at = 0;
    return templates.map((t) => answer.vectors.subarray(at, (at += t.dim)));
  }

  /** Stops the worker (a pull's end); the next open starts another. */
  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    this.spare = null;
    if (w) await w.terminate();
  }

  private buffer(bytes: number): Uint8Array<ArrayBuffer> {
    const spare = this.spare;
    this.spare = null;
    if (spare && spare.byteLength >= bytes) return new Uint8Array(spare, 0, bytes);
    // Some room to spare: the next page's templates may be a little larger.
    return new Uint8Array(new ArrayBuffer(Math.ceil(bytes * 1.25)), 0, bytes);
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { key: this.templateKey } });
    w.on('message', (a: Answer) => {
      this.waiting.get(a.id)?.(a);
      this.waiting.delete(a.id);
    });
    const failAll = (err: Error) => {
      if (this.worker === w) this.worker = null;
      for (const resolve of this.waiting.values()) resolve(err);
      this.waiting.clear();
    };
    w.on('error', (err) => failAll(err));
    w.on('exit', () => failAll(new StationError('INTERNAL', 'template worker stopped')));
    this.worker = w;
    return w;
  }
}

function tampered(t: SiteTemplateBinding, length: number): StationError {
  const what = `site template ${t.templateId}`;
  return new StationError(
    'TEMPLATE_TAMPERED',
    length >= 0
      ? `${what} decrypts to ${length} bytes, expected ${t.dim * 4}`
      : `${what} failed its integrity check (modified, moved, or sealed with another site key)`,
  );
}

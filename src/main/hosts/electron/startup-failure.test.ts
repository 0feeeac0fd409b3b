import { describe, expect, it } from 'vitest';
import { StationError } from '../../../shared/errors';
import {
  classifyStartupError,
  escapeHtml,
  renderStartupErrorPage,
  toDataUrl,
  withDeadline,
} from './startup-failure';

describe('classifyStartupError', () => {
  it('keeps a StationError code and message', () => {
    const err = new StationError('MODEL_TAMPERED', 'fr_feature.onnx: SHA-256 mismatch');
    expect(classifyStartupError(err)).toEqual({
      code: 'MODEL_TAMPERED',
      message: 'fr_feature.onnx: SHA-256 mismatch',
    });
  });

  it('recognises a wrong-ABI addon even when the DB layer wrapped it as DB_CORRUPT', () => {
    const abi = new Error(
      "The module '/app/better_sqlite3.node' was compiled against a different Node.js version using " +
        'NODE_MODULE_VERSION 115. This version of Node.js requires NODE_MODULE_VERSION 150.',
    );
    const wrapped = new StationError('DB_CORRUPT', `Cannot open database x: ${abi.message}`, {
      cause: abi,
    });
    const payload = classifyStartupError(wrapped);
    expect(payload.code).toBe('NATIVE_MISSING');
    expect(payload.message).toContain('NODE_MODULE_VERSION 150');
  });

  it('recognises a missing addon', () => {
    const missing = Object.assign(new Error("Cannot find module '/app/native/faiss.node'"), {
      code: 'MODULE_NOT_FOUND',
    });
    expect(classifyStartupError(missing).code).toBe('NATIVE_MISSING');
    const dlopen = Object.assign(new Error('libfoo.so: cannot open shared object file'), {
      code: 'ERR_DLOPEN_FAILED',
    });
    expect(classifyStartupError(dlopen).code).toBe('NATIVE_MISSING');
  });

  it('reports anything else as INTERNAL, and survives cyclic causes', () => {
    const a = new Error('boom');
    const b = new Error('wrapper', { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(classifyStartupError(b)).toEqual({
      code: 'INTERNAL',
      message: 'Internal error: wrapper',
    });
    expect(classifyStartupError('plain string').code).toBe('INTERNAL');
  });
});

describe('renderStartupErrorPage', () => {
  it('shows code, message, a hint and the data folder, escaped', () => {
    const html = renderStartupErrorPage(
      { code: 'DB_CORRUPT', message: 'Database <img src=x onerror=alert(1)> is damaged' },
      '/home/a&b/station',
    );
    expect(html).toContain('<code id="code">DB_CORRUPT</code>');
    expect(html).toContain('Database &#60;img src=x onerror=alert(1)&#62; is damaged');
    expect(html).not.toContain('<img');
    expect(html).toContain('/home/a&#38;b/station');
    expect(html).toContain('Restore it from a backup');
    expect(html).toContain("default-src 'none'");
  });

  it('encodes to a data URL that decodes back to the page', () => {
    const html = renderStartupErrorPage({ code: 'MODEL_MISSING', message: 'Modèle absent' }, '/d');
    const url = toDataUrl(html);
    expect(url.startsWith('data:text/html;charset=utf-8;base64,')).toBe(true);
    expect(Buffer.from(url.split(',')[1] ?? '', 'base64').toString('utf8')).toBe(html);
  });

  it('escapes all five HTML-significant characters', () => {
    expect(escapeHtml(`<>&"'`)).toBe('&#60;&#62;&#38;&#34;&#39;');
  });
});

describe('withDeadline', () => {
  it('passes a value that arrives in time', async () => {
    await expect(withDeadline(Promise.resolve(7), 1_000, () => undefined)).resolves.toBe(7);
  });

  it('passes a failure through unchanged', async () => {
    const err = new StationError('MODEL_MISSING', 'no models');
    await expect(withDeadline(Promise.reject(err), 1_000, () => undefined)).rejects.toBe(err);
  });

  it('fails a stuck start-up and hands a late value to onLate', async () => {
    let release: (v: string) => void = () => undefined;
    const slow = new Promise<string>((r) => (release = r));
    const late: string[] = [];
    await expect(withDeadline(slow, 10, (v) => late.push(v))).rejects.toMatchObject({
      code: 'INTERNAL',
    });
    release('station');
    await slow;
    await Promise.resolve();
    expect(late).toEqual(['station']);
  });
});

import { randomBytes, randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { SiteCipher } from './site-cipher';
import type { SiteTemplateOpener } from './site-template-opener';

/** A page of sealed site templates as the site directory hands them out. */
function page(cipher: SiteCipher, n: number) {
  return Array.from({ length: n }, () => {
    const vector = Float32Array.from({ length: 512 }, () => Math.random() - 0.5);
    const at = { templateId: randomUUID(), personId: randomUUID(), modelId: 'm', dim: 512 };
    return { ...at, vector, sealed: cipher.sealTemplate(vector, at) };
  });
}

/**
 * The pull opens large pages on a worker thread (real worker, real AES-GCM): it must give
 * exactly what SiteCipher.openTemplate gives, and refuse exactly what it refuses.
 */
describe('site templates opened off the thread', () => {
  const cipher = new SiteCipher(randomBytes(32));
  let opener: SiteTemplateOpener | null = null;
  afterEach(async () => {
    await opener?.close();
  });

  it('opens a page to the same vectors, in order, as openTemplate', async () => {
    opener = cipher.templateOpener();
    const templates = page(cipher, 300);
    const opened = await opener.open(templates);
    expect(opened).toHaveLength(300);
    templates.forEach((t, i) => {
      expect(opened[i]).toEqual(t.vector);
      expect(opened[i]).toEqual(cipher.openTemplate(t.sealed, t));
    });
    // The worker stays up for the next page of the same pull.
    expect(await opener.open(templates.slice(0, 3))).toEqual(
      templates.slice(0, 3).map((t) => t.vector),
    );
  });

  it('refuses a page holding a modified, moved or foreign template, naming it', async () => {
    opener = cipher.templateOpener();
    const flipped = page(cipher, 5);
    flipped[3]!.sealed[40]! ^= 1;
    await expect(opener.open(flipped)).rejects.toMatchObject({
      code: 'TEMPLATE_TAMPERED',
      message: expect.stringContaining(flipped[3]!.templateId) as string,
    });
    // Another person's blob under this row's binding (AAD): moved, refused.
    const moved = page(cipher, 2);
    moved[1]!.sealed = moved[0]!.sealed;
    await expect(opener.open(moved)).rejects.toMatchObject({ code: 'TEMPLATE_TAMPERED' });
    const foreign = page(new SiteCipher(randomBytes(32)), 2);
    await expect(opener.open(foreign)).rejects.toMatchObject({ code: 'TEMPLATE_TAMPERED' });
  });
});

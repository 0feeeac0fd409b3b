import { describe, expect, it } from 'vitest';
import type { SiteChainVerifier } from './site-chain-verifier';
import type { SiteAuditPort } from './site-ports';
import { SiteReviewService } from './site-review.service';

/** Any read of the site's log fails the test: a refused filter must never reach it. */
const unreachable = new Proxy(
  {},
  {
    get: () => () => {
      throw new Error('the site log was read');
    },
  },
);

describe('site review: the Source filter', () => {
  const review = new SiteReviewService({
    audit: unreachable as SiteAuditPort,
    verifier: unreachable as SiteChainVerifier,
    findPeople: () => [],
    subjectsOf: () => [],
  });

  it('is refused, not ignored, since the site log keeps no replay column', async () => {
    for (const source of ['replay', 'station'] as const) {
      await expect(review.query({ source }, undefined, undefined, 10)).rejects.toMatchObject({
        code: 'BAD_REQUEST',
        message: /cannot be filtered by source/,
      });
      await expect(review.logPage({ source }, undefined, undefined, 10)).rejects.toMatchObject({
        code: 'BAD_REQUEST',
      });
    }
  });
});

import type { Pool } from 'pg';
import { siteQuery } from './site-pool';

/**
 * The one thing the `<database>_pairing` login may do: redeem a pairing code's sealed bundle,
 * once (migration 0040). The bundle is sealed under a key derived from the code, which only
 * the admin and the joining station ever see.
 */
export async function redeemPairing(pool: Pool, lookup: string): Promise<Buffer> {
  const rows = await siteQuery<{ sealed: Buffer }>(
    pool,
    'site_redeem_pairing',
    'SELECT site.redeem_pairing($1) AS sealed',
    [lookup],
  );
  const sealed = rows[0]?.sealed;
  if (!sealed) throw new Error('redeem_pairing returned nothing');
  return sealed;
}

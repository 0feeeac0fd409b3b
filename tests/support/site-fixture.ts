import type { Pool } from 'pg';
import type { PairingBundle } from '../../src/main/core/site/pairing-code';
import { createSite, issuePairing, redeemPairingCode } from '../../src/main/core/site/site-pairing';
import { migrateSite } from '../../src/main/db/site/migrations';
import { SiteAdminRepository } from '../../src/main/db/site/site-admin.repository';
import { SiteAuditRepository } from '../../src/main/db/site/site-audit.repository';
import { SiteDirectoryRepository } from '../../src/main/db/site/site-directory.repository';
import { redeemPairing } from '../../src/main/db/site/site-pairing.repository';
import { createSitePool } from '../../src/main/db/site/site-pool';
import { withLogin } from '../../src/main/composition/site-files';
import { pairingPassword } from '../../src/main/core/site/site-pairing';
import type { TestCluster } from './pg-cluster';

export interface StationLogin {
  bundle: PairingBundle;
  pool: Pool;
  dir: SiteDirectoryRepository;
  audit: SiteAuditRepository;
}

export interface SiteFixture {
  adminUrl: string;
  adminPool: Pool;
  admin: SiteAdminRepository;
  siteKey: Buffer;
  /** The first station (created with the site), then one per extra label, paired by code. */
  stations: StationLogin[];
  /** The pairing login's URL (what `station site pair` prints). */
  joinUrl: string;
  login(bundle: PairingBundle): StationLogin;
  close(): Promise<void>;
}

/**
 * A site on a fresh database of the test cluster, with station logins talking to it through
 * the real repositories: the first station from `createSite`, the others paired with real
 * one-time codes redeemed through the pairing login.
 */
export async function siteWithStations(
  pg: TestCluster,
  database: string,
  labels: string[],
): Promise<SiteFixture> {
  const adminUrl = await pg.createDatabase(database);
  const adminPool = createSitePool({ url: adminUrl, max: 2 });
  await migrateSite(adminPool);
  const admin = new SiteAdminRepository(adminPool);
  const [first, ...others] = labels;
  const firstBundle = await createSite(
    admin,
    { label: first ?? 'HR desk', doorId: 'hr-desk' },
    null,
  );
  const siteKey = Buffer.from(firstBundle.siteKey, 'base64');
  const joinUrl = withLogin(adminUrl, `${database}_pairing`, pairingPassword(siteKey));
  const pools: Pool[] = [adminPool];
  const login = (bundle: PairingBundle): StationLogin => {
    const pool = createSitePool({ url: withLogin(adminUrl, bundle.role, bundle.password), max: 2 });
    pools.push(pool);
    return {
      bundle,
      pool,
      dir: new SiteDirectoryRepository(pool),
      audit: new SiteAuditRepository(pool),
    };
  };
  const stations = [login(firstBundle)];
  for (const [i, label] of others.entries()) {
    const issued = await issuePairing(
      admin,
      siteKey,
      { label, doorId: `door-${i + 2}` },
      1,
      new Date(),
    );
    const pairing = createSitePool({ url: joinUrl, max: 1 });
    try {
      stations.push(login(await redeemPairingCode((l) => redeemPairing(pairing, l), issued.code)));
    } finally {
      await pairing.end();
    }
  }
  return {
    adminUrl,
    adminPool,
    admin,
    siteKey,
    stations,
    joinUrl,
    login,
    close: async () => {
      await Promise.all(pools.map((p) => p.end().catch(() => undefined)));
    },
  };
}

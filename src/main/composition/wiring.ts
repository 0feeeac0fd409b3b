import type { AccessSettings } from '../core/access/access-settings.service';
import type { StationStores } from '../core/ports/station-stores';
import type { SettingsService } from '../core/settings/settings.service';
import type { SiteStation } from '../core/site/site-station';
import type { StationParts } from '../core/station.service';
import type { DataPaths } from '../core/util/data-dir';

/** What every part of the wiring shares: the stores, the host's parts, the folder's files. */
export interface Wiring {
  stores: StationStores;
  parts: StationParts;
  paths: DataPaths;
  now: () => Date;
  settings: SettingsService;
  access: AccessSettings;
  /** Filled last: the site replica needs the finished services (enrolment publishes to it). */
  site: SiteStation | null;
}

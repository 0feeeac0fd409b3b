import type { AuditPurgeStore, AuditQueryStore, AuditRowStore } from './audit-store';
import type { PadLiveScoreStore } from './pad-live-score-store';
import type { PeopleStore, PersonLinkStore } from './people-store';
import type { CompactStorage, SettingsStore, TriggerGuard, UnitOfWork } from './storage';
import type { TemplateStore } from './template-store';

/**
 * Everything a station keeps, as core sees it: one data folder's stores over one connection
 * (built by composition/station-composition.ts from db/). Core never sees the connection.
 */
export interface StationStores {
  people: PeopleStore;
  links: PersonLinkStore;
  templates: TemplateStore;
  settings: SettingsStore;
  auditRows: AuditRowStore;
  auditPurge: AuditPurgeStore;
  auditQueries: AuditQueryStore;
  padLiveScores: PadLiveScoreStore;
  unitOfWork: UnitOfWork;
  compact: CompactStorage;
  triggers: TriggerGuard;
  /** Resolves once the storage passed its integrity check; DB_CORRUPT otherwise. */
  verified(): Promise<void>;
  /** Stops an integrity check still running (the station closes before it finished). */
  cancelCheck(): void;
  isOpen(): boolean;
  close(): void;
}

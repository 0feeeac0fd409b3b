import type { AuditRecorder } from '../audit/audit-recorder';
import type { SettingsService } from '../settings/settings.service';
import type { Gallery, GalleryIndexStats } from './gallery.service';
import { chooseIndexKind } from './index-policy';
import { INDEX_KINDS, type IndexKind, type VectorIndexFactory } from './vector-index';

export type GalleryAdminStats = GalleryIndexStats & { indexSetting: IndexKind | 'auto' };

/** The admin's view of the search index: its kind (setting or size policy), stats, rebuild. */
export class GalleryAdmin {
  constructor(
    private readonly d: {
      gallery: () => Gallery;
      settings: SettingsService;
      factories: Record<IndexKind, VectorIndexFactory>;
      audit: AuditRecorder;
    },
  ) {}

  /** The admin's index kind if set, else the size policy's kind for n templates. */
  indexKindFor(n: number, currentFactoryKind: string | null): IndexKind {
    const current = INDEX_KINDS.find((k) => this.d.factories[k].kind === currentFactoryKind);
    return this.d.settings.galleryIndexKind() ?? chooseIndexKind(n, current ?? null);
  }

  /** `station gallery stats`: the index in use, its size and search parameters. */
  stats(): GalleryAdminStats {
    return {
      ...this.d.gallery().stats(),
      indexSetting: this.d.settings.galleryIndexKind() ?? 'auto',
    };
  }

  /**
   * `station gallery rebuild [--index KIND|auto]`: rebuilds the index from the database. A
   * given kind (or 'auto' = follow the size policy) is stored first and audited as a settings
   * change once the rebuild succeeded; a failed rebuild restores the previous setting.
   */
  rebuild(kind: IndexKind | 'auto' | undefined, changedBy: string): GalleryAdminStats {
    const { settings } = this.d;
    if (kind === undefined) {
      this.d.gallery().rebuild();
      return this.stats();
    }
    const previous = settings.galleryIndexKind();
    const next = settings.setGalleryIndexKind(kind === 'auto' ? null : kind);
    try {
      this.d.gallery().rebuild();
    } catch (err) {
      settings.setGalleryIndexKind(previous);
      throw err;
    }
    this.d.audit.recordSettings({
      setting: 'gallery_index_kind',
      changedBy,
      value: next ?? 'auto',
    });
    return this.stats();
  }
}

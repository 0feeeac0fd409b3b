import type { PersonSummary } from '../../../shared/domain';
import type { AuditRecorder } from '../audit/audit-recorder';
import type { Gallery } from '../gallery/gallery.service';
import { builtinSpec, type EmbeddingModelSpec } from '../models/embedding-model-source';
import { embeddingModelView, type EmbeddingModelView } from '../models/embedding-model-view';
import type { PeopleStore } from '../ports/people-store';
import type { TemplateStore } from '../ports/template-store';

/**
 * The enrolled people as the admin looks them up, and what the embedding model in use means
 * for them: templates of other spaces are never compared, so their people need re-enrolment.
 */
export class PeopleDirectory {
  constructor(
    private readonly d: {
      people: PeopleStore;
      templates: TemplateStore;
      gallery: Gallery;
      audit: AuditRecorder;
      /** The embedding model the analyzer runs (absent: the shipped one). */
      embedding: EmbeddingModelSpec | undefined;
    },
  ) {}

  list(): PersonSummary[] {
    const outside = new Set(this.d.templates.peopleOutsideSpace(this.d.gallery.modelId));
    return this.d.people.list().map((p) => (outside.has(p.id) ? { ...p, reEnrol: true } : p));
  }

  /** Exact id first, then case-insensitive name (may be several people of one name). */
  find(nameOrId: string): PersonSummary[] {
    const byId = this.d.people.findById(nameOrId);
    return byId ? [byId] : this.d.people.findByName(nameOrId);
  }

  /** The embedding model in use and who must re-enrol under it (`station model`). */
  embeddingModel(): EmbeddingModelView {
    const { templates, gallery } = this.d;
    return embeddingModelView(this.d.embedding ?? builtinSpec(), {
      searchable: gallery.size,
      otherSpaces: templates.otherModels(gallery.modelId),
      outside: templates.peopleOutsideSpace(gallery.modelId),
      people: this.d.people.list(),
    });
  }

  /** Audits a change of embedding model (the folder's choice was just written; see model-command). */
  recordEmbeddingModelChange(previousSpace: string, changedBy: string): number {
    const m = this.embeddingModel();
    return this.d.audit.recordSettings({
      setting: 'embedding_model',
      changedBy,
      source: m.source,
      name: m.name,
      sha256: m.sha256,
      // Not 'embeddingSpace': the review hides keys that look like biometric data.
      space: m.embeddingSpace,
      previousSpace,
      reEnrol: m.reEnrol.length,
    });
  }
}

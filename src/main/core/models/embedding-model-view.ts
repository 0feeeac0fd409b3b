import type { EmbeddingModelView } from '../../../shared/channels/cli-channels';
import type { PersonRef } from '../../../shared/domain';
import type { ModelCount } from '../ports/template-store';
import type { EmbeddingModelSpec } from './embedding-model-source';

export type { EmbeddingModelView };

export function embeddingModelView(
  spec: EmbeddingModelSpec,
  facts: {
    searchable: number;
    otherSpaces: readonly ModelCount[];
    /** Ids of people with no template in this space. */
    outside: readonly string[];
    people: readonly PersonRef[];
  },
): EmbeddingModelView {
  const { manifest } = spec;
  const outside = new Set(facts.outside);
  return {
    source: spec.source,
    name: manifest.name,
    sha256: manifest.sha256,
    licence: manifest.licence,
    modelId: spec.modelId,
    embeddingSpace: spec.embeddingSpace,
    dim: manifest.output.size,
    templates: facts.searchable,
    otherSpaces: facts.otherSpaces.map((m) => ({
      embeddingSpace: m.modelId,
      templates: m.templates,
    })),
    reEnrol: facts.people.filter((p) => outside.has(p.id)).map((p) => ({ id: p.id, name: p.name })),
  };
}

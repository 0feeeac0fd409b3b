import { actorOf, type HandlersFor } from '../ipc/dispatch';
import type { Station } from '../station.service';

/**
 * The search index and embedding model's admin tools (`station gallery ...`, `model show|use`).
 * A model switch happens before the station opens (it loads the model); its audit row is
 * written once the station runs on the new model.
 */
export function createGalleryHandlers(
  station: Station,
): HandlersFor<'gallery:stats' | 'gallery:rebuild' | 'model:show' | 'model:record-switch'> {
  return {
    'model:show': () => Promise.resolve(station.directory.embeddingModel()),
    'model:record-switch': (req, caller) =>
      Promise.resolve({
        auditEventId: station.directory.recordEmbeddingModelChange(
          req.previousSpace,
          actorOf(caller, 'admin'),
        ),
      }),
    'gallery:stats': () => Promise.resolve(station.galleryAdmin.stats()),
    'gallery:rebuild': (req, caller) =>
      Promise.resolve(station.galleryAdmin.rebuild(req.index, actorOf(caller, 'admin'))),
  };
}

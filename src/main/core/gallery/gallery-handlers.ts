import { actorOf, type HandlersFor } from '../ipc/dispatch';
import type { Station } from '../station.service';

/** The search index and embedding model's admin tools (`station gallery ...`, `model show`). */
export function createGalleryHandlers(
  station: Station,
): HandlersFor<'gallery:stats' | 'gallery:rebuild' | 'model:show'> {
  return {
    'model:show': () => Promise.resolve(station.directory.embeddingModel()),
    'gallery:stats': () => Promise.resolve(station.galleryAdmin.stats()),
    'gallery:rebuild': (req, caller) =>
      Promise.resolve(station.galleryAdmin.rebuild(req.index, actorOf(caller, 'admin'))),
  };
}

import { actorOf, type HandlersFor } from '../ipc/dispatch';
import type { Station } from '../station.service';

/** The search index's admin tools (the CLI's `gallery stats|rebuild`). */
export function createGalleryHandlers(
  station: Station,
): HandlersFor<'gallery:stats' | 'gallery:rebuild'> {
  return {
    'gallery:stats': () => Promise.resolve(station.galleryStats()),
    'gallery:rebuild': (req, caller) =>
      Promise.resolve(station.rebuildGallery(req.index, actorOf(caller, 'admin'))),
  };
}

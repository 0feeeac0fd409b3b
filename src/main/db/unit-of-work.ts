import type { UnitOfWork } from '../core/ports/storage';
import type { Db } from './sqlite';

/** Core's unit of work over one SQLite connection (nested calls become savepoints). */
export function sqliteUnitOfWork(db: Db): UnitOfWork {
  return {
    transaction: (fn) => db.transaction(fn)(),
    immediate: (fn) => db.transaction(fn).immediate(),
  };
}

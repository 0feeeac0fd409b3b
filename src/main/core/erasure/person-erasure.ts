import type { ErasureOutcome } from '../../../shared/audit-review';
import type { ErasureService } from './erasure.service';

/**
 * GDPR Art. 17 at this station's request: erases one person by exact id (templates, index
 * entries, consent, audit link secret), logs and verifies it (ErasureService), then clears
 * the person from the door screen and tells the site. PERSON_NOT_FOUND if unknown.
 */
export class PersonErasure {
  constructor(
    private readonly d: {
      erasure: ErasureService;
      /** An erased person's name leaves the door screen too, even while their grant holds. */
      forgetOnScreen: (personId: string) => void;
      /** A site station tells its site (tombstone + this verification) when it can. */
      tellSite: (personId: string, report: ErasureOutcome) => void;
    },
  ) {}

  erasePerson(personId: string): ErasureOutcome {
    const report = this.d.erasure.erase(personId);
    this.d.forgetOnScreen(personId);
    this.d.tellSite(personId, report);
    return report;
  }
}

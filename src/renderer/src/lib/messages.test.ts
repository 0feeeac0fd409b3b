import { describe, expect, it } from 'vitest';
import { DECISIONS } from '../../../shared/domain';
import { terminalWording } from './messages';

describe('terminalWording', () => {
  it('has words for every reason, and names only a person let in', () => {
    for (const d of DECISIONS) expect(terminalWording(d, null).text.length).toBeGreaterThan(0);
    expect(terminalWording('granted', 'Alice').text).toContain('Alice');
    expect(terminalWording('outside_schedule', 'Alice').text).not.toContain('Alice');
  });
});

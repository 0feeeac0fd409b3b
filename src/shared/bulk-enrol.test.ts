import { describe, expect, it } from 'vitest';
import { bulkRowsFromFolder, parseBulkCsv, parseCsvRecords, resolveRelative } from './bulk-enrol';
import { employeeIdProblem, groupListProblem, splitGroups } from './person-fields';

describe('bulk enrolment lists', () => {
  it('reads quoted CSV fields, doubled quotes, CRLF and a BOM', () => {
    expect(parseCsvRecords('\ufeffa,"b, c","say ""hi"""\r\nd,,e\n')).toEqual([
      ['a', 'b, c', 'say "hi"'],
      ['d', '', 'e'],
    ]);
  });

  it('maps columns by header, splits photos and groups, checks each row on its own', () => {
    const rows = parseBulkCsv(
      [
        'name,employee_id,groups,photo paths',
        'Ada Lovelace,E1,"staff;lab",ada/1.jpg;ada/2.png',
        'Bob,E2,,',
        ',E3,staff,c.jpg',
        'Cy,e1,,cy.gif',
        '',
        'Dee,,night shift,dee.webp',
      ].join('\n'),
    );
    expect(rows.map((r) => r.line)).toEqual([2, 3, 4, 5, 7]);
    expect(rows[0]).toMatchObject({
      employeeId: 'E1',
      name: 'Ada Lovelace',
      photos: ['ada/1.jpg', 'ada/2.png'],
      groups: ['staff', 'lab'],
      problems: [],
    });
    expect(rows[1]!.problems).toEqual(['No photo is listed.']);
    expect(rows[2]!.problems).toEqual(['The name is empty.']);
    // Ids compare without case: e1 repeats line 2's E1.
    expect(rows[3]!.problems).toEqual([
      'Not a JPEG, PNG or WebP photo: cy.gif',
      'Employee id e1 is also on line 2.',
    ]);
    expect(rows[4]).toMatchObject({ employeeId: null, groups: ['night shift'], problems: [] });
  });

  it('reads a header-less list as employee_id,name,photo paths,groups', () => {
    expect(parseBulkCsv('E9,Eve,eve.jpg,ops\n')[0]).toMatchObject({
      employeeId: 'E9',
      name: 'Eve',
      photos: ['eve.jpg'],
      groups: ['ops'],
    });
  });

  it('takes one folder per person, with an optional "ID - Name" folder name', () => {
    const rows = bulkRowsFromFolder([
      'E0042 - Ada Lovelace/a.jpg',
      'Bob/b2.png',
      'Bob/b1.png',
      'Bob/notes.txt',
      'loose.jpg',
      'deep/er/x.jpg',
    ]);
    // Sorted by folder name, so the order is the same on every file system.
    expect(rows.map((r) => [r.line, r.employeeId, r.name, r.photos, r.problems])).toEqual([
      [1, null, 'Bob', ['Bob/b1.png', 'Bob/b2.png'], []],
      [2, 'E0042', 'Ada Lovelace', ['E0042 - Ada Lovelace/a.jpg'], []],
    ]);
  });

  it('resolves photo paths inside the list folder only', () => {
    expect(resolveRelative('/data/list', 'a/../b.jpg')).toBe('data/list/b.jpg');
    expect(resolveRelative('', '../../etc/passwd')).toBeNull();
  });

  it('judges ids and groups the same way for the CLI, the contract and the forms', () => {
    expect(employeeIdProblem(' E1')).toMatch(/space/);
    expect(employeeIdProblem('E\u202e1')).toMatch(/control/);
    expect(groupListProblem(['a', 'A'])).toBe('A group is listed twice.');
    expect(splitGroups('Day shift; Lab , ;')).toEqual(['Day shift', 'Lab']);
  });
});

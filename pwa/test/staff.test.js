import assert from 'node:assert/strict';
import { test } from 'node:test';

import { parseStaff, staffLine } from '../app/lib/staff.js';

test('a line is duty, name and phone, or name and phone', () => {
  assert.deepEqual(parseStaff('站长 王建军 13912345678\n\n  李芳 139 8765 4321  \n'), [
    { duty: '站长', name: '王建军', phone: '13912345678' },
    { name: '李芳', phone: '13987654321', duty: null },
  ]);
});

test('a name alone, and separators the office types', () => {
  assert.deepEqual(parseStaff('张伟\n驻站干部，刘洋，0591-87654321'), [
    { name: '张伟', phone: null, duty: null },
    { duty: '驻站干部', name: '刘洋', phone: '0591-87654321' },
  ]);
});

test('what is shown reads back the same', () => {
  const staff = [{ duty: '站长', name: '王建军', phone: '13912345678' }, { name: '李芳', phone: null, duty: null }];
  assert.deepEqual(parseStaff(staff.map(staffLine).join('\n')), staff);
});

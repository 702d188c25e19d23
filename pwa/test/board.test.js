import assert from 'node:assert/strict';
import { test } from 'node:test';

import { boardFor } from '../app/lib/board.js';

const batch = {
  status: 'departed',
  roster: [
    { worker_id: 'a', name: '甲', township: '平襄镇', departed: true },
    { worker_id: 'b', name: '乙', township: '平襄镇', departed: true, phone: '13900000002' },
    { worker_id: 'c', name: '丙', township: '马营镇', departed: true },
    { worker_id: 'd', name: '丁', township: '马营镇', departed: false },  // stayed home at the roll-call
  ],
  team_leaders: [{ township: '平襄镇', worker_id: 'a', name: '甲', phone: '13900000001' }],
};
const workers = {
  a: { id: 'a', card_serial: 's-a', status: 'departed' },
  b: { id: 'b', card_serial: 's-b', status: 'departed' },
  c: { id: 'c', card_serial: 's-c', status: 'arrived' },  // scanned by the other greeter, synced
  x: { id: 'x', card_serial: 's-x', status: 'arrived' },
};

test('the board counts this phone\'s scans and what other phones synced, by township', () => {
  const board = boardFor(batch, workers, { 's-a': '甲', 's-x': '戊', 's-unknown': '己' });
  assert.deepEqual([board.expected, board.arrived, board.missing, board.unexpected], [3, 2, 1, 2]);
  assert.deepEqual(board.missingPeople.map((m) => m.name), ['乙']);
  assert.deepEqual(board.unexpectedPeople.map((p) => p.name), ['戊', '己']);
  assert.deepEqual(board.townships.find((g) => g.township === '平襄镇').missing, [{ name: '乙', phone: '13900000002' }]);  // to call
  assert.deepEqual(board.townships.map((g) => [g.township, g.leader?.name || null, g.leader?.phone || null, g.expected, g.arrived]),
    [['马营镇', null, null, 1, 1], ['平襄镇', '甲', '13900000001', 2, 1]]);  // in pinyin order, as people look them up
  assert.deepEqual(board.arrivedIds.sort(), ['a', 'c']);
});

test('before departure everyone on the roster is expected', () => {
  const board = boardFor({ ...batch, status: 'planned' }, workers, {});
  assert.equal(board.expected, 4);
});

test('someone found by name or by a temporary pass counts as arrived, not as unexpected', () => {
  const board = boardFor(batch, workers, { 'worker-b': '乙', 'pass-d': '丁', 'worker-x': '戊' });
  assert.deepEqual(board.arrivedIds.sort(), ['b', 'c']);  // d stayed home at the roll-call: not expected
  assert.deepEqual(board.unexpectedPeople, [{ who: 'worker-x', name: '戊', workerId: 'x' }]);  // d: on the roster, not expected
});

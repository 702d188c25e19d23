import assert from 'node:assert/strict';
import { test } from 'node:test';

import { boardFor, onRoster } from '../app/lib/board.js';

const batch = {
  status: 'departed',
  roster: [
    { worker_id: 'a', name: '甲', township: '平襄镇', departed: true },
    { worker_id: 'b', name: '乙', township: '平襄镇', departed: true },
    { worker_id: 'c', name: '丙', township: '马营镇', departed: true },
    { worker_id: 'd', name: '丁', township: '马营镇', departed: false },  // stayed home at the roll-call
  ],
  team_leaders: [{ township: '平襄镇', worker_id: 'a', name: '甲' }],
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
  assert.deepEqual(board.townships.map((g) => [g.township, g.leader, g.expected, g.arrived]),
    [['马营镇', null, 1, 1], ['平襄镇', '甲', 2, 1]]);  // in pinyin order, as people look them up
  assert.deepEqual(board.arrivedIds.sort(), ['a', 'c']);
});

test('before departure everyone on the roster is expected', () => {
  const board = boardFor({ ...batch, status: 'planned' }, workers, {});
  assert.equal(board.expected, 4);
});

test('a card is on the roster when its holder is: another batch\'s person or an unknown card is not', () => {
  assert.equal(onRoster(batch, workers, 's-a'), true);
  assert.equal(onRoster(batch, workers, 's-x'), false);  // pulled, but on no roster of this batch
  assert.equal(onRoster(batch, workers, 's-unknown'), false);  // not among the pulled workers at all
});

// What a scan means on the phone (pwa/app/lib/verdict.js), from facts written out here by hand, and
// cards the server's own code signed (scripts/card_fixtures.py).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { programmeDay } from '../app/lib/calendar.js';
import { REPEAT_WITHIN_MS, checkCard, holderOf, isRepeat, judge, readText, seenKey } from '../app/lib/verdict.js';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/cards.json', import.meta.url), 'utf8'));
const card = (name) => fixture.cases.find((c) => c.name === name);
const NOW = Date.UTC(2026, 11, 2, 1, 30);

const batch = { id: 'b1', name: '2月8日专列', roster: [{ worker_id: 'w1' }, { worker_id: 'w2' }] };
const other = { id: 'b2', name: '3月1日专列', roster: [{ worker_id: 'w3' }] };

test('a text is a temporary pass, a short code or else a card', () => {
  assert.deepEqual(readText('LPT1:0F8E8C42-1D3B-4C5A-9E7F-112233445566'),
    { kind: 'pass', workerId: '0f8e8c42-1d3b-4c5a-9e7f-112233445566' });
  assert.deepEqual(readText(fixture.fallback.valid[0]), { kind: 'code', code: fixture.fallback.valid[0] });
  assert.deepEqual(readText(`${fixture.fallback.valid[0].slice(0, 5)}-${fixture.fallback.valid[0].slice(5)}`.toLowerCase()),
    { kind: 'code', code: fixture.fallback.valid[0] });  // as typed off the card, in lower case
  assert.deepEqual(readText(fixture.fallback.invalid[0]), { kind: 'card' });  // a wrong check character: not a code
  assert.deepEqual(readText(card('valid').text), { kind: 'card' });
});

test('a card the server signed is read on the phone; a forged, revoked or expired one is refused with its reason', async () => {
  const good = await checkCard(card('valid').text, fixture.keys, new Set(), fixture.today);
  assert.equal(good.claims.name, card('valid').claims.name);
  for (const name of ['forged', 'expired', 'revoked serial', 'no prefix']) {
    const { claims, refusal } = await checkCard(card(name).text, fixture.keys, new Set(card(name).revoked || []), fixture.today);
    assert.equal(claims, undefined, name);
    assert.equal(refusal.reason, card(name).reason, name);
  }
});

test('a good card at the station: green when on the batch picked', () => {
  const found = judge({ type: 'station.arrived', now: NOW, workerId: 'w1', holder: { id: 'w1', status: 'departed' }, batch, batches: [batch, other] });
  assert.deepEqual(found, { colour: 'green', record: true, tap: false });
});

test('at the station, someone on another batch is amber and named with that batch; an unknown card too, recorded', () => {
  const elsewhere = judge({ type: 'station.arrived', now: NOW, workerId: 'w3', holder: { id: 'w3' }, batch, batches: [batch, other] });
  assert.deepEqual(elsewhere, { colour: 'amber', record: true, tap: false, reason: 'not_on_batch', otherBatch: '3月1日专列' });
  const nowhere = judge({ type: 'station.arrived', now: NOW, workerId: null, batch, batches: [batch, other] });
  assert.deepEqual(nowhere, { colour: 'amber', record: true, tap: false, reason: 'not_on_batch', otherBatch: null });
  const noRoster = judge({ type: 'station.arrived', now: NOW, workerId: 'w3', batch: null });
  assert.equal(noRoster.colour, 'green');  // no roster pulled yet: nothing to compare with
});

test('at the fair, someone already arrived or at work in the city is amber, still recorded', () => {
  for (const status of ['arrived', 'employed']) {
    const found = judge({ type: 'fair.checked_in', now: NOW, workerId: 'w1', holder: { id: 'w1', status } });
    assert.deepEqual(found, { colour: 'amber', record: true, tap: false, reason: 'already_away', status });
  }
  assert.equal(judge({ type: 'fair.checked_in', now: NOW, workerId: 'w1', holder: { id: 'w1', status: 'ended' } }).colour, 'green');
});

test('check-in and arrival: the same person twice in one scope is a repeat and not recorded, however late', () => {
  const earlier = { at: '08:00:00', ms: NOW - 3 * 3600_000 };
  for (const type of ['fair.checked_in', 'station.arrived', 'batch.departed', 'training.attended', 'employment.confirmed']) {
    const found = judge({ type, now: NOW, earlier, workerId: 'w1', batch });
    assert.equal(found.reason, 'repeat', type);
    assert.equal(found.record, false, type);
  }
  assert.equal(isRepeat('fair.checked_in', { at: '08:00:00' }, NOW), true);  // kept before times were kept in ms
});

test('a change of employment waits for a tap; the same card again within a minute is a repeat, later it is not', () => {
  for (const type of ['employer.onboarded', 'employment.reassigned', 'employment.ended']) {
    assert.deepEqual(judge({ type, now: NOW, workerId: 'w1' }), { colour: 'green', record: true, tap: true }, type);
    const soon = judge({ type, now: NOW, earlier: { ms: NOW - (REPEAT_WITHIN_MS - 1000) }, workerId: 'w1' });
    assert.equal(soon.reason, 'repeat', type);
    const later = judge({ type, now: NOW, earlier: { ms: NOW - (REPEAT_WITHIN_MS + 1000) }, workerId: 'w1' });
    assert.equal(later.record, true, type);
    assert.equal(later.tap, true, type);
  }
});

test('onboarding someone at work at another employer is amber; at this one it is not', () => {
  const holder = { id: 'w1', status: 'employed', current_employer_id: 'e-other' };
  assert.equal(judge({ type: 'employer.onboarded', now: NOW, workerId: 'w1', holder, employerId: 'e-mine' }).reason, 'employed_elsewhere');
  assert.equal(judge({ type: 'employer.onboarded', now: NOW, workerId: 'w1', holder: { ...holder, current_employer_id: 'e-mine' },
    employerId: 'e-mine' }).colour, 'green');
  const unnamed = { id: 'w1', status: 'employed' };  // the server does not tell an employer where an old hand works now
  assert.equal(judge({ type: 'employer.onboarded', now: NOW, workerId: 'w1', holder: unnamed, employerId: 'e-mine' }).reason,
    'employed_elsewhere');
});

test('a refused card is red: recorded for the quarantine, except what is no card at all', () => {
  assert.deepEqual(judge({ type: 'station.arrived', now: NOW, refusal: { reason: 'bad_signature' }, batch }),
    { colour: 'red', record: true, tap: false, reason: 'bad_signature' });
  assert.deepEqual(judge({ type: 'station.arrived', now: NOW, refusal: { reason: 'malformed' } }),
    { colour: 'red', record: false, tap: false, reason: 'malformed' });
  assert.equal(judge({ type: 'employment.ended', now: NOW, refusal: { reason: 'revoked' } }).tap, true);  // still a tap first
});

test('the holder of a card among the pulled workers, by its serial', () => {
  const workers = { w1: { id: 'w1', card_serial: 'aa' }, w2: { id: 'w2', card_serial: null } };
  assert.equal(holderOf(workers, 'aa').id, 'w1');
  assert.equal(holderOf(workers, 'bb'), null);
  assert.equal(seenKey('fair.checked_in', 'f1', 'aa'), 'seen:fair.checked_in:f1:aa');
});

test('the day a scan speaks of is Beijing\'s, also in the early morning when UTC is still yesterday', () => {
  assert.equal(programmeDay(new Date('2026-12-01T17:30:00Z')), '2026-12-02');  // 01:30 in Beijing
  assert.equal(programmeDay(new Date('2026-12-01T15:30:00Z')), '2026-12-01');  // 23:30 in Beijing
  assert.equal(programmeDay(new Date('2026-12-31T16:00:00Z')), '2027-01-01');  // midnight, new year
});

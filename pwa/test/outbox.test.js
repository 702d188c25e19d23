// The outbox and the sync engine against IndexedDB (fake-indexeddb: the same API, in memory).
import 'fake-indexeddb/auto';

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { PullCache, recordsOf } from '../app/lib/cache.js';
import { openLocal } from '../app/lib/db.js';
import { Outbox, localIso } from '../app/lib/outbox.js';
import { Store } from '../app/lib/store.js';
import { OFFLINE, SyncEngine } from '../app/lib/sync.js';

let databases = 0;
const fresh = async () => new Outbox(await openLocal(`test-${(databases += 1)}`));

test('envelopes get increasing device_seq, ids and the phone\'s offset, and survive reopening', async () => {
  const name = `test-${(databases += 1)}`;
  const first = new Outbox(await openLocal(name));
  const a = await first.add('station.arrived', { credential: 'LP1:X', context: { station: '福州站' } });
  const b = await first.add('fair.checked_in', { workerId: 'w1', context: { fair_id: 'f' }, scannedBy: 7 });
  assert.deepEqual([a.device_seq, b.device_seq], [1, 2]);
  assert.notEqual(a.id, b.id);
  assert.match(a.occurred_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
  assert.equal(b.scanned_by, 7);
  first.db.close();
  const reopened = new Outbox(await openLocal(name));  // a killed browser, a reboot
  assert.deepEqual((await reopened.pending()).map((e) => e.id), [a.id, b.id]);
  assert.equal(await reopened.deviceId(), await reopened.deviceId());
});

test('localIso keeps the wall-clock time and names the offset', () => {
  const iso = localIso(new Date('2026-02-20T01:30:00Z'));
  assert.equal(new Date(iso).toISOString(), '2026-02-20T01:30:00.000Z');
});

test('only accepted or duplicate leave; rejected move aside with the reason; a replaced worker id is rewritten', async () => {
  const outbox = await fresh();
  const registered = await outbox.add('worker.registered', { workerId: 'made-offline', data: { name: '张' } });
  const scan = await outbox.add('fair.checked_in', { workerId: 'made-offline', context: { fair_id: 'f' } });
  const forged = await outbox.add('station.arrived', { credential: 'LP1:forged' });
  const later = await outbox.add('fair.intent_signed', { workerId: 'made-offline' });
  await outbox.settle([registered, scan, forged], [
    { id: registered.id, status: 'accepted', worker_id: 'already-known', flags: ['duplicate_person'] },
    { id: scan.id, status: 'duplicate', worker_id: 'already-known' },
    { id: forged.id, status: 'rejected', reason: 'bad_signature', message: 'signature does not match' },
  ]);
  const left = await outbox.pending();
  assert.deepEqual(left.map((e) => [e.id, e.worker_id]), [[later.id, 'already-known']]);
  assert.deepEqual((await outbox.rejected()).map((e) => [e.id, e.reason]), [[forged.id, 'bad_signature']]);
});

test('the engine keeps everything through failures and backs off; then pushes all and pulls the scope', async () => {
  const outbox = await fresh();
  for (let i = 0; i < 3; i += 1) await outbox.add('station.arrived', { credential: `LP1:${i}` });
  let online = false;
  const pushed = [];
  const send = async (path, { body }) => {
    if (!online) throw new TypeError('Failed to fetch');
    if (path === '/api/sync/push') {
      pushed.push(...body.events);
      return { status: 200, body: { results: body.events.map((e) => ({ id: e.id, status: 'accepted' })), missing: [] } };
    }
    const cursor = new URLSearchParams(path.split('?')[1]).get('cursor');
    return cursor === ''
      ? { status: 200, body: { changes: [{ kind: 'worker', id: 'w1', op: 'upsert', data: { name: '甲' } },
        { kind: 'batch', id: 'b', op: 'upsert', data: { name: '第1批' } }], cursor: 'c1', more: true } }
      : { status: 200, body: { changes: [{ kind: 'worker', id: 'w1', op: 'delete', data: null }], cursor: 'c2', more: false } };
  };
  const engine = new SyncEngine({ outbox, cache: new PullCache(outbox.db), send });
  let state = await engine.syncNow();
  assert.equal(state.queued, 3);
  assert.ok(state.error);
  await engine.syncNow();
  assert.equal(engine.backoff(), 4000);
  online = true;
  state = await engine.syncNow();
  assert.deepEqual([state.queued, state.error, engine.backoff()], [0, null, 0]);
  assert.equal(pushed.length, 3);
  assert.deepEqual(await recordsOf(outbox.db, 'batch'), [{ name: '第1批' }]);
  assert.deepEqual(await recordsOf(outbox.db, 'worker'), []);  // deleted by the second page
  assert.equal(await outbox.db.get('meta', 'cursor'), 'c2');
});

test('a server that answers 503 keeps the events queued', async () => {
  const outbox = await fresh();
  await outbox.add('station.arrived', { credential: 'LP1:1' });
  const engine = new SyncEngine({ outbox, cache: new PullCache(outbox.db), send: async () => ({ status: 503, body: { code: 'database_busy' } }) });
  const state = await engine.syncNow();
  assert.equal(state.queued, 1);
  assert.match(state.error, /503/);
});

test('the engine sends one push at a time: asked again meanwhile, it goes once more after', async () => {
  const outbox = await fresh();
  await outbox.add('station.arrived', { credential: 'LP1:1' });
  let inFlight = 0;
  let most = 0;
  let pushes = 0;
  const send = async (path, { body }) => {
    inFlight += 1;
    most = Math.max(most, inFlight);
    await new Promise((resolve) => setTimeout(resolve, 5));
    inFlight -= 1;
    if (path !== '/api/sync/push') return { status: 200, body: { changes: [], cursor: 'c', more: false } };
    pushes += 1;
    return { status: 200, body: { results: body.events.map((e) => ({ id: e.id, status: 'accepted' })) } };
  };
  const engine = new SyncEngine({ outbox, cache: new PullCache(outbox.db), send });
  const runs = await Promise.all([engine.syncNow(), engine.syncNow(), engine.syncNow()]);
  assert.equal(most, 1);  // never two requests at once
  assert.equal(pushes, 1);  // the second run found the queue empty
  assert.deepEqual(runs.map((state) => state.queued), [0, 0, 0]);
});

test('no network is said in words, and the last sync is remembered across a reload', async () => {
  const outbox = await fresh();
  await outbox.add('station.arrived', { credential: 'LP1:1' });
  const offline = new SyncEngine({ outbox, cache: new PullCache(outbox.db), send: async () => { throw new TypeError('Failed to fetch'); } });
  const state = await offline.syncNow();
  assert.equal(state.error, OFFLINE);  // not the browser's "Failed to fetch"
  assert.ok(!state.error.includes('Failed to fetch'));
  const online = new SyncEngine({ outbox, cache: new PullCache(outbox.db), send: async (path, { body }) => (path === '/api/sync/push'
    ? { status: 200, body: { results: body.events.map((e) => ({ id: e.id, status: 'accepted' })) } }
    : { status: 200, body: { changes: [], cursor: 'c', more: false } }), now: () => new Date('2026-12-02T01:30:00Z') });
  await online.syncNow();
  const reloaded = new SyncEngine({ outbox, cache: new PullCache(outbox.db), send: offline.send });  // the page opened again, offline
  assert.equal(reloaded.state.lastSyncAt, null);
  const { queued, lastSyncAt, error } = await reloaded.restore();
  assert.deepEqual({ queued, lastSyncAt, error }, { queued: 0, lastSyncAt: '2026-12-02T01:30:00.000Z', error: null });
});

test('a scan and its seen mark are kept together, and the store hears of every change the screens show', async () => {
  const store = new Store();
  const heard = [];
  store.subscribe((state) => heard.push({ queued: state.queued, changes: state.changes }));
  const outbox = new Outbox(await openLocal(`test-${(databases += 1)}`), store);
  const key = 'seen:fair.checked_in:f:serial-1';
  await outbox.add('fair.checked_in', { credential: 'LP1:X', context: { fair_id: 'f' }, marks: [[key, { name: '甲' }]] });
  assert.deepEqual(await outbox.db.get('meta', key), { name: '甲' });
  // a mark that cannot be written takes its scan with it: no scan the phone forgot it made
  await assert.rejects(outbox.add('fair.checked_in', { credential: 'LP1:Y', marks: [[undefined, { name: '乙' }]] }));
  assert.equal(await outbox.count(), 1);
  const send = async (path, { body }) => (path === '/api/sync/push'
    ? { status: 200, body: { results: body.events.map((e) => ({ id: e.id, status: 'rejected', reason: 'revoked' })) } }
    : { status: 200, body: { changes: [{ kind: 'fair', id: 'f', op: 'upsert', data: { name: '春季招聘会' } }], cursor: 'c', more: false } });
  const engine = new SyncEngine({ outbox, cache: new PullCache(outbox.db), send, store });
  await engine.syncNow();
  assert.equal(engine.state, store.get());
  assert.deepEqual([store.get().queued, store.get().error, (await outbox.rejected()).length], [0, null, 1]);
  assert.ok(store.get().lastSyncAt);
  // queued, settled (the rejected list changed), the round's end (it pulled a fair): each moved `changes`
  assert.deepEqual(heard, [{ queued: 1, changes: 1 }, { queued: 0, changes: 2 }, { queued: 0, changes: 3 }]);
});

test('a push too big for the server is sent in halves; an answer that settles nothing ends the round', async () => {
  const outbox = await fresh();
  for (let i = 0; i < 5; i += 1) await outbox.add('station.arrived', { credential: `LP1:${i}` });
  const sizes = [];
  const halving = new SyncEngine({ outbox, cache: new PullCache(outbox.db), send: async (path, { body }) => {
    if (path !== '/api/sync/push') return { status: 200, body: { changes: [], cursor: 'c', more: false } };
    sizes.push(body.events.length);
    if (body.events.length > 2) return { status: 413, body: { code: 'request_entity_too_large' } };
    return { status: 200, body: { results: body.events.map((e) => ({ id: e.id, status: 'accepted' })) } };
  } });
  assert.equal((await halving.syncNow()).queued, 0);
  assert.deepEqual(sizes, [5, 3, 2, 2, 1]);  // 5 refused, 3 refused, then 2 at a time
  await outbox.add('station.arrived', { credential: 'LP1:9' });
  let pushes = 0;
  const confused = new SyncEngine({ outbox, cache: new PullCache(outbox.db), send: async (path) => {
    if (path !== '/api/sync/push') return { status: 200, body: { changes: [], cursor: 'c', more: false } };
    pushes += 1;
    return { status: 200, body: { results: [{ id: 'someone-else', status: 'accepted' }] } };
  } });
  const state = await confused.syncNow();
  assert.equal(pushes, 1);  // once, not forever
  assert.equal(state.queued, 1);
  assert.match(state.error, /对不上/);
});

// The phone's key: the signatures it makes are checked here with WebCrypto's own verify, over the
// texts server/domain/device_keys.py documents, and the engine signs the exact text it sends.
import 'fake-indexeddb/auto';

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { DeviceKey } from '../app/lib/devicekey.js';
import { PullCache } from '../app/lib/cache.js';
import { openLocal } from '../app/lib/db.js';
import { Outbox } from '../app/lib/outbox.js';
import { SyncEngine } from '../app/lib/sync.js';

let databases = 0;
const fresh = async () => openLocal(`key-${(databases += 1)}`);
const unb64url = (text) => Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
const sha256 = async (text) => new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));

async function verifies(spki, text, signature) {
  const key = await crypto.subtle.importKey('spki', unb64url(spki), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
  return crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, unb64url(signature), new TextEncoder().encode(text));
}

test('the key is made once, kept, and its private half cannot be exported', async () => {
  const db = await fresh();
  const first = await new DeviceKey(db).publicKey();
  assert.equal(await new DeviceKey(db).publicKey(), first);  // another tab, a reload: the same key
  const pair = await db.get('meta', 'device_key');
  assert.equal(pair.privateKey.extractable, false);
  await assert.rejects(crypto.subtle.exportKey('pkcs8', pair.privateKey));
});

test('a sign-in proof signs the challenge with the device id; push headers sign the body at the server\'s time', async () => {
  const db = await fresh();
  const key = new DeviceKey(db, { now: () => 1_000_000 });
  const proof = await key.joinProof('phone-1', 'Y2hhbGxlbmdl');
  assert.ok(await verifies(proof.public_key, 'LP-JOIN1\nphone-1\nY2hhbGxlbmdl', proof.signature));
  assert.equal(await verifies(proof.public_key, 'LP-JOIN1\nphone-2\nY2hhbGxlbmdl', proof.signature), false);

  await key.learnServerTime(new Date(1_000_000 + 3_600_000).toISOString());  // the phone is an hour slow
  const body = '{"device_id":"phone-1","events":[]}';
  const headers = await key.pushHeaders('phone-1', body);
  assert.equal(headers['X-Device-Time'], String(1_000_000 + 3_600_000));
  const digest = Buffer.from(await sha256(body)).toString('base64url');
  assert.ok(await verifies(proof.public_key, `LP-PUSH1\nphone-1\n${headers['X-Device-Time']}\n${digest}`,
    headers['X-Device-Signature']));
});

test('the engine signs the text it sends, and signs again at the server\'s time when told its clock is off', async () => {
  const db = await fresh();
  const outbox = new Outbox(db);
  await outbox.add('station.arrived', { credential: 'LP1:1' });
  const key = new DeviceKey(db, { now: () => Date.parse('2026-01-01T00:00:00Z') });
  const sent = [];
  const send = async (path, { raw, headers }) => {
    if (path !== '/api/sync/push') return { status: 200, body: { changes: [], cursor: 'c', more: false } };
    sent.push({ raw, headers });
    if (sent.length === 1) return { status: 409, body: { code: 'device_clock_off', server_time: '2026-01-01T02:00:00Z', message: 'clock' } };
    const { events } = JSON.parse(raw);
    return { status: 200, body: { results: events.map((e) => ({ id: e.id, status: 'accepted' })), server_time: '2026-01-01T02:00:00Z' } };
  };
  const state = await new SyncEngine({ outbox, cache: new PullCache(outbox.db), send, key }).syncNow();
  assert.deepEqual([state.error, state.queued, sent.length], [null, 0, 2]);
  assert.equal(sent[1].headers['X-Device-Time'], String(Date.parse('2026-01-01T02:00:00Z')));
  const digest = Buffer.from(await sha256(sent[1].raw)).toString('base64url');
  assert.ok(await verifies(await key.publicKey(), `LP-PUSH1\n${await outbox.deviceId()}\n${sent[1].headers['X-Device-Time']}\n${digest}`,
    sent[1].headers['X-Device-Signature']));
});

test('a refused push says what the server said, and keeps the queue', async () => {
  const db = await fresh();
  const outbox = new Outbox(db);
  await outbox.add('station.arrived', { credential: 'LP1:1' });
  const message = '您没有在这台手机上登录过，不能替它同步。 You have not signed in on this phone.';
  const send = async () => ({ status: 403, body: { code: 'not_device_member', message } });
  const state = await new SyncEngine({ outbox, cache: new PullCache(outbox.db), send, key: new DeviceKey(db) }).syncNow();
  assert.deepEqual([state.error, state.queued], [message, 1]);
});

// The phone's own parts, made once at start: its database (lib/db.js), the outbox, the pull
// cache, the device key, the sync engine, and `store`, which screens follow (lib/store.js).
import { apiSend } from './api.js';
import { PullCache } from './lib/cache.js';
import { openLocal } from './lib/db.js';
import { DeviceKey } from './lib/devicekey.js';
import { Outbox } from './lib/outbox.js';
import { Store } from './lib/store.js';
import { SyncEngine } from './lib/sync.js';

export const store = new Store();

/** The sync engine over the phone's database: `engine.outbox`, `engine.cache`, `engine.key`. */
export async function openPhone() {
  const db = await openLocal();
  const outbox = new Outbox(db, store);
  return new SyncEngine({ outbox, cache: new PullCache(db), send: apiSend, key: new DeviceKey(db), store });
}

// The phone's one IndexedDB database and its schema; every module that keeps something on the
// phone is handed it open. What each store holds, and whose it is:
//   meta      small named values: the device id and next sequence number (outbox.js), the
//             device key and clock offset (devicekey.js), the pull cursor and last sync time
//             (cache.js), who signed in here last (main.js), the cards seen today (scan.js)
//   outbox    envelopes not yet accepted by the server, by device_seq (outbox.js)
//   rejected  envelopes the server refused, with its reason (outbox.js)
//   records   what the phone pulled of its scope, by [kind, id] (cache.js)
import { openDB } from 'idb';

const VERSION = 1;

export async function openLocal(name = 'laborpass') {
  return openDB(name, VERSION, {
    upgrade(db) {
      db.createObjectStore('meta');
      db.createObjectStore('outbox', { keyPath: 'id' }).createIndex('seq', 'device_seq', { unique: true });
      db.createObjectStore('rejected', { keyPath: 'id' });
      db.createObjectStore('records', { keyPath: ['kind', 'id'] }).createIndex('kind', 'kind');
    },
  });
}

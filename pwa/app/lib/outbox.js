// The outbox: every scan and form becomes an event envelope written to IndexedDB first, then
// shown as done. An envelope leaves only when the server answered accepted or duplicate; a
// rejected one moves to the "rejected" list with the server's reason. Survives closed tabs,
// killed browsers and reboots, for days. It keeps to its stores of the phone's database (db.js):
// outbox, rejected, and its own counters in meta.

/** ISO 8601 in the phone's own time zone, with its offset: what the server keeps as occurred_at. */
export function localIso(date) {
  const offset = -date.getTimezoneOffset();
  const local = new Date(date.getTime() + offset * 60_000).toISOString().slice(0, 19);
  const sign = offset >= 0 ? '+' : '-';
  const hours = String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0');
  return `${local}${sign}${hours}:${String(Math.abs(offset) % 60).padStart(2, '0')}`;
}

export class Outbox {
  /** `store` (a Store) hears of every scan queued and every answer settled. */
  constructor(db, store = null) {
    this.db = db;
    this.store = store;
  }

  /** This phone's id, made once and kept. */
  async deviceId() {
    const tx = this.db.transaction('meta', 'readwrite');
    let id = await tx.store.get('device_id');
    if (!id) {
      id = crypto.randomUUID();
      await tx.store.put(id, 'device_id');
    }
    await tx.done;
    return id;
  }

  /** Record a scan or form now; answers the envelope. The sequence number, the envelope and its
   * `marks` (`[key, value]` pairs in meta: the card seen here for this, the pass made here) are
   * written in one transaction, so a crash leaves neither a gap, a double, nor a scan the phone
   * forgot it made. */
  async add(type, { workerId, credential, temporaryPass, context = {}, data = {}, scannedBy, at = new Date(),
    marks = [] } = {}) {
    const tx = this.db.transaction(['meta', 'outbox'], 'readwrite');
    const meta = tx.objectStore('meta');
    const envelope = { id: crypto.randomUUID(), type, occurred_at: localIso(at), device_seq: 0, context, data };
    if (workerId) envelope.worker_id = workerId;
    if (credential) envelope.credential = credential;
    if (temporaryPass) envelope.temporary_pass = temporaryPass;
    if (scannedBy) envelope.scanned_by = scannedBy;
    try {
      envelope.device_seq = ((await meta.get('next_seq')) || 1);
      await meta.put(envelope.device_seq + 1, 'next_seq');
      await tx.objectStore('outbox').put(envelope);
      for (const [key, value] of marks) await meta.put(value, key);
    } catch (error) {  // a write refused: none of them stays (a transaction left alone would commit the others)
      tx.abort();
      await tx.done.catch(() => undefined);
      throw error;
    }
    await tx.done;
    await this.told();
    return envelope;
  }

  /** Envelopes waiting to be sent, oldest first. */
  async pending(limit = 500) {
    const all = await this.db.getAllFromIndex('outbox', 'seq', null, limit);
    return all;
  }

  async count() {
    return this.db.count('outbox');
  }

  /** Tell the store how many wait now: the phone's data changed. */
  async told() {
    this.store?.changed({ queued: await this.count() });
  }

  async rejected() {
    return this.db.getAll('rejected');
  }

  /** Apply the server's answer to a push: accepted and duplicate leave, rejected move aside with
   * the reason; a worker id the server replaced (an offline registration of someone already
   * known) is rewritten in every envelope still waiting. */
  async settle(sent, results) {
    const tx = this.db.transaction(['outbox', 'rejected'], 'readwrite');
    const outbox = tx.objectStore('outbox');
    const renamed = new Map();
    results.forEach((result, i) => {
      const envelope = sent[i];
      if (!envelope || result.id !== envelope.id) return;
      if (result.status === 'accepted' || result.status === 'duplicate') {
        outbox.delete(envelope.id);
        if (envelope.type === 'worker.registered' && envelope.worker_id && result.worker_id
            && result.worker_id !== envelope.worker_id) renamed.set(envelope.worker_id, result.worker_id);
      } else if (result.status === 'rejected') {
        outbox.delete(envelope.id);
        tx.objectStore('rejected').put({ ...envelope, reason: result.reason, message: result.message });
      }
    });
    if (renamed.size) {
      for (const envelope of await outbox.getAll()) {
        if (renamed.has(envelope.worker_id)) outbox.put({ ...envelope, worker_id: renamed.get(envelope.worker_id) });
      }
    }
    await tx.done;
    await this.told();
  }
}

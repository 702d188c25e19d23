// The sync engine: pushes the outbox when the network lets it, pulls this phone's scope, and
// backs off on failure. No "offline mode" to switch: it simply tries, and keeps everything
// until the server has it.
const BATCH = 500;
const RETRY_STATUSES = new Set([401, 403, 408, 409, 413, 425, 429, 500, 502, 503, 504]);

export class SyncEngine {
  /** `send(path, {method, body, raw, headers})` answers `{status, body}` and throws on a network
   * failure; `key` (a DeviceKey) signs each push, so the server takes it as this phone's. */
  constructor({ outbox, send, key = null, now = () => new Date() }) {
    Object.assign(this, { outbox, send, key, now });
    this.failures = 0;
    this.state = { queued: 0, lastSyncAt: null, error: null };
  }

  /** Milliseconds to wait before the next try: 2 s doubling to 5 minutes. */
  backoff() {
    return this.failures ? Math.min(2000 * 2 ** (this.failures - 1), 300_000) : 0;
  }

  /** Push, then pull. One run at a time (Workbox's single-flight rule): asked again meanwhile, it
   * runs once more after this one instead of sending the same queue twice at once. */
  async syncNow() {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.once();
      } while (this.again);
      return this.state;
    })();
    try {
      return await this.running;
    } finally {
      this.running = null;
    }
  }

  async once() {
    try {
      await this.push();
      await this.pull();
      this.failures = 0;
      this.state = { ...this.state, lastSyncAt: this.now().toISOString(), error: null };
    } catch (error) {
      this.failures += 1;
      this.state = { ...this.state, error: error.message };
    }
    this.nextTry = Date.now() + this.backoff();
    this.state.queued = await this.outbox.count();
    return this.state;
  }

  async push() {
    const deviceId = await this.outbox.deviceId();
    for (;;) {
      const events = await this.outbox.pending(BATCH);
      if (!events.length) return;
      let answer = await this.sendPush(deviceId, events);
      if (answer.status === 409 && answer.body?.code === 'device_clock_off' && this.key) {
        await this.key.learnServerTime(answer.body.server_time);  // this phone's clock is off: sign again at the server's time
        answer = await this.sendPush(deviceId, events);
      }
      if (answer.status !== 200) {
        if (answer.body?.message) throw new Error(answer.body.message);  // the server says what to do (sign in on this phone…)
        throw new Error(RETRY_STATUSES.has(answer.status) ? `服务器暂不可用（${answer.status}）。 Server busy: will retry.`
          : `同步被拒绝（${answer.status}）。 Sync refused: ${answer.status}`);
      }
      if (this.key && answer.body.server_time) await this.key.learnServerTime(answer.body.server_time);
      await this.outbox.settle(events, answer.body.results);
    }
  }

  /** One push, its body signed by this phone's key as the exact text sent. */
  async sendPush(deviceId, events) {
    const body = { device_id: deviceId, events };
    const raw = JSON.stringify(body);
    const headers = this.key ? await this.key.pushHeaders(deviceId, raw) : {};
    return this.send('/api/sync/push', { method: 'POST', body, raw, headers });
  }

  async pull() {
    const deviceId = await this.outbox.deviceId();
    const { db } = this.outbox;
    let cursor = (await db.get('meta', 'cursor')) || '';
    for (;;) {
      const query = new URLSearchParams({ device_id: deviceId, cursor, limit: '1000' });
      const answer = await this.send(`/api/sync/pull?${query}`, { method: 'GET' });
      if (answer.status !== 200) throw new Error(`拉取失败（${answer.status}）。 Pull failed.`);
      const tx = db.transaction(['records', 'meta'], 'readwrite');
      for (const change of answer.body.changes) {
        if (change.op === 'delete') tx.objectStore('records').delete([change.kind, change.id]);
        else tx.objectStore('records').put({ kind: change.kind, id: change.id, data: change.data });
      }
      cursor = answer.body.cursor;
      tx.objectStore('meta').put(cursor, 'cursor');
      await tx.done;
      if (!answer.body.more) return;
    }
  }
}

/** Everything pulled of one kind (workers, keys, revocations, batches, fairs). */
export async function recordsOf(db, kind) {
  return (await db.getAllFromIndex('records', 'kind', kind)).map((row) => row.data);
}

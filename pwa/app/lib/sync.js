// The sync engine: pushes the outbox when the network lets it, pulls this phone's scope, and
// backs off on failure. No "offline mode" to switch: it simply tries, and keeps everything
// until the server has it.
import { Store } from './store.js';

const BATCH = 500;
const RETRY_STATUSES = new Set([401, 403, 408, 409, 413, 425, 429, 500, 502, 503, 504]);

export const OFFLINE = '没有网络：记录都保存在本机，联网后自动上传。 No network: everything is kept on this phone and sent once it is back.';

export class SyncEngine {
  /** `send(path, {method, body, raw, headers})` answers `{status, body}` and throws on a network
   * failure; `key` (a DeviceKey) signs each push, so the server takes it as this phone's; the
   * pull writes into `cache` (a PullCache); `store` (a Store) holds the state screens show. */
  constructor({ outbox, cache, send, key = null, store = new Store(), now = () => new Date() }) {
    Object.assign(this, { outbox, cache, send, key, store, now });
    this.failures = 0;
  }

  /** `{queued, lastSyncAt, error, changes}`, as the store has it. */
  get state() {
    return this.store.get();
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

  /** What the phone knew when it was last open: when it last synced (kept across reloads). */
  async restore() {
    this.store.set({ lastSyncAt: await this.cache.lastSyncAt(), queued: await this.outbox.count() });
    return this.state;
  }

  /** One round. Its time is when it began: what the phone holds is as fresh as that moment. */
  async once() {
    const at = this.now().toISOString();
    let outcome;
    try {
      await this.push();
      await this.pull();
      this.failures = 0;
      await this.cache.synced(at);
      outcome = { lastSyncAt: at, error: null };
    } catch (error) {
      this.failures += 1;  // fetch rejects with a TypeError when there is no network: say so in words
      outcome = { error: error instanceof TypeError ? OFFLINE : error.message };
    }
    this.nextTry = Date.now() + this.backoff();
    this.store.changed({ ...outcome, queued: await this.outbox.count() });  // what it pulled and settled
    return this.state;
  }

  async push() {
    const deviceId = await this.outbox.deviceId();
    let size = BATCH;
    for (;;) {
      const events = await this.outbox.pending(size);
      if (!events.length) return;
      const before = await this.outbox.count();
      let answer = await this.sendPush(deviceId, events);
      if (answer.status === 413 && events.length > 1) {  // too big for the server: half as many, again
        size = Math.ceil(events.length / 2);
        continue;
      }
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
      if (await this.outbox.count() >= before) {  // the answer settled nothing: stop this round, not loop
        throw new Error('服务器的回答与所发记录对不上，记录仍在本机，稍后再试。'
          + ' The server\'s answer did not match what was sent: everything stays queued; will retry.');
      }
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
    let cursor = await this.cache.cursor();
    for (;;) {
      const query = new URLSearchParams({ device_id: deviceId, cursor, limit: '1000' });
      const answer = await this.send(`/api/sync/pull?${query}`, { method: 'GET' });
      if (answer.status !== 200) throw new Error(`拉取失败（${answer.status}）。 Pull failed.`);
      cursor = answer.body.cursor;
      await this.cache.apply(answer.body.changes, cursor);
      if (!answer.body.more) return;
    }
  }
}

// The phone's own key (server/domain/device_keys.py): an ECDSA P-256 key pair made once in
// WebCrypto, its private half not extractable, kept in IndexedDB. It signs every push and, at a
// passkey sign-in, the sign-in's challenge, which is how the person joins this phone: a scan this
// phone queued counts as the scan of whoever signed in on it, and only then.

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' };
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' };

export function base64url(bytes) {
  let text = '';
  for (const byte of new Uint8Array(bytes)) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const utf8 = (text) => new TextEncoder().encode(text);

export class DeviceKey {
  /** `db` is the app's IndexedDB (its `meta` store keeps the key pair and the clock offset). */
  constructor(db, { now = () => Date.now() } = {}) {
    Object.assign(this, { db, now });
  }

  /** The key pair, made on first use; two tabs making one at once keep the first stored. */
  async pair() {
    if (this.cached) return this.cached;
    let pair = await this.db.get('meta', 'device_key');
    if (!pair) {
      const made = await crypto.subtle.generateKey(ALGORITHM, false, ['sign', 'verify']);
      const tx = this.db.transaction('meta', 'readwrite');
      pair = (await tx.store.get('device_key')) || made;
      await tx.store.put(pair, 'device_key');
      await tx.done;
    }
    this.cached = pair;
    return pair;
  }

  /** The public key as the server keeps it: SPKI DER, base64url. */
  async publicKey() {
    return base64url(await crypto.subtle.exportKey('spki', (await this.pair()).publicKey));
  }

  async sign(text) {
    return base64url(await crypto.subtle.sign(SIGNING, (await this.pair()).privateKey, utf8(text)));
  }

  /** What a passkey sign-in on this phone sends beside the assertion: the phone signs the same challenge. */
  async joinProof(deviceId, challenge) {
    return { device_id: deviceId, public_key: await this.publicKey(), signature: await this.sign(`LP-JOIN1\n${deviceId}\n${challenge}`) };
  }

  /** The headers of a push whose body is `text`, signed at the server's time as this phone last learnt it. */
  async pushHeaders(deviceId, text) {
    const time = Math.round(this.now() + ((await this.db.get('meta', 'clock_offset')) || 0));
    const digest = base64url(await crypto.subtle.digest('SHA-256', utf8(text)));
    return { 'X-Device-Time': String(time), 'X-Device-Signature': await this.sign(`LP-PUSH1\n${deviceId}\n${time}\n${digest}`) };
  }

  /** Learn how far this phone's clock is from the server's (`serverTime` an ISO 8601 string). */
  async learnServerTime(serverTime) {
    const offset = Date.parse(serverTime) - this.now();
    if (Number.isFinite(offset)) await this.db.put('meta', offset, 'clock_offset');
  }
}

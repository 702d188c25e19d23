// Reading a worker's card (LP1:) on the phone, offline, as server/domain/credentials.py does:
// Base45, version, kid, Ed25519 signature (WebCrypto where the browser has Ed25519, the small
// @noble/ed25519 otherwise), strict CBOR, then the dates and the revocation list.
import { verifyAsync } from '@noble/ed25519';

import { b45decode } from './base45.js';
import { decodeMap } from './cbor.js';

const PREFIX = 'LP1:';
const KID_LENGTH = 4;
const SIGNATURE_LENGTH = 64;
const DAY_MS = 86_400_000;

/** A card that does not pass; `reason` is the server's reason code. */
export class CardError extends Error {
  constructor(reason, message) {
    super(message);
    this.reason = reason;
  }
}

/**
 * The card's claims, or a CardError. `keys`: [{kid, public_key, status}] as /api/keys gives them;
 * `revoked`: a Set of revoked serials (hex); `today`: 'YYYY-MM-DD' of the scan.
 */
export async function verifyCard(text, keys, { revoked = new Set(), today } = {}) {
  const trimmed = text.trim();
  if (!trimmed.startsWith(PREFIX) || trimmed.length > 400) {
    throw new CardError('malformed', '不是务工通卡片。 Not a LaborPass card.');
  }
  let envelope;
  try {
    envelope = b45decode(trimmed.slice(PREFIX.length));
  } catch (error) {
    throw new CardError('malformed', `不是务工通卡片。 Not a LaborPass card: ${error.message}`);
  }
  if (envelope.length < 1 + KID_LENGTH + 1 + SIGNATURE_LENGTH) throw new CardError('malformed', '卡片数据不完整。 Truncated.');
  if (envelope[0] !== 1) throw new CardError('unsupported_version', `版本 ${envelope[0]} 不支持。 Unsupported version.`);
  const kid = hex(envelope.slice(1, 1 + KID_LENGTH));
  const body = envelope.slice(0, -SIGNATURE_LENGTH);
  const signature = envelope.slice(-SIGNATURE_LENGTH);
  const candidates = keys.filter((key) => key.kid === kid);
  if (!candidates.length) throw new CardError('unknown_key', '签发密钥未知，请先同步。 Unknown key: sync first.');
  let signer = null;
  for (const key of candidates) {
    if (await ed25519Verify(base64url(key.public_key), body, signature)) { signer = key; break; }
  }
  if (!signer) throw new CardError('bad_signature', '签名不符：伪造或损坏的卡片。 Bad signature: forged or damaged.');
  if (signer.status === 'revoked') throw new CardError('revoked', '签发密钥已撤销。 The signing key was withdrawn.');
  const claims = readClaims(body.slice(1 + KID_LENGTH));
  if (revoked.has(claims.serial)) throw new CardError('revoked', '此卡已作废。 This card was revoked: a newer one exists.');
  if (today && today > claims.expiresOn) throw new CardError('expired', `此卡已于 ${claims.expiresOn} 过期。 Expired.`);
  return claims;
}

// As the server checks them (server/domain/credentials.py): a name of at most 18 bytes of UTF-8,
// days since 1970 up to 2099-12-31, an expiry not before the issue, a six-digit county.
const NAME_BUDGET = 18;
const LAST_DAY = 47481;
const dayNumber = (value) => Number.isInteger(value) && value >= 0 && value <= LAST_DAY;

function readClaims(payload) {
  let map;
  try {
    map = decodeMap(payload);
  } catch (error) {
    throw new CardError('malformed', `卡片数据无效。 Invalid card data: ${error.message}`);
  }
  const types = { 1: 'bytes', 2: 'number', 3: 'number', 4: 'string', 5: 'string', 6: 'number' };
  const ok = map.size === 6 && Object.entries(types).every(([key, type]) => {
    const value = map.get(Number(key));
    return type === 'bytes' ? value instanceof Uint8Array : typeof value === type;
  });
  if (!ok || map.get(1).length !== 8 || map.get(5).length !== 4
      || new TextEncoder().encode(map.get(4)).length > NAME_BUDGET
      || !dayNumber(map.get(2)) || !dayNumber(map.get(3)) || map.get(3) < map.get(2)
      || !Number.isInteger(map.get(6)) || map.get(6) < 100000 || map.get(6) > 999999) {
    throw new CardError('malformed', '卡片字段无效。 Invalid card fields.');
  }
  return {
    serial: hex(map.get(1)), issuedOn: isoDay(map.get(2)), expiresOn: isoDay(map.get(3)),
    name: map.get(4), idLast4: map.get(5), county: String(map.get(6)),
  };
}

async function ed25519Verify(publicKey, message, signature) {
  const subtle = globalThis.crypto?.subtle;
  if (subtle) {
    try {
      const key = await subtle.importKey('raw', publicKey, { name: 'Ed25519' }, false, ['verify']);
      return await subtle.verify({ name: 'Ed25519' }, key, signature, message);
    } catch (error) {
      if (error?.name !== 'NotSupportedError' && error?.name !== 'TypeError') throw error;
    }
  }
  return verifyAsync(signature, message, publicKey, { zip215: false });
}

const isoDay = (days) => new Date(days * DAY_MS).toISOString().slice(0, 10);
const hex = (bytes) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');

function base64url(text) {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(text.length / 4) * 4, '='));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

// The phone reads exactly what the server writes: cards signed by server/domain/credentials.py
// (scripts/card_fixtures.py, run by scripts/test) verified by the PWA's own modules.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { CardError, verifyCard } from '../app/lib/card.js';
import { normalizeFallbackCode } from '../app/lib/fallback.js';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/cards.json', import.meta.url), 'utf8'));

for (const card of fixture.cases) {
  test(`card: ${card.name}`, async () => {
    const options = { today: fixture.today, revoked: new Set(card.revoked || []) };
    if (card.claims) {
      assert.deepEqual(await verifyCard(card.text, fixture.keys, options), card.claims);
    } else {
      await assert.rejects(verifyCard(card.text, fixture.keys, options),
        (error) => error instanceof CardError && error.reason === card.reason);
    }
  });
}

test('a card verifies with the small JS library when the browser has no Ed25519', async () => {
  const { subtle } = globalThis.crypto;
  const importKey = subtle.importKey.bind(subtle);
  let refused = 0;
  subtle.importKey = async (format, key, algorithm, ...rest) => {  // a browser whose WebCrypto lacks Ed25519
    if (algorithm?.name === 'Ed25519') {
      refused += 1;
      throw new DOMException('Ed25519 is not supported', 'NotSupportedError');
    }
    return importKey(format, key, algorithm, ...rest);
  };
  try {
    const claims = await verifyCard(fixture.cases[0].text, fixture.keys, { today: fixture.today });
    assert.equal(claims.name, '张秀英');
    assert.ok(refused > 0, 'the WebCrypto path was tried first');
    const forged = fixture.cases.find((c) => c.name === 'forged');
    await assert.rejects(verifyCard(forged.text, fixture.keys, { today: fixture.today }), { reason: 'bad_signature' });
  } finally {
    delete subtle.importKey;  // the prototype's own again
  }
});

test('fallback codes: the server\'s are accepted, a swap or a wrong key is caught', () => {
  for (const code of fixture.fallback.valid) {
    assert.equal(normalizeFallbackCode(`${code.slice(0, 5)}-${code.slice(5)}`.toLowerCase()), code);
  }
  for (const code of fixture.fallback.invalid) assert.equal(normalizeFallbackCode(code), null);
});

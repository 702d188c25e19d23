import test from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';

import { REASONS, reasonText } from '../app/reasons.js';
import { setLang } from '../app/i18n.js';

// The server's OpenAPI document as it serves it (scripts/openapi_document.py, run by scripts/test):
// the reason codes are listed there (server/domain/reasons.py).
const openapi = JSON.parse(readFileSync(new URL('./fixtures/openapi.json', import.meta.url), 'utf8'));
const schemas = openapi.components.schemas;
const enumOf = (schema, field) => schemas[schema].properties[field].enum.filter((code) => code !== null);

test('every reason the server can refuse or quarantine a scan for is said in words, in both languages, with what to do', () => {
  const codes = enumOf('PushResult', 'reason');
  assert.deepEqual(enumOf('QuarantinedEvent', 'reason'), codes);
  assert.ok(codes.includes('void_needs_review') && codes.includes('bad_signature') && codes.length > 25, codes.join());
  for (const code of codes) {
    assert.ok(REASONS[code], `no words for ${code}`);
    assert.equal(REASONS[code].length, 4, code);
    assert.ok(REASONS[code].every((text) => text.trim()), code);
  }
  assert.deepEqual(Object.keys(REASONS).filter((code) => !codes.includes(code)), []);  // none the server never sends
});

test('every error code a screen acts on is one the server sends', () => {
  const codes = enumOf('Error', 'code');
  assert.ok(codes.includes('duplicate_id_number') && codes.includes('device_clock_off'), codes.join());
  const app = new URL('../app/', import.meta.url);
  const sources = [...readdirSync(app), ...readdirSync(new URL('lib/', app)).map((name) => `lib/${name}`)]
    .filter((name) => name.endsWith('.js')).map((name) => readFileSync(new URL(name, app), 'utf8'));
  const named = sources.flatMap((text) => [...text.matchAll(/\.code === '([a-z_0-9]+)'/g)].map((m) => m[1]));
  assert.ok(named.length >= 3, named.join());
  assert.deepEqual(named.filter((code) => !codes.includes(code)), []);
});

test('a code the phone does not know shows the server message in the chosen language', () => {
  assert.deepEqual(reasonText('something_new', '新的原因。 A new reason.'), ['something_new', '新的原因。']);
  setLang('en');
  assert.deepEqual(reasonText('void_needs_review'), ["Voiding another's record needs a second reviewer",
    'A reviewer who did not make it decides.']);
  setLang('zh');
});

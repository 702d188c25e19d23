import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import { REASONS, reasonText } from '../app/reasons.js';
import { setLang } from '../app/i18n.js';

const server = (path) => readFileSync(new URL(`../../server/${path}`, import.meta.url), 'utf8');

/** The reason codes the server can quarantine an envelope with, read from its own sources. */
function serverReasons() {
  const rules = server('domain/sync_rules.py');
  const rejected = rules.slice(rules.indexOf('# Reason codes'), rules.indexOf('# Flags on an accepted event'));
  const codes = [...rejected.matchAll(/^[A-Z_0-9]+ = "([a-z_0-9]+)"/gm)].map((m) => m[1]);
  const credentials = server('domain/credentials.py');
  codes.push(...['MALFORMED', 'UNSUPPORTED_VERSION', 'UNKNOWN_KEY', 'BAD_SIGNATURE', 'REVOKED', 'EXPIRED']
    .map((name) => credentials.match(new RegExp(`^${name} = "([a-z_]+)"`, 'm'))[1]));
  const evidence = server('domain/evidence.py');
  codes.push(...[...evidence.matchAll(/^(?:BEFORE_[A-Z_]+|IN_THE_FUTURE) = "([a-z_]+)"/gm)].map((m) => m[1]));
  codes.push(server('domain/site_codes.py').match(/^STALE = "([a-z_]+)"/m)[1]);
  return codes;
}

test('every reason the server can quarantine a scan for is said in words, in both languages, with what to do', () => {
  const codes = serverReasons();
  assert.ok(codes.includes('void_needs_review') && codes.includes('bad_signature') && codes.length > 25, codes.join());
  for (const code of codes) {
    assert.ok(REASONS[code], `no words for ${code}`);
    assert.equal(REASONS[code].length, 4, code);
    assert.ok(REASONS[code].every((text) => text.trim()), code);
  }
});

test('a code the phone does not know shows the server message in the chosen language', () => {
  assert.deepEqual(reasonText('something_new', '新的原因。 A new reason.'), ['something_new', '新的原因。']);
  setLang('en');
  assert.deepEqual(reasonText('void_needs_review'), ["Voiding another's record needs a second reviewer",
    'A reviewer who did not make it decides.']);
  setLang('zh');
});

import test from 'node:test';
import assert from 'node:assert/strict';

import { ageOn, checkCharacter, idNumberProblem, maskIdNumber, phoneProblem } from '../app/lib/idnumber.js';
import { passSvg, passWorkerId, temporaryPass } from '../app/lib/temporary.js';

const VALID = `62112119850307123${checkCharacter('62112119850307123')}`;

test('an ID number is checked on the phone: length, birth date, check character', () => {
  assert.equal(checkCharacter('11010519491231002'), 'X');  // the standard's own example
  assert.equal(idNumberProblem(VALID), null);
  assert.equal(idNumberProblem(VALID.toLowerCase()), null);
  const wrongCheck = VALID.slice(0, 17) + (VALID[17] === '1' ? '2' : '1');
  assert.match(idNumberProblem(wrongCheck)[1], /check character/);
  assert.match(idNumberProblem('621121198502301230')[1], /date of birth/);  // 30 February
  assert.match(idNumberProblem('62112119850307')[1], /18 characters/);
  assert.match(idNumberProblem(`62112120991231123${checkCharacter('62112120991231123')}`, new Date('2026-11-25'))[1],
    /date of birth/);  // born in the future
  assert.equal(maskIdNumber(VALID), `621121********${VALID.slice(-4)}`);
});

test('a mobile number may be left out, else it has 11 digits from 13 to 19', () => {
  assert.equal(phoneProblem(''), null);
  assert.equal(phoneProblem('13912345678'), null);
  assert.ok(phoneProblem('12912345678'));
  assert.ok(phoneProblem('1391234567'));
});

test('a temporary pass names the worker id the phone made, and nothing else reads as one', () => {
  const id = '0f8fad5b-d9cb-469f-a165-70867728950e';
  const pass = temporaryPass(id);
  assert.equal(pass, 'LPT1:0F8FAD5B-D9CB-469F-A165-70867728950E');
  assert.equal(passWorkerId(pass), id);
  assert.equal(passWorkerId(` ${pass.toLowerCase()} `), id);
  assert.equal(passWorkerId('LP1:ABC'), null);
  assert.equal(passWorkerId(`${pass}X`), null);
  assert.match(passSvg(pass), /^<svg[^>]*viewBox/);
});

test('an age from the ID number, in whole years, on the day of the birthday and the day before', () => {
  const number = '621121201203071234';  // born 2012-03-07
  assert.equal(ageOn(number, new Date(2026, 2, 6)), 13);
  assert.equal(ageOn(number, new Date(2026, 2, 7)), 14);
  assert.equal(ageOn('621121198503071234', new Date(2026, 11, 2)), 41);
});

import test from 'node:test';
import assert from 'node:assert/strict';

import { pick, setLang, t } from '../app/i18n.js';

test('texts follow the chosen language, Chinese by default', () => {
  assert.equal(t('招聘会', 'Fair'), '招聘会');
  setLang('en');
  assert.equal(t('招聘会', 'Fair'), 'Fair');
  setLang('zh');
});

test('a bilingual server message is cut at the sentence where the English starts', () => {
  const message = '请确认名单上每个人都已签署书面同意书。 Confirm every person on the list signed the paper consent.';
  assert.equal(pick(message), '请确认名单上每个人都已签署书面同意书。');
  setLang('en');
  assert.equal(pick(message), 'Confirm every person on the list signed the paper consent.');
  assert.equal(pick('只有中文'), '只有中文');  // nothing to cut: shown whole
  setLang('zh');
});

test('an English half that starts with a date is still cut off the Chinese (the lunar warning)', () => {
  const message = '2027-03-01 是正月廿四，已过正月十五：多数务工人员已经外出。建议在 2027-12-29（腊月初一）至 2028-02-09（正月十五）之间举办。'
    + ' 2027-03-01 is after the 15th of the first lunar month: most workers have left by then.';
  assert.equal(pick(message), '2027-03-01 是正月廿四，已过正月十五：多数务工人员已经外出。建议在 2027-12-29（腊月初一）至 2028-02-09（正月十五）之间举办。');
  setLang('en');
  assert.equal(pick(message), '2027-03-01 is after the 15th of the first lunar month: most workers have left by then.');
  setLang('zh');
});

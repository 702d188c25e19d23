// Someone at the fair with no card: registered on the spot, with or without a network. The ID
// number and phone are checked on the phone; the registration and the check-in go to the
// outbox; the person walks away with a temporary pass (a QR the phone draws, shown or printed),
// good on any phone for 60 days; once the registration has synced the signed card is issued here.
import { useEffect, useMemo, useState } from 'preact/hooks';

import { apiFetch } from './api.js';
import { pick, t } from './i18n.js';
import { MINIMUM_WORKING_AGE, ageOn, idNumberProblem, maskIdNumber, phoneProblem } from './lib/idnumber.js';
import { recordsOf } from './lib/cache.js';
import { PASS_DAYS, passSvg, temporaryPass } from './lib/temporary.js';
import { seenKey, seenMark } from './lib/verdict.js';
import { Message, done, errorText, html } from './ui.js';

/** The counties and the consent notice, kept on the phone so the form works offline. */
export async function referenceData(db) {
  try {
    const [regions, notice] = await Promise.all([apiFetch('/api/regions'), apiFetch('/api/regions/consent-notice')]);
    await db.put('meta', { regions, notice }, 'reference');
    return { regions, notice };
  } catch {
    return db.get('meta', 'reference');
  }
}

export function RegisterOnTheSpot({ db, outbox, fair, me }) {
  const [open, setOpen] = useState(false);
  const [reference, setReference] = useState(undefined);
  const [problem, setProblem] = useState('');
  const [registered, setRegistered] = useState(null);
  const [warned, setWarned] = useState('');  // the ID number warned about: a second tap registers it
  useEffect(() => { if (open) referenceData(db).then((found) => setReference(found || null)); }, [open]);

  if (registered) return html`<${PassSheet} registered=${registered} onDone=${() => { setRegistered(null); setOpen(false); }} />`;
  if (!open) {
    return html`<button type="button" class="button secondary" id="register-here" onClick=${() => setOpen(true)}>
      ${t('没有卡？现场登记', 'No card? Register here')}</button>`;
  }
  if (reference === null) {
    return html`<p class="message">${t('登记表需要先联网打开一次（县名和告知书会保存在手机上）。',
      'Open the form once with the network: the counties and the consent notice then stay on the phone.')}</p>`;
  }

  async function submit(event) {
    event.preventDefault();
    const form = new FormData(event.target);
    const value = (name) => String(form.get(name) || '').trim();
    const problems = [idNumberProblem(value('id_number')), phoneProblem(value('phone'))].filter(Boolean);
    if (problems.length) {
      setProblem(problems.map((p) => t(...p)).join(' '));
      return;
    }
    const workerId = crypto.randomUUID();
    const idNumber = value('id_number').toUpperCase();
    const warnings = await registrationWarnings(idNumber, value('name'));
    if (warnings.length && warned !== idNumber) {  // said once, loudly; the clerk decides
      setWarned(idNumber);
      setProblem(`${warnings.join(' ')} ${t('核实后再点一次“登记并签到”。', 'Check, then tap Register again.')}`);
      return;
    }
    const data = {
      name: value('name'), id_number: idNumber, phone: value('phone') || null,
      home: { county_code: value('county_code'), ...(value('township') && { township: value('township') }),
        ...(value('village') && { village: value('village') }) },
      poor_household: form.get('poor_household') === 'on',
      consent: { notice_version: reference.notice.version, channel: value('channel'), agreed: true },
    };
    const pass = temporaryPass(workerId);
    const kept = { workerId, pass, name: data.name, idMasked: maskIdNumber(idNumber), at: new Date().toLocaleString(t('zh-CN', 'en-GB')) };
    await outbox.add('worker.registered', { workerId, data, scannedBy: me.id,
      marks: [[`pass:${workerId}`, kept]] });  // this phone names the pass when it is scanned again
    await outbox.add('fair.checked_in', { workerId, context: { fair_id: fair.id }, scannedBy: me.id,
      marks: [[seenKey('fair.checked_in', fair.id, `pass-${workerId}`), seenMark(data.name, fair.name)]] });
    setProblem('');
    setWarned('');
    setRegistered(kept);
  }

  /** What the clerk must know before registering: under 16; someone of this name and ID number
   * already on this phone (pulled, or registered here). */
  async function registrationWarnings(idNumber, name) {
    const found = [];
    const underAge = underAgeWarning(idNumber);
    if (underAge) found.push(underAge);
    const masked = maskIdNumber(idNumber);
    const same = (await recordsOf(db, 'worker')).find((w) => w.id_masked === masked && w.name === name);
    if (same) {
      found.push(t(`${name}（${masked}）可能已经登记过，请改用其卡或按姓名查找。`,
        `${name} (${masked}) seems registered already: use their card, or find them by name.`));
    }
    return found;
  }

  const counties = reference?.regions?.origin?.counties || [];
  return html`
    <form id="register" onSubmit=${submit}>
      <h3>${t('现场登记', 'Register on the spot')}</h3>
      <label>${t('姓名', 'Name')}<input name="name" required maxlength="50" autocomplete="off" /></label>
      <label>${t('身份证号', 'ID number')}<input name="id_number" required maxlength="18" autocomplete="off"
        autocapitalize="characters" inputmode="text" /></label>
      <label>${t('手机号', 'Mobile')}<input name="phone" type="tel" inputmode="numeric" maxlength="11" autocomplete="off" /></label>
      <label>${t('户籍县', 'Home county')}<select name="county_code" required>
        ${counties.map((c) => html`<option value=${c.code} selected=${c.code === fair.county_code}>${c.name}</option>`)}</select></label>
      <label>${t('乡镇', 'Township')}<input name="township" defaultValue=${fair.township || ''} /></label>
      <label>${t('村', 'Village')}<input name="village" defaultValue=${fair.village || ''} /></label>
      <label class="check"><input type="checkbox" name="poor_household" /> ${t('建档立卡贫困户', 'Registered poor household')}</label>
      <${ConsentFields} notice=${reference?.notice} />
      <button type="submit" disabled=${!reference}>${t('登记并签到', 'Register and check in')}</button>
      <button type="button" class="button secondary" onClick=${() => setOpen(false)}>${t('取消', 'Cancel')}</button>
      <${Message} text=${problem} id="register-problem" />
    </form>`;
}

/** The notice (to read aloud or show), how it was given, and the person's yes: the fair's form
 * and the office's (records.js) ask the same. */
export function ConsentFields({ notice }) {
  return html`
      <details class="notice"><summary>${t('告知书（请念给本人听或给本人看）', 'The notice (read it aloud or show it)')}</summary>
        <p>${notice ? t(notice.zh, notice.en) : ''}</p></details>
      <label>${t('告知方式', 'How the notice was given')}<select name="channel" required>
        <option value="read_aloud">${t('念给本人听', 'Read aloud')}</option>
        <option value="paper">${t('本人签署纸质同意书', 'Signed on paper')}</option></select></label>
      <label class="check"><input type="checkbox" name="consent" required /> ${t('本人同意登记', 'The person agrees to be registered')}</label>`;
}

/** The warning for a well-formed ID number of someone under 16 (the Labour Law's minimum), or null. */
export function underAgeWarning(idNumber) {
  const age = ageOn(idNumber);
  return age < MINIMUM_WORKING_AGE ? t(`此人未满16周岁（${age}岁）：依法不得录用，登记前请核实。`,
    `Under 16 (${age}): the law forbids employing them; check before registering.`) : null;
}

/** The temporary pass, to show or print; and, once the registration has synced, the signed card. */
function PassSheet({ registered, onDone }) {
  const [card, setCard] = useState(null);
  const [message, setMessage] = useState('');
  const qr = useMemo(() => URL.createObjectURL(new Blob([passSvg(registered.pass)], { type: 'image/svg+xml' })), [registered.pass]);
  useEffect(() => () => URL.revokeObjectURL(qr), [qr]);

  function print() {
    document.body.classList.add('print-pass');
    window.addEventListener('afterprint', () => document.body.classList.remove('print-pass'), { once: true });
    window.print();
  }
  async function issueCard() {
    try {
      await apiFetch(`/api/workers/${registered.workerId}/credentials`, { method: 'POST' });
      const response = await fetch(`/api/workers/${registered.workerId}/card.svg`, { credentials: 'same-origin' });
      setCard(URL.createObjectURL(new Blob([await response.text()], { type: 'image/svg+xml' })));
      setMessage(done(t('正式卡已签发。', 'The card is issued.')));
    } catch (error) {
      setMessage(error.status === 404
        ? t('登记还没上传（或此人早已登记）：同步后再试，或在人员中查找。', 'Not synced yet (or registered before): sync and try again, or search the workers.')
        : errorText(error));
    }
  }
  return html`
    <div class="pass-sheet" id="pass" data-pass=${registered.pass} data-worker=${registered.workerId}>
      <div class="pass">
        <b>${card ? t('务工通 务工卡', 'LaborPass card') : t('务工通 临时凭证', 'LaborPass temporary pass')}</b>
        <img src=${card || qr} alt=${card ? t('务工卡', 'LaborPass card') : t('临时凭证二维码', 'Temporary pass QR code')} />
        <p><b>${registered.name}</b> ${registered.idMasked}</p>
        ${!card && html`<p class="hint">${t(`登记后 ${PASS_DAYS} 天内有效；正式卡联网后签发。`,
          `Good for ${PASS_DAYS} days; the card is issued once the phone has synced.`)} ${registered.at}</p>`}
      </div>
      <div class="pair">
        <button type="button" onClick=${print}>${t('打印', 'Print')}</button>
        <button type="button" class="secondary" onClick=${issueCard} disabled=${Boolean(card)}>
          ${card ? t('正式卡已签发', 'Card issued') : t('签发正式卡', 'Issue the card')}</button>
      </div>
      <button type="button" class="button" id="pass-done" onClick=${onDone}>${t('完成，下一位', 'Done: next person')}</button>
      <${Message} text=${message} id="pass-message" />
    </div>`;
}

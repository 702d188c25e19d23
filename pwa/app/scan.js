// Scanning for the fair and the station: one input that takes a card's QR text (from a
// keyboard-wedge scanner or the camera) or the short code printed under it; the verdict shown
// full screen at once, from what the phone holds, with no network; the scan queued in the
// outbox either way (a forged or revoked card goes to the server's quarantine, seen by a reviewer).
import { h } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import htm from 'htm';

import { apiFetch } from './api.js';
import { Camera } from './camera.js';
import { checkCard, holderOf, judge, readText, seenKey, seenMark } from './lib/verdict.js';
import { programmeDay } from './lib/calendar.js';
import { RegisterOnTheSpot } from './register.js';
import { Message, done, errorText, useStore } from './ui.js';
import { boardFor } from './lib/board.js';
import { recordsOf } from './lib/cache.js';
import { store } from './phone.js';
import { pick, t } from './i18n.js';
import { reasonText } from './reasons.js';
import { eventName, statusName } from './worker.js';

const html = htm.bind(h);

const ACTIONS = [
  { id: 'employer.onboarded', zh: '入职', en: 'Onboard' },
  { id: 'employment.confirmed', zh: '在岗确认', en: 'Monthly confirmation' },
  { id: 'employment.ended', zh: '离职', en: 'Separation' },
];
export const END_REASONS = {
  pay: ['工资待遇', 'Pay'], climate: ['气候不适应', 'Climate'], food: ['饮食不习惯', 'Food'], homesick: ['想家', 'Homesick'],
  family: ['家庭原因', 'Family'], health: ['身体原因', 'Health'], dismissed: ['被辞退', 'Dismissed'],
  contract_ended: ['合同期满', 'Contract ended'], other: ['其他', 'Other'],
};

/** What each role scans for, where, and what goes with the scan. */
export function scanModeFor(me) {
  if (me.role === 'greeter') {
    return { pick: 'batch', title: ['到站扫码', 'Arrivals'], choices: (db) => recordsOf(db, 'batch'),
      type: () => 'station.arrived', context: (picked) => ({ station: me.station, batch_id: picked }), data: () => ({}) };
  }
  if (['fair_staff', 'county', 'workstation', 'admin'].includes(me.role)) {
    const signing = (extras) => extras.action === 'fair.intent_signed';
    return { pick: 'fair', title: ['招聘会签到', 'At the fair'], choices: (db) => recordsOf(db, 'fair'),
      type: (picked, extras) => (signing(extras) ? 'fair.intent_signed' : 'fair.checked_in'),
      context: (picked, extras) => ({ fair_id: picked, ...(signing(extras) && { employer_id: extras.employer_id }) }),
      data: (picked, extras) => (signing(extras) ? { ...(extras.posting_id && { posting_id: extras.posting_id }),
        ...(Number(extras.expected_pay) >= 500 && { expected_pay: Number(extras.expected_pay) }) } : {}),
      seenScope: (picked, extras) => (signing(extras) ? `${picked}:${extras.employer_id}` : picked),
      incomplete: (extras) => signing(extras) && !extras.employer_id,
      Extras: FairFields };
  }
  if (me.role === 'employer') {
    return { pick: 'action', title: ['用工扫码', 'Employment'], choices: async () => ACTIONS.map((a) => ({ id: a.id, name: t(a.zh, a.en) })), type: (picked) => picked,
      incomplete: (extras, picked) => picked === 'employment.ended' && (!extras.reason || (extras.reason === 'other' && !extras.text)),
      context: () => ({}), data: employmentData, Extras: EmploymentFields };
  }
  return null;
}

/** At the origin station: each person boarding the batch's train scanned (the roll-call is the other way). */
export function boardingMode() {
  return { pick: 'batch', title: ['扫码上车', 'Boarding'], choices: (db) => recordsOf(db, 'batch'),
    type: () => 'batch.departed', context: (picked) => ({ batch_id: picked }), data: () => ({}) };
}

/** At a training: each attendee scanned, with the hours of the day (the training's page opens it). */
export function trainingMode() {
  return { pick: 'training', title: ['培训签到', 'Training attendance'],
    choices: async (db) => (await recordsOf(db, 'training')).map((s) => ({ ...s, name: `${s.title}（${s.starts_on}）` })),
    type: () => 'training.attended', context: (picked) => ({ training_id: picked }),
    data: (picked, extras) => (extras.hours ? { hours: Number(extras.hours) } : {}), Extras: TrainingFields };
}

function TrainingFields({ extras, setExtras }) {
  return html`<label>${t('今天的学时', 'Hours today')}<input type="number" name="hours" min="0" max="24" step="0.5"
    inputmode="decimal" value=${extras.hours || ''} onInput=${(e) => setExtras({ ...extras, hours: e.target.value })} /></label>`;
}

/** At a fair: check people in, or record the job they want (employer and posting of this fair). */
function FairFields({ picked, db, extras, setExtras, engine, me }) {
  const [fair, setFair] = useState(null);
  const [counts, setCounts] = useState(null);
  const { changes } = useStore(store);  // a scan or a registration on the spot (checked in here too), a sync
  useEffect(() => { db.get('records', ['fair', picked]).then((row) => setFair(row?.data || null)); }, [picked]);
  useEffect(() => {
    (async () => {
      const [checked, signed] = await Promise.all([scannedHere(db, 'fair.checked_in', picked),
        scannedHere(db, 'fair.intent_signed', picked)]);
      let all = null;
      try { all = (await apiFetch(`/api/fairs/${picked}`)).counts; } catch { all = null; }  // offline: this phone's only
      setCounts({ checked: Object.keys(checked).length, signed: Object.keys(signed).length, all });
    })();
  }, [picked, changes]);
  const set = (key) => (event) => setExtras({ ...extras, [key]: event.target.value, ...(key === 'employer_id' && { posting_id: '' }) });
  const postings = (fair?.postings || []).filter((p) => p.employer_id === extras.employer_id);
  return html`
    ${counts && html`<p class="counts" id="fair-counts" data-checked=${counts.checked} data-signed=${counts.signed}>
      ${t('本机', 'This phone')}：${t('签到', 'checked in')} ${counts.checked} · ${t('意向', 'intentions')} ${counts.signed}
      ${counts.all && html`<br />${t('全场', 'Whole fair')}：${t('签到', 'checked in')} ${counts.all.checked_in}
        · ${t('意向', 'intentions')} ${counts.all.workers_with_intent}`}</p>`}
    <label>${t('办理', 'What')}<select name="action" value=${extras.action || 'fair.checked_in'} onChange=${set('action')}>
      <option value="fair.checked_in">${t('签到', 'Check-in')}</option>
      <option value="fair.intent_signed">${t('签订意向', 'Job intention')}</option>
    </select></label>
    ${extras.action === 'fair.intent_signed' && html`
      <label>${t('用人单位', 'Employer')}<select name="employer" value=${extras.employer_id || ''} onChange=${set('employer_id')}>
        <option value="">${t('— 请选择 —', '— Choose —')}</option>
        ${(fair?.employers || []).map((e) => html`<option value=${e.id}>${e.name}</option>`)}
      </select></label>
      <label>${t('岗位', 'Job')}<select name="posting" value=${extras.posting_id || ''} onChange=${set('posting_id')}>
        <option value="">${t('— 不指定 —', '— None —')}</option>
        ${postings.map((p) => html`<option value=${p.id}>${p.title || p.job_type} ${p.wage_min}–${p.wage_max}${t('元', ' yuan')}</option>`)}
      </select></label>
      <label>${t('期望月薪（元，不填按3500）', 'Expected pay a month (yuan; 3500 if left empty)')}<input type="number"
        name="expected_pay" inputmode="numeric" min="500" max="100000" placeholder="3500" value=${extras.expected_pay || ''}
        onInput=${set('expected_pay')} /></label>`}
    ${fair && (extras.action || 'fair.checked_in') === 'fair.checked_in' && html`<${RegisterOnTheSpot} db=${db}
        outbox=${engine.outbox} fair=${fair} me=${me} />`}`;
}

function employmentData(picked, extras) {
  if (picked === 'employer.onboarded') {
    return { start_date: extras.start_date || programmeDay(), ...(extras.posting_id && { posting_id: extras.posting_id }),
      ...(extras.wage && { wage: Number(extras.wage) }) };
  }
  if (picked === 'employment.confirmed') {
    return { month: programmeDay().slice(0, 7), ...(extras.pay && { pay: Number(extras.pay) }) };
  }
  return { reason: extras.reason || 'other', ...(extras.text && { text: extras.text }), end_date: programmeDay() };
}

/** The fields an employer fills once for a run of scans: the job, start date and wage; or why people leave. */
function EmploymentFields({ picked, db, extras, setExtras, engine, me }) {
  const [postings, setPostings] = useState([]);
  useEffect(() => {
    recordsOf(db, 'fair').then((fairs) => setPostings(fairs.flatMap((f) => f.postings.map((p) => ({ ...p, fair: f.name })))));
  }, []);
  const set = (key) => (event) => setExtras({ ...extras, [key]: event.target.value });
  if (picked === 'employer.onboarded') {
    return html`
      <label>${t('岗位', 'Job')}<select name="posting" value=${extras.posting_id || ''} onChange=${set('posting_id')}>
        <option value="">${t('— 不指定 —', '— None —')}</option>
        ${postings.map((p) => html`<option value=${p.id}>${p.title || p.job_type}（${p.fair}）</option>`)}
      </select></label>
      <label>${t('入职日期', 'Start date')}<input type="date" name="start_date" value=${extras.start_date || programmeDay()}
        onInput=${set('start_date')} /></label>
      <label>${t('月工资（元）', 'Wage a month (yuan)')}<input type="number" name="wage" inputmode="numeric" value=${extras.wage || ''}
        onInput=${set('wage')} /></label>`;
  }
  if (picked === 'employment.ended') {
    return html`
      <label>${t('离职原因', 'Reason')}<select name="reason" value=${extras.reason || ''} onChange=${set('reason')} required>
        <option value="">${t('— 请选择 —', '— Choose —')}</option>
        ${Object.entries(END_REASONS).map(([code, name]) => html`<option value=${code}>${t(...name)}</option>`)}
      </select></label>
      ${extras.reason === 'other' && html`<label>${t('说明', 'What happened')}<input name="text" value=${extras.text || ''}
        onInput=${set('text')} required /></label>`}`;
  }
  if (picked === 'employment.confirmed') {
    return html`<label>${t('本月工资（元，扫码确认时一并记录）', "This month's pay (yuan, recorded with each scan)")}
        <input type="number" name="pay" inputmode="numeric" min="0" max="100000" value=${extras.pay || ''} onInput=${set('pay')} /></label>
      <${RosterTicks} db=${db} outbox=${engine.outbox} me=${me} />`;
  }
  return null;
}

/** The monthly confirmation without a scan: the employer ticks who is at work this month (its
 * workers as pulled, so it works offline); one employment.confirmed each. */
function RosterTicks({ db, outbox, me }) {
  const month = programmeDay().slice(0, 7);
  const [rows, setRows] = useState([]);
  const [ticked, setTicked] = useState(new Set());
  const [message, setMessage] = useState('');
  async function load() {
    const ours = (await recordsOf(db, 'worker'))
      .filter((w) => w.current_employer_id === me.employer_id && w.status === 'employed')
      .sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
    const confirmed = await Promise.all(ours.map((w) => db.get('meta', seenKey('employment.confirmed', month, whoIs(w)))));
    setRows(ours.map((w, i) => ({ ...w, done: Boolean(confirmed[i]) })));
  }
  const { changes } = useStore(store);
  useEffect(() => { load(); }, [changes]);  // again when a sync brought the roster
  function toggle(id) {
    const next = new Set(ticked);
    if (next.has(id)) next.delete(id); else next.add(id);
    setTicked(next);
  }
  async function confirm(event) {
    event.preventDefault();
    const typed = event.target.elements.month_pay.value.trim();
    const pay = typed === '' ? null : Number(typed);
    if (pay !== null && !(Number.isInteger(pay) && pay >= 0 && pay <= 100000)) {
      setMessage(t('工资请填整数元（0–100000），或留空。', 'Pay in whole yuan (0–100000), or leave it empty.'));
      return;
    }
    for (const id of ticked) {
      const worker = rows.find((w) => w.id === id);
      await outbox.add('employment.confirmed', { workerId: id, data: { month, ...(pay !== null && { pay }) }, scannedBy: me.id,
        marks: [[seenKey('employment.confirmed', month, whoIs(worker)), seenMark(worker.name)]] });
    }
    setMessage(done(t(`已确认 ${ticked.size} 人 ${month} 在岗。`, `${ticked.size} confirmed at work for ${month}.`)));
    setTicked(new Set());
    await load();
  }
  if (!rows.length) return null;
  return html`
    <form id="roster-ticks" onSubmit=${confirm}>
      <h3>${t(`${month} 在岗名单`, `At work in ${month}`)}</h3>
      <p class="hint">${t('勾选本月在岗的人，或逐个扫码。', 'Tick who is at work this month, or scan each card.')}</p>
      ${rows.map((w) => html`<label class="check" data-worker=${w.id}><input type="checkbox" name="at_work" value=${w.id}
          checked=${w.done || ticked.has(w.id)} disabled=${w.done} onChange=${() => toggle(w.id)} />
        ${w.name} ${w.id_masked}${w.done ? ` · ${t('已确认', 'confirmed')}` : ''}</label>`)}
      <label>${t('本月工资（元，所勾选的人相同时填写）', "This month's pay (yuan, when the same for everyone ticked)")}
        <input type="number" name="month_pay" inputmode="numeric" min="0" max="100000" /></label>
      <button type="submit" disabled=${!ticked.size}>${t(`确认 ${ticked.size} 人在岗`, `Confirm ${ticked.size} at work`)}</button>
      <${Message} text=${message} id="ticks-message" />
    </form>`;
}

export function ScanScreen({ me, engine, mode = scanModeFor(me), preset = '' }) {
  const { db } = engine.outbox;
  const [choices, setChoices] = useState([]);
  const [picked, setPicked] = useState(() => preset || localStorage.getItem(`laborpass.${mode.pick}`) || '');
  const [verdict, setVerdict] = useState(null);
  const [extras, setExtras] = useState({});
  const input = useRef(null);
  const pending = useRef(null);  // a scan that changes employment, waiting for the clerk's tap
  const pulled = useRef({ at: undefined, workers: null });  // the pulled workers, read again after each sync
  const ready = picked && !mode.incomplete?.(extras, picked);

  const { lastSyncAt } = useStore(store);
  useEffect(() => {
    mode.choices(db).then(setChoices);
  }, [lastSyncAt]);
  useEffect(() => { input.current?.focus(); }, [verdict, picked]);

  function choose(event) {
    setPicked(event.target.value);
    localStorage.setItem(`laborpass.${mode.pick}`, event.target.value);
  }

  async function submit(event) {
    event.preventDefault();
    const text = input.current.value.trim();
    input.current.value = '';
    if (text) await record(text);
  }

  async function record(text, frameTakenAt = performance.now()) {
    if (pending.current) return;  // a verdict waits for a tap: what the camera sees meanwhile waits too
    show(await failureShown(() => byText(text)), frameTakenAt);
    // Judged, queued and shown: the camera takes the next card (scripts/bench_scan.py, a greeter's run).
    performance.measure('laborpass:scan-to-ready', { start: frameTakenAt });
  }

  async function confirmPending() {
    const waiting = pending.current;
    pending.current = null;
    if (waiting) show(await failureShown(waiting.confirm));
  }

  function cancelPending() {
    pending.current = null;
    show({ colour: 'amber', title: t('已取消', 'Cancelled'), detail: t('没有记录。', 'Nothing was recorded.') });
  }

  /** Whatever goes wrong, the clerk sees a verdict: a scan must never end in silence. */
  async function failureShown(work) {
    try {
      return await work();
    } catch (error) {
      console.error(error);
      return { colour: 'red', title: t('未能记录', 'Not recorded'),
        detail: t('出了问题，没有记录。请再扫一次；仍不行请记下卡号交工作人员。',
          'Something went wrong and nothing was recorded. Scan again; if it fails again, note the card code.') };
    }
  }

  function show(result, frameTakenAt = performance.now()) {
    setVerdict(result);
    // From the frame with the code (or the Enter key) to the verdict on screen: the figure that matters.
    requestAnimationFrame(() => performance.measure('laborpass:scan-to-verdict', { start: frameTakenAt }));
    if (result.confirm) {  // stays until tapped
      pending.current = result;
      return;
    }
    signal(result.colour);
    setTimeout(() => setVerdict((current) => (current === result ? null : current)), 2500);
  }

  /** A scanned or typed text: a signed card, a temporary pass or the short code under the QR. */
  async function byText(text) {
    const read = readText(text);
    if (read.kind === 'pass') return byTemporaryPass(text, read.workerId);
    if (read.kind === 'code') return byFallbackCode(read.code);
    const keys = await recordsOf(db, 'key');
    const revoked = new Set((await recordsOf(db, 'revocation')).map((r) => r.serial));
    const { claims, refusal } = await checkCard(text, keys, revoked, programmeDay());
    if (refusal?.reason === 'malformed') return { colour: 'red', title: reasonText('malformed')[0], detail: refusal.message };
    const holder = claims && holderOf(await workersHere(), claims.serial);
    return decide({ who: claims?.serial, entry: { credential: text }, name: claims?.name, workerId: holder?.id,
      refusal, how: claims && `${t('身份证尾号', 'ID ending')} ${claims.idLast4}` });
  }

  /** The last resort, no card at all: a worker found on the phone by name and the ID's last 4. */
  function byName(worker) {
    return decide({ who: whoIs(worker), entry: { workerId: worker.id }, name: worker.name, workerId: worker.id,
      checkId: true, how: t('按姓名记录：请核对本人身份证。', 'By name: check the ID card.') });
  }

  /** A temporary pass: nobody signed it, so amber — look at the ID card — and the server flags it. */
  async function byTemporaryPass(text, workerId) {
    const known = (await db.get('meta', `pass:${workerId}`)) || (await workersHere())[workerId];
    return decide({ who: `pass-${workerId}`, entry: { workerId, temporaryPass: text }, workerId, checkId: true,
      name: known?.name || t('临时凭证', 'Temporary pass'), how: t('临时凭证：请核对本人身份证。', 'A temporary pass: check the ID card.') });
  }

  async function byFallbackCode(code) {
    let answer;
    try {  // the short code needs the server once: it names the card holder
      answer = await apiFetch('/api/scan/verify', { method: 'POST', body: { fallback_code: code } });
    } catch (error) {
      if (!error.status) {  // no network: the short code names its holder only on the server
        return { colour: 'red', title: t('手工码须联网核对', 'A card code needs the network'),
          detail: t('没有记录。没有网络时，请扫卡上的二维码，或按姓名和身份证后四位查找。',
            'Nothing recorded. Offline, scan the QR code on the card, or find the person by name and ID last 4.') };
      }
      return { colour: 'red', title: t('手工码无法核对，没有记录', 'The card code cannot be checked: nothing recorded'),
        detail: errorText(error) };
    }
    const worker = (await workersHere())[answer.worker.id] || answer.worker;
    return decide({ who: whoIs(worker), entry: { workerId: answer.worker.id }, name: answer.worker.name,
      workerId: answer.worker.id, how: `${t('手工码', 'Card code')} ${code}` });
  }

  /**
   * One scan, whatever named the person: the verdict from what the phone holds (lib/verdict.js),
   * then the scan queued — at once, or after the clerk's tap — or not at all (a repeat).
   * `who`: the person in the seen key (a card serial where known); `entry`: how the outbox names them.
   */
  async function decide({ who, entry, name, workerId = null, refusal = null, how = '', checkId = false }) {
    const [type, context, data] = [mode.type(picked, extras), mode.context(picked, extras), mode.data(picked, extras)];
    const key = who && seenKey(type, type === 'employment.confirmed' ? data.month : (mode.seenScope?.(picked, extras) || picked), who);
    const batch = type === 'station.arrived' ? (await db.get('records', ['batch', picked]))?.data || null : null;
    const found = judge({ type, refusal, earlier: key ? await db.get('meta', key) : null, now: Date.now(), workerId,
      holder: workerId ? (await workersHere())[workerId] || null : null, batch,
      batches: batch ? await recordsOf(db, 'batch') : [], employerId: me.employer_id || null });
    const said = worded(found, { type, data, name, how, checkId });
    if (!found.record) return said;
    const commit = async () => {
      const where = choices.find((c) => c.id === picked)?.name || me.station || '';
      await engine.outbox.add(type, { ...entry, context, data, scannedBy: me.id,
        marks: key && !refusal ? [[key, seenMark(name, where)]] : [] });
      return said;
    };
    if (!found.tap) return commit();
    return { colour: 'confirm', confirm: commit, title: name || said.title,
      detail: `${recordedWhat(type, data)}${found.reason ? `。${said.warning || said.title}` : ''}：${t('核对本人后点“确认办理”。', 'Check it is them, then tap Confirm.')}` };
  }

  /** The verdict in words: what was recorded, and what the clerk must check. */
  function worded(found, { type, data, name, how, checkId }) {
    if (found.reason === 'repeat') {
      const { earlier } = found;
      return { colour: 'amber', title: `${name} ${t('已扫过', 'already scanned')}`,
        detail: `${t('首次', 'First')}: ${earlier.at}${earlier.where ? ` · ${earlier.where}` : ''} · ${t('没有再记录。', 'Not recorded again.')}` };
    }
    if (found.colour === 'red') return { colour: 'red', title: reasonText(found.reason)[0], detail: t('已记录，待审核。', 'Recorded for review.') };
    const detail = `${t('已记录', 'Recorded')}：${recordedWhat(type, data)}${how ? ` · ${how}` : ''}`;
    const colour = checkId ? 'amber' : found.colour;
    if (found.reason === 'not_on_batch') {
      const where = found.otherBatch ? t(`此人在“${found.otherBatch}”名单上。`, `On the roster of ${found.otherBatch}.`) : t('此人不在本机任何批次名单上。', 'On no batch this phone knows.');
      return { colour, title: `${name} ${t('不在本批次名单', 'is not on this batch')}`,
        warning: t('不在本批次名单', 'Not on this batch'),
        detail: `${detail} · ${where}${t('请核实后带往工作站。', 'Check, then take them to the workstation.')}` };
    }
    if (found.reason === 'already_away') {
      const warning = t(`注意：此人记录为“${statusName(found.status)}”，请核实是否本人。`, `Note: on record as ${statusName(found.status)}: check it is them.`);
      return { colour, title: name, warning, detail: `${detail} · ${warning}` };
    }
    if (found.reason === 'employed_elsewhere') {
      const warning = t('此人记录为在其他单位在岗：提交后由审核员核实。', 'On record as at work elsewhere: a reviewer will check.');
      return { colour, title: name, warning, detail: `${detail} · ${warning}` };
    }
    return { colour, title: name, detail };
  }

  /** What a scan records, in words: "入职 · 闽江纺织 · 4500元", "招聘会签到 · 福州招聘会". */
  function recordedWhat(type, data) {
    const parts = [eventName(type)];
    if (mode.pick !== 'action') parts.push(choices.find((c) => c.id === picked)?.name);
    else parts.push(me.employer_name);  // an employment scan is for the signed-in HR officer's own employer
    if (type === 'employer.onboarded' && data.wage) parts.push(`${data.wage}${t('元', ' yuan')}`);
    if (type === 'employment.confirmed') parts.push(data.month);
    if (type === 'employment.ended') parts.push(END_REASONS[data.reason] ? t(...END_REASONS[data.reason]) : data.reason);
    return parts.filter(Boolean).join(' · ');
  }

  /** The pulled workers (id -> summary), read once after each sync. */
  async function workersHere() {
    if (pulled.current.at !== engine.state.lastSyncAt || !pulled.current.workers) {
      const workers = Object.fromEntries((await recordsOf(db, 'worker')).map((w) => [w.id, w]));
      pulled.current = { at: engine.state.lastSyncAt, workers };
    }
    return pulled.current.workers;
  }

  return html`
    <section class="scan">
      <h2>${t(...mode.title)}</h2>
      <label>${t(...{ batch: ['批次', 'Batch'], fair: ['招聘会', 'Fair'], action: ['办理', 'What'], training: ['培训', 'Training'] }[mode.pick])}
        <select name="pick" value=${picked} onChange=${choose}>
          <option value="">${t('— 请选择 —', '— Choose —')}</option>
          ${choices.map((c) => html`<option value=${c.id}>${c.name}</option>`)}
        </select>
      </label>
      ${mode.Extras && picked && html`<${mode.Extras} picked=${picked} db=${db} extras=${extras} setExtras=${setExtras}
          engine=${engine} me=${me} />`}
      ${ready && html`<${Camera} onCode=${record} />`}
      <form id="scan" onSubmit=${submit}>
        <label>${t('扫码或输入卡号', 'Scan or type the card code')}
          <input ref=${input} name="code" autocomplete="off" autocapitalize="characters" enterkeyhint="done"
            disabled=${!ready} placeholder=${ready ? 'LP1:… / ABCDE-FGHJK' : t('先选择上面的项目', 'Choose above first')} />
        </label>
        <button type="submit" disabled=${!ready}>${t('确认', 'Record')}</button>
      </form>
      ${ready && html`<${FindByName} db=${db} onPick=${async (worker) => show(await failureShown(() => byName(worker)))} />`}
      ${mode.type(picked, extras) === 'station.arrived' && picked && html`<${Board} db=${db} batchId=${picked} />`}
      ${verdict && !verdict.confirm && html`<div class="verdict ${verdict.colour}" role="alert" data-verdict=${verdict.colour}
          onClick=${() => setVerdict(null)}>
        ${verdict.colour !== 'red' && html`<div class="photo" aria-hidden="true"></div>`}
        <strong>${verdict.title}</strong><span>${verdict.detail}</span></div>`}
      ${verdict?.confirm && html`<div class="verdict confirm" role="alertdialog" data-verdict="confirm">
        <div class="photo" aria-hidden="true"></div>
        <strong>${verdict.title}</strong><span>${verdict.detail}</span>
        <div class="pair"><button type="button" data-confirm onClick=${confirmPending}>${t('确认办理', 'Confirm')}</button>
          <button type="button" class="secondary" data-cancel onClick=${cancelPending}>${t('取消', 'Cancel')}</button></div>
      </div>`}
    </section>`;
}

/** Who a worker is in the seen keys: the card's serial, as a scanned card says, where the phone knows it. */
const whoIs = (worker) => worker.card_serial || `worker-${worker.id}`;

/** No card and no code: find the person among the workers on this phone by name and the ID's last 4. */
function FindByName({ db, onPick }) {
  const [found, setFound] = useState(null);
  async function search(event) {
    event.preventDefault();
    const form = new FormData(event.target);
    const name = String(form.get('name')).trim();
    const last4 = String(form.get('last4')).trim().toUpperCase();
    const workers = await recordsOf(db, 'worker');
    setFound(workers.filter((w) => w.name?.includes(name) && w.id_last4 === last4).slice(0, 10));
  }
  return html`
    <details class="find-by-name" id="find-by-name">
      <summary>${t('没带卡？按姓名和身份证后四位查找', 'No card? Find by name and the last 4 of the ID')}</summary>
      <form onSubmit=${search}>
        <div class="pair">
          <label>${t('姓名', 'Name')}<input name="name" required autocomplete="off" /></label>
          <label>${t('身份证后四位', 'ID last 4')}<input name="last4" required maxlength="4" minlength="4" autocomplete="off"
            autocapitalize="characters" /></label>
        </div>
        <button type="submit">${t('查找', 'Find')}</button>
      </form>
      ${found && html`<ul class="list">${found.map((w) => html`<li><button type="button" class="link" data-worker=${w.id}
          onClick=${() => { setFound(null); onPick(w); }}>${w.name} ${w.id_masked} · ${w.home?.township || ''}
          · ${statusName(w.status)}</button></li>`)}
        ${!found.length && html`<li>${t('本机没有找到此人。', 'Not on this phone.')}</li>`}</ul>`}
    </details>`;
}

/** Scanned here, for one batch or fair: {serial: name}. */
export async function scannedHere(db, type, contextId) {
  const prefix = `seen:${type}:${contextId}:`;
  const range = IDBKeyRange.bound(prefix, `${prefix}\uffff`);
  const [keys, values] = await Promise.all([db.getAllKeys('meta', range), db.getAll('meta', range)]);
  return Object.fromEntries(keys.map((key, i) => [key.slice(prefix.length), values[i].name]));
}

function Board({ db, batchId }) {
  const [board, setBoard] = useState(null);
  const [batch, setBatch] = useState(null);
  const [handover, setHandover] = useState({ employer: '', representative: '', message: '' });
  const [left, setLeft] = useState(new Set());  // ticks the greeter changed: a roster person unticked, a stranger ticked
  const [handed, setHanded] = useState({});  // handed over from this phone since the last sync: id -> employer
  const { changes } = useStore(store);  // an arrival scanned, a sync
  useEffect(() => {
    (async () => {
      const found = await db.get('records', ['batch', batchId]);
      if (!found) return;
      const workers = Object.fromEntries((await recordsOf(db, 'worker')).map((w) => [w.id, w]));
      setBatch(found.data);
      setBoard(boardFor(found.data, workers, await scannedHere(db, 'station.arrived', batchId)));
    })();
  }, [batchId, changes]);
  if (!board) return null;

  // Who may still go: arrived and handed over by no phone (the pulled batch says what the others did).
  const gone = { ...(batch.handed_over || {}), ...handed };
  const strangers = board.unexpectedPeople.filter((p) => p.workerId)  // scanned for this batch, off its roster: may go too
    .map((p) => ({ worker_id: p.workerId, name: p.name, township: t('非本批', 'not on the batch'), stranger: true }));
  const waiting = [...batch.roster.filter((m) => board.arrivedIds.includes(m.worker_id)), ...strangers]
    .filter((m) => !gone[m.worker_id]);
  // the roster's people go unless unticked; someone off the roster only when ticked
  const isChosen = (m) => (m.stranger ? left.has(m.worker_id) : !left.has(m.worker_id));
  const chosen = waiting.filter(isChosen);
  const employerName = (id) => batch.employers.find((e) => e.id === id)?.name || id;
  const goneBy = Object.entries(gone).reduce((by, [worker, employer]) => ({ ...by, [employer]: (by[employer] || 0) + 1 }), {});
  function toggle(workerId) {
    const next = new Set(left);
    if (next.has(workerId)) next.delete(workerId); else next.add(workerId);
    setLeft(next);
  }

  async function handOver(event) {
    event.preventDefault();
    try {
      const answer = await apiFetch(`/api/batches/${batchId}/handovers`, { method: 'POST', body: {
        employer_id: handover.employer, representative: handover.representative, worker_ids: chosen.map((m) => m.worker_id) } });
      setHanded({ ...handed, ...Object.fromEntries(answer.worker_ids.map((id) => [id, handover.employer])) });
      setLeft(new Set());
      setHandover({ ...handover, message: done(t(`已交接 ${answer.worker_ids.length} 人给${employerName(handover.employer)}。`,
        `Handed over ${answer.worker_ids.length} to ${employerName(handover.employer)}.`)) });
    } catch (error) {
      // the server's reasons field by field ("已经交接过"), not only its "correct the fields marked"
      setHandover({ ...handover, message: error.status ? errorText(error) : t('交接需要联网。', 'A hand-over needs the network.') });
    }
  }

  return html`
    <div class="board" id="board" data-expected=${board.expected} data-arrived=${board.arrived}
        data-missing=${board.missing} data-unexpected=${board.unexpected}>
      <div class="counts">
        <span>${t('应到', 'Expected')} <b>${board.expected}</b></span><span>${t('已到', 'Arrived')} <b>${board.arrived}</b></span>
        <span>${t('未到', 'Missing')} <b>${board.missing}</b></span><span>${t('非本批', 'Unexpected')} <b>${board.unexpected}</b></span>
      </div>
      ${board.townships.map((g) => html`
        <details>
          <summary>${g.township || '—'}：${g.arrived}/${g.expected}${g.leader ? ` · ${t('领队', 'leader')} ${g.leader.name}` : ''}</summary>
          ${g.leader?.phone && html`<p><a class="call" href=${`tel:${g.leader.phone}`}>${t('打给领队', 'Call the leader')} ${g.leader.name} ${g.leader.phone}</a></p>`}
          ${g.missing.length ? html`<p>${t('未到', 'Missing')}：</p><ul class="calls">${g.missing.map((m) => html`<li>${m.name}
              ${m.phone ? html`<a class="call" href=${`tel:${m.phone}`}>${m.phone}</a>` : html`<span class="hint">${t('无电话', 'no phone')}</span>`}</li>`)}</ul>`
            : html`<p>${t('全部到齐', 'All here')}</p>`}
        </details>`)}
      ${board.unexpectedPeople.length > 0 && html`<p>${t('非本批次', 'Not on this batch')}：${board.unexpectedPeople.map((p) => p.name).join('、')}</p>`}
      <form onSubmit=${handOver} id="handover">
        <h3>${t('交接给用人单位', 'Hand over to the employer')}</h3>
        ${Object.keys(goneBy).length > 0 && html`<p class="hint" id="handed-over">${t('已交接', 'Handed over')}：${Object.entries(goneBy)
          .map(([employer, n]) => `${employerName(employer)} ${n} ${t('人', '')}`).join('；')}</p>`}
        ${waiting.length > 0 && html`<p class="hint">${t('勾选随这家单位走的人：', 'Tick who goes with this employer:')}</p>
          <div class="handover-people">${waiting.map((m) => html`<label class="check" data-worker=${m.worker_id}>
            <input type="checkbox" checked=${isChosen(m)} onChange=${() => toggle(m.worker_id)} /> ${m.name}（${m.township || '—'}）</label>`)}</div>`}
        <select required value=${handover.employer} onChange=${(e) => setHandover({ ...handover, employer: e.target.value })}>
          <option value="">${t('— 用人单位 —', '— Employer —')}</option>
          ${batch.employers.map((e) => html`<option value=${e.id}>${e.name}</option>`)}
        </select>
        <label>${t('接收人', 'Representative')}<input name="representative" required value=${handover.representative}
          onInput=${(e) => setHandover({ ...handover, representative: e.target.value })} /></label>
        <button type="submit" disabled=${!chosen.length}>${chosen.length ? t(`交接所选 ${chosen.length} 人`, `Hand over the ${chosen.length} ticked`)
          : waiting.length ? t('请勾选要交接的人', 'Tick who goes') : t('没有待交接的人', 'Nobody left to hand over')}</button>
        <${Message} text=${handover.message} />
      </form>
    </div>`;
}

/** Scans the server refused, with its reason in plain words and what to do; they wait in its quarantine. */
export function RejectedList({ db }) {
  const [rows, setRows] = useState([]);
  const { changes } = useStore(store);  // a sync settles what the server refused
  useEffect(() => { db.getAll('rejected').then(setRows); }, [changes]);
  if (!rows.length) return null;
  return html`
    <details class="rejected" id="rejected" data-count=${rows.length}>
      <summary>${t(`被拒绝 ${rows.length} 条`, `Rejected: ${rows.length}`)}</summary>
      <ul>${rows.map((row) => {
        const [what, todo] = reasonText(row.reason, row.message);
        return html`<li><b>${what}</b>（${row.occurred_at.slice(5, 16).replace('T', ' ')}）<br />${todo}</li>`;
      })}</ul>
    </details>`;
}

export function SyncBadge({ state, onSync }) {
  const last = state.lastSyncAt ? new Date(state.lastSyncAt).toLocaleString(t('zh-CN', 'en-GB')) : t('从未', 'never');
  return html`
    <p class="sync ${state.error ? 'error' : ''}" id="sync-badge" data-queued=${state.queued}
        data-synced-at=${state.lastSyncAt || ''}>
      ${t('待上传', 'Queued')}: <b>${state.queued}</b> · ${t('上次同步', 'Last sync')}: ${last}
      ${state.error && html`<br /><span>${pick(state.error)}</span>`}
      <button type="button" class="link" onClick=${onSync}>${t('立即同步', 'Sync now')}</button>
    </p>`;
}


let audio = null;  // one for the page: a phone allows only a few, and 500 arrivals would make 500

function signal(colour) {
  navigator.vibrate?.(colour === 'green' ? 80 : colour === 'amber' ? [80, 80, 80] : [300, 100, 300]);
  try {
    audio ||= new AudioContext();
    const tone = audio.createOscillator();
    tone.frequency.value = colour === 'green' ? 880 : colour === 'amber' ? 600 : 220;
    tone.connect(audio.destination);
    tone.start();
    tone.stop(audio.currentTime + (colour === 'red' ? 0.5 : 0.15));
  } catch { /* no sound on this phone: the colour and the vibration still tell */ }
}

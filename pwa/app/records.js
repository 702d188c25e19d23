// The office's screen (admin, county, workstation): find workers (and export the list), open a
// record and its timeline, issue or re-issue the card (and print it), reveal the ID number with
// a reason — each look and each reveal is an audit entry the worker can see —, and re-assign
// someone who cannot cope to another employer; correct a worker's details (a worker.updated event)
// and register someone who comes to the office. Needs the network, except the re-assignment,
// which is queued like a scan.
import { h } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import htm from 'htm';

import { apiFetch } from './api.js';
import { eventName, statusName } from './worker.js';
import { pick, t } from './i18n.js';
import { idNumberProblem, phoneProblem } from './lib/idnumber.js';
import { ConsentFields, referenceData, underAgeWarning } from './register.js';
import { CountySelect, Message, done, errorText, useApi } from './ui.js';

const EDUCATION = [['none', '未上学', 'No schooling'], ['primary', '小学', 'Primary'], ['junior_secondary', '初中', 'Junior secondary'],
  ['senior_secondary', '高中', 'Senior secondary'], ['vocational', '中专/职高/技校', 'Vocational'], ['college', '大专', 'College'],
  ['university', '本科及以上', 'University']];
const CORRECTORS = ['admin', 'county', 'workstation'];  // access.py "worker.update"

const STATUSES = ['registered', 'at_fair', 'intent', 'assigned', 'departed', 'arrived', 'employed', 'ended'];

const html = htm.bind(h);

export function Records({ workerId, outbox, me }) {
  const [found, setFound] = useState(null);
  const [filters, setFilters] = useState(null);
  const [open, setOpen] = useState(null);
  const [message, setMessage] = useState('');
  const [registering, setRegistering] = useState(false);
  useEffect(() => { if (workerId) show(workerId); }, [workerId]);  // opened from a list: #workers/<id>

  async function search(event) {
    event.preventDefault();
    const form = new FormData(event.target);
    const wanted = Object.fromEntries([['q', form.get('q').trim()], ['status', form.get('status')]].filter(([, v]) => v));
    try {
      setFound((await apiFetch(`/api/workers?${new URLSearchParams({ ...wanted, per_page: '50' })}`)).items);
      setFilters(wanted);
      setMessage('');
    } catch (error) {
      setMessage(error.status ? pick(error.message) : t('查询需要联网。', 'Searching needs the network.'));
    }
  }

  async function show(id, notice = '') {
    try {
      const [record, events] = await Promise.all([apiFetch(`/api/workers/${id}`), apiFetch(`/api/workers/${id}/events`)]);
      setOpen({ record, events, card: null, idNumber: null, notice });
    } catch (error) {
      setMessage(errorText(error));
    }
  }

  return html`
    <section class="records" id="records">
      <h2>${t('务工人员', 'Workers')}</h2>
      ${registering ? html`<${OfficeRegister} me=${me} outbox=${outbox} onCancel=${() => setRegistering(false)}
          onOpen=${(id, notice) => { setRegistering(false); setFound(null); show(id, notice); }} />`
        : html`<button type="button" class="button secondary" id="office-register-open"
          onClick=${() => { setOpen(null); setRegistering(true); }}>${t('登记新人员', 'Register someone')}</button>`}
      ${!registering && html`<form onSubmit=${search}>
        <label>${t('姓名或身份证后四位', 'Name or last 4 of the ID')}<input name="q" /></label>
        <label>${t('状态', 'Status')}<select name="status">
          <option value="">${t('— 全部 —', '— Any —')}</option>
          ${STATUSES.map((s) => html`<option value=${s}>${statusName(s)}</option>`)}</select></label>
        <button type="submit">${t('查找', 'Search')}</button>
      </form>`}
      <${Message} text=${message} />
      ${filters && html`<p class="export" id="export">${t('导出此名单（身份证号已遮盖）', 'Export this list (ID numbers masked)')}：
        <a href=${`/api/workers/export?${new URLSearchParams({ ...filters, format: 'xlsx' })}`} download>Excel</a> ·
        <a href=${`/api/workers/export?${new URLSearchParams({ ...filters, format: 'csv' })}`} download>CSV</a></p>`}
      ${found && html`<ul class="found">${found.map((w) => html`
        <li><button type="button" class="link" data-worker=${w.id} onClick=${() => show(w.id)}>
          ${w.name} ${w.id_masked} · ${w.home?.township || ''} · ${statusName(w.status)}</button></li>`)}
        ${found.length === 0 && html`<li>${t('没有找到', 'Nobody found')}</li>`}</ul>`}
      ${open && html`<${Record} key=${open.record.id} open=${open} setOpen=${setOpen} outbox=${outbox} me=${me} />`}
    </section>`;
}

function Record({ open, setOpen, outbox, me }) {
  const { record } = open;
  const [reason, setReason] = useState('');
  const [message, setMessage] = useState('');

  const [reissuing, setReissuing] = useState(false);
  const [correcting, setCorrecting] = useState(false);

  /** The card as issued: shown, and printed alone on the page (no new card, nothing revoked). */
  async function printCard() {
    try {
      const response = await fetch(`/api/workers/${record.id}/card.svg`, { credentials: 'same-origin' });
      if (!response.ok) throw new Error(t('无法取得卡片，请联网后再试。', 'The card could not be fetched: try again online.'));
      const card = URL.createObjectURL(new Blob([await response.text()], { type: 'image/svg+xml' }));
      setOpen({ ...open, card });
      window.print();  // the card alone (styles/app.css: a record with its card prints only the card)
    } catch (error) {
      setMessage(errorText(error));
    }
  }

  async function issueCard() {
    const hadOne = Boolean(record.card_serial);
    setReissuing(false);
    try {
      await apiFetch(`/api/workers/${record.id}/credentials`, { method: 'POST' });
      const [response, fresh, events] = await Promise.all([fetch(`/api/workers/${record.id}/card.svg`, { credentials: 'same-origin' }),
        apiFetch(`/api/workers/${record.id}`), apiFetch(`/api/workers/${record.id}/events`)]);
      const svg = await response.text();  // the record again: it has a card now, and the timeline says so
      setOpen({ ...open, record: fresh, events, card: URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' })) });
      setMessage(done(hadOne ? t('已补发新卡，旧卡作废。', 'New card issued; the old one is revoked.')
        : t('已发卡。', 'Card issued.')));
    } catch (error) {
      setMessage(errorText(error));
    }
  }

  async function reveal(event) {
    event.preventDefault();
    try {
      const answer = await apiFetch(`/api/workers/${record.id}/reveal-id`, { method: 'POST', body: { reason } });
      setOpen({ ...open, idNumber: answer.id_number });
    } catch (error) {
      setMessage(errorText(error));
    }
  }

  return html`
    <article class="record" id="record" data-worker=${record.id}>
      <h3>${record.name}</h3>
      <p>${t('身份证', 'ID')}：<b id="id-number">${open.idNumber || record.id_masked}</b></p>
      <p>${record.home?.county_name || ''} ${record.home?.township || ''} ${record.home?.village || ''}
        · ${statusName(record.status)}${record.poor_household ? ` · ${t('建档立卡', 'registered poor household')}` : ''}</p>
      <p class="details" id="record-details">${t('手机', 'Mobile')}：${record.phone || '—'}
        · ${t('学历', 'Education')}：${educationName(record.education)}
        · ${t('意向工种', 'Wants')}：${(record.desired_jobs || []).join('、') || '—'}</p>
      ${open.notice && html`<${Message} text=${done(open.notice)} id="record-notice" />`}
      ${CORRECTORS.includes(me.role) && (correcting
    ? html`<${CorrectDetails} record=${record} idNumber=${open.idNumber} onCancel=${() => setCorrecting(false)}
          onSaved=${(fresh, events, notice) => { setCorrecting(false); setOpen({ ...open, record: fresh, events, idNumber: null, notice }); }} />`
    : html`<button type="button" class="button secondary" id="correct-open" onClick=${() => setCorrecting(true)}>
          ${t('更正信息', 'Correct the details')}</button>`)}
      <ol class="timeline">${open.events.map((e) => html`
        <li>${e.occurred_at.slice(0, 10)} ${eventName(e.type)}</li>`)}</ol>
      ${record.card_serial && html`<button type="button" class="button" id="print-card" onClick=${printCard}>
        ${t('打印现有卡片', 'Print the card')}</button>`}
      ${!record.card_serial && html`<button type="button" class="button" id="issue-card" onClick=${issueCard}>${t('发卡', 'Issue a card')}</button>`}
      ${record.card_serial && !reissuing && html`<button type="button" class="button secondary" id="reissue-card"
          onClick=${() => setReissuing(true)}>${t('补发新卡（旧卡作废）', 'Re-issue (the old card is revoked)')}</button>`}
      ${reissuing && html`<div class="confirm-reissue" role="alertdialog" id="confirm-reissue">
        <p>${t(`补发后 ${record.name} 的旧卡立即作废，扫旧卡将被拒绝。确定补发？`,
          `${record.name}'s old card stops working at once. Re-issue?`)}</p>
        <div class="pair"><button type="button" id="issue-card" onClick=${issueCard}>${t('确认补发', 'Re-issue')}</button>
          <button type="button" class="secondary" onClick=${() => setReissuing(false)}>${t('取消', 'Cancel')}</button></div></div>`}
      ${open.card && html`<img class="card" src=${open.card} alt=${t('务工卡', 'LaborPass card')} />
        <button type="button" class="button" onClick=${() => window.print()}>${t('打印', 'Print')}</button>`}
      ${!open.idNumber && html`<form onSubmit=${reveal}>
        <label>${t('查看完整身份证号的原因（记入审计）', 'Why the full ID number (audited)')}
          <input name="reason" required minlength="2" value=${reason} onInput=${(e) => setReason(e.target.value)} /></label>
        <button type="submit" id="reveal">${t('查看', 'Reveal')}</button>
      </form>`}
      ${record.status === 'employed' && html`<${Reassign} record=${record} outbox=${outbox} me=${me} />`}
      <${Eligibility} workerId=${record.id} />
      <${Message} text=${message} />
    </article>`;
}

/** What the person is eligible for today, with the evidence month by month. */
function Eligibility({ workerId }) {
  const [answer] = useApi(`/api/workers/${workerId}/eligibility`);
  if (!answer) return null;
  return html`
    <div class="eligibility" id="eligibility" data-items=${answer.items.length}>
      <h3>${t('补贴资格', 'Subsidies')}（${answer.as_of}）</h3>
      ${answer.items.length ? answer.items.map((item) => html`<details><summary>${item.amount} ${t('元', 'yuan')} · ${item.policy_code}
          · ${item.reached_on}</summary><ol>${item.explanation.map((line) => html`<li>${line}</li>`)}</ol></details>`)
        : html`<p class="hint">${t('暂无。', 'None yet.')}</p>`}
    </div>`;
}

/** Someone who cannot cope moves to another employer: continuity is kept when the new job starts
 * within 15 days. Queued like a scan (the record changes when the phone has synced). */
function Reassign({ record, outbox, me }) {
  const [employers] = useApi('/api/employers');
  const [recorded, setRecorded] = useState('');
  const others = (employers || []).filter((e) => e.id !== record.current_employer?.id);
  async function submit(event) {
    event.preventDefault();
    const form = new FormData(event.target);
    const to = others.find((e) => e.id === form.get('employer_id'));
    await outbox.add('employment.reassigned', { workerId: record.id, scannedBy: me.id, context: { employer_id: to.id },
      data: { ...(record.current_employer && { from_employer_id: record.current_employer.id }),
        ...(form.get('reason') && { reason: String(form.get('reason')) }) } });
    setRecorded(done(t(`已记录调往${to.name}，同步后生效。`, `Re-assignment to ${to.name} recorded: it counts once synced.`)));
  }
  if (recorded) return html`<${Message} text=${recorded} id="reassigned" />`;
  return html`
    <form id="reassign" onSubmit=${submit}>
      <h3>${t('调岗', 'Re-assign')}</h3>
      <p class="hint">${t(`现在在 ${record.current_employer?.name || '—'}，连续在岗 ${record.continuous_employment_days} 天。`,
        `Now at ${record.current_employer?.name || '—'}, ${record.continuous_employment_days} days without a break.`)}</p>
      <label>${t('调往', 'To')}<select name="employer_id" required>
        <option value="">${t('— 请选择 —', '— Choose —')}</option>
        ${others.map((e) => html`<option value=${e.id}>${e.name}</option>`)}</select></label>
      <label>${t('原因', 'Why')}<input name="reason" maxlength="500" /></label>
      <button type="submit">${t('记录调岗', 'Record the re-assignment')}</button>
    </form>`;
}

function educationName(code) {
  const found = EDUCATION.find(([value]) => value === code);
  return found ? t(found[1], found[2]) : '—';
}

/** Tags typed as "电子厂、缝纫" (or with commas, spaces): a list, as the import reads them. */
function tags(text) {
  return text.split(/[、,，;；/\s]+/).map((tag) => tag.trim()).filter(Boolean);
}

/** The messages for one field (and its parts: "home.township", "desired_jobs.0"), beside it. */
function FieldError({ errors, name, form }) {
  const messages = Object.entries(errors).filter(([key]) => key === name || key.startsWith(`${name}.`)).flatMap(([, m]) => [].concat(m));
  if (!messages.length) return null;
  return html`<p class="field-error" role="alert" id=${`${form}-${name.replace('.', '-')}-error`}>
    ${messages.map((m) => pick(String(m))).join(' ')}</p>`;
}

/** A refusal in words: the server's message and what it says of any field the form has no place for. */
function refusal(error, shownFields) {
  if (!error.status) return t('需要联网，请联网后再试。', 'This needs the network: try again online.');
  const shown = (key) => shownFields.some((name) => key === name || key.startsWith(`${name}.`));
  const rest = Object.entries(error.errors || {}).filter(([key]) => !shown(key))
    .map(([key, m]) => `${key}: ${[].concat(m).map((x) => pick(String(x))).join(' ')}`);
  return [pick(error.message), ...rest].join(' ');
}

/** After a refusal: the first field with a message, in view and focused (the form is long on a phone). */
function firstErrorInView(form) {
  requestAnimationFrame(() => {
    const error = form.querySelector('.field-error');
    if (!error) return;
    error.scrollIntoView({ block: 'center' });
    error.previousElementSibling?.querySelector('input, select')?.focus({ preventScroll: true });
  });
}

/** The errors less those of the field just edited (its message goes once the person changes it). */
function withoutField(errors, input) {
  const name = { county_code: 'home.county_code', township: 'home.township', village: 'home.village', channel: 'consent' }[input] || input;
  const left = Object.entries(errors).filter(([key]) => key !== name && !key.startsWith(`${name}.`));
  return left.length === Object.keys(errors).length ? errors : Object.fromEntries(left);
}

function savedNotice(saved, what) {
  return [what, ...(saved.warnings || []).map((w) => pick(w.message))].join(' ');
}

// The fields the forms below show their server's messages beside; any other is said in the message.
const CORRECTABLE = ['name', 'phone', 'home.county_code', 'home.township', 'home.village', 'education',
  'desired_jobs', 'skills', 'id_number'];

/** Correct a worker's details (PATCH /api/workers/<id>: a worker.updated event with what changed).
 * The ID number only once it has been revealed (a fresh passkey sign-in and a reason, audited). */
function CorrectDetails({ record, idNumber, onSaved, onCancel }) {
  const [errors, setErrors] = useState({});
  const [message, setMessage] = useState('');
  const home = record.home || {};
  async function submit(event) {
    event.preventDefault();
    const form = new FormData(event.target);
    const value = (name) => String(form.get(name) || '').trim();
    const wanted = {
      name: value('name'), phone: value('phone') || null,
      home: { county_code: value('county_code') || home.county_code, township: value('township'), village: value('village') || null },
      poor_household: form.get('poor_household') === 'on', education: value('education') || null,
      desired_jobs: tags(value('desired_jobs')), skills: tags(value('skills')),
      ...(idNumber && { id_number: value('id_number').toUpperCase() }),
    };
    const current = {
      name: record.name, phone: record.phone || null,
      home: { county_code: home.county_code, township: home.township, village: home.village || null },
      poor_household: Boolean(record.poor_household), education: record.education || null,
      desired_jobs: record.desired_jobs || [], skills: record.skills || [], id_number: idNumber,
    };
    const changes = Object.fromEntries(Object.entries(wanted).filter(([key, v]) => JSON.stringify(v) !== JSON.stringify(current[key])));
    const idProblem = changes.id_number && idNumberProblem(changes.id_number);
    if (idProblem) {
      setErrors({ id_number: [t(...idProblem)] });
      setMessage(t('请更正标出的字段。', 'Correct the fields marked.'));
      firstErrorInView(event.target);
      return;
    }
    if (!Object.keys(changes).length) {
      setErrors({});
      setMessage(t('没有改动：请先修改要更正的内容。', 'Nothing changed: edit what needs correcting first.'));
      return;
    }
    try {
      const saved = await apiFetch(`/api/workers/${record.id}`, { method: 'PATCH', body: changes });
      const events = await apiFetch(`/api/workers/${record.id}/events`);
      onSaved(saved, events, savedNotice(saved, t('已更正，记入时间线。', 'Corrected; the timeline says so.')));
    } catch (error) {
      setErrors(error.status === 409 ? { id_number: [error.message] } : error.errors || {});
      setMessage(refusal(error, CORRECTABLE));
      firstErrorInView(event.target);
    }
  }
  const field = (name) => html`<${FieldError} errors=${errors} name=${name} form="correct" />`;
  return html`
    <form id="correct" onSubmit=${submit} onInput=${(e) => setErrors(withoutField(errors, e.target.name))}>
      <h3>${t('更正信息', 'Correct the details')}</h3>
      <p class="hint">${t('更正记入此人的时间线（谁、何时、改了什么）。', 'A correction goes on the timeline: who, when, what changed.')}</p>
      <label>${t('姓名', 'Name')}<input name="name" required maxlength="50" defaultValue=${record.name} autocomplete="off" /></label>
      ${field('name')}
      ${idNumber ? html`<label>${t('身份证号', 'ID number')}<input name="id_number" required maxlength="18" defaultValue=${idNumber}
          autocomplete="off" autocapitalize="characters" /></label>${field('id_number')}`
    : html`<p class="hint">${t('身份证号须先“查看”完整号码（记入审计）后才能更正。', 'To correct the ID number, reveal it first (audited).')}</p>`}
      <label>${t('手机号', 'Mobile')}<input name="phone" type="tel" inputmode="numeric" maxlength="20" defaultValue=${record.phone || ''}
        autocomplete="off" /></label>
      ${field('phone')}
      <label>${t('户籍县', 'Home county')}<${CountySelect} side="origin" name="county_code" value=${home.county_code} /></label>
      ${field('home.county_code')}
      <label>${t('乡镇', 'Township')}<input name="township" required maxlength="50" defaultValue=${home.township || ''} /></label>
      ${field('home.township')}
      <label>${t('村', 'Village')}<input name="village" maxlength="50" defaultValue=${home.village || ''} /></label>
      ${field('home.village')}
      <label>${t('学历', 'Education')}<select name="education">
        <option value="">${t('— 未填 —', '— Not given —')}</option>
        ${EDUCATION.map(([code, zh, en]) => html`<option value=${code} selected=${code === record.education}>${t(zh, en)}</option>`)}
      </select></label>
      ${field('education')}
      <label>${t('意向工种（用“、”分隔）', 'Wanted jobs (separate with 、)')}<input name="desired_jobs"
        defaultValue=${(record.desired_jobs || []).join('、')} /></label>
      ${field('desired_jobs')}
      <label>${t('技能（用“、”分隔）', 'Skills (separate with 、)')}<input name="skills" defaultValue=${(record.skills || []).join('、')} /></label>
      ${field('skills')}
      <label class="check"><input type="checkbox" name="poor_household" defaultChecked=${record.poor_household} />
        ${t('建档立卡贫困户', 'Registered poor household')}</label>
      <div class="pair">
        <button type="submit">${t('保存更正', 'Save')}</button>
        <button type="button" class="secondary" onClick=${onCancel}>${t('取消', 'Cancel')}</button>
      </div>
      <${Message} text=${message} id="correct-message" />
    </form>`;
}

/** Someone who comes to the office: registered at once (POST /api/workers), with the fair's checks
 * of the ID number and phone and its consent notice; then their record opens, to issue the card. */
function OfficeRegister({ me, outbox, onOpen, onCancel }) {
  const [reference, setReference] = useState(undefined);
  const [errors, setErrors] = useState({});
  const [message, setMessage] = useState('');
  const [warned, setWarned] = useState('');  // the ID number warned about (under 16): a second tap registers
  const [existing, setExisting] = useState('');  // the ID number the server says is registered already
  useEffect(() => { referenceData(outbox.db).then((found) => setReference(found || null)); }, []);

  async function submit(event) {
    event.preventDefault();
    const form = new FormData(event.target);
    const value = (name) => String(form.get(name) || '').trim();
    const idNumber = value('id_number').toUpperCase();
    setExisting('');
    const problems = Object.entries({ id_number: idNumberProblem(idNumber), phone: phoneProblem(value('phone')) })
      .filter(([, problem]) => problem).map(([name, problem]) => [name, [t(...problem)]]);
    if (problems.length) {
      setErrors(Object.fromEntries(problems));
      setMessage(t('请更正标出的字段。', 'Correct the fields marked.'));
      firstErrorInView(event.target);
      return;
    }
    const underAge = underAgeWarning(idNumber);
    if (underAge && warned !== idNumber) {  // said once, loudly; the clerk decides
      setWarned(idNumber);
      setErrors({ id_number: [underAge] });
      setMessage(t('核实后再点一次“登记”。', 'Check, then tap Register again.'));
      firstErrorInView(event.target);
      return;
    }
    const body = {
      name: value('name'), id_number: idNumber, phone: value('phone') || null,
      home: { county_code: value('county_code'), township: value('township'), ...(value('village') && { village: value('village') }) },
      poor_household: form.get('poor_household') === 'on', ...(value('education') && { education: value('education') }),
      desired_jobs: tags(value('desired_jobs')), skills: tags(value('skills')),
      consent: { notice_version: reference.notice.version, channel: value('channel'), agreed: form.get('consent') === 'on' },
    };
    try {
      const worker = await apiFetch('/api/workers', { method: 'POST', body });
      onOpen(worker.id, savedNotice(worker, t(`已登记 ${worker.name}，可以发卡。`, `${worker.name} is registered: issue the card.`)));
    } catch (error) {
      if (error.code === 'duplicate_id_number') setExisting(idNumber);
      setErrors(error.status === 409 ? { id_number: [error.message] } : error.errors || {});
      setMessage(refusal(error, [...CORRECTABLE, 'consent']));
      firstErrorInView(event.target);
    }
  }

  /** The record already there, found by the full number (an audited search), if it is in scope. */
  async function openExisting() {
    try {
      const found = await apiFetch('/api/workers/search', { method: 'POST', body: { id_number: existing } });
      if (found.items.length) onOpen(found.items[0].id, '');
      else setMessage(t('已有的记录不在您的管辖范围内（其他县），请与该县联系。', 'The existing record is another county\'s: contact that county.'));
    } catch (error) {
      setMessage(errorText(error));
    }
  }

  if (reference === null) {
    return html`<p class="message" id="office-register-offline">${t('登记需要联网（县名和告知书从服务器取得）。',
      'Registering needs the network (the counties and the consent notice come from the server).')}</p>
      <button type="button" class="button secondary" onClick=${onCancel}>${t('返回', 'Back')}</button>`;
  }
  const counties = reference?.regions?.origin?.counties || [];
  const field = (name) => html`<${FieldError} errors=${errors} name=${name} form="office-register" />`;
  return html`
    <form id="office-register" onSubmit=${submit} onInput=${(e) => setErrors(withoutField(errors, e.target.name))}>
      <h3>${t('办公室登记', 'Register at the office')}</h3>
      <label>${t('姓名', 'Name')}<input name="name" required maxlength="50" autocomplete="off" /></label>
      ${field('name')}
      <label>${t('身份证号', 'ID number')}<input name="id_number" required maxlength="18" autocomplete="off"
        autocapitalize="characters" inputmode="text" /></label>
      ${field('id_number')}
      ${existing && html`<button type="button" class="button secondary" id="open-existing" onClick=${openExisting}>
        ${t('打开已有记录', 'Open the existing record')}</button>`}
      <label>${t('手机号', 'Mobile')}<input name="phone" type="tel" inputmode="numeric" maxlength="11" autocomplete="off" /></label>
      ${field('phone')}
      <label>${t('户籍县', 'Home county')}<select name="county_code" required>
        ${counties.map((c) => html`<option value=${c.code} selected=${c.code === me.county_code}>${c.name}</option>`)}</select></label>
      ${field('home.county_code')}
      <label>${t('乡镇', 'Township')}<input name="township" required maxlength="50" /></label>
      ${field('home.township')}
      <label>${t('村', 'Village')}<input name="village" maxlength="50" /></label>
      ${field('home.village')}
      <label>${t('学历', 'Education')}<select name="education">
        <option value="">${t('— 未填 —', '— Not given —')}</option>
        ${EDUCATION.map(([code, zh, en]) => html`<option value=${code}>${t(zh, en)}</option>`)}</select></label>
      ${field('education')}
      <label>${t('意向工种（用“、”分隔）', 'Wanted jobs (separate with 、)')}<input name="desired_jobs" /></label>
      ${field('desired_jobs')}
      <label>${t('技能（用“、”分隔）', 'Skills (separate with 、)')}<input name="skills" /></label>
      ${field('skills')}
      <label class="check"><input type="checkbox" name="poor_household" /> ${t('建档立卡贫困户', 'Registered poor household')}</label>
      <${ConsentFields} notice=${reference?.notice} />
      ${field('consent')}
      <div class="pair">
        <button type="submit" disabled=${!reference}>${t('登记', 'Register')}</button>
        <button type="button" class="secondary" onClick=${onCancel}>${t('取消', 'Cancel')}</button>
      </div>
      <${Message} text=${message} id="office-register-message" />
    </form>`;
}

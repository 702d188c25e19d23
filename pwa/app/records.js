// The office's screen (admin, county, workstation): find workers (and export the list), open a
// record and its timeline, issue or re-issue the card (and print it), reveal the ID number with
// a reason — each look and each reveal is an audit entry the worker can see —, and re-assign
// someone who cannot cope to another employer. Needs the network, except the re-assignment,
// which is queued like a scan.
import { h } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import htm from 'htm';

import { apiFetch } from './api.js';
import { eventName, statusName } from './worker.js';
import { pick, t } from './i18n.js';
import { Message, useApi } from './ui.js';

const STATUSES = ['registered', 'at_fair', 'intent', 'assigned', 'departed', 'arrived', 'employed', 'ended'];

const html = htm.bind(h);

export function Records({ workerId, outbox, me, onScanned }) {
  const [found, setFound] = useState(null);
  const [filters, setFilters] = useState(null);
  const [open, setOpen] = useState(null);
  const [message, setMessage] = useState('');
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

  async function show(id) {
    try {
      const [record, events] = await Promise.all([apiFetch(`/api/workers/${id}`), apiFetch(`/api/workers/${id}/events`)]);
      setOpen({ record, events, card: null, idNumber: null });
    } catch (error) {
      setMessage(pick(error.message));
    }
  }

  return html`
    <section class="records" id="records">
      <h2>${t('务工人员', 'Workers')}</h2>
      <form onSubmit=${search}>
        <label>${t('姓名或身份证后四位', 'Name or last 4 of the ID')}<input name="q" /></label>
        <label>${t('状态', 'Status')}<select name="status">
          <option value="">${t('— 全部 —', '— Any —')}</option>
          ${STATUSES.map((s) => html`<option value=${s}>${statusName(s)}</option>`)}</select></label>
        <button type="submit">${t('查找', 'Search')}</button>
      </form>
      <p class="message">${message}</p>
      ${filters && html`<p class="export" id="export">${t('导出此名单（身份证号已遮盖）', 'Export this list (ID numbers masked)')}：
        <a href=${`/api/workers/export?${new URLSearchParams({ ...filters, format: 'xlsx' })}`} download>Excel</a> ·
        <a href=${`/api/workers/export?${new URLSearchParams({ ...filters, format: 'csv' })}`} download>CSV</a></p>`}
      ${found && html`<ul class="found">${found.map((w) => html`
        <li><button type="button" class="link" data-worker=${w.id} onClick=${() => show(w.id)}>
          ${w.name} ${w.id_masked} · ${w.home?.township || ''} · ${statusName(w.status)}</button></li>`)}
        ${found.length === 0 && html`<li>${t('没有找到', 'Nobody found')}</li>`}</ul>`}
      ${open && html`<${Record} open=${open} setOpen=${setOpen} outbox=${outbox} me=${me} onScanned=${onScanned} />`}
    </section>`;
}

function Record({ open, setOpen, outbox, me, onScanned }) {
  const { record } = open;
  const [reason, setReason] = useState('');
  const [message, setMessage] = useState('');

  const [reissuing, setReissuing] = useState(false);

  /** The card as issued: shown, and printed alone on the page (no new card, nothing revoked). */
  async function printCard() {
    try {
      const response = await fetch(`/api/workers/${record.id}/card.svg`, { credentials: 'same-origin' });
      if (!response.ok) throw new Error(t('无法取得卡片，请联网后再试。', 'The card could not be fetched: try again online.'));
      const card = URL.createObjectURL(new Blob([await response.text()], { type: 'image/svg+xml' }));
      setOpen({ ...open, card });
      window.print();  // the card alone (styles/app.css: a record with its card prints only the card)
    } catch (error) {
      setMessage(pick(error.message));
    }
  }

  async function issueCard() {
    setReissuing(false);
    try {
      await apiFetch(`/api/workers/${record.id}/credentials`, { method: 'POST' });
      const [response, fresh, events] = await Promise.all([fetch(`/api/workers/${record.id}/card.svg`, { credentials: 'same-origin' }),
        apiFetch(`/api/workers/${record.id}`), apiFetch(`/api/workers/${record.id}/events`)]);
      const svg = await response.text();  // the record again: it has a card now, and the timeline says so
      setOpen({ ...open, record: fresh, events, card: URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' })) });
      setMessage(t('已发卡，旧卡作废。', 'Card issued; any earlier card is revoked.'));
    } catch (error) {
      setMessage(pick(error.message));
    }
  }

  async function reveal(event) {
    event.preventDefault();
    try {
      const answer = await apiFetch(`/api/workers/${record.id}/reveal-id`, { method: 'POST', body: { reason } });
      setOpen({ ...open, idNumber: answer.id_number });
    } catch (error) {
      setMessage(pick(error.message));
    }
  }

  return html`
    <article class="record" id="record" data-worker=${record.id}>
      <h3>${record.name}</h3>
      <p>${t('身份证', 'ID')}：<b id="id-number">${open.idNumber || record.id_masked}</b></p>
      <p>${record.home?.county_name || ''} ${record.home?.township || ''} ${record.home?.village || ''}
        · ${statusName(record.status)}${record.poor_household ? ` · ${t('建档立卡', 'registered poor household')}` : ''}</p>
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
      ${record.status === 'employed' && html`<${Reassign} record=${record} outbox=${outbox} me=${me} onScanned=${onScanned} />`}
      <${Eligibility} workerId=${record.id} />
      <p class="message" role="status">${message}</p>
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
function Reassign({ record, outbox, me, onScanned }) {
  const [employers] = useApi('/api/employers');
  const [done, setDone] = useState('');
  const others = (employers || []).filter((e) => e.id !== record.current_employer?.id);
  async function submit(event) {
    event.preventDefault();
    const form = new FormData(event.target);
    const to = others.find((e) => e.id === form.get('employer_id'));
    await outbox.add('employment.reassigned', { workerId: record.id, scannedBy: me.id, context: { employer_id: to.id },
      data: { ...(record.current_employer && { from_employer_id: record.current_employer.id }),
        ...(form.get('reason') && { reason: String(form.get('reason')) }) } });
    setDone(t(`已记录调往${to.name}，同步后生效。`, `Re-assignment to ${to.name} recorded: it counts once synced.`));
    onScanned();
  }
  if (done) return html`<${Message} text=${done} id="reassigned" />`;
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

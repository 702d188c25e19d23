// The office's screen (admin, county, workstation): find a worker, open the record and its
// timeline, issue or re-issue the card (and print it), reveal the ID number with a reason —
// each look and each reveal is an audit entry the worker can see. Needs the network.
import { h } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import htm from 'htm';

import { apiFetch } from './api.js';
import { eventName, statusName } from './worker.js';
import { pick, t } from './i18n.js';

const html = htm.bind(h);

export function Records({ workerId }) {
  const [found, setFound] = useState(null);
  const [open, setOpen] = useState(null);
  const [message, setMessage] = useState('');
  useEffect(() => { if (workerId) show(workerId); }, [workerId]);  // opened from a list: #workers/<id>

  async function search(event) {
    event.preventDefault();
    const q = new FormData(event.target).get('q').trim();
    try {
      setFound((await apiFetch(`/api/workers?${new URLSearchParams({ q, per_page: '20' })}`)).items);
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
        <label>${t('姓名或身份证后四位', 'Name or last 4 of the ID')}<input name="q" required /></label>
        <button type="submit">${t('查找', 'Search')}</button>
      </form>
      <p class="message">${message}</p>
      ${found && html`<ul class="found">${found.map((w) => html`
        <li><button type="button" class="link" data-worker=${w.id} onClick=${() => show(w.id)}>
          ${w.name} ${w.id_masked} · ${w.home?.township || ''} · ${statusName(w.status)}</button></li>`)}
        ${found.length === 0 && html`<li>${t('没有找到', 'Nobody found')}</li>`}</ul>`}
      ${open && html`<${Record} open=${open} setOpen=${setOpen} />`}
    </section>`;
}

function Record({ open, setOpen }) {
  const { record } = open;
  const [reason, setReason] = useState('');
  const [message, setMessage] = useState('');

  async function issueCard() {
    try {
      await apiFetch(`/api/workers/${record.id}/credentials`, { method: 'POST' });
      const response = await fetch(`/api/workers/${record.id}/card.svg`, { credentials: 'same-origin' });
      const svg = await response.text();
      setOpen({ ...open, card: URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' })) });
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
      <button type="button" class="button" id="issue-card" onClick=${issueCard}>
        ${record.card_serial ? t('补发新卡', 'Re-issue the card') : t('发卡', 'Issue a card')}</button>
      ${open.card && html`<img class="card" src=${open.card} alt=${t('务工卡', 'LaborPass card')} />
        <button type="button" class="button" onClick=${() => window.print()}>${t('打印', 'Print')}</button>`}
      ${!open.idNumber && html`<form onSubmit=${reveal}>
        <label>${t('查看完整身份证号的原因（记入审计）', 'Why the full ID number (audited)')}
          <input name="reason" required minlength="2" value=${reason} onInput=${(e) => setReason(e.target.value)} /></label>
        <button type="submit" id="reveal">${t('查看', 'Reveal')}</button>
      </form>`}
      <p class="message" role="status">${message}</p>
    </article>`;
}

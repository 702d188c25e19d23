// After arrival, for the workstation: the review queue of odd facts (each accepted or voided
// with a note, or several keyed-in ones accepted at once), the quarantine (./quarantine.js)
// and the morning's at-risk list, each name opening the worker's record.
import { useState } from 'preact/hooks';

import { apiFetch } from './api.js';
import { t } from './i18n.js';
import { Message, errorText, html, useApi } from './ui.js';
import { eventName, statusName } from './worker.js';
import { QuarantineList, useQuarantineCount } from './quarantine.js';

const REVIEW_REASONS = {
  onboarded_without_arrival: ['未到站就入职', 'Onboarded without an arrival'],
  second_employer: ['在别处在岗时又被入职', 'Onboarded while employed elsewhere'],
  arrived_for_two_batches: ['两个批次都扫了到站', 'Arrived for two batches'],
  after_leaving: ['离职后又有用工扫码', 'An employment scan after leaving'],
  late: ['补录超期（超过7天才上传）', 'Recorded late (sent more than 7 days after)'],
  keyed: ['未扫卡，按编号录入', 'Keyed in by id, no card scanned'],
};
const RISK_REASONS = {
  no_confirmation_35_days: ['35天未确认在岗', 'No confirmation for 35 days'],
  help_open_3_days: ['求助超过3天未办结', 'A request for help open over 3 days'],
  low_pay_2_months: ['连续两个月工资低于2800元', 'Paid under 2,800 yuan two months running'],
  ended_within_30_days_of_arrival: ['到岗30天内离职', 'Left within 30 days of arrival'],
  reassigned_twice: ['已调岗两次', 'Re-assigned twice'],
};
const say = (table, code) => (table[code] ? t(...table[code]) : code);

/** The office's 审核 screen: the review queue of accepted but doubtful facts, and the quarantine of
 * what could not be recorded at all, one at a time, each with its open count. */
export function ReviewsScreen() {
  const [part, setPart] = useState('queue');
  const [open, , reloadOpen] = useApi('/api/reviews?status=open&per_page=1');
  const [held, heldError, reloadHeld] = useQuarantineCount();
  const changed = () => { reloadOpen(); reloadHeld(); };
  const tab = (id, label, count) => html`<button type="button" role="tab" id=${`part-${id}`} aria-selected=${part === id}
      class=${part === id ? '' : 'secondary'} data-count=${count ?? ''} onClick=${() => setPart(id)}>
      ${label}${count != null ? ` ${count}` : ''}</button>`;
  return html`
    <section class="screen" id="reviews" data-part=${part}>
      <h2>${t('审核', 'Review')}</h2>
      <div class="pair parts" role="tablist">
        ${tab('queue', t('待审核事项', 'To review'), open?.total)}
        ${tab('quarantine', t('隔离区', 'Quarantine'), held)}
      </div>
      ${heldError && part === 'queue' ? html`<${Message} text=${heldError} />` : ''}
      ${part === 'queue' ? html`<${ReviewQueue} onChanged=${changed} />` : html`<${QuarantineList} onChanged=${changed} />`}
    </section>`;
}

/** Accepted facts that need a look, newest first; several can be accepted at once with one note
 * (an employer's month of roster ticks keyed in by id), one decision sent per item. */
function ReviewQueue({ onChanged }) {
  const [status, setStatus] = useState('open');
  const [page, error, reload] = useApi(`/api/reviews?status=${status}&per_page=100`);
  const [selected, setSelected] = useState(() => new Set());
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState(null);  // {succeeded, failures: [{event_id, name, text}]}
  const items = page?.items || [];
  const openItems = items.filter((item) => !item.decision);
  const keyed = openItems.filter((item) => item.reasons.includes('keyed'));
  const failed = Object.fromEntries((outcome?.failures || []).map((f) => [f.event_id, f.text]));
  function toggle(id) {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id); else next.add(id);
    setSelected(next);
  }
  const chosen = openItems.filter((item) => selected.has(item.event_id));
  async function acceptChosen() {
    setBusy(true);
    setOutcome(null);
    const failures = [];
    let succeeded = 0;
    for (const item of chosen) {  // one decision per item, in turn: each answered on its own
      try {
        await apiFetch(`/api/reviews/${item.event_id}`, { method: 'POST', body: { outcome: 'accepted', note: note.trim() } });
        succeeded += 1;
      } catch (err) {
        failures.push({ event_id: item.event_id, name: item.worker.name, type: item.type, text: errorText(err) });
      }
    }
    setOutcome({ succeeded, failures });
    setSelected(new Set(failures.map((f) => f.event_id)));
    setBusy(false);
    reload();
    onChanged();
  }
  function decidedOne() {
    reload();
    onChanged();
  }
  return html`
    <div id="review-queue" data-status=${status}>
      <label>${t('状态', 'Status')}<select name="status" value=${status} onChange=${(e) => { setOutcome(null); setSelected(new Set()); setStatus(e.target.value); }}>
        <option value="open">${t('待处理', 'Open')}</option><option value="decided">${t('已处理', 'Decided')}</option>
        <option value="all">${t('全部', 'All')}</option></select></label>
      <${Message} text=${error} />
      ${openItems.length > 0 && html`
        <div class="bulk" id="bulk" data-selected=${chosen.length}>
          <p class="hint">${t('可勾选多项，用同一说明一并确认属实（逐项提交，逐项回报）。',
            'Tick several to accept with one note (sent one by one, each answered).')}</p>
          <div class="pair">
            <button type="button" class="secondary" id="select-keyed" disabled=${!keyed.length}
              onClick=${() => setSelected(new Set(keyed.map((item) => item.event_id)))}>
              ${t(`全选未扫卡 ${keyed.length}`, `All keyed-in ${keyed.length}`)}</button>
            <button type="button" class="secondary" id="select-all"
              onClick=${() => setSelected(chosen.length === openItems.length ? new Set() : new Set(openItems.map((item) => item.event_id)))}>
              ${chosen.length === openItems.length ? t('取消全选', 'Select none') : t(`全选 ${openItems.length}`, `Select all ${openItems.length}`)}</button>
          </div>
          <label>${t('批量审核说明（必填）', 'Note for all ticked (required)')}<input name="bulk-note" value=${note}
            onInput=${(e) => setNote(e.target.value)} /></label>
          <button type="button" class="button" id="bulk-accept" disabled=${busy || !chosen.length || !note.trim()} onClick=${acceptChosen}>
            ${busy ? t('提交中…', 'Sending…') : t(`所选 ${chosen.length} 项均属实`, `Accept the ${chosen.length} ticked`)}</button>
        </div>`}
      ${outcome && html`<div class="bulk-result" id="bulk-result" role="status" data-succeeded=${outcome.succeeded}
          data-failed=${outcome.failures.length}>
        <p><b>${t(`已确认 ${outcome.succeeded} 项`, `${outcome.succeeded} accepted`)}</b>${outcome.failures.length
          ? t(`，${outcome.failures.length} 项未成功：`, `, ${outcome.failures.length} not:`) : t('，全部成功。', ', all of them.')}</p>
        ${outcome.failures.length > 0 && html`<ul>${outcome.failures.map((f) => html`
          <li data-event=${f.event_id}><b>${f.name}</b> · ${eventName(f.type)}：${f.text}</li>`)}</ul>`}
      </div>`}
      <ul class="list">${items.map((item) => html`<${ReviewItem} key=${item.event_id} item=${item} onDone=${decidedOne}
          selected=${selected.has(item.event_id)} onToggle=${() => toggle(item.event_id)} failure=${failed[item.event_id]} />`)}
        ${page && !items.length && html`<li>${t('没有待审核的事项。', 'Nothing to review.')}</li>`}</ul>
    </div>`;
}

function ReviewItem({ item, onDone, selected, onToggle, failure }) {
  const [note, setNote] = useState('');
  const [message, setMessage] = useState('');
  async function decide(outcome) {
    try {
      await apiFetch(`/api/reviews/${item.event_id}`, { method: 'POST', body: { outcome, note } });
      onDone();
    } catch (error) {
      setMessage(errorText(error));
    }
  }
  return html`
    <li class="review" data-event=${item.event_id} data-reasons=${item.reasons.join(' ')}>
      ${!item.decision && html`<label class="check"><input type="checkbox" name="pick" checked=${selected} onChange=${onToggle} />
        ${t('选中', 'Tick')}</label>`}
      <a href=${`#workers/${item.worker.id}`}><b>${item.worker.name}</b></a> · ${eventName(item.type)}
      · ${item.occurred_at.slice(0, 16).replace('T', ' ')}
      <br /><span class="warning-text">${item.reasons.map((r) => say(REVIEW_REASONS, r)).join('；')}</span>
      ${item.decision ? html`<br />${item.decision.outcome === 'voided' ? t('已撤销', 'Voided') : t('属实', 'Stands')}：${item.decision.note}` : html`
        <label>${t('审核说明', 'Note')}<input name="note" required value=${note} onInput=${(e) => setNote(e.target.value)} /></label>
        <div class="pair">
          <button type="button" disabled=${!note.trim()} onClick=${() => decide('accepted')}>${t('属实', 'It stands')}</button>
          <button type="button" class="secondary" disabled=${!note.trim()} onClick=${() => decide('voided')}>${t('撤销', 'Void it')}</button>
        </div>
        <${Message} text=${message || failure || ''} />`}
    </li>`;
}

export function AtRiskScreen() {
  const [page, error] = useApi('/api/at-risk?per_page=500');
  return html`
    <section class="screen" id="at-risk">
      <h2>${t('风险名单', 'At risk')}</h2>
      <p class="hint">${t('今天要联系的人：', 'Whom to call today:')} ${page ? page.total : '…'}</p>
      <${Message} text=${error} />
      <ul class="list">${(page?.items || []).map((item) => html`
        <li data-worker=${item.worker.id}><a href=${`#workers/${item.worker.id}`}><b>${item.worker.name}</b></a>
          <span class="warning-text">${item.reasons.map((r) => say(RISK_REASONS, r)).join('；')}</span>
          <span> · ${statusName(item.worker.status)}${item.worker.current_employer_name ? ` · ${item.worker.current_employer_name}` : ''}
            ${item.last_confirmed_on ? ` · ${t('上次确认', 'last confirmed')} ${item.last_confirmed_on}` : ''}
            ${item.employment_ended_on ? ` · ${t('离职于', 'left on')} ${item.employment_ended_on}` : ''}</span>
          ${item.worker.phone && html`<br /><a class="call" href=${`tel:${item.worker.phone}`}>${t('打电话', 'Call')} ${item.worker.phone}</a>`}</li>`)}
        ${page && !page.items.length && html`<li>${t('今天没有风险名单。', 'Nobody at risk today.')}</li>`}</ul>
    </section>`;
}

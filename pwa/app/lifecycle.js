// After arrival, for the workstation: the review queue of odd facts (each accepted or voided
// with a note) and the morning's at-risk list, each name opening the worker's record.
import { useState } from 'preact/hooks';

import { apiFetch } from './api.js';
import { t } from './i18n.js';
import { Message, errorText, html, useApi } from './ui.js';
import { eventName, statusName } from './worker.js';

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
  ended_within_30_days_of_arrival: ['到岗30天内离职', 'Left within 30 days of arrival'],
  reassigned_twice: ['已调岗两次', 'Re-assigned twice'],
};
const say = (table, code) => (table[code] ? t(...table[code]) : code);

export function ReviewsScreen() {
  const [status, setStatus] = useState('open');
  const [page, error, reload] = useApi(`/api/reviews?status=${status}&per_page=100`);
  return html`
    <section class="screen" id="reviews">
      <h2>${t('待审核', 'Review queue')}</h2>
      <select name="status" value=${status} onChange=${(e) => setStatus(e.target.value)}>
        <option value="open">${t('待处理', 'Open')}</option><option value="decided">${t('已处理', 'Decided')}</option>
        <option value="all">${t('全部', 'All')}</option></select>
      <${Message} text=${error} />
      <ul class="list">${(page?.items || []).map((item) => html`<${ReviewItem} key=${item.event_id} item=${item} onDone=${reload} />`)}
        ${page && !page.items.length && html`<li>${t('没有待审核的事项。', 'Nothing to review.')}</li>`}</ul>
    </section>`;
}

function ReviewItem({ item, onDone }) {
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
    <li class="review" data-event=${item.event_id}>
      <a href=${`#workers/${item.worker.id}`}><b>${item.worker.name}</b></a> · ${eventName(item.type)}
      · ${item.occurred_at.slice(0, 16).replace('T', ' ')}
      <br /><span class="warning-text">${item.reasons.map((r) => say(REVIEW_REASONS, r)).join('；')}</span>
      ${item.decision ? html`<br />${item.decision.outcome === 'voided' ? t('已撤销', 'Voided') : t('属实', 'Stands')}：${item.decision.note}` : html`
        <label>${t('审核说明', 'Note')}<input name="note" required value=${note} onInput=${(e) => setNote(e.target.value)} /></label>
        <div class="pair">
          <button type="button" disabled=${!note.trim()} onClick=${() => decide('accepted')}>${t('属实', 'It stands')}</button>
          <button type="button" class="secondary" disabled=${!note.trim()} onClick=${() => decide('voided')}>${t('撤销', 'Void it')}</button>
        </div>
        <${Message} text=${message} />`}
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
          <span> · ${statusName(item.worker.status)}${item.last_confirmed_on ? ` · ${t('上次确认', 'last confirmed')} ${item.last_confirmed_on}` : ''}
            ${item.employment_ended_on ? ` · ${t('离职于', 'left on')} ${item.employment_ended_on}` : ''}</span></li>`)}
        ${page && !page.items.length && html`<li>${t('今天没有风险名单。', 'Nobody at risk today.')}</li>`}</ul>
    </section>`;
}

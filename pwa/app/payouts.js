// Subsidies for the HR bureau: recompute everyone's eligibility as of today, then each payout
// approved, paid or rejected (with a reason) by the signed-in person; the finance export. The
// county targets, and how far each county has come, are on 政策目标 (policies.js).
import { useEffect, useState } from 'preact/hooks';

import { apiFetch, apiFetchPage } from './api.js';
import { t } from './i18n.js';
import { AskWhy, Message, Pager, done, errorText, html, useApi } from './ui.js';
import { eventName } from './worker.js';

const STATUS = {
  eligible: ['待审批', 'Eligible'], held: ['暂缓：证据待审核', 'Held: evidence to review'],
  approved: ['已审批', 'Approved'], paid: ['已发放', 'Paid'], rejected: ['已驳回', 'Rejected'],
  review: ['待复核', 'To review'],
};
// A held payout is approved once a reviewer has settled each piece of its evidence and it is recomputed.
const ACTIONS = { eligible: ['approve', 'reject'], held: ['reject'], review: ['reject'], approved: ['pay', 'reject'] };
const DOUBTS = {
  late: ['补录超期', 'recorded late'], keyed: ['未扫卡', 'keyed in by id'],
  onboarded_without_arrival: ['无到站记录', 'no arrival'], second_employer: ['另一企业在职', 'employed elsewhere'],
  arrived_for_two_batches: ['两个批次', 'two batches'], after_leaving: ['离职后', 'after leaving'],
};
const ACTION_NAMES = { approve: ['审批', 'Approve'], pay: ['发放', 'Mark paid'], reject: ['驳回', 'Reject'] };
const PER_PAGE = 50;  // a phone's screenful or few; the ledger may hold a hundred thousand

export function PayoutsScreen({ me }) {
  const [status, setStatus] = useState('eligible');
  const [page, setPage] = useState(1);
  const [found, error, reload] = useApi(`/api/payouts?status=${status}&per_page=${PER_PAGE}&page=${page}`, apiFetchPage);
  const payouts = found?.items;
  // the last one of the last page approved, paid or rejected: the page before, not an empty one
  useEffect(() => { if (found && !payouts.length && page > 1) setPage(Math.max(1, Math.ceil(found.total / PER_PAGE))); }, [found]);
  const [message, setMessage] = useState('');
  const manages = ['admin', 'county'].includes(me.role);

  async function recompute() {
    try {
      const counts = await apiFetch('/api/payouts/recompute', { method: 'POST', body: {} });
      setMessage(done(t(`新增 ${counts.new} 项，不再符合 ${counts.no_longer_eligible} 项。`,
        `${counts.new} new, ${counts.no_longer_eligible} no longer eligible.`)));
      reload();
    } catch (failure) {
      setMessage(errorText(failure));
    }
  }
  const [rejecting, setRejecting] = useState(null);  // the payout whose reason is being written
  async function act(payout, action) {
    setMessage('');
    if (action === 'reject') {
      setRejecting(payout.id);
      return;
    }
    try {
      await apiFetch(`/api/payouts/${payout.id}/${action}`, { method: 'POST', body: {} });
      setMessage(done(action === 'pay' ? t(`已登记发放 ${payout.amount} 元。`, `${payout.amount} yuan marked paid.`)
        : t(`已审批 ${payout.amount} 元。`, `${payout.amount} yuan approved.`)));
      reload();
    } catch (failure) {
      setMessage(errorText(failure));
    }
  }
  async function reject(payout, reason) {
    await apiFetch(`/api/payouts/${payout.id}/reject`, { method: 'POST', body: { reason } });
    setRejecting(null);
    setMessage(done(t(`已驳回 ${payout.amount} 元：${reason}`, `${payout.amount} yuan rejected: ${reason}`)));
    reload();
  }

  return html`
    <section class="screen" id="payouts">
      <h2>${t('补贴发放', 'Subsidies')}</h2>
      <p class="hint"><a class="inline" href="#policies/targets">${t('各县目标和完成情况', "Each county's targets and progress")}</a></p>
      ${manages && html`<button type="button" class="button" id="recompute" onClick=${recompute}>
        ${t('按今天重新核算', 'Recompute as of today')}</button>`}
      <${Message} text=${message || error} id="payouts-message" />
      <select name="status" value=${status} onChange=${(e) => { setStatus(e.target.value); setPage(1); }}>
        ${Object.entries(STATUS).map(([code, name]) => html`<option value=${code}>${t(...name)}</option>`)}</select>
      <p class="export">${t('导出（含合计）', 'Export with totals')}：
        <a href=${`/api/payouts/export?status=${status}&format=xlsx`} download>Excel</a> ·
        <a href=${`/api/payouts/export?status=${status}&format=csv`} download>CSV</a></p>
      <ul class="list">${(payouts || []).map((p) => html`
        <li class="payout" data-payout=${p.id} data-status=${p.status}>
          <b>${p.amount} ${t('元', 'yuan')}</b> · ${p.policy_code} · ${p.reached_on}
          ${p.worker_id && html` · <a href=${`#workers/${p.worker_id}`}>${t('人员', 'worker')}</a>`}
          ${p.flags.includes('no_longer_eligible') && html`<br /><span class="warning-text">${t('后来的证据不再支持此项', 'Later evidence no longer supports it')}</span>`}
          ${p.held_for && p.held_for.length > 0 && html`<div class="held">
            <p>${t('暂缓：以下证据审核后才能审批', 'Held: approve once a reviewer has settled')}</p>
            ${p.held_for.map((e) => html`<p data-event=${e.event_id}>${e.day} ${eventName(e.type)}：
              ${e.reasons.map((r) => t(...(DOUBTS[r] || [r, r]))).join('、')}</p>`)}
            <a href="#reviews">${t('去审核 →', 'Open the review queue →')}</a></div>`}
          <details><summary>${t('依据', 'Evidence')}</summary><ol>${p.explanation.map((line) => html`<li>${line}</li>`)}</ol></details>
          ${manages && rejecting !== p.id && html`<div class="pair">${(ACTIONS[p.status] || []).map((action) => html`
            <button type="button" class=${action === 'reject' ? 'secondary' : ''} data-action=${action}
              onClick=${() => act(p, action)}>${t(...ACTION_NAMES[action])}</button>`)}</div>`}
          ${rejecting === p.id && html`<${AskWhy} id="reject-payout" question=${t('驳回原因（记入发放记录）', 'Why is it rejected? (kept with the payout)')}
            action=${t(`驳回 ${p.amount} 元`, `Reject ${p.amount} yuan`)} onSubmit=${(reason) => reject(p, reason)}
            onCancel=${() => setRejecting(null)} />`}
        </li>`)}
        ${payouts && !payouts.length && html`<li>${t('没有此状态的项目。', 'Nothing with this status.')}</li>`}</ul>
      ${found && found.total > 0 && html`<p class="hint" id="payouts-count">${t(`共 ${found.total} 项`, `${found.total} in all`)}</p>`}
      <${Pager} found=${found} page=${page} setPage=${setPage} id="payouts-pager" />
    </section>`;
}

// The office's quarantine: what phones sent that the server could not record (a forged, revoked or
// out-of-scope card, an unknown person…; the phone said "已记录，待审核"). Each entry in plain words
// — why, what, when, where, who pushed it, whom it names (masked) — and what a reviewer does: accept
// it (with a correction of whom or which fair/batch it names) or dismiss it, with a note; reveal the
// ID number a refused registration carried (audited, after a fresh passkey sign-in).
import { useState } from 'preact/hooks';

import { apiFetch } from './api.js';
import { t } from './i18n.js';
import { roleName } from './roles.js';
import { REASONS, reasonText } from './reasons.js';
import { Message, done, errorText, html, shortTime, useApi } from './ui.js';
import { eventName } from './worker.js';

const STATUSES = [
  ['open', '待处理', 'Open'], ['reapplied', '已接受', 'Accepted'], ['dismissed', '已驳回', 'Dismissed'], ['all', '全部', 'All'],
];
const PLACES = { fair_id: ['招聘会', 'Fair'], batch_id: ['批次', 'Batch'], station: ['车站', 'Station'],
  employer_id: ['单位', 'Employer'], training_id: ['培训', 'Training'] };
// A card the server will refuse again however it is corrected: such a scan can only be dismissed.
const CARD_ITSELF = ['bad_signature', 'malformed', 'unsupported_version', 'revoked', 'expired'];
// The context field a reviewer may correct, for the reason that names it as missing.
const CONTEXT_FIX = { unknown_fair: 'fair_id', unknown_batch: 'batch_id', unknown_training: 'training_id',
  unknown_employer: 'employer_id' };
const FIX_LABELS = { fair_id: ['正确的招聘会编号', 'The right fair id'], batch_id: ['正确的批次编号', 'The right batch id'],
  training_id: ['正确的培训编号', 'The right training id'], employer_id: ['正确的单位编号', 'The right employer id'] };

const person = (p) => (p ? `${p.name}（${roleName(p.role)}）` : '');

/** The server's refusal in words, with what to do when its code is one of the scan reasons. */
export function refusalText(error) {
  if (error.status === 403 && /passkey|通行密钥/.test(error.message || '')) {
    return t('请重新用通行密钥登录后再查看。', 'Sign in again with your passkey, then reveal.');
  }
  const todo = REASONS[error.code] ? reasonText(error.code)[1] : '';
  return [errorText(error), todo].filter(Boolean).join(' ');
}

/** The open count, for the switch above the lists. */
export function useQuarantineCount() {
  const [page, error, reload] = useApi('/api/sync/quarantine?status=open&per_page=1');
  return [page ? page.total : null, error, reload];
}

export function QuarantineList({ onChanged }) {
  const [status, setStatus] = useState('open');
  const [page, error, reload] = useApi(`/api/sync/quarantine?status=${status}&per_page=100`);
  const [me] = useApi('/api/auth/me');
  const [decision, setDecision] = useState('');
  function decided(text) {
    setDecision(done(text));
    reload();
    onChanged();
  }
  const items = page?.items || [];
  return html`
    <div id="quarantine" data-status=${status} data-total=${page ? page.total : ''}>
      <p class="hint">${t('手机上显示“已记录，待审核”的扫码：服务器未能记入档案，由审核员决定记入或驳回。',
        'Scans the phone showed as "kept for review": the server could not record them; a reviewer records or dismisses each.')}</p>
      <label>${t('状态', 'Status')}<select name="quarantine-status" value=${status}
          onChange=${(e) => { setDecision(''); setStatus(e.target.value); }}>
        ${STATUSES.map(([value, zh, en]) => html`<option value=${value}>${t(zh, en)}</option>`)}</select></label>
      <${Message} id="quarantine-message" text=${error || decision} />
      <ul class="list">${items.map((entry) => html`
        <${Entry} key=${entry.id} entry=${entry} me=${me} onDecided=${decided} />`)}
        ${page && !items.length && html`<li>${status === 'open' ? t('隔离区没有待处理的记录。', 'Nothing waits in quarantine.')
          : t('没有这样的记录。', 'No such entries.')}</li>`}</ul>
      ${page && page.total > items.length && html`<p class="hint">${t(`显示最新 ${items.length} 条，共 ${page.total} 条。`,
        `The latest ${items.length} of ${page.total}.`)}</p>`}
    </div>`;
}

function whom(entry) {
  const { envelope = {}, summary = {} } = entry;
  const data = envelope.data || {};
  if (summary.worker) {
    return html`<a class="inline" href=${`#workers/${summary.worker.id}`}>${summary.worker.name} ${summary.worker.id_masked}</a>`;
  }
  if (envelope.type === 'worker.registered') {
    return `${data.name || ''} ${data.id_number_masked || ''}${t('（新登记）', ' (a new registration)')}`;
  }
  if (summary.card) {
    const untrusted = ['bad_signature', 'unknown_key', 'malformed'].includes(entry.reason);
    return `${t('卡面', 'The card says')}：${summary.card.name} ****${summary.card.id_last4}${
      untrusted ? t('（卡片不可信，以身份证为准）', ' (not a genuine card: check the ID card)') : ''}`;
  }
  if (envelope.worker_id) return `${t('编号', 'Id')} ${envelope.worker_id}${t('（系统中查无此人，或不在您的范围）', ' (nobody you can see by that id)')}`;
  return t('未注明', 'Not given');
}

function Entry({ entry, me, onDecided }) {
  const { envelope = {}, summary = {} } = entry;
  const [what, todo] = reasonText(entry.reason, entry.message);
  const places = Object.entries(summary.places || {}).map(([key, name]) => `${t(...PLACES[key])} ${name}`);
  const mine = me && [summary.pushed_by?.id, summary.scanner?.id].includes(me.id);
  return html`
    <li class="quarantine" data-entry=${entry.id} data-reason=${entry.reason} data-status=${entry.status}>
      <b class="reason">${what}</b>
      <span class="todo">${todo}</span>
      <dl class="facts">
        <dt>${t('事项', 'What')}</dt><dd>${eventName(envelope.type)}</dd>
        <dt>${t('时间', 'When')}</dt><dd>${shortTime(envelope.occurred_at)}
          <span>${t('（收到', ' (received ')}${shortTime(entry.received_at)}${entry.times_received > 1
            ? t(`，共 ${entry.times_received} 次`, `, ${entry.times_received} times`) : ''}${t('）', ')')}</span></dd>
        ${places.length > 0 && html`<dt>${t('地点', 'Where')}</dt><dd>${places.join(' · ')}</dd>`}
        <dt>${t('上传', 'Sent by')}</dt><dd>${person(summary.pushed_by) || `#${entry.user_id}`}</dd>
        ${summary.scanner && html`<dt>${t('扫码', 'Scanned by')}</dt><dd>${person(summary.scanner)}${t('（手机所记）', ' (as the phone says)')}</dd>`}
        <dt>${t('人员', 'Person')}</dt><dd class="whom">${whom(entry)}</dd>
      </dl>
      ${envelope.data?.id_number_masked && html`<${Reveal} entry=${entry} />`}
      ${entry.status === 'open' ? html`
        ${mine && html`<p class="warning-text">${t('这是您本人上传或扫描的记录：只能由另一位审核员驳回；接受后也仍须另一位审核员复核。',
          'You sent or made this scan: only another reviewer may dismiss it, and once accepted another reviewer still checks it.')}</p>`}
        <${Decide} entry=${entry} onDecided=${onDecided} />` : html`
        <p class="settled">${entry.status === 'reapplied' ? t('已接受，记入档案', 'Accepted, recorded') : t('已驳回', 'Dismissed')}
          ${summary.resolver ? ` · ${person(summary.resolver)}` : ''} · ${shortTime(entry.resolved_at)}：${entry.resolution}</p>`}
    </li>`;
}

function Reveal({ entry }) {
  const [reason, setReason] = useState('');
  const [number, setNumber] = useState('');
  const [message, setMessage] = useState('');
  async function reveal(event) {
    event.preventDefault();
    setMessage('');
    try {
      const answer = await apiFetch(`/api/sync/quarantine/${entry.id}/reveal-id`, { method: 'POST', body: { reason } });
      setNumber(answer.id_number);
    } catch (error) {
      setMessage(refusalText(error));
    }
  }
  if (number) return html`<p class="revealed">${t('身份证号', 'ID number')}：<b class="id-number">${number}</b></p>`;
  return html`
    <form class="reveal" onSubmit=${reveal}>
      <label>${t('查看完整身份证号的原因（记入审计）', 'Why the full ID number (audited)')}
        <input name="reveal-reason" required minlength="2" value=${reason} onInput=${(e) => setReason(e.target.value)} /></label>
      <button type="submit" class="secondary" data-action="reveal">${t('查看完整身份证号', 'Reveal the ID number')}</button>
      <${Message} text=${message} />
    </form>`;
}

function Decide({ entry, onDecided }) {
  const { envelope = {} } = entry;
  const [note, setNote] = useState('');
  const [worker, setWorker] = useState(null);  // the worker chosen instead of the id it names
  const [fix, setFix] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState('');
  // whom a scan names by id may be corrected (not a registration's own id, nor whose record a void or correction is)
  const byId = !['worker.registered', 'worker.updated', 'event.voided'].includes(envelope.type) && !envelope.credential
    && Boolean(envelope.worker_id);
  const contextKey = CONTEXT_FIX[entry.reason];
  function corrections() {
    const found = {};
    if (worker) found.worker_id = worker.id;
    if (contextKey && fix.trim()) found.context = { ...(envelope.context || {}), [contextKey]: fix.trim() };
    return found;
  }
  const corrected = Object.keys(corrections()).length > 0;
  async function send(action) {
    setBusy(true);
    setMessage('');
    try {
      const body = action === 'reapply' ? { corrections: corrections(), note: note.trim() } : { reason: note.trim() };
      await apiFetch(`/api/sync/quarantine/${entry.id}/${action}`, { method: 'POST', body });
      onDecided(action === 'reapply'
        ? t(`已接受：${eventName(envelope.type)}已记入档案${corrected ? '（按更正）' : ''}。仍有疑点的，会出现在“待审核事项”中。`,
          `Accepted: the ${eventName(envelope.type)} is recorded${corrected ? ' as corrected' : ''}. Anything still doubtful shows under "To review".`)
        : t('已驳回，不记入档案。', 'Dismissed: not recorded.'));
    } catch (error) {
      setMessage(refusalText(error));
      setBusy(false);
    }
  }
  const ready = note.trim() && !busy;
  return html`
    <div class="decide">
      ${byId && html`<${WorkerPick} chosen=${worker} onChoose=${setWorker} />`}
      ${contextKey && html`<label>${t(...FIX_LABELS[contextKey])}（${t('可不填', 'optional')}）
        <input name=${`fix-${contextKey}`} value=${fix} onInput=${(e) => setFix(e.target.value)} /></label>`}
      <label>${t('审核说明（必填）', 'Note (required)')}<input name="note" required value=${note}
        onInput=${(e) => setNote(e.target.value)} /></label>
      ${CARD_ITSELF.includes(entry.reason) && html`<p class="hint">${t('卡片本身不能用，这次扫码不能记入档案，只能驳回。',
        'The card itself cannot be used: this scan can only be dismissed.')}</p>`}
      <div class="pair">
        ${!CARD_ITSELF.includes(entry.reason) && html`<button type="button" data-action="reapply" disabled=${!ready}
          onClick=${() => send('reapply')}>${corrected ? t('按更正记入档案', 'Record it as corrected') : t('接受，记入档案', 'Accept: record it')}</button>`}
        <button type="button" class="secondary" data-action="dismiss" disabled=${!ready} onClick=${() => send('dismiss')}>
          ${t('驳回，不记入', 'Dismiss: do not record')}</button>
      </div>
      <${Message} text=${message} />
    </div>`;
}

/** Find the right worker by name or the last 4 of the ID number, for a scan that named a wrong id. */
function WorkerPick({ chosen, onChoose }) {
  const [q, setQ] = useState('');
  const [found, setFound] = useState(null);
  const [message, setMessage] = useState('');
  async function search(event) {
    event.preventDefault();
    setMessage('');
    try {
      const page = await apiFetch(`/api/workers?q=${encodeURIComponent(q.trim())}&per_page=8`);
      setFound(page.items);
      if (!page.items.length) setMessage(t('没有找到此人。', 'Nobody found.'));
    } catch (error) {
      setMessage(errorText(error));
    }
  }
  if (chosen) {
    return html`<p class="chosen">${t('更正为', 'Corrected to')}：<b>${chosen.name} ${chosen.id_masked}</b>
      <button type="button" class="link" onClick=${() => onChoose(null)}>${t('取消更正', 'Undo')}</button></p>`;
  }
  return html`
    <div class="worker-pick">
      <label>${t('更正人员（可不填）：姓名或身份证后4位', 'Correct the person (optional): name or last 4 of the ID')}
        <input name="worker-q" value=${q} onInput=${(e) => setQ(e.target.value)}
          onKeyDown=${(e) => { if (e.key === 'Enter') search(e); }} /></label>
      <button type="button" class="button secondary" data-action="find" disabled=${!q.trim()} onClick=${search}>${t('查找', 'Find')}</button>
      ${found && found.length > 0 && html`<ul class="picks">${found.map((w) => html`
        <li><button type="button" class="button secondary" data-worker=${w.id} onClick=${() => onChoose(w)}>
          ${w.name} ${w.id_masked}</button></li>`)}</ul>`}
      <${Message} text=${message} />
    </div>`;
}

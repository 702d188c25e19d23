// 娘家人: the workers' requests for help. On the worker's phone, a request (queued like a scan,
// offline too) and what became of each; for the workstation, the county's open requests, the
// oldest first, each answered (in words, a call logged, a re-assignment started on the record, a
// referral to the labour inspection) and closed — queued too, so a bad signal loses nothing.
import { useEffect, useState } from 'preact/hooks';

import { apiFetch } from './api.js';
import { t } from './i18n.js';
import { Message, done, errorText, html } from './ui.js';

export const CATEGORIES = [['unpaid_wages', '工资拖欠', 'Unpaid wages'], ['injury', '工伤', 'Injury'],
  ['housing', '住宿', 'Housing'], ['food', '饮食', 'Food'], ['job_fit', '岗位不适应', 'The job does not fit'],
  ['going_home', '返乡', 'Going home'], ['other', '其他', 'Other']];
const ACTIONS = [['answered', '答复', 'Answer'], ['call_logged', '已电话联系', 'Called'],
  ['reassignment_started', '安排调岗', 'Re-assignment started'], ['referred_to_inspection', '转劳动监察', 'Referred to the labour inspection']];
const STATUS = { open: ['待处理', 'Waiting'], answered: ['已答复', 'Answered'], closed: ['已办结', 'Closed'] };
const name = (table, code) => t(...(table.find(([c]) => c === code) || [code, code, code]).slice(1));
const KEPT = 'my-help';

/** On the worker's phone: ask, and read what became of each request (kept for offline). */
export function MyHelp({ db, outbox, record }) {
  const [requests, setRequests] = useState(null);
  const [asking, setAsking] = useState(false);
  const [notice, setNotice] = useState(null);
  useEffect(() => {
    apiFetch(`/api/workers/${record.id}/help`)
      .then(async (found) => { await db.put('meta', found, KEPT); setRequests(found); })
      .catch(async () => setRequests((await db.get('meta', KEPT)) || []));
  }, []);
  async function sent(data) {
    setAsking(false);
    setNotice(done(t('已提交，联网后送达劳务工作站。', 'Sent: it reaches the workstation once the phone is online.')));
    setRequests([{ id: 'pending', category: data.category, text: data.text, status: 'pending', steps: [] }, ...(requests || [])]);
  }
  return html`
    <div class="my-help" id="my-help">
      <h3>${t('找工作站帮忙', 'Ask the workstation for help')}</h3>
      <${Message} text=${notice} id="help-notice" />
      ${asking ? html`<${AskForm} outbox=${outbox} record=${record} onSent=${sent} onCancel=${() => setAsking(false)} />`
        : html`<button type="button" class="secondary" id="ask-help" onClick=${() => { setAsking(true); setNotice(null); }}>${t('我要求助', 'I need help')}</button>`}
      <ul class="list help-list">${(requests || []).map((r) => html`<li data-request=${r.id} data-status=${r.status}>
        <b>${name(CATEGORIES, r.category)}</b> · ${r.status === 'pending' ? t('待上传', 'To send') : t(...STATUS[r.status])}
        ${r.text && html`<p>${r.text}</p>`}
        ${r.steps.map((s) => html`<p class="answer">${t('工作站', 'Workstation')}：${s.text || name(ACTIONS, s.action)}</p>`)}
        ${r.closing_note && html`<p class="answer">${t('办结', 'Closed')}：${r.closing_note}</p>`}</li>`)}</ul>
    </div>`;
}

function AskForm({ outbox, record, onSent, onCancel }) {
  const [problem, setProblem] = useState('');
  async function submit(event) {
    event.preventDefault();
    const category = event.target.elements.category.value;
    const text = event.target.elements.text.value.trim();
    if (!category) return setProblem(t('请选择需要什么帮助。', 'Choose what help you need.'));
    if (category === 'other' && !text) return setProblem(t('选“其他”时请说明需要什么帮助。', 'Say what help you need when it is other.'));
    const data = { category, ...(text && { text }) };
    try {
      await outbox.add('help.requested', { workerId: record.id, data });
    } catch (error) {
      return setProblem(t(`未能保存在手机上：${error.message}`, `Could not keep it on the phone: ${error.message}`));
    }
    return onSent(data);
  }
  return html`
    <form id="ask-form" onSubmit=${submit} noValidate>
      <label>${t('需要什么帮助', 'What help')}<select name="category" onChange=${() => setProblem('')}>
        <option value="">${t('— 请选择 —', '— Choose —')}</option>
        ${CATEGORIES.map(([code, zh, en]) => html`<option value=${code}>${t(zh, en)}</option>`)}</select></label>
      <label>${t('说明（可选）', 'What happened (optional)')}<textarea name="text" rows="3" maxlength="500"></textarea></label>
      ${problem && html`<p class="field-error" role="alert" id="ask-error">${problem}</p>`}
      <div class="pair"><button type="button" class="secondary" onClick=${onCancel}>${t('取消', 'Cancel')}</button>
        <button type="submit">${t('提交', 'Send')}</button></div>
    </form>`;
}

/** For the workstation: the county's open requests, the oldest first. */
export function HelpScreen({ outbox, me }) {
  const [page, setPage] = useState(null);
  const [problem, setProblem] = useState('');
  const [open, setOpen] = useState(null);
  const [notice, setNotice] = useState(null);
  const [done_, setDone] = useState({});  // request id -> 'answered' | 'closed', until the next load
  useEffect(() => { apiFetch('/api/help-requests?per_page=500').then(setPage, (e) => setProblem(errorText(e))); }, []);
  async function act(line, type, data, text) {
    try {
      await outbox.add(type, { workerId: line.worker.id, scannedBy: me.id, data: { request_id: line.request.id, ...data } });
    } catch (error) {
      setNotice(t(`未能保存在手机上：${error.message}`, `Could not keep it on the phone: ${error.message}`));
      return;
    }
    setDone({ ...done_, [line.request.id]: type === 'help.closed' ? 'closed' : 'answered' });
    setOpen(null);
    setNotice(done(text));
  }
  const days = (iso) => Math.floor((Date.now() - new Date(iso)) / 86400000);
  const lines = (page?.items || []).filter((line) => done_[line.request.id] !== 'closed');
  return html`
    <section class="screen help" id="help">
      <h2>${t('务工人员求助', 'Requests for help')}</h2>
      <p class="hint">${t('超过3天未办结的求助会进入风险名单。', 'A request open more than 3 days goes on the at-risk list.')}</p>
      <${Message} text=${notice || problem} id="help-message" />
      ${page && !lines.length && html`<p class="hint" id="help-none">${t('没有待办的求助。', 'No open requests.')}</p>`}
      <ul class="list help-list">${lines.map((line) => html`
        <li data-request=${line.request.id} data-status=${done_[line.request.id] || line.request.status}
          class=${days(line.request.requested_at) >= 3 ? 'overdue' : ''}>
          <b>${line.worker.name}</b> · ${name(CATEGORIES, line.request.category)} · ${t(`${days(line.request.requested_at)} 天前`, `${days(line.request.requested_at)} days ago`)}
          ${line.worker.phone && html` <a class="call" href=${`tel:${line.worker.phone}`}>${line.worker.phone}</a>`}
          ${line.request.text && html`<p>${line.request.text}</p>`}
          ${line.request.steps.map((s) => html`<p class="answer">${name(ACTIONS, s.action)}：${s.text}</p>`)}
          ${open === line.request.id ? html`<${StepForm} line=${line} onAct=${act} onCancel=${() => setOpen(null)} />`
            : html`<button type="button" class="secondary handle-help" onClick=${() => { setOpen(line.request.id); setNotice(null); }}>${t('处理', 'Handle')}</button>`}
        </li>`)}</ul>
    </section>`;
}

function StepForm({ line, onAct, onCancel }) {
  const [action, setAction] = useState('answered');
  const [problem, setProblem] = useState('');
  function answer(event) {
    event.preventDefault();
    const text = event.target.elements.text.value.trim();
    if (!text) return setProblem(t('请写下给务工人员的答复。', 'Write the answer the worker reads.'));
    return onAct(line, 'help.answered', { action, text }, t(`已答复 ${line.worker.name}（同步后送达）。`, `Answered ${line.worker.name} (sent once synced).`));
  }
  function close(event) {
    const note = event.target.form.elements.text.value.trim();
    onAct(line, 'help.closed', note ? { note } : {}, t(`已办结 ${line.worker.name} 的求助。`, `Closed ${line.worker.name}'s request.`));
  }
  return html`
    <form class="step-form" id="step-form" onSubmit=${answer} noValidate>
      <label>${t('办理方式', 'What was done')}<select name="action" value=${action} onChange=${(e) => setAction(e.target.value)}>
        ${ACTIONS.map(([code, zh, en]) => html`<option value=${code}>${t(zh, en)}</option>`)}</select></label>
      ${action === 'reassignment_started' && html`<p class="hint"><a href=${`#workers/${line.worker.id}`} id="to-reassign">${t('到人员页面办理调岗', 'Re-assign on the record')}</a></p>`}
      <label>${t('答复 / 办结说明', 'Answer / closing note')}<textarea name="text" rows="3" maxlength="500"></textarea></label>
      ${problem && html`<p class="field-error" role="alert" id="step-error">${problem}</p>`}
      <div class="pair"><button type="submit">${t('发送答复', 'Send the answer')}</button>
        <button type="button" class="secondary" id="close-help" onClick=${close}>${t('办结', 'Close it')}</button></div>
      <button type="button" class="link" onClick=${onCancel}>${t('取消', 'Cancel')}</button>
    </form>`;
}

// 回访: the county's calls after a fair. Everyone who signed an intention is on the list to be
// called within 3 days, again the next day when no one answered, and in the week before the batch
// leaves; each call is written down — reached or not, still coming, or why not — and queued on
// the phone like a scan (offline too: the list last loaded is kept, and a call made is taken off
// it here at once; the server takes it off once synced). What the calls found is on 统计.
import { useEffect, useState } from 'preact/hooks';

import { apiFetch } from './api.js';
import { t } from './i18n.js';
import { Message, done, errorText, html } from './ui.js';

export const FOLLOW_UP_REASONS = [['pay', '工资低', 'Pay too low'], ['distance', '路途太远', 'Too far'],
  ['climate', '气候不适应', 'The climate'], ['food', '饮食不习惯', 'The food'], ['family', '家里走不开', 'Family'],
  ['farming_season', '农忙', 'Farming season'], ['left_elsewhere', '已去别处务工', 'Left for work elsewhere'],
  ['other', '其他', 'Other']];
const CALLS = { first: ['首次回访', 'First call'], again: ['再打一次', 'Call again'], before_batch: ['发车前回访', 'Before the batch'] };
const KEPT = 'follow-ups';  // the list last loaded, in the phone's meta store
const today = () => new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });

/** The list: from the server when it answers, else the one last kept (and says from when). */
async function loadList(db) {
  try {
    const page = await apiFetch('/api/follow-ups?per_page=500');
    await db.put('meta', { page, at: new Date().toISOString(), called: [] }, KEPT);
    return { page, offline: false, called: [] };
  } catch (error) {
    const kept = await db.get('meta', KEPT);
    if (!kept) throw error;
    return { page: kept.page, offline: kept.at, called: kept.called || [] };
  }
}

export function FollowUpsScreen({ outbox, me }) {
  const [found, setFound] = useState(null);
  const [problem, setProblem] = useState('');
  const [open, setOpen] = useState(null);
  const [notice, setNotice] = useState(null);
  const [called, setCalled] = useState([]);
  useEffect(() => {
    loadList(outbox.db).then((list) => { setFound(list); setCalled(list.called); },
      (error) => setProblem(errorText(error)));
  }, []);
  async function recorded(line, data, text) {
    const next = [...called, line.worker.id];
    const kept = await outbox.db.get('meta', KEPT);
    if (kept) await outbox.db.put('meta', { ...kept, called: next }, KEPT);
    setCalled(next);
    setOpen(null);
    setNotice(done(text));
  }
  const lines = (found?.page.items || []).filter((line) => !called.includes(line.worker.id));
  return html`
    <section class="screen follow-ups" id="follow-ups">
      <h2>${t('意向回访', 'Follow-up calls')}</h2>
      <p class="hint">${t('签了意向的人：3天内打第一次电话，发车前一周再打一次。', 'Who signed an intention: call within 3 days, and again the week before the batch.')}</p>
      ${found?.offline && html`<p class="message" id="follow-ups-offline">${t(`未联网：显示 ${new Date(found.offline).toLocaleString('zh-CN')} 的名单，回访记录会在联网后上传。`,
        `Offline: the list of ${new Date(found.offline).toLocaleString('en-GB')}; the calls are sent once online.`)}</p>`}
      <${Message} text=${notice || problem} id="follow-ups-message" />
      ${found && !lines.length && html`<p class="hint" id="follow-ups-none">${t('今天没有要打的电话。', 'No calls due today.')}</p>`}
      <ul class="list follow-up-list">${lines.map((line) => html`
        <li data-worker=${line.worker.id} data-call=${line.call} class=${line.due_on < today() ? 'overdue' : ''}>
          <b>${line.worker.name}</b> ${line.worker.home?.township || ''}
          ${line.worker.phone && html` <a class="call" href=${`tel:${line.worker.phone}`}>${line.worker.phone}</a>`}
          <p>${t(...CALLS[line.call])} · ${t('截止', 'due')} ${line.due_on}${line.due_on < today() ? t('（已逾期）', ' (overdue)') : ''}</p>
          <p class="hint">${line.fair?.name || ''} ${line.intent_on} ${t('签', 'signed')} ${line.employer_name || ''}
            ${line.calls ? t(` · 已打 ${line.calls} 次`, ` · ${line.calls} calls`) : ''}${line.departs_on ? t(` · ${line.departs_on} 发车`, ` · departs ${line.departs_on}`) : ''}</p>
          ${open === line.worker.id
            ? html`<${CallForm} line=${line} outbox=${outbox} me=${me} onCancel=${() => setOpen(null)} onRecorded=${recorded} />`
            : html`<button type="button" class="secondary record-call" onClick=${() => { setOpen(line.worker.id); setNotice(null); }}>
                ${t('记录回访', 'Record the call')}</button>`}
        </li>`)}</ul>
    </section>`;
}

/** One call's answer, as the program asks it: reached? still coming? if not, why? */
function CallForm({ line, outbox, me, onCancel, onRecorded }) {
  const [reached, setReached] = useState(null);
  const [coming, setComing] = useState(null);
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState('');
  async function submit(event) {
    event.preventDefault();
    const note = event.target.elements.note?.value.trim() || '';
    if (reached === null) return setProblem(t('请选择是否接通。', 'Say whether you reached them.'));
    if (reached && coming === 'no' && !reason) return setProblem(t('不来了，请选原因。', 'Not coming: choose why.'));
    if (reason === 'other' && !note) return setProblem(t('原因为“其他”时请说明。', 'Say what it is when the reason is other.'));
    const data = { reached, ...(reached && { coming: { yes: true, no: false }[coming] ?? null }),
      ...(reached && coming === 'no' && { reason }), ...(note && { note }) };
    try {
      await outbox.add('intention.followed_up', { workerId: line.worker.id, scannedBy: me.id,
        context: { fair_id: line.fair?.id }, data });
    } catch (error) {
      return setProblem(t(`未能保存在手机上：${error.message}`, `Could not keep it on the phone: ${error.message}`));
    }
    const said = !reached ? t('未接通，明天再打', 'not reached: call again tomorrow')
      : { yes: t('会来', 'coming'), no: t('不来了', 'not coming') }[coming] || t('还没定', 'undecided');
    return onRecorded(line, data, t(`已记录 ${line.worker.name}：${said}（同步后计入）。`, `Recorded ${line.worker.name}: ${said} (counts once synced).`));
  }
  const choice = (name, value, current, set, zh, en) => html`<label class="check"><input type="radio" name=${name} value=${value}
    checked=${current === value} onChange=${() => { set(value); setProblem(''); }} /> ${t(zh, en)}</label>`;
  return html`
    <form class="call-form" id="call-form" data-worker=${line.worker.id} onSubmit=${submit}>
      <fieldset><legend>${t('接通了吗', 'Reached?')}</legend>
        ${choice('reached', true, reached, setReached, '接通了', 'Reached')}
        ${choice('reached', false, reached, (v) => { setReached(v); setComing(null); setReason(''); }, '没接通', 'No answer')}</fieldset>
      ${reached && html`<fieldset><legend>${t('还来吗', 'Still coming?')}</legend>
        ${choice('coming', 'yes', coming, setComing, '会来', 'Coming')}
        ${choice('coming', 'no', coming, setComing, '不来了', 'Not coming')}
        ${choice('coming', 'undecided', coming, (v) => { setComing(v); setReason(''); }, '还没定', 'Undecided')}</fieldset>`}
      ${reached && coming === 'no' && html`<label>${t('为什么不来', 'Why not')}<select name="reason" value=${reason}
        onChange=${(e) => { setReason(e.target.value); setProblem(''); }}>
        <option value="">${t('— 请选择 —', '— Choose —')}</option>
        ${FOLLOW_UP_REASONS.map(([code, zh, en]) => html`<option value=${code}>${t(zh, en)}</option>`)}</select></label>`}
      <label>${t('备注', 'Note')}<input name="note" maxlength="500" autocomplete="off" /></label>
      ${problem && html`<p class="field-error" role="alert" id="call-error">${problem}</p>`}
      <div class="pair"><button type="button" class="secondary" onClick=${onCancel}>${t('取消', 'Cancel')}</button>
        <button type="submit">${t('保存', 'Save')}</button></div>
    </form>`;
}

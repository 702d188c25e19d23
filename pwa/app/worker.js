// The worker's own phone: "my card" full screen (kept on the phone, so it shows with no
// network), the record's status and timeline. The card carries the workstation's hotline.
import { h } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import htm from 'htm';

import { Camera } from './camera.js';
import { t } from './i18n.js';
import { MyHelp } from './help.js';
import { Message, done } from './ui.js';

const html = htm.bind(h);
const STATUS = {
  registered: ['已登记', 'Registered'], at_fair: ['已参加招聘会', 'At a fair'], intent: ['已签意向', 'Intention signed'],
  assigned: ['已编入批次', 'On a batch'], departed: ['已出发', 'Departed'], arrived: ['已到达', 'Arrived'],
  employed: ['在岗', 'At work'], ended: ['已离职', 'Left the job'],
};
const EVENTS = {
  'worker.registered': ['登记', 'Registered'], 'credential.issued': ['发卡', 'Card issued'],
  'credential.revoked': ['旧卡作废', 'Card revoked'], 'fair.preregistered': ['招聘会预报名', 'Pre-registered for a fair'],
  'fair.checked_in': ['招聘会签到', 'At a fair'], 'fair.intent_signed': ['签订意向', 'Job intention'],
  'batch.assigned': ['编入批次', 'On a batch'], 'batch.departed': ['出发', 'Departed'], 'station.arrived': ['到站', 'Arrived'],
  'employer.onboarded': ['入职', 'Onboarded'], 'employment.confirmed': ['在岗确认', 'Confirmed at work'],
  'employment.reassigned': ['调岗', 'Re-assigned'], 'employment.ended': ['离职', 'Left the job'],
  'training.attended': ['参加培训', 'Training'], 'worker.updated': ['信息更正', 'Details corrected'],
  'event.voided': ['更正撤销', 'A record voided'], 'intention.followed_up': ['意向回访', 'Follow-up call'],
  'pay.answered': ['答复工资', 'Answered the pay'], 'help.requested': ['求助', 'Asked for help'],
  'help.answered': ['工作站答复', 'The workstation answered'], 'help.closed': ['求助办结', 'Request closed'],
};
/** A record's status in words. */
export const statusName = (code) => (STATUS[code] ? t(...STATUS[code]) : code);
/** An event's type in words, for a timeline. */
export const eventName = (type) => (EVENTS[type] ? t(...EVENTS[type]) : type);

async function fetchText(path) {
  const response = await fetch(path, { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.text();
}

/** Fetch the worker's card and record when online, keep them on the phone; answer what is kept. */
async function refresh(db) {
  try {
    const mine = JSON.parse(await fetchText('/api/workers?per_page=1')).items[0];
    const [record, svg, events, eligibility] = await Promise.all([
      fetchText(`/api/workers/${mine.id}`).then(JSON.parse),
      fetchText(`/api/workers/${mine.id}/card.svg`).catch(() => null),
      fetchText(`/api/workers/${mine.id}/events`).then(JSON.parse),
      fetchText(`/api/workers/${mine.id}/eligibility`).then(JSON.parse).catch(() => null),
    ]);
    const kept = { record, svg, events, eligibility, at: new Date().toISOString() };
    await db.put('meta', kept, 'my-card');
    return kept;
  } catch {
    return db.get('meta', 'my-card');
  }
}

const MILESTONES = [[30, '满1个月', '1 month'], [90, '满3个月', '3 months'], [180, '满6个月', '6 months']];

/** How long without a break, and how far to the months that stabilisation subsidies count:
 * facts from the record; what is paid is for the HR bureau to decide. */
function Progress({ record, at }) {
  const days = (record.continuous_employment_days || 0)
    + Math.max(0, Math.floor((Date.now() - new Date(at).getTime()) / 86_400_000));  // the days since the record was fetched
  return html`
    <div class="progress" id="progress" data-days=${days}>
      <p>${t(`在 ${record.current_employer?.name || ''} 连续在岗 ${days} 天`, `${days} days at work without a break${record.current_employer ? ` at ${record.current_employer.name}` : ''}`)}</p>
      <progress max="180" value=${Math.min(days, 180)}></progress>
      <ul class="milestones">${MILESTONES.map(([goal, zh, en]) => html`<li data-reached=${days >= goal}>
        ${t(zh, en)}：${days >= goal ? t('已达到', 'reached') : t(`还差 ${goal - days} 天`, `${goal - days} days to go`)}</li>`)}</ul>
      <p class="hint">${t('以上为在岗天数。补贴按人社部门核实的月份计算：每月须有单位确认，并由您本人扫一次工作地点码。',
        'These are days at work. Subsidies count the months the HR bureau verified: each month needs your employer\'s confirmation and your own scan of the workplace code.')}</p>
    </div>`;
}

const PAYOUT_STATUS = {
  eligible: ['已符合，待审批', 'Reached: awaiting approval'], approved: ['已审批，待发放', 'Approved: to be paid'],
  paid: ['已发放', 'Paid'], rejected: ['未通过', 'Not granted'],
  held: ['暂缓：有记录待工作站核实', 'On hold: a record awaits the workstation\'s check'],
};

/** What the worker has reached, as the HR bureau's rules count it: amount, and where it stands. */
function MySubsidies({ eligibility }) {
  if (!eligibility) return null;
  const status = (item) => item.status || (item.held_for?.length ? 'held' : 'eligible');
  return html`
    <div class="eligibility" id="my-subsidies" data-items=${eligibility.items.length}>
      <h3>${t('我的补贴', 'My subsidies')}</h3>
      ${eligibility.items.length ? html`<ul class="list">${eligibility.items.map((item) => html`<li data-status=${status(item)}>
          <b>${item.amount} ${t('元', 'yuan')}</b> · ${t('达到于', 'reached on')} ${item.reached_on}
          <br />${t(...(PAYOUT_STATUS[status(item)] || [status(item), status(item)]))}</li>`)}</ul>`
        : html`<p class="hint">${t('暂未达到补贴条件。', 'No subsidy reached yet.')}</p>`}
    </div>`;
}

/** The month's pay as the employer gave it, and the worker's answer: what I got, or not (queued
 * like the confirmation; kept on the phone, so it is answered once). */
function MyPay({ db, outbox, record }) {
  const { month, pay, disputed, claimed } = record.pay;
  const key = `pay-answered:${month}`;
  const [answered, setAnswered] = useState(undefined);
  const [disputing, setDisputing] = useState(false);
  const [problem, setProblem] = useState('');
  useEffect(() => { db.get('meta', key).then((found) => setAnswered(found || null)); }, [key]);
  async function answer(agreed, actual) {
    const data = { month, agreed, ...(actual !== undefined && { actual }) };
    try {
      await outbox.add('pay.answered', { workerId: record.id, data, marks: [[key, data]] });
    } catch (error) {
      setProblem(t(`未能保存在手机上：${error.message}`, `Could not keep it on the phone: ${error.message}`));
      return;
    }
    setAnswered(data);
    setDisputing(false);
  }
  function submit(event) {
    event.preventDefault();
    const typed = event.target.elements.actual.value.trim();
    const actual = Number(typed);
    if (typed === '' || !Number.isInteger(actual) || actual < 0 || actual > 100000) {
      setProblem(t('请填实际到手的月工资（元，整数）。', 'Give the pay you got (whole yuan).'));
      return;
    }
    answer(false, actual);
  }
  const mine = answered || (disputed === null ? null : { agreed: !disputed, actual: claimed });
  return html`
    <div class="my-pay" id="my-pay" data-month=${month}>
      <h3>${t(`${month} 工资`, `Pay for ${month}`)}</h3>
      <p>${t('企业填报', "The employer's figure")}：<b>${pay} ${t('元', 'yuan')}</b></p>
      ${mine ? html`<p class="message ok" id="pay-answer">${mine.agreed ? t('您已确认属实。', 'You confirmed it.')
        : t(`您报的实际工资：${mine.actual} 元（已转劳务工作站）。`, `You said you got ${mine.actual} yuan (sent to the workstation).`)}
        ${answered && disputed === null ? t(' 联网后计入。', ' Counts once synced.') : ''}</p>`
      : disputing ? html`<form id="pay-dispute" onSubmit=${submit} noValidate>
          <label>${t('实际到手（元）', 'What I got (yuan)')}<input type="number" name="actual" inputmode="numeric" min="0" max="100000" /></label>
          ${problem && html`<p class="field-error" role="alert" id="pay-error">${problem}</p>`}
          <div class="pair"><button type="button" class="secondary" onClick=${() => setDisputing(false)}>${t('取消', 'Cancel')}</button>
            <button type="submit">${t('提交', 'Send')}</button></div></form>`
      : html`<div class="pair"><button type="button" id="pay-agree" onClick=${() => answer(true)}>${t('属实', 'That is right')}</button>
          <button type="button" class="secondary" id="pay-disagree" onClick=${() => { setDisputing(true); setProblem(''); }}>${t('有出入', 'Not what I got')}</button></div>
          ${problem && html`<p class="field-error" role="alert" id="pay-error">${problem}</p>`}`}
    </div>`;
}

export function MyCard({ db, outbox }) {
  const [kept, setKept] = useState(undefined);
  const [full, setFull] = useState(false);
  const [confirmed, setConfirmed] = useState('');
  useEffect(() => { refresh(db).then((found) => setKept(found || null)); }, []);
  async function confirm(text) {
    if (!text.startsWith('LPS1:')) {
      setConfirmed(t('这不是工作地点码。', 'This is not a workplace code.'));
      return;
    }
    await outbox.add('employment.confirmed', { workerId: kept.record.id, data: { site_code: text } });
    setConfirmed(done(t('已记录，联网后确认。', 'Recorded: confirmed when the phone syncs.')));
  }
  const svg = kept?.svg;
  const src = useMemo(() => svg && URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' })), [svg]);  // one per card, not per render
  if (kept === undefined) return html`<p>${t('正在加载…', 'Loading…')}</p>`;
  if (!kept) return html`<p class="message">${t('请联网打开一次，卡片会保存在手机上。', 'Open once with the network: the card then stays on this phone.')}</p>`;
  return html`
    <section class="my-card" id="my-card" data-status=${kept.record.status}>
      <h2>${t('我的务工卡', 'My card')}</h2>
      ${src ? html`<img class=${full ? 'card full' : 'card'} src=${src} alt=${t('务工卡', 'LaborPass card')}
          onClick=${() => setFull(!full)} />
        <p class="hint">${t('点卡片全屏显示，扫码时请调亮屏幕。', 'Tap for full screen; turn the brightness up for scanning.')}</p>`
    : html`<p class="message">${t('尚未发卡，请到工作站领取。', 'No card yet: ask the workstation.')}</p>`}
      <p>${t('状态', 'Status')}：<b>${statusName(kept.record.status)}</b></p>
      ${kept.record.status === 'employed' && html`
        <h3>${t('在岗确认', 'Confirm I am at work')}</h3>
        <p class="hint">${t('扫描工作地点张贴的当日二维码。', "Scan the day's code posted at your workplace.")}</p>
        <${Camera} onCode=${confirm} />
        <${Message} text=${confirmed} id="confirmed" />`}
      ${kept.record.status === 'employed' && html`<${Progress} record=${kept.record} at=${kept.at} />`}
      ${kept.record.pay && html`<${MyPay} db=${db} outbox=${outbox} record=${kept.record} />`}
      <${MyHelp} db=${db} outbox=${outbox} record=${kept.record} />
      <${MySubsidies} eligibility=${kept.eligibility} />
      ${kept.record.workstation_hotline && html`<div class="workstation" id="workstation">
        ${kept.record.workstation?.name && html`<p><b>${kept.record.workstation.name}</b></p>`}
        <p>${t('劳务工作站电话', 'Workstation')}：<a href=${`tel:${kept.record.workstation_hotline}`}
          id="hotline">${kept.record.workstation_hotline}</a></p>
        ${kept.record.workstation?.address && html`<p id="workstation-address">${t('地址', 'Address')}：${kept.record.workstation.address}</p>`}
      </div>`}
      <ol class="timeline">${kept.events.map((e) => html`
        <li>${e.occurred_at.slice(0, 10)} ${eventName(e.type)}</li>`)}</ol>
      <p class="hint">${t('更新于', 'Updated')} ${new Date(kept.at).toLocaleString(t('zh-CN', 'en-GB'))}</p>
    </section>`;
}

// Fairs for the office: the list, planning one (with its lunar date, and the warning when it
// falls after 正月十五, when workers have left), and the fair's page — the funnel first, the
// live counts, the employers and the jobs they bring. Employers see their own part.
import { useEffect, useState } from 'preact/hooks';

import { apiFetch } from './api.js';
import { CardSheetButton } from './cardsheet.js';
import { pick, t } from './i18n.js';
import { CountySelect, Message, errorText, formValues, html, useApi } from './ui.js';

const PLANNERS = ['admin', 'county', 'workstation'];

export const FUNNEL = [
  ['attended', '到场', 'Attended'], ['intent', '签意向', 'Intention'], ['followed_up', '已回访', 'Followed up'], ['assigned', '编入批次', 'On a batch'],
  ['departed', '出发', 'Departed'], ['arrived', '到达', 'Arrived'], ['onboarded', '入职', 'Onboarded'],
  ['employed_1_month', '在岗满1月', '1 month'], ['employed_3_months', '满3月', '3 months'],
  ['employed_6_months', '满6月', '6 months'],
];

export function FairsScreen({ me, route }) {
  if (route[0] === 'new') return html`<${PlanFair} me=${me} />`;
  if (route[0]) return html`<${FairPage} me=${me} fairId=${route[0]} />`;
  return html`<${FairList} me=${me} />`;
}

function FairList({ me }) {
  const [page, error] = useApi('/api/fairs?per_page=100');
  return html`
    <section class="screen" id="fairs">
      <h2>${t('招聘会', 'Fairs')}</h2>
      ${PLANNERS.includes(me.role) && html`<a class="button" href="#fairs/new">${t('计划招聘会', 'Plan a fair')}</a>`}
      <${Message} text=${error} />
      <ul class="list">${(page?.items || []).map((f) => html`
        <li><a href=${`#fairs/${f.id}`} data-fair=${f.id}><b>${f.name}</b>
          <span>${f.date}（${f.lunar.text}）· ${f.township || ''} ${f.venue} · ${t('签到', 'checked in')} ${f.checked_in}</span></a></li>`)}
        ${page && !page.items.length && html`<li>${t('还没有招聘会。', 'No fairs yet.')}</li>`}</ul>
    </section>`;
}

function PlanFair({ me }) {
  const [employers] = useApi('/api/employers');
  const [lunar, setLunar] = useState(null);
  const [message, setMessage] = useState('');
  async function dateChosen(event) {
    const date = event.target.value;
    setLunar(date ? await apiFetch(`/api/lunar?date=${date}`).catch(() => null) : null);
  }
  async function submit(event) {
    event.preventDefault();
    const form = event.target;
    const body = { ...formValues(form), employer_ids: [...form.querySelectorAll('[name=employer]:checked')].map((c) => c.value) };
    delete body.employer;
    try {
      const fair = await apiFetch('/api/fairs', { method: 'POST', body });
      window.location.hash = `#fairs/${fair.id}`;
    } catch (error) {
      setMessage(errorText(error));
    }
  }
  return html`
    <form class="screen" id="plan-fair" onSubmit=${submit}>
      <h2>${t('计划招聘会', 'Plan a fair')}</h2>
      <label>${t('名称', 'Name')}<input name="name" required maxlength="200" /></label>
      <label>${t('县', 'County')}<${CountySelect} side="origin" name="county_code" value=${me.county_code || ''} /></label>
      <label>${t('乡镇', 'Township')}<input name="township" /></label>
      <label>${t('村', 'Village')}<input name="village" /></label>
      <label>${t('地点', 'Venue')}<input name="venue" required /></label>
      <label>${t('日期', 'Date')}<input type="date" name="date" required onChange=${dateChosen} /></label>
      ${lunar && html`<p class="lunar" id="lunar">${lunar.text}</p>
        ${lunar.warnings.map((w) => html`<p class="warning" role="alert" data-code=${w.code}>${pick(w.message)}</p>`)}`}
      <div class="pair">
        <label>${t('开始', 'Starts')}<input type="time" name="starts_at" required value="09:00" /></label>
        <label>${t('结束', 'Ends')}<input type="time" name="ends_at" required value="16:00" /></label>
      </div>
      <label>${t('主办单位', 'Organiser')}<input name="organiser" required /></label>
      <fieldset><legend>${t('参加的用工企业', 'Employers taking part')}</legend>
        ${(employers || []).map((e) => html`<label class="check"><input type="checkbox" name="employer" value=${e.id} /> ${e.name}</label>`)}
      </fieldset>
      <button type="submit">${t('保存', 'Save')}</button>
      <${Message} text=${message} />
    </form>`;
}

function FairPage({ me, fairId }) {
  const [fair, error, reload] = useApi(`/api/fairs/${fairId}`);
  if (!fair) return html`<section class="screen"><${Message} text=${error || t('正在加载…', 'Loading…')} /></section>`;
  const top = Math.max(1, fair.funnel.attended);
  return html`
    <section class="screen" id="fair" data-fair=${fair.id}>
      <h2>${fair.name}</h2>
      <ol class="funnel" id="funnel">${FUNNEL.map(([key, zh, en]) => html`
        <li data-stage=${key} data-count=${fair.funnel[key]}>
          <span>${t(zh, en)}</span><b>${fair.funnel[key]}</b>
          <i style=${`width:${(100 * fair.funnel[key]) / top}%`}></i></li>`)}</ol>
      <p>${fair.date}（${fair.lunar.text}）${fair.starts_at.slice(0, 5)}–${fair.ends_at.slice(0, 5)}
        · ${fair.county_name || ''} ${fair.township || ''} ${fair.village || ''} ${fair.venue} · ${fair.organiser}</p>
      ${fair.warnings.map((w) => html`<p class="warning" data-code=${w.code}>${pick(w.message)}</p>`)}
      <p class="counts" id="live-counts">
        ${fair.counts.preregistered !== undefined && html`${t('预报名', 'Pre-registered')} ${fair.counts.preregistered}
          （${t('到场', 'came')} ${fair.counts.preregistered_came}）· `}
        ${fair.counts.checked_in !== undefined && html`${t('签到', 'Checked in')} ${fair.counts.checked_in} · `}
        ${t('签意向', 'Signed')} ${fair.counts.workers_with_intent}</p>
      ${PLANNERS.includes(me.role) && html`<${CardSheetButton} fairId=${fair.id} title=${fair.name} />`}
      <h3>${t('岗位', 'Jobs')}</h3>
      <ul class="list">${fair.postings.map((p) => html`
        <li data-posting=${p.id}><b>${p.title || p.job_type.zh}</b> · ${p.employer.name}
          <span>${p.wage_min}–${p.wage_max} ${t('元/月', 'yuan a month')}${p.wage_basis === 'piece_rate' ? t('（计件）', ' (piece rate)') : ''}
          · ${p.hours} · ${p.housing ? t('包住', 'housing') : t('不包住', 'no housing')} · ${p.food ? t('包吃', 'meals') : t('不包吃', 'no meals')}
          · ${p.district_name || ''} · ${t('招', 'openings')} ${p.openings} · ${t('意向', 'intentions')} ${p.intentions}</span></li>`)}
        ${!fair.postings.length && html`<li>${t('还没有岗位。', 'No jobs yet.')}</li>`}</ul>
      <${AddPosting} me=${me} fair=${fair} onDone=${reload} />
      ${PLANNERS.includes(me.role) && html`<${AddEmployer} fair=${fair} onDone=${reload} />`}
    </section>`;
}

function AddEmployer({ fair, onDone }) {
  const [employers] = useApi('/api/employers');
  const [message, setMessage] = useState('');
  const others = (employers || []).filter((e) => !fair.employers.some((f) => f.id === e.id));
  if (!others.length) return null;
  async function submit(event) {
    event.preventDefault();
    try {
      await apiFetch(`/api/fairs/${fair.id}/employers`, { method: 'POST', body: formValues(event.target) });
      setMessage('');
      onDone();
    } catch (error) {
      setMessage(errorText(error));
    }
  }
  return html`
    <form id="add-employer" onSubmit=${submit}>
      <h3>${t('邀请用工企业', 'Add an employer')}</h3>
      <select name="employer_id" required>
        <option value="">${t('— 请选择 —', '— Choose —')}</option>
        ${others.map((e) => html`<option value=${e.id}>${e.name}</option>`)}
      </select>
      <button type="submit">${t('添加', 'Add')}</button>
      <${Message} text=${message} />
    </form>`;
}

function AddPosting({ me, fair, onDone }) {
  const [jobTypes] = useApi('/api/job-types');
  const [open, setOpen] = useState(false);
  const [message, setMessage] = useState('');
  useEffect(() => setMessage(''), [open]);
  if (!open) return html`<button type="button" class="button" id="open-posting" onClick=${() => setOpen(true)}>${t('添加岗位', 'Add a job')}</button>`;
  async function submit(event) {
    event.preventDefault();
    const values = formValues(event.target);
    const body = { ...values, openings: Number(values.openings), wage_min: Number(values.wage_min),
      wage_max: Number(values.wage_max), housing: 'housing' in values, food: 'food' in values };
    try {
      await apiFetch(`/api/fairs/${fair.id}/postings`, { method: 'POST', body });
      setOpen(false);
      onDone();
    } catch (error) {
      setMessage(errorText(error));
    }
  }
  return html`
    <form id="add-posting" onSubmit=${submit}>
      <h3>${t('添加岗位', 'Add a job')}</h3>
      ${me.role !== 'employer' && html`<label>${t('用工企业', 'Employer')}<select name="employer_id" required>
        <option value="">${t('— 请选择 —', '— Choose —')}</option>
        ${fair.employers.map((e) => html`<option value=${e.id}>${e.name}</option>`)}</select></label>`}
      <label>${t('工种', 'Job type')}<select name="job_type" required>
        <option value="">${t('— 请选择 —', '— Choose —')}</option>
        ${(jobTypes || []).map((j) => html`<option value=${j.code}>${t(j.zh, j.en)}</option>`)}</select></label>
      <label>${t('岗位名称', 'Title')}<input name="title" maxlength="100" /></label>
      <label>${t('招聘人数', 'Openings')}<input type="number" name="openings" min="1" required inputmode="numeric" /></label>
      <div class="pair">
        <label>${t('最低月薪（元）', 'Wage from (yuan)')}<input type="number" name="wage_min" min="0" required inputmode="numeric" /></label>
        <label>${t('最高月薪（元）', 'Wage to (yuan)')}<input type="number" name="wage_max" min="0" required inputmode="numeric" /></label>
      </div>
      <label>${t('计薪方式', 'Pay')}<select name="wage_basis" required>
        <option value="fixed">${t('固定工资', 'Fixed')}</option><option value="piece_rate">${t('计件', 'Piece rate')}</option></select></label>
      <label>${t('工作时间', 'Hours')}<input name="hours" required placeholder=${t('每天8小时，单休', '8 hours a day, 6 days')} /></label>
      <label class="check"><input type="checkbox" name="housing" /> ${t('包住', 'Housing provided')}</label>
      <label class="check"><input type="checkbox" name="food" /> ${t('包吃', 'Meals provided')}</label>
      <label>${t('工作地（区县）', 'Work district')}<${CountySelect} side="destination" name="district_code" value="" /></label>
      <button type="submit">${t('保存岗位', 'Save the job')}</button>
      <${Message} text=${message} />
    </form>`;
}

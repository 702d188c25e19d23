// The employer's HR officer: its workplaces with the day's workplace code (工作地点码), shown full
// screen at the gate or printed alone on a sheet, which workers scan with their own phone to
// confirm each month that they are at work; and 我的员工, the employer's own workers now, with who
// has not confirmed this month. The workstation and the admin manage workplaces too, for an
// employer they choose.
import { useEffect, useMemo, useState } from 'preact/hooks';

import { apiFetch } from './api.js';
import { t } from './i18n.js';
import { programmeDay } from './lib/calendar.js';
import { qrSvg, svgDataUrl } from './lib/qr.js';
import { CountySelect, Message, errorText, formValues, html, useApi, useRegions } from './ui.js';
import { statusName } from './worker.js';

export function SitesScreen({ me, route }) {
  if (route[0] === 'new') return html`<${AddSite} me=${me} />`;
  if (route[0]) return html`<${DayCode} siteId=${route[0]} />`;
  return html`<${SiteList} me=${me} />`;
}

/** Employer id -> name, for the office (an employer's own users see their own sites only). */
function useEmployerNames(me) {
  const [employers, error] = useApi(me.role === 'employer' ? null : '/api/employers');
  return [employers || [], Object.fromEntries((employers || []).map((e) => [e.id, e.name])), error];
}

function districtName(regions, code) {
  return regions?.destination?.counties?.find((c) => c.code === code)?.name || code;
}

function SiteList({ me }) {
  const [sites, error] = useApi('/api/sites');
  const [, names] = useEmployerNames(me);
  const regions = useRegions();
  return html`
    <section class="screen sites" id="sites">
      <h2>${t('工作地点', 'Workplaces')}</h2>
      <p class="hint">${t('每个工作地点每天有一个新的工作地点码：在门口屏幕上显示或打印张贴，员工用自己的手机扫码确认在岗。',
        "Each workplace has a new code every day: show it on a screen at the gate or print and post it; workers scan it with their own phone to confirm they are at work.")}</p>
      <a class="button" href="#sites/new" id="add-site">${t('添加工作地点', 'Add a workplace')}</a>
      ${error && html`<${Message} text=${error} />`}
      <ul class="list">${(sites || []).map((s) => html`
        <li data-site=${s.id}><a href=${`#sites/${s.id}`}><b>${s.name}</b>
          <span>${names[s.employer_id] ? `${names[s.employer_id]} · ` : ''}${districtName(regions, s.district_code)} ${s.address}</span>
          <span class="open-code">${t('今日工作地点码 ›', "Today's workplace code ›")}</span></a></li>`)}
        ${sites && !sites.length && html`<li>${t('还没有工作地点：先添加一个。', 'No workplaces yet: add one first.')}</li>`}</ul>
    </section>`;
}

function AddSite({ me }) {
  const [employers, , employersError] = useEmployerNames(me);
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  async function submit(event) {
    event.preventDefault();
    setBusy(true);
    setMessage('');
    try {
      const site = await apiFetch('/api/sites', { method: 'POST', body: formValues(event.target) });
      window.location.hash = `#sites/${site.id}`;
    } catch (error) {
      setMessage(errorText(error));
      setBusy(false);
    }
  }
  return html`
    <form class="screen" id="add-site-form" onSubmit=${submit}>
      <h2>${t('添加工作地点', 'Add a workplace')}</h2>
      ${me.role !== 'employer' && html`<label>${t('用工企业', 'Employer')}<select name="employer_id" required>
        <option value="">${t('— 请选择 —', '— Choose —')}</option>
        ${employers.map((e) => html`<option value=${e.id}>${e.name}</option>`)}</select></label>
        ${employersError && html`<${Message} text=${employersError} />`}`}
      <label>${t('名称', 'Name')}<input name="name" required maxlength="200" placeholder=${t('例：长乐二厂', 'e.g. Changle plant 2')} /></label>
      <label>${t('所在区县（福州）', 'District (Fuzhou)')}<${CountySelect} side="destination" name="district_code" value="" /></label>
      <label>${t('地址', 'Address')}<input name="address" required maxlength="300" /></label>
      <button type="submit" disabled=${busy}>${t('保存', 'Save')}</button>
      <a class="button secondary" href="#sites">${t('返回', 'Back')}</a>
      <${Message} text=${message} id="add-site-message" />
    </form>`;
}

/** The code as an SVG QR (alphanumeric mode: Base45 is its alphabet; level Q, as a posted sheet gets dirty). */
function codeImage(text) {
  return svgDataUrl(qrSvg(text, { level: 'Q', alphanumeric: true, cellSize: 8 }));
}

/** "MM-DD HH:mm" of a time the server wrote with Beijing's offset, whatever zone the phone is in. */
const beijingTime = (iso) => `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;

/** Today's code full screen, fetched again when Beijing's day turns; printed alone on an A5 sheet. */
function DayCode({ siteId }) {
  const [sites] = useApi('/api/sites');
  const [today, setToday] = useState(null);
  const [error, setError] = useState('');
  async function load() {
    try {
      setToday(await apiFetch(`/api/sites/${siteId}/code`));
      setError('');
    } catch (failure) {
      setError(errorText(failure));  // the code shown stays until a new one comes
    }
  }
  useEffect(() => { load(); }, [siteId]);
  const stale = today && Date.now() >= new Date(today.valid_until);
  useEffect(() => {  // a screen left on at the gate overnight shows the new day's code by itself (or tries again)
    const timer = setInterval(() => { if (today && Date.now() >= new Date(today.valid_until)) load(); }, 30_000);
    return () => clearInterval(timer);
  }, [today]);
  const image = useMemo(() => today && codeImage(today.code), [today?.code]);
  const site = (sites || []).find((s) => s.id === siteId);
  function print() {  // the sheet alone, on an A5 page (styles/app.css: body.print-site-code)
    document.body.classList.add('print-site-code');
    window.addEventListener('afterprint', () => document.body.classList.remove('print-site-code'), { once: true });
    window.print();
  }
  return html`
    <div class="site-code" id="site-code" data-site=${siteId} data-code=${today?.code} data-day=${today?.day}>
      ${today && html`<div class="site-code-sheet">
        <h2>${site?.name || ''}</h2>
        <p class="site-code-title">${t('今日工作地点码', "Today's workplace code")}</p>
        <img class="qr" id="site-code-qr" src=${image} alt=${t('工作地点码二维码', 'Workplace code QR')} />
        <p class="scan-line">${t('请用务工通扫码确认在岗', '请用务工通扫码确认在岗: scan with LaborPass to confirm you are at work')}</p>
        <p class="monthly">${t('每月扫码一次', 'once a month')}</p>
        <p class="valid" id="site-code-valid">${t(`仅限 ${today.day} 当天有效`, `Good on ${today.day} only`)}
          <span>${t(`（北京时间 ${beijingTime(today.valid_until)} 换新码）`, ` (a new code from ${beijingTime(today.valid_until)}, Beijing time)`)}</span></p>
      </div>`}
      ${stale && html`<p class="message" role="alert" id="site-code-stale">${t('此码已过期：正在换今天的新码…', "This code has expired: getting today's…")}</p>`}
      <${Message} text=${error || (!today ? t('正在加载…', 'Loading…') : '')} id="site-code-message" />
      <div class="pair">
        <button type="button" id="print-site-code" disabled=${!today} onClick=${print}>${t('打印', 'Print')}</button>
        <a class="button secondary" href="#sites" id="site-code-back">${t('返回', 'Back')}</a>
      </div>
    </div>`;
}

const month = (day) => (day || '').slice(0, 7);

/** The employer's workers now (``current_employer`` is it), those without a confirmation this month first. */
export function MyWorkersScreen({ me }) {
  const [page, error] = useApi(me.employer_id ? `/api/workers?employer_id=${encodeURIComponent(me.employer_id)}&per_page=200` : null);
  const thisMonth = month(programmeDay());
  const workers = (page?.items || []).map((w) => ({ ...w, confirmed: month(w.last_confirmed_on) === thisMonth }))
    .sort((a, b) => a.confirmed - b.confirmed || a.name.localeCompare(b.name, 'zh-CN'));
  const missing = workers.filter((w) => !w.confirmed).length;
  return html`
    <section class="screen staff" id="staff">
      <h2>${t('我的员工', 'My workers')}${page ? ` (${page.total})` : ''}</h2>
      ${(error || !me.employer_id) && html`<${Message} text=${me.employer_id ? error
        : t('此账号未关联用工企业，请联系管理员。', 'This account has no employer: ask the administrator.')} />`}
      ${page && page.total > 0 && html`<p class=${missing ? 'warning' : 'hint'} id="staff-summary" data-missing=${missing}>${missing
        ? t(`本月还有 ${missing} 人未确认在岗：请提醒他们用务工通扫工作地点码。`, `${missing} not yet confirmed this month: remind them to scan the workplace code.`)
        : t('本月全部已确认在岗。', 'Everyone has confirmed this month.')}</p>`}
      <ul class="list">${workers.map((w) => html`
        <li data-worker=${w.id} data-confirmed=${String(w.confirmed)} class=${w.confirmed ? '' : 'unconfirmed'}>
          <b>${w.name}</b>
          <span>${w.id_masked} · ${statusName(w.status)}</span>
          ${w.employed_since && html`<span>${t(`${w.employed_since} 入职`, `Employed since ${w.employed_since}`)}</span>`}
          <span class="confirmed">${w.confirmed ? t(`本月已确认（${w.last_confirmed_on}）`, `Confirmed this month (${w.last_confirmed_on})`)
            : html`<b class="chip">${t('本月未确认', 'Not confirmed this month')}</b>
              ${w.last_confirmed_on ? t(`上次 ${w.last_confirmed_on}`, `last ${w.last_confirmed_on}`) : t('从未确认', 'never')}`}</span>
          ${w.phone && html`<a class="call" href=${`tel:${w.phone}`}>${t('拨打', 'Call')} ${w.phone}</a>`}</li>`)}
        ${page && !page.items.length && html`<li>${t('还没有在岗员工：入职扫码后显示在这里。', 'No workers yet: they show here once onboarded.')}</li>`}</ul>
      ${page && page.total > page.items.length && html`<p class="hint">${t(`只显示前 ${page.items.length} 人。`, `Showing the first ${page.items.length}.`)}</p>`}
    </section>`;
}

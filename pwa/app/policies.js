// 政策目标: the subsidy policies in force, each said in words (what it pays, when, to whom), with
// their earlier versions; an admin adds a new version (the server checks the params the kind needs
// and its refusals are shown beside the fields); the counties' targets for a year with how far each
// has come (an admin sets one row at a time); and the program's regions with each county's
// workstation (programme.js). The county office and the workstation read the rest. Everything here
// needs the network.
import { useEffect, useRef, useState } from 'preact/hooks';

import { apiFetch } from './api.js';
import { pick, t } from './i18n.js';
import { Regions } from './programme.js';
import { Message, done, errorText, html, useApi } from './ui.js';

const PARTS = [['list', '补贴政策', 'Policies'], ['targets', '县级目标', 'Targets'], ['regions', '地区与工作站', 'Regions']];
const KIND_NAMES = {
  milestone: ['稳岗补贴', 'Stable-job subsidy'], monthly: ['按月稳岗补贴', 'Monthly subsidy'],
  arrival: ['到岗补贴', 'Arrival subsidy'], employer_reward: ['企业奖励', 'Employer reward'],
};
const MEASURES = [['transfers', '输转', 'Transfers'], ['arrivals', '到岗', 'Arrivals'],
  ['stable_3_months', '稳定3个月', 'Stable 3 months']];
// The params each kind needs (schemas/subsidies.py PARAMS; the server checks them again).
const PARAM_FIELDS = {
  monthly: [['after_months', '在岗满几个月后开始', 'Starts after months'], ['amount', '每月金额（元）', 'Yuan a month'],
    ['max_months', '最多发几个月', 'At most months']],
  arrival: [['amount', '金额（元）', 'Yuan']],
  employer_reward: [['threshold', '超过多少人', 'More than (workers)'], ['step', '每增加多少人再奖', 'Again for each further'],
    ['amount', '每次奖励（元）', 'Yuan each time'], ['stable_months', '每人须稳定在岗几个月', 'Stable months per worker']],
};
const TWO_PARTY = ['milestone', 'monthly'];
const STEP_ROWS = 3;  // a milestone policy's steps: the seed's has two; an empty row is left out

/** Today in the programme's calendar (Beijing), as the server dates things. */
function today() {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(new Date());
}

/** An amount as a clerk writes it: "3000元", "10万元"; "3,000 yuan" in English. */
function yuan(amount) {
  const n = Number(amount);
  if (t('zh', 'en') === 'en') return `${n.toLocaleString('en')} yuan`;
  return n >= 10000 && n % 10000 === 0 ? `${n / 10000}万元` : `${n}元`;
}

/** What a version pays and when, in words: "连续在岗满3个月 3000元；满6个月 9000元". */
export function describePolicy(policy) {
  const p = policy.params || {};
  if (policy.kind === 'milestone') {
    return (p.steps || []).map(([months, amount], i) => (i === 0
      ? t(`连续在岗满${months}个月 ${yuan(amount)}`, `${months} consecutive months employed: ${yuan(amount)}`)
      : t(`满${months}个月 ${yuan(amount)}`, `${months} months: ${yuan(amount)}`))).join(t('；', '; '));
  }
  if (policy.kind === 'monthly') {
    return t(`连续在岗满${p.after_months}个月后，每月 ${yuan(p.amount)}，最多${p.max_months}个月`,
      `After ${p.after_months} consecutive months, ${yuan(p.amount)} a month for at most ${p.max_months} months`);
  }
  if (policy.kind === 'arrival') return t(`到岗一次性 ${yuan(p.amount)}`, `${yuan(p.amount)} once, on arrival`);
  if (policy.kind === 'employer_reward') {
    return t(`企业稳定用工（每人在岗满${p.stable_months}个月）超过${p.threshold}人奖励 ${yuan(p.amount)}，每增${p.step}人再奖 ${yuan(p.amount)}`,
      `An employer with more than ${p.threshold} stable workers (${p.stable_months} months each) gets ${yuan(p.amount)}, and again for each further ${p.step}`);
  }
  return JSON.stringify(p);
}

/** Who and what else a version asks for, each in words. */
function conditions(policy, counties) {
  const f = policy.filters || {};
  const found = [];
  if (policy.params?.two_party) {
    found.push(t('每月须企业确认，并须本人扫工作地点码（或工作站回访）', "Each month: the employer's confirmation and the worker's own scan of the workplace code (or a workstation's follow-up)"));
  }
  if (f.poor_household) found.push(t('限建档立卡贫困户', 'Registered poor households only'));
  if (f.first_time) found.push(t('限首次来榕务工', 'First time in the programme only'));
  if (f.counties?.length) {
    const names = f.counties.map((code) => counties[code] || code);
    const all = Object.keys(counties).length > 0 && Object.keys(counties).every((code) => f.counties.includes(code));
    found.push(all ? t('定西市各县（区）户籍', 'Home in any Dingxi county') : t(`限户籍：${names.join('、')}`, `Home county: ${names.join(', ')}`));
  }
  return found;
}

function period(policy) {
  return policy.effective_to
    ? t(`${policy.effective_from} 至 ${policy.effective_to}`, `${policy.effective_from} to ${policy.effective_to}`)
    : t(`${policy.effective_from} 起`, `from ${policy.effective_from}`);
}

/** The policies grouped by code, versions newest first, and the one in force today (or the newest). */
function grouped(rows, day) {
  const byCode = new Map();
  for (const row of rows) byCode.set(row.code, [...(byCode.get(row.code) || []), row]);
  return [...byCode.values()].map((versions) => {
    versions.sort((a, b) => b.version - a.version);
    const current = versions.find((v) => v.effective_from <= day && (!v.effective_to || day <= v.effective_to));
    return { code: versions[0].code, versions, current: current || versions[0], inForce: Boolean(current) };
  }).sort((a, b) => Number(b.inForce) - Number(a.inForce));  // what pays today first, then what has ended
}

/** A field's message in the chosen language (the server words even marshmallow's: schemas/messages.py). */
function inWords(message) {
  return pick(String(message));
}

/** A field's name in words: "params.steps.0.1" is the first step's amount. */
function fieldLabel(key, kind) {
  const step = key.match(/^params\.steps\.(\d+)(?:\.(\d))?/);
  if (step) {
    const n = Number(step[1]) + 1;
    if (step[2] === undefined) return t(`第${n}档`, `Step ${n}`);
    return step[2] === '0' ? t(`第${n}档月数`, `Step ${n}, months`) : t(`第${n}档金额`, `Step ${n}, yuan`);
  }
  if (key === 'params.steps') return t('补贴档次', 'Steps');
  const param = (PARAM_FIELDS[kind] || []).find(([name]) => key === `params.${name}`);
  if (param) return t(param[1], param[2]);
  const names = { name: ['名称', 'Name'], effective_from: ['生效日期', 'In force from'], effective_to: ['截止日期', 'Until'],
    params: ['补贴参数', 'Params'], filters: ['条件', 'Conditions'] };
  return names[key] ? t(...names[key]) : key;
}

/** The messages for a field (and its parts: "params.steps.0.1"), beside it. */
function FieldError({ errors, name, id, kind }) {
  const found = Object.entries(errors || {}).filter(([key]) => key === name || key.startsWith(`${name}.`));
  if (!found.length) return null;
  return html`<p class="field-error" role="alert" id=${id}>${found.map(([key, m]) => (key === name && !key.startsWith('params')
    ? '' : `${fieldLabel(key, kind)}：`) + [].concat(m).map(inWords).join(' ')).join(' ')}</p>`;
}

/** The screen: three parts, the hash keeps which (#policies/targets). */
export function PoliciesScreen({ me, route = [] }) {
  const part = PARTS.some(([id]) => id === route[0]) ? route[0] : 'list';
  return html`
    <section class="screen policies" id="policies" data-part=${part}>
      <h2>${t('政策与目标', 'Policies and targets')}</h2>
      <nav class="parts three" role="tablist">
        ${PARTS.map(([id, zh, en]) => html`<a role="tab" href=${`#policies/${id}`} id=${`part-${id}`}
          aria-selected=${part === id} class=${part === id ? 'button' : 'button secondary'}>${t(zh, en)}</a>`)}
      </nav>
      ${part === 'list' && html`<${PolicyList} me=${me} />`}
      ${part === 'targets' && html`<${TargetTable} me=${me} />`}
      ${part === 'regions' && html`<${Regions} me=${me} />`}
    </section>`;
}

function PolicyList({ me }) {
  const [rows, error, reload] = useApi('/api/policies');
  const [regions] = useApi('/api/regions');
  const [editing, setEditing] = useState(null);  // the code whose new version is being written
  const [notice, setNotice] = useState(null);
  const counties = Object.fromEntries((regions?.origin?.counties || []).map((c) => [c.code, c.name]));
  const day = today();
  const policies = rows ? grouped(rows, day) : [];
  const admin = me.role === 'admin';
  return html`
    ${!admin && html`<p class="hint" id="read-only">${t('政策由市人社局管理，此处只读。', 'The city HR bureau sets the policies: read only here.')}</p>`}
    <${Message} text=${notice || error || (!rows ? t('正在加载…', 'Loading…') : '')} id="policies-message" />
    <ul class="list">${policies.map(({ code, versions, current, inForce }) => html`
      <li class="policy" data-policy=${code} data-version=${current.version}>
        <b>${t(...(KIND_NAMES[current.kind] || [current.kind, current.kind]))}：${describePolicy(current)}</b>
        <span class="policy-name">${current.name}</span>
        <p class="version">${t(`第${current.version}版`, `Version ${current.version}`)} · ${period(current)}
          ${!inForce && html` · <span class="warning-text">${t('今天不在施行期内', 'not in force today')}</span>`}</p>
        ${conditions(current, counties).length > 0 && html`<ul class="conditions">
          ${conditions(current, counties).map((c) => html`<li>${c}</li>`)}</ul>`}
        ${versions.length > 1 && html`<details class="versions"><summary>${t(`全部 ${versions.length} 个版本`, `All ${versions.length} versions`)}</summary>
          <ol>${versions.map((v) => html`<li data-version=${v.version}>${t(`第${v.version}版`, `Version ${v.version}`)}（${period(v)}）：
            ${describePolicy(v)}${conditions(v, counties).length ? t('；', '; ') + conditions(v, counties).join(t('；', '; ')) : ''}</li>`)}</ol></details>`}
        ${admin && editing !== code && html`<button type="button" class="secondary new-version"
          onClick=${() => { setEditing(code); setNotice(null); }}>${t('新增版本', 'Add a new version')}</button>`}
        ${admin && editing === code && html`<${NewVersion} policy=${versions[0]} counties=${counties}
          onCancel=${() => setEditing(null)}
          onSaved=${(saved) => { setEditing(null); setNotice(done(t(`已保存：${saved.name} 第${saved.version}版，${saved.effective_from} 起施行。`,
            `Saved: version ${saved.version} of ${saved.name}, in force from ${saved.effective_from}.`))); reload(); }} />`}
      </li>`)}
      ${rows && !rows.length && html`<li>${t('还没有补贴政策。', 'No policies yet.')}</li>`}</ul>`;
}

/** The form for a policy's next version, filled with its newest one; the kind stays the policy's. */
function NewVersion({ policy, counties, onSaved, onCancel }) {
  const [errors, setErrors] = useState({});
  const [notice, setNotice] = useState(null);
  const [busy, setBusy] = useState(false);
  const p = policy.params || {};
  const f = policy.filters || {};
  const number = (value) => (value === '' || value === null ? undefined : Number(value));

  function body(form) {
    const get = (name) => form.elements[name]?.value.trim() ?? '';
    let params;
    if (policy.kind === 'milestone') {
      const steps = [];
      for (let i = 0; i < STEP_ROWS; i += 1) {
        const months = get(`step_months_${i}`);
        const amount = get(`step_amount_${i}`);
        if (months || amount) steps.push([number(months) ?? null, number(amount) ?? null]);
      }
      params = { steps };
    } else {
      params = Object.fromEntries(PARAM_FIELDS[policy.kind].map(([name]) => [name, number(get(name))])
        .filter(([, value]) => value !== undefined));
    }
    if (TWO_PARTY.includes(policy.kind)) params.two_party = form.elements.two_party.checked;
    const filters = { ...(f.counties ? { counties: f.counties } : {}) };
    if (form.elements.poor_household.checked) filters.poor_household = true;
    if (form.elements.first_time.checked) filters.first_time = true;
    return { code: policy.code, kind: policy.kind, name: get('name'), effective_from: get('effective_from') || undefined,
      effective_to: get('effective_to') || null, params, filters };
  }
  async function submit(event) {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    setNotice(null);
    try {
      onSaved(await apiFetch('/api/policies', { method: 'POST', body: body(event.target) }));
    } catch (error) {
      setErrors(error.errors || {});
      setNotice(error.status === 422 ? t('未保存：请按标出的提示更正。', 'Not saved: correct what is marked.') : errorText(error));
    } finally {
      setBusy(false);
    }
  }
  const err = (name) => html`<${FieldError} errors=${errors} name=${name} kind=${policy.kind}
    id=${`${policy.code}-${name.replaceAll('.', '-')}-error`} />`;
  return html`
    <form class="new-version" id="new-version" data-policy=${policy.code} noValidate onSubmit=${submit}>
      <h3>${t(`新增第${policy.version + 1}版`, `Version ${policy.version + 1}`)}</h3>
      <p class="hint">${t('已有版本不会改动；按新版本核算自其生效日起达到的补贴。', 'Earlier versions stay as they are; the new one applies to what is reached from its first day.')}</p>
      <label>${t('名称', 'Name')}<input name="name" defaultValue=${policy.name} maxlength="200" /></label>${err('name')}
      <div class="pair">
        <label>${t('生效日期', 'In force from')}<input type="date" name="effective_from" defaultValue=${today()} /></label>
        <label>${t('截止日期（可空）', 'Until (optional)')}<input type="date" name="effective_to" /></label>
      </div>${err('effective_from')}${err('effective_to')}
      ${policy.kind === 'milestone' ? html`<fieldset class="steps"><legend>${t('连续在岗满几个月，发多少元', 'Months employed, and the yuan paid')}</legend>
        ${Array.from({ length: STEP_ROWS }, (_, i) => html`<div class="pair">
          <label>${t('满几个月', 'Months')}<input type="number" inputmode="numeric" name=${`step_months_${i}`} defaultValue=${p.steps?.[i]?.[0] ?? ''} /></label>
          <label>${t('金额（元）', 'Yuan')}<input type="number" inputmode="numeric" name=${`step_amount_${i}`} defaultValue=${p.steps?.[i]?.[1] ?? ''} /></label>
        </div>`)}
        <p class="hint">${t('空着的一行不算。', 'An empty row is left out.')}</p></fieldset>`
      : PARAM_FIELDS[policy.kind].map(([name, zh, en]) => html`
        <label>${t(zh, en)}<input type="number" inputmode="numeric" name=${name} defaultValue=${p[name] ?? ''} /></label>`)}
      ${err('params')}
      ${TWO_PARTY.includes(policy.kind) && html`<label class="check"><input type="checkbox" name="two_party" defaultChecked=${Boolean(p.two_party)} />
        ${t('须本人扫工作地点码（或工作站回访）', "Needs the worker's own scan of the workplace code (or a workstation's follow-up)")}</label>`}
      <label class="check"><input type="checkbox" name="poor_household" defaultChecked=${Boolean(f.poor_household)} />
        ${t('限建档立卡贫困户', 'Registered poor households only')}</label>
      <label class="check"><input type="checkbox" name="first_time" defaultChecked=${Boolean(f.first_time)} />
        ${t('限首次来榕务工', 'First time in the programme only')}</label>
      ${f.counties?.length > 0 && html`<p class="hint">${t('户籍范围不变：', 'Home counties stay: ')}${f.counties.map((c) => counties[c] || c).join('、')}</p>`}
      ${err('filters')}${err('kind')}${err('code')}
      <div class="pair">
        <button type="button" class="secondary" onClick=${onCancel}>${t('取消', 'Cancel')}</button>
        <button type="submit" disabled=${busy}>${busy ? t('正在保存…', 'Saving…') : t('保存新版本', 'Save the version')}</button>
      </div>
      <${Message} text=${notice} id="new-version-message" />
    </form>`;
}

/** A table wider than its box says so: "左右滑动查看更多". */
function useOverflow(deps) {
  const box = useRef(null);
  const [wide, setWide] = useState(false);
  useEffect(() => {
    const measure = () => setWide(Boolean(box.current && box.current.scrollWidth > box.current.clientWidth + 1));
    measure();
    window.addEventListener('resize', measure);
    return () => window.removeEventListener('resize', measure);
  }, deps);
  return [box, wide];
}

function TargetTable({ me }) {
  const thisYear = Number(today().slice(0, 4));
  const [year, setYear] = useState(thisYear);
  const [rows, error, reload] = useApi(`/api/targets?year=${year}`);
  const [regions, regionsError] = useApi('/api/regions');
  const [editing, setEditing] = useState(null);
  const [notice, setNotice] = useState(null);
  const admin = me.role === 'admin';
  const set = Object.fromEntries((rows || []).map((row) => [row.county_code, row]));
  // An admin sees every origin county, set or not; the county office its own targets only.
  const counties = admin ? (regions?.origin?.counties || []).map((c) => set[c.code] || { county_code: c.code, county_name: c.name })
    : (rows || []);
  const [box, wide] = useOverflow([rows, regions, editing]);
  const columns = MEASURES.length + 1;
  async function save(event, county) {
    event.preventDefault();
    const form = event.target;
    const body = Object.fromEntries(MEASURES.map(([key]) => [key, form.elements[key].value === '' ? null : Number(form.elements[key].value)]));
    try {
      const saved = await apiFetch(`/api/targets/${county.county_code}/${year}`, { method: 'PUT', body });
      setEditing(null);
      setNotice(done(t(`已保存 ${saved.county_name} ${year} 年目标。`, `Saved the ${year} targets of ${saved.county_name}.`)));
      reload();
    } catch (failure) {
      const fields = Object.entries(failure.errors || {}).map(([key, m]) => {
        const label = MEASURES.find(([name]) => name === key);
        return `${label ? t(label[1], label[2]) : key}：${[].concat(m).map(inWords).join(' ')}`;
      });
      setNotice([failure.status === 422 ? t('未保存。', 'Not saved.') : errorText(failure), ...fields].join(' '));
    }
  }
  return html`
    <label>${t('年度', 'Year')}<select name="year" onChange=${(e) => { setYear(Number(e.target.value)); setEditing(null); }}>
      ${[thisYear + 1, thisYear, thisYear - 1, thisYear - 2].map((y) => html`<option value=${y} selected=${y === year}>${y}</option>`)}
    </select></label>
    <p class="hint">${t('每格：已完成 / 目标。', 'Each cell: done so far / target.')}${admin ? '' : t(' 目标由市人社局下达。', ' The city sets the targets.')}</p>
    <${Message} text=${notice || error || regionsError} id="targets-message" />
    ${wide && html`<p class="hint scroll-hint" id="targets-scroll-hint">${t('左右滑动查看更多 →', 'Swipe sideways for more →')}</p>`}
    <div class="table-scroll" ref=${box}><table class="numbers targets-table" id="targets-table">
      <thead><tr><th>${t('县', 'County')}</th>${MEASURES.map(([, zh, en]) => html`<th>${t(zh, en)}</th>`)}</tr></thead>
      <tbody>${counties.map((row) => html`
        <tr data-county=${row.county_code} data-set=${Boolean(row.targets)}>
          <th>${row.county_name}
            ${admin && html`<button type="button" class="link edit-target" aria-expanded=${editing === row.county_code}
              onClick=${() => { setEditing(editing === row.county_code ? null : row.county_code); setNotice(null); }}>
              ${row.targets ? t('修改', 'Edit') : t('设定', 'Set')}</button>`}</th>
          ${MEASURES.map(([key]) => html`<td data-measure=${key}>${row.targets
            ? html`${row.actual[key]} / <b>${row.targets[key]}</b><small>${percentOf(row.actual[key], row.targets[key])}</small>`
            : '—'}</td>`)}
        </tr>
        ${editing === row.county_code && html`<tr class="editing"><td colspan=${columns}>
          <form class="target-form" id="target-form" data-county=${row.county_code} noValidate onSubmit=${(e) => save(e, row)}>
            <b>${t(`${row.county_name} ${year} 年目标（人）`, `${row.county_name}: ${year} targets (people)`)}</b>
            ${MEASURES.map(([key, zh, en]) => html`<label>${t(zh, en)}
              <input type="number" inputmode="numeric" name=${key} defaultValue=${row.targets?.[key] ?? ''} /></label>`)}
            <div class="pair"><button type="button" class="secondary" onClick=${() => setEditing(null)}>${t('取消', 'Cancel')}</button>
              <button type="submit">${t('保存', 'Save')}</button></div>
          </form></td></tr>`}`)}
        ${rows && regions && !counties.length && html`<tr><td colspan=${columns}>${t(`${year} 年尚未下达目标。`, `No targets for ${year} yet.`)}</td></tr>`}
      </tbody></table></div>`;
}

function percentOf(done, target) {
  return target ? ` ${Math.round((100 * done) / target)}%` : '';
}

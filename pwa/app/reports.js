// The dashboards for the HR bureau: the funnel from registration to six stable months, split by
// county, township, first fair, employer or poor-household flag; the retention curve (Kaplan–Meier:
// recent arrivals are counted for the months they have had); what the follow-up calls after the
// fairs found (and why people said no); the at-risk count; subsidy totals; and the county's
// monthly bulletin to download. Every number is also in a table (a chart is for the eye, the table
// for the reader and the screen reader).
import { useEffect, useRef, useState } from 'preact/hooks';

import { currentLang, t } from './i18n.js';
import { FOLLOW_UP_REASONS } from './followups.js';
import { CountySelect, Message, html, useApi } from './ui.js';

const CHARTS = '/app/charts.js';  // its own bundle (build.mjs), loaded when a chart is first drawn
let charts;

const DIMENSIONS = [['county', '县', 'County'], ['township', '乡镇', 'Township'], ['fair', '招聘会', 'Fair'],
  ['employer', '企业', 'Employer'], ['poor_household', '贫困户', 'Poor household']];
const STAGES = {
  registered: ['登记', 'Registered'], at_fair: ['招聘会', 'At a fair'], intent: ['意向', 'Intention'], followed_up: ['已回访', 'Followed up'],
  departed: ['出发', 'Departed'], arrived: ['到达', 'Arrived'], onboarded: ['入职', 'Onboarded'],
  month1: ['满1月', '1 month'], month3: ['满3月', '3 months'], month6: ['满6月', '6 months'],
};
const STATUS = { eligible: ['待审批', 'Eligible'], held: ['暂缓：证据待审核', 'Held: evidence to review'],
  review: ['待复核', 'To review'], approved: ['已审批', 'Approved'],
  paid: ['已发放', 'Paid'], rejected: ['已驳回', 'Rejected'] };
const CURVE_MONTHS = 12;  // the table shows every month the chart does, up to a year

export function ReportsScreen({ me }) {
  const [by, setBy] = useState('county');
  const [funnel, error] = useApi(`/api/reports/funnel?by=${by}`);
  const [curve] = useApi('/api/reports/retention');
  const [totals] = useApi('/api/reports/subsidies');
  const [risk] = useApi('/api/at-risk?per_page=1');
  const stages = Object.keys(STAGES);
  return html`
    <section class="screen" id="reports">
      <h2>${t('统计', 'Reports')}</h2>
      <${Message} text=${error} id="reports-message" />
      <p class="hint" id="at-risk-count"><a href="#at-risk">${t('风险名单', 'At risk')}：<b>${risk ? risk.total : '…'}</b>
        ${t(' 人今天需要联系', ' to call today')}</a></p>

      <h3>${t('转移就业漏斗', 'From registration to stable work')}</h3>
      ${funnel && html`
        <${ChartBox} id="funnel-chart" label=${t('各阶段人数', 'People at each stage')} data=${funnel}
          draw=${(canvas, c) => c.funnelChart(canvas, stages.map((s) => t(...STAGES[s])), stages.map((s) => funnel.total[s]))} />`}
      <label>${t('分组', 'Split by')}
        <select name="by" onChange=${(e) => setBy(e.target.value)}>
          ${DIMENSIONS.map(([code, zh, en]) => html`<option value=${code} selected=${code === by}>${t(zh, en)}</option>`)}
        </select></label>
      <div class="table-scroll"><table class="numbers" id="funnel-table">
        <thead><tr><th>${t('分组', 'Group')}</th>${stages.map((s) => html`<th>${t(...STAGES[s])}</th>`)}</tr></thead>
        <tbody>${(funnel?.groups || []).slice(0, 50).map((g) => html`
          <tr data-key=${g.key.join('/')}><th>${g.label}</th>${stages.map((s) => html`<td>${g[s]}</td>`)}</tr>`)}
          ${funnel && html`<tr class="total"><th>${t('合计', 'Total')}</th>${stages.map((s) => html`<td data-stage=${s}>${funnel.total[s]}</td>`)}</tr>`}
        </tbody></table></div>
      <p class="hint scroll-hint">${t('表格可左右滑动查看全部阶段。', 'Swipe the table sideways for every stage.')}</p>
      ${funnel && funnel.groups.length > 50 && html`<p class="hint">${t(`只显示人数最多的50组（共${funnel.groups.length}组）。`,
        `The 50 largest of ${funnel.groups.length} groups.`)}</p>`}

      <${FollowUpTable} by=${by} />
      <${PayTable} />

      <h3>${t('稳岗率', 'Still employed, by month since arrival')}</h3>
      ${curve && html`
        <p class="hint">${t(`按 ${curve.workers} 名入职人员估计。刚到岗的人只计入已过的月份，所以越往后“观察人数”越少；`
          + '曲线和下表是同一组数字。', `Estimated from ${curve.workers} onboarded workers. Recent arrivals count only for the months`
          + ' they have had, so fewer are observed later on; the curve and the table are the same numbers.')}</p>
        <${ChartBox} id="retention-chart" label=${t('稳岗率曲线', 'Retention curve')} data=${curve}
          draw=${(canvas, c) => c.retentionChart(canvas, curve.points.map((p) => p.month), curve.points.map((p) => p.survival))} />
        <div class="table-scroll"><table class="numbers" id="retention-table"><thead><tr><th>${t('满', 'After')}</th>
          ${marks(curve).map((p) => html`<th>${t(`${p.month}个月`, `${p.month} mo.`)}</th>`)}</tr></thead>
          <tbody><tr><th>${t('仍在岗', 'Employed')}</th>${marks(curve).map((p) => html`<td data-month=${p.month}>${percent(p.survival)}</td>`)}</tr>
          <tr><th>${t('观察人数', 'Observed')}</th>${marks(curve).map((p) => html`<td>${p.at_risk ?? '—'}</td>`)}</tr></tbody></table></div>
        <p class="hint scroll-hint">${t('表格可左右滑动查看各月。', 'Swipe the table sideways for every month.')}</p>`}

      <h3>${t('补贴合计', 'Subsidy totals')}</h3>
      <table class="numbers" id="subsidy-totals"><thead><tr><th>${t('政策', 'Policy')}</th><th>${t('状态', 'Status')}</th>
        <th>${t('笔数', 'Payouts')}</th><th>${t('金额（元）', 'Yuan')}</th></tr></thead>
        <tbody>${(totals || []).map((row) => html`<tr><th>${row.policy_code}</th><td>${t(...(STATUS[row.status] || [row.status, row.status]))}</td>
          <td>${row.count}</td><td>${row.amount.toLocaleString('zh-CN')}</td></tr>`)}
        ${totals && !totals.length && html`<tr><td colspan="4">${t('尚无补贴记录。', 'No payouts yet.')}</td></tr>`}</tbody></table>

      <${BulletinForm} me=${me} />
    </section>`;
}

/** The county's monthly bulletin: pick the month (and the county, for the city's staff), download. */
function BulletinForm({ me }) {
  const lastMonth = new Date(new Date().getFullYear(), new Date().getMonth() - 1, 15).toISOString().slice(0, 7);
  const [month, setMonth] = useState(lastMonth);
  const [county, setCounty] = useState(me.county_code || '');
  const url = (format) => `/api/reports/bulletin?county=${county}&month=${month}&format=${format}`;
  return html`
    <form class="bulletin" onSubmit=${(e) => e.preventDefault()} onChange=${(e) => {
      if (e.target.name === 'month') setMonth(e.target.value);
      if (e.target.name === 'county') setCounty(e.target.value);
    }}>
      <h3>${t('统计月报', 'Monthly bulletin')}</h3>
      <label>${t('月份', 'Month')}<input type="month" name="month" value=${month} required /></label>
      ${!me.county_code && html`<label>${t('县', 'County')}<${CountySelect} side="origin" name="county" value=${county} /></label>`}
      ${county && month ? html`<p class="export" id="bulletin-links">
        <a href=${url('pdf')} download>PDF</a> · <a href=${url('xlsx')} download>Excel</a></p>`
        : html`<p class="hint">${t('请选择县。', 'Choose a county.')}</p>`}
    </form>`;
}

/** A canvas the chart module draws on once loaded; redrawn when the data or the language change. */
function ChartBox({ id, label, data, draw }) {
  const canvas = useRef(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let chart;
    let live = true;
    (charts ||= import(CHARTS)).then((module) => {
      if (live) chart = draw(canvas.current, module);
    }).catch(() => { charts = undefined; if (live) setFailed(true); });
    return () => { live = false; chart?.destroy(); };
  }, [data, currentLang()]);
  if (failed) return html`<p class="hint">${t('图表暂时无法显示；下表有全部数字。', 'The chart could not load; the table has every number.')}</p>`;
  return html`<div class="chart"><canvas id=${id} role="img" aria-label=${label} ref=${canvas}></canvas></div>`;
}

/** The curve's months from 1 to a year: the same points the chart draws. */
function marks(curve) {
  return curve.points.filter((p) => p.month >= 1 && p.month <= CURVE_MONTHS);
}

function percent(share) {
  return share === null || share === undefined ? '—' : `${(share * 100).toFixed(1)}%`;
}

const FOLLOW_UP_COUNTS = [['intent', '签意向', 'Signed'], ['called', '已打电话', 'Called'], ['reached', '接通', 'Reached'],
  ['coming', '会来', 'Coming'], ['not_coming', '不来了', 'Not coming'], ['undecided', '未定', 'Undecided']];

/** What the calls after the fairs found, split as the funnel is: and why people said no, the
 * commonest reason first — what the next fair is planned on. */
function FollowUpTable({ by }) {
  const [found, error] = useApi(`/api/reports/follow-ups?by=${by}`);
  const reasons = found ? FOLLOW_UP_REASONS.filter(([code]) => found.total.reasons[code])
    .sort((a, b) => found.total.reasons[b[0]] - found.total.reasons[a[0]]) : [];
  return html`
    <h3>${t('意向回访', 'Follow-up calls after the fairs')}</h3>
    <${Message} text=${error} id="follow-up-report-message" />
    <div class="table-scroll"><table class="numbers" id="follow-up-table">
      <thead><tr><th>${t('分组', 'Group')}</th>${FOLLOW_UP_COUNTS.map(([, zh, en]) => html`<th>${t(zh, en)}</th>`)}
        ${reasons.map(([, zh, en]) => html`<th>${t(zh, en)}</th>`)}</tr></thead>
      <tbody>${(found?.groups || []).slice(0, 50).map((g) => html`<tr data-key=${g.key.join('/')}><th>${g.label}</th>
        ${FOLLOW_UP_COUNTS.map(([name]) => html`<td>${g[name]}</td>`)}${reasons.map(([code]) => html`<td data-reason=${code}>${g.reasons[code]}</td>`)}</tr>`)}
        ${found && html`<tr class="total"><th>${t('合计', 'Total')}</th>${FOLLOW_UP_COUNTS.map(([name]) => html`<td data-count=${name}>${found.total[name]}</td>`)}
          ${reasons.map(([code]) => html`<td data-reason=${code}>${found.total.reasons[code]}</td>`)}</tr>`}
      </tbody></table></div>
    ${found && !found.groups.length && html`<p class="hint">${t('还没有签意向的人。', 'No intentions yet.')}</p>`}`;
}

const PAY_BY = [['employer', '按企业', 'By employer'], ['job_type', '按工种', 'By job type'], ['county', '按县', 'By county']];

/** The latest month's pay against what people expected at the fair (the 2017 gap: under 2,800
 * yuan against 3,500 expected), per employer, job type or county. */
function PayTable() {
  const [by, setBy] = useState('employer');
  const [found, error] = useApi(`/api/reports/pay?by=${by}`);
  const row = (label, g, key) => html`<tr data-key=${key}><th>${label}</th><td>${g.paid}</td><td>${g.average_pay}</td>
    <td>${g.average_expected}</td><td data-count="under_expected">${g.under_expected}</td><td data-count="under_low">${g.under_low}</td>
    <td data-count="disputed">${g.disputed}</td></tr>`;
  return html`
    <h3>${t('工资与期望', 'Pay against expectation')}</h3>
    <${Message} text=${error} id="pay-report-message" />
    <label>${t('分组', 'Split by')}<select name="pay_by" onChange=${(e) => setBy(e.target.value)}>
      ${PAY_BY.map(([code, zh, en]) => html`<option value=${code} selected=${code === by}>${t(zh, en)}</option>`)}</select></label>
    <div class="table-scroll"><table class="numbers" id="pay-table">
      <thead><tr><th>${t('分组', 'Group')}</th><th>${t('有工资记录', 'Paid')}</th><th>${t('平均工资', 'Average pay')}</th>
        <th>${t('平均期望', 'Expected')}</th><th>${t('低于期望', 'Under expected')}</th>
        <th>${t(`低于${found?.low_pay || 2800}元`, `Under ${found?.low_pay || 2800}`)}</th><th>${t('有异议', 'Disputed')}</th></tr></thead>
      <tbody>${(found?.groups || []).slice(0, 50).map((g) => row(g.label, g, g.key ?? ''))}
        ${found && row(t('合计', 'Total'), found.total, 'total')}</tbody></table></div>
    ${found && !found.groups.length && html`<p class="hint">${t('还没有工资记录：企业确认在岗时填报。', 'No pay yet: employers give it with the monthly confirmation.')}</p>`}`;
}

// The screens each role works with, one at a time, chosen in the bottom bar; the hash keeps the
// place (#fairs/<id>). A screen that fails shows so and leaves the rest of the app working.
import { useEffect, useErrorBoundary, useState } from 'preact/hooks';

import { t } from './i18n.js';
import { html } from './ui.js';
import { ScanScreen, boardingMode, scanModeFor, trainingMode } from './scan.js';
import { MyCard } from './worker.js';
import { Records } from './records.js';
import { FairsScreen } from './fairs.js';
import { FollowUpsScreen } from './followups.js';
import { HelpScreen } from './help.js';
import { BatchesScreen } from './batches.js';
import { AtRiskScreen, ReviewsScreen } from './lifecycle.js';
import { TrainingsScreen } from './trainings.js';
import { ImportsScreen } from './imports.js';
import { PayoutsScreen } from './payouts.js';
import { PoliciesScreen } from './policies.js';
import { ReportsScreen } from './reports.js';
import { UsersScreen } from './users.js';
import { MyWorkersScreen, SitesScreen } from './sites.js';

const OFFICE = ['admin', 'county', 'workstation'];
const office = (me) => OFFICE.includes(me.role);

/** The screens, in the bottom bar's order, and who works with each. */
const VIEWS = [
  { id: 'card', zh: '我的卡', en: 'My card', for: (me) => me.role === 'worker' },
  { id: 'scan', zh: '扫码', en: 'Scan', for: (me) => Boolean(scanModeFor(me)) && !office(me) },
  { id: 'workers', zh: '人员', en: 'Workers', for: office },
  { id: 'fairs', zh: '招聘会', en: 'Fairs', for: (me) => office(me) || me.role === 'employer' },
  { id: 'batches', zh: '批次', en: 'Batches', for: office },
  { id: 'at-risk', zh: '风险', en: 'At risk', for: office },
  { id: 'follow-ups', zh: '回访', en: 'Calls', for: (me) => office(me) || me.role === 'fair_staff' },
  { id: 'help', zh: '求助', en: 'Help', for: office },
  { id: 'reviews', zh: '审核', en: 'Review', for: office },  // from here on, behind "more" for the office
  { id: 'trainings', zh: '培训', en: 'Training', for: office },
  { id: 'imports', zh: '导入', en: 'Import', for: office },
  { id: 'payouts', zh: '补贴', en: 'Subsidy', for: office },
  { id: 'policies', zh: '政策目标', en: 'Policies', for: office },
  { id: 'reports', zh: '统计', en: 'Reports', for: office },
  { id: 'users', zh: '账号', en: 'Accounts', for: office },
  // an employer's own screens (for the office, behind "more": its morning lists come first)
  { id: 'sites', zh: '工作地点', en: 'Workplaces', for: (me) => ['employer', 'workstation', 'admin'].includes(me.role) },
  { id: 'staff', zh: '我的员工', en: 'My workers', for: (me) => me.role === 'employer' },
  { id: 'scan', zh: '扫码', en: 'Scan', for: office },
];
const TABS = 4;  // what fits a 360-pixel-wide phone with room for a thumb; the rest under "more"

/** The place in the app, from the address's hash: ['fairs', '<id>'] for #fairs/<id>. */
export function useRoute() {
  const read = () => window.location.hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const changed = () => { setRoute(read()); window.scrollTo(0, 0); };
    window.addEventListener('hashchange', changed);
    return () => window.removeEventListener('hashchange', changed);
  }, []);
  return route;
}

export function Screen({ me, engine, route }) {
  const views = VIEWS.filter((v) => v.for(me));
  const [more, setMore] = useState(false);
  const [failure, retry] = useErrorBoundary((error) => console.error(error));
  useEffect(() => setMore(false), [route[0]]);
  useEffect(() => { if (failure) retry(); }, [route[0]]);  // another screen is worth a try
  if (failure) {  // one broken screen must not take the sync badge, the queue or the other screens with it
    return html`<p class="message" role="alert" id="screen-failed">${t('这个页面出错了，已记录的扫码不受影响。',
      'This screen failed; what was scanned is safe.')} <button type="button" class="link" onClick=${retry}>${t('重试', 'Try again')}</button></p>
      ${views.length > 1 && html`<${Tabs} views=${views} view=${views[0]} more=${more} setMore=${setMore} />`}`;
  }
  const view = views.find((v) => v.id === route[0]) || views.find((v) => v.id === (office(me) ? 'workers' : 'scan')) || views[0];
  const rest = view.id === route[0] ? route.slice(1) : [];
  const scanner = (props) => html`<${ScanScreen} me=${me} engine=${engine} ...${props} />`;
  return html`
    ${view.id === 'scan' && scanner({})}
    ${view.id === 'card' && html`<${MyCard} db=${engine.outbox.db} outbox=${engine.outbox} />`}
    ${view.id === 'workers' && html`<${Records} workerId=${rest[0]} outbox=${engine.outbox} me=${me} />`}
    ${view.id === 'fairs' && html`<${FairsScreen} me=${me} route=${rest} />`}
    ${view.id === 'sites' && html`<${SitesScreen} me=${me} route=${rest} />`}
    ${view.id === 'staff' && html`<${MyWorkersScreen} me=${me} />`}
    ${view.id === 'batches' && html`<${BatchesScreen} me=${me} route=${rest}
        scanner=${(batchId) => scanner({ mode: boardingMode(), preset: batchId })} />`}
    ${view.id === 'reviews' && html`<${ReviewsScreen} />`}
    ${view.id === 'at-risk' && html`<${AtRiskScreen} />`}
    ${view.id === 'follow-ups' && html`<${FollowUpsScreen} outbox=${engine.outbox} me=${me} />`}
    ${view.id === 'help' && html`<${HelpScreen} outbox=${engine.outbox} me=${me} />`}
    ${view.id === 'trainings' && html`<${TrainingsScreen} me=${me} route=${rest}
        scanner=${(trainingId) => scanner({ mode: trainingMode(), preset: trainingId })} />`}
    ${view.id === 'imports' && html`<${ImportsScreen} me=${me} />`}
    ${view.id === 'payouts' && html`<${PayoutsScreen} me=${me} />`}
    ${view.id === 'policies' && html`<${PoliciesScreen} me=${me} route=${rest} />`}
    ${view.id === 'reports' && html`<${ReportsScreen} me=${me} />`}
    ${view.id === 'users' && html`<${UsersScreen} me=${me} />`}
    ${views.length > 1 && html`<${Tabs} views=${views} view=${view} more=${more} setMore=${setMore} />`}`;
}

/** The bottom bar: the role's first screens as tabs, the others in a panel above it. */
function Tabs({ views, view, more, setMore }) {
  const tabs = views.length > TABS + 1 ? views.slice(0, TABS) : views;
  const rest = views.slice(tabs.length);
  const link = (v) => html`<a href=${`#${v.id}`} data-view=${v.id} aria-current=${v === view ? 'page' : undefined}>
    ${t(v.zh, v.en)}</a>`;
  return html`
    <nav class="tabs" aria-label=${t('功能', 'Screens')}>
      ${more && html`<div class="more" id="more">${rest.map(link)}</div>`}
      ${tabs.map(link)}
      ${rest.length > 0 && html`<button type="button" id="more-button" aria-expanded=${more}
          aria-current=${rest.includes(view) ? 'page' : undefined} onClick=${() => setMore(!more)}>
        ${rest.includes(view) ? t(view.zh, view.en) : t('更多', 'More')} ${more ? '▾' : '▴'}</button>`}
    </nav>`;
}

// The app shell: server status, passkey enrollment and sign-in, the sync badge, the language,
// and the screens each role works with, one at a time, chosen in the bottom bar (the hash keeps
// the place: #fairs/<id>). Everything scanned goes to the outbox first.
import { h, render } from 'preact';
import { useEffect, useErrorBoundary, useState } from 'preact/hooks';
import htm from 'htm';

import { apiSend } from './api.js';
import { Outbox, openLocal } from './lib/outbox.js';
import { SyncEngine } from './lib/sync.js';
import { DeviceKey } from './lib/devicekey.js';
import { ceremonyText, registerPasskey, signIn, signOut, whoAmI } from './passkeys.js';
import { Message, done } from './ui.js';
import { RejectedList, ScanScreen, SyncBadge, boardingMode, scanModeFor, trainingMode } from './scan.js';
import { MyCard } from './worker.js';
import { Records } from './records.js';
import { FairsScreen } from './fairs.js';
import { BatchesScreen } from './batches.js';
import { AtRiskScreen, ReviewsScreen } from './lifecycle.js';
import { TrainingsScreen } from './trainings.js';
import { ImportsScreen } from './imports.js';
import { PayoutsScreen } from './payouts.js';
import { PoliciesScreen } from './policies.js';
import { ReportsScreen } from './reports.js';
import { UsersScreen } from './users.js';
import { MyWorkersScreen, SitesScreen } from './sites.js';
import { referenceData } from './register.js';
import { currentLang, setLang, t } from './i18n.js';
import { roleName } from './roles.js';
import { applyUpdate, watchForUpdates } from './update.js';

const html = htm.bind(h);

/** Ask the server whether it and its database are up. */
export async function fetchHealth() {
  try {
    const response = await fetch('/api/health', { headers: { Accept: 'application/json' } });
    const body = await response.json().catch(() => null);  // a captive portal answers 200 with a page
    return response.ok && body?.status === 'ok' && body?.database === 'ok' ? 'ok' : 'down';
  } catch {
    return 'offline';
  }
}

const LABELS = { ok: ['服务正常', 'Online'], down: ['服务异常', 'Server error'], offline: ['离线', 'Offline'], checking: ['检查中…', 'Checking…'] };

/** End the server's session of a sign-out that was made with no network (once it can be reached). */
async function endSessionLeftOpen(db) {
  if (!(await db.get('meta', 'sign_out_pending'))) return;
  await signOut();  // throws offline: tried again at the next start or sign-in
  await db.delete('meta', 'sign_out_pending');
}

function Enroll({ onDone }) {
  const [state, setState] = useState({ busy: false, message: '' });
  // A worker's invitation link fills these. defaultValue, not value: a value would put the
  // fields back to it at every re-render, wiping what the person typed meanwhile. The one-time
  // code leaves the address bar at once (a screenshot or a shared link must not carry it).
  const [invited] = useState(() => {
    const found = new URLSearchParams(window.location.search);
    if (found.has('code')) window.history.replaceState(null, '', window.location.pathname + window.location.hash);
    return found;
  });
  async function submit(event) {
    event.preventDefault();
    const form = new FormData(event.target);
    setState({ busy: true, message: '' });
    try {
      await registerPasskey(form.get('name'), form.get('code'), form.get('device'));
      setState({ busy: false, message: done(t('通行密钥已创建，请登录。', 'Passkey created: sign in now.')) });
      onDone();
    } catch (error) {
      setState({ busy: false, message: ceremonyText(error) });
    }
  }
  return html`
    <form id="enroll" onSubmit=${submit}>
      <h2>${t('首次使用', 'First time here')}</h2>
      <label>${t('姓名', 'Name')}<input name="name" required autocomplete="username" defaultValue=${invited.get('enroll') || ''} /></label>
      <label>${t('注册码', 'Enrollment code')}<input name="code" required autocapitalize="characters" defaultValue=${invited.get('code') || ''} /></label>
      <label>${t('本机名称', "This phone's name")}<input name="device" placeholder=${t('招聘会1号手机', 'Fair phone 1')} /></label>
      <button type="submit" disabled=${state.busy}>${t('创建通行密钥', 'Create a passkey')}</button>
      <${Message} text=${state.message} />
    </form>`;
}

const SYNC_EVERY_MS = 30_000;
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
function useRoute() {
  const read = () => window.location.hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const changed = () => { setRoute(read()); window.scrollTo(0, 0); };
    window.addEventListener('hashchange', changed);
    return () => window.removeEventListener('hashchange', changed);
  }, []);
  return route;
}

function Screen({ me, engine, route, onScanned }) {
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
  const scanner = (props) => html`<${ScanScreen} me=${me} engine=${engine} onScanned=${onScanned} ...${props} />`;
  return html`
    ${view.id === 'scan' && scanner({})}
    ${view.id === 'card' && html`<${MyCard} db=${engine.outbox.db} outbox=${engine.outbox} onScanned=${onScanned} />`}
    ${view.id === 'workers' && html`<${Records} workerId=${rest[0]} outbox=${engine.outbox} me=${me} onScanned=${onScanned} />`}
    ${view.id === 'fairs' && html`<${FairsScreen} me=${me} route=${rest} />`}
    ${view.id === 'sites' && html`<${SitesScreen} me=${me} route=${rest} />`}
    ${view.id === 'staff' && html`<${MyWorkersScreen} me=${me} />`}
    ${view.id === 'batches' && html`<${BatchesScreen} me=${me} route=${rest}
        scanner=${(batchId) => scanner({ mode: boardingMode(), preset: batchId })} />`}
    ${view.id === 'reviews' && html`<${ReviewsScreen} />`}
    ${view.id === 'at-risk' && html`<${AtRiskScreen} />`}
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

function App({ engine }) {
  const [health, setHealth] = useState('checking');
  const [me, setMe] = useState(undefined);
  const [message, setMessage] = useState('');
  const [syncState, setSyncState] = useState(engine.state);
  const [lang, chooseLang] = useState(currentLang());
  const [update, setUpdate] = useState(null);  // a new version, installed and waiting
  const route = useRoute();
  useEffect(() => watchForUpdates(setUpdate), []);
  useEffect(() => {
    fetchHealth().then(setHealth);
    // Offline for days: the phone remembers who signed in here last; the server still decides on sync.
    // A sign-out made offline ends the server's session the first time the network lets it.
    endSessionLeftOpen(engine.outbox.db).then(whoAmI).then(async (found) => {
      await engine.outbox.db.put('meta', found, 'me');
      setMe(found);
    }).catch(async () => setMe((await engine.outbox.db.get('meta', 'me')) || null));
    engine.restore().then((state) => setSyncState({ ...state }));  // after an offline reload: when it last synced
  }, []);

  async function sync() {
    if (!me) return;
    const fresh = await whoAmI().catch(() => undefined);  // also renews the CSRF token after days offline
    if (fresh === null) {  // the session ended: sign in again, the queue waits
      setMe(null);
      return;
    }
    const state = await engine.syncNow();
    setSyncState({ ...state });
    if (!state.error && !(await engine.outbox.db.get('meta', 'reference'))) referenceData(engine.outbox.db);  // for offline registration
    fetchHealth().then(setHealth);
    clearTimeout(engine.retryTimer);
    if (state.error) engine.retryTimer = setTimeout(sync, engine.backoff());  // 2 s, 4 s, … up to 5 minutes
  }
  useEffect(() => {  // no offline switch to forget: try now, every half minute, and when the network is back
    if (!me) return undefined;
    sync();
    const timer = setInterval(() => { if (Date.now() >= (engine.nextTry || 0)) sync(); }, SYNC_EVERY_MS);  // pulls too
    const offline = () => setHealth('offline');  // the chip says so at once, not at the next failed sync
    const shown = () => { if (document.visibilityState === 'visible') sync(); };  // back from the pocket
    window.addEventListener('online', sync);
    window.addEventListener('offline', offline);
    document.addEventListener('visibilitychange', shown);
    return () => {
      clearInterval(timer);
      window.removeEventListener('online', sync);
      window.removeEventListener('offline', offline);
      document.removeEventListener('visibilitychange', shown);
    };
  }, [me]);
  async function scanned() {
    setSyncState({ ...engine.state, queued: await engine.outbox.count() });
    if (navigator.onLine) sync();
  }

  async function doSignIn() {
    setMessage('');
    try {
      await engine.outbox.db.delete('meta', 'sign_out_pending');  // a new sign-in replaces that session anyway
      const found = await signIn(async (challenge) => engine.key.joinProof(await engine.outbox.deviceId(), challenge));
      await engine.outbox.db.put('meta', found, 'me');
      setMe(found);
    } catch (error) {
      setMessage(ceremonyText(error, true));
    }
  }
  async function doSignOut() {  // works offline too: the queue stays, each scan keeps its scanner's name
    await engine.outbox.db.put('meta', true, 'sign_out_pending');
    // The server's session ends first (the next person must not find it open); with no network,
    // at the next start or sign-in.
    await endSessionLeftOpen(engine.outbox.db).catch(() => undefined);
    await engine.outbox.db.delete('meta', 'me');
    setMe(null);
  }

  function switchLang() {
    setLang(lang === 'zh' ? 'en' : 'zh');
    chooseLang(currentLang());
  }

  const healthChip = html`<span class="status ${health === 'ok' ? 'ok' : 'down'}" data-health=${health}>${t(...LABELS[health])}</span>`;
  return html`
    <header>
      <button type="button" class="lang" id="lang" onClick=${switchLang} lang=${lang === 'zh' ? 'en' : 'zh-CN'}>
        ${lang === 'zh' ? 'English' : '中文'}</button>
      <h1>${t('务工通', 'LaborPass')}</h1><div>${t('定西—福州劳务协作实名制管理', 'Dingxi–Fuzhou labour cooperation, by name')}</div>
    </header>
    ${update && html`<p class="update" id="update" role="status">${t('新版本已就绪。', 'A new version is ready.')}
      <button type="button" onClick=${() => applyUpdate(update)}>${t('立即更新', 'Update now')}</button></p>`}
    <section>
      ${me ? html`
        <p class="who" id="signed-in" data-user=${me.name}><b>${me.display_name || me.name}</b>（${roleName(me.role)}）${healthChip}</p>
        <${SyncBadge} state=${syncState} onSync=${sync} />
        <${RejectedList} db=${engine.outbox.db} version=${syncState.lastSyncAt} />
        <${Screen} me=${me} engine=${engine} route=${route} onScanned=${scanned} />
        <p class="footer"><button type="button" class="link" id="sign-out" onClick=${doSignOut}>${t('退出登录', 'Sign out')}</button>
          · <a href="/api/docs">${t('接口文档', 'API docs')}</a></p>` : html`
        <p>${t('服务器', 'Server')}: ${healthChip}</p>
        ${syncState.queued > 0 && html`<p class="message" id="queued-signed-out" role="status">${t(
          `本机还有 ${syncState.queued} 条扫码待上传：在本机登录后即上传，每条仍记在扫码人名下。`,
          `${syncState.queued} scans wait on this phone: they go once someone signs in here, each still the scan of who made it.`)}</p>`}
        <button class="button" id="sign-in" onClick=${doSignIn} disabled=${me === undefined}>${t('通行密钥登录', 'Sign in with a passkey')}</button>
        <p class="message" role="alert" id="sign-in-message">${message}</p>
        <${Enroll} onDone=${() => setMessage('')} />
        <p class="footer"><a href="/api/docs">${t('接口文档', 'API docs')}</a></p>`}
    </section>`;
}

openLocal().then((local) => {
  const engine = new SyncEngine({ outbox: new Outbox(local), send: apiSend, key: new DeviceKey(local) });
  const root = document.getElementById('app');
  root.textContent = '';  // the "Loading…" placeholder; Preact adds to what is there, it does not replace it
  render(html`<${App} engine=${engine} />`, root);
});

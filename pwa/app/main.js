// The app shell: server status, passkey enrollment and sign-in, the sync badge and, for the
// roles that scan, the scan screen. Everything scanned goes to the outbox first.
import { h, render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import htm from 'htm';

import { apiSend } from './api.js';
import { Outbox, openLocal } from './lib/outbox.js';
import { SyncEngine } from './lib/sync.js';
import { registerPasskey, signIn, signOut, whoAmI } from './passkeys.js';
import { RejectedList, ScanScreen, SyncBadge, scanModeFor } from './scan.js';
import { MyCard } from './worker.js';
import { Records } from './records.js';

const html = htm.bind(h);

/** Ask the server whether it and its database are up. */
export async function fetchHealth() {
  try {
    const response = await fetch('/api/health', { headers: { Accept: 'application/json' } });
    return response.ok ? 'ok' : 'down';
  } catch {
    return 'offline';
  }
}

const LABELS = { ok: '服务正常 Online', down: '服务异常 Server error', offline: '离线 Offline', checking: '检查中… Checking…' };
const ROLE_NAMES = {
  admin: '管理员', county: '县人社局', workstation: '劳务工作站', fair_staff: '招聘会工作人员',
  greeter: '车站接站', employer: '用人单位', worker: '务工人员',
};

function Enroll({ onDone }) {
  const [state, setState] = useState({ busy: false, message: '' });
  // A worker's invitation link fills these. defaultValue, not value: a value would put the
  // fields back to it at every re-render, wiping what the person typed meanwhile.
  const invited = new URLSearchParams(window.location.search);
  async function submit(event) {
    event.preventDefault();
    const form = new FormData(event.target);
    setState({ busy: true, message: '' });
    try {
      await registerPasskey(form.get('name'), form.get('code'), form.get('device'));
      setState({ busy: false, message: '通行密钥已创建，请登录。 Passkey created: sign in now.' });
      onDone();
    } catch (error) {
      setState({ busy: false, message: error.message });
    }
  }
  return html`
    <form id="enroll" onSubmit=${submit}>
      <h2>首次使用 First time here</h2>
      <label>姓名 Name<input name="name" required autocomplete="username" defaultValue=${invited.get('enroll') || ''} /></label>
      <label>注册码 Enrollment code<input name="code" required autocapitalize="characters" defaultValue=${invited.get('code') || ''} /></label>
      <label>本机名称 This phone's name<input name="device" placeholder="招聘会1号手机" /></label>
      <button type="submit" disabled=${state.busy}>创建通行密钥 Create passkey</button>
      <p class="message" role="status">${state.message}</p>
    </form>`;
}

const SYNC_EVERY_MS = 30_000;

function App({ engine }) {
  const [health, setHealth] = useState('checking');
  const [me, setMe] = useState(undefined);
  const [message, setMessage] = useState('');
  const [syncState, setSyncState] = useState(engine.state);
  useEffect(() => {
    fetchHealth().then(setHealth);
    // Offline for days: the phone remembers who signed in here last; the server still decides on sync.
    whoAmI().then(async (found) => {
      await engine.outbox.db.put('meta', found, 'me');
      setMe(found);
    }).catch(async () => setMe((await engine.outbox.db.get('meta', 'me')) || null));
    engine.outbox.count().then((queued) => setSyncState({ ...engine.state, queued }));
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
    fetchHealth().then(setHealth);
    clearTimeout(engine.retryTimer);
    if (state.error) engine.retryTimer = setTimeout(sync, engine.backoff());  // 2 s, 4 s, … up to 5 minutes
  }
  useEffect(() => {  // no offline switch to forget: try now, every half minute, and when the network is back
    if (!me) return undefined;
    sync();
    const timer = setInterval(() => { if (Date.now() >= (engine.nextTry || 0)) sync(); }, SYNC_EVERY_MS);  // pulls too
    window.addEventListener('online', sync);
    return () => { clearInterval(timer); window.removeEventListener('online', sync); };
  }, [me]);
  async function scanned() {
    setSyncState({ ...engine.state, queued: await engine.outbox.count() });
    if (navigator.onLine) sync();
  }

  async function doSignIn() {
    setMessage('');
    try {
      const found = await signIn();
      await engine.outbox.db.put('meta', found, 'me');
      setMe(found);
    } catch (error) {
      setMessage(error.message);
    }
  }
  async function doSignOut() {
    await signOut();
    await engine.outbox.db.delete('meta', 'me');
    setMe(null);
  }

  return html`
    <header><h1>务工通 LaborPass</h1><div>定西—福州劳务协作实名制管理</div></header>
    <section>
      <p>服务器状态 Server: <span class="status ${health === 'ok' ? 'ok' : 'down'}" data-health=${health}>${LABELS[health]}</span></p>
      ${me ? html`
        <p id="signed-in" data-user=${me.name}>已登录 Signed in: <b>${me.name}</b>（${ROLE_NAMES[me.role] || me.role}）</p>
        <${SyncBadge} state=${syncState} onSync=${sync} />
        <${RejectedList} db=${engine.outbox.db} version=${syncState.lastSyncAt} />
        ${scanModeFor(me) && html`<${ScanScreen} me=${me} engine=${engine} onScanned=${scanned} />`}
        ${['admin', 'county', 'workstation'].includes(me.role) && html`<${Records} />`}
        ${me.role === 'worker' && html`<${MyCard} db=${engine.outbox.db} outbox=${engine.outbox} onScanned=${scanned} />`}
        <button class="button" id="sign-out" onClick=${doSignOut}>退出 Sign out</button>` : html`
        <button class="button" id="sign-in" onClick=${doSignIn} disabled=${me === undefined}>通行密钥登录 Sign in with a passkey</button>
        <p class="message" role="alert" id="sign-in-message">${message}</p>
        <${Enroll} onDone=${() => setMessage('')} />`}
      <a class="button" href="/api/docs">接口文档 API docs</a>
    </section>`;
}

if ('serviceWorker' in navigator) navigator.serviceWorker.register('/sw.js');  // opens offline after the first visit

openLocal().then((local) => {
  const engine = new SyncEngine({ outbox: new Outbox(local), send: apiSend });
  const root = document.getElementById('app');
  root.textContent = '';  // the "Loading…" placeholder; Preact adds to what is there, it does not replace it
  render(html`<${App} engine=${engine} />`, root);
});

// The app shell: the header, the language, server status, sign-in and sign-out, the sync badge
// and the screen of the moment (views.js). The phone's parts are in phone.js, when it syncs in
// scheduler.js, a first passkey in enroll.js. Everything scanned goes to the outbox first.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';

import { fetchHealth } from './api.js';
import { Enroll } from './enroll.js';
import { currentLang, setLang, t } from './i18n.js';
import { ceremonyText, signIn, signOut, whoAmI } from './passkeys.js';
import { openPhone, store } from './phone.js';
import { roleName } from './roles.js';
import { RejectedList, SyncBadge } from './scan.js';
import { useSyncSchedule } from './scheduler.js';
import { html, useStore } from './ui.js';
import { applyUpdate, watchForUpdates } from './update.js';
import { Screen, useRoute } from './views.js';

const LABELS = { ok: ['服务正常', 'Online'], down: ['服务异常', 'Server error'], offline: ['离线', 'Offline'], checking: ['检查中…', 'Checking…'] };

/** End the server's session of a sign-out that was made with no network (once it can be reached). */
async function endSessionLeftOpen(db) {
  if (!(await db.get('meta', 'sign_out_pending'))) return;
  await signOut();  // throws offline: tried again at the next start or sign-in
  await db.delete('meta', 'sign_out_pending');
}

function App({ engine }) {
  const { db } = engine.outbox;
  const [health, setHealth] = useState('checking');
  const [me, setMe] = useState(undefined);
  const [message, setMessage] = useState('');
  const syncState = useStore(store);
  const [lang, chooseLang] = useState(currentLang());
  const [update, setUpdate] = useState(null);  // a new version, installed and waiting
  const route = useRoute();
  const sync = useSyncSchedule(engine, me, { onSignedOut: () => setMe(null), onHealth: setHealth });
  useEffect(() => watchForUpdates(setUpdate), []);
  useEffect(() => {
    fetchHealth().then(setHealth);
    // Offline for days: the phone remembers who signed in here last; the server still decides on sync.
    // A sign-out made offline ends the server's session the first time the network lets it.
    endSessionLeftOpen(db).then(whoAmI).then(async (found) => {
      await db.put('meta', found, 'me');
      setMe(found);
    }).catch(async () => setMe((await db.get('meta', 'me')) || null));
    engine.restore();  // after an offline reload: when it last synced, how many wait
  }, []);

  async function doSignIn() {
    setMessage('');
    try {
      await db.delete('meta', 'sign_out_pending');  // a new sign-in replaces that session anyway
      const found = await signIn(async (challenge) => engine.key.joinProof(await engine.outbox.deviceId(), challenge));
      await db.put('meta', found, 'me');
      setMe(found);
    } catch (error) {
      setMessage(ceremonyText(error, true));
    }
  }
  async function doSignOut() {  // works offline too: the queue stays, each scan keeps its scanner's name
    await db.put('meta', true, 'sign_out_pending');
    // The server's session ends first (the next person must not find it open); with no network,
    // at the next start or sign-in.
    await endSessionLeftOpen(db).catch(() => undefined);
    await db.delete('meta', 'me');
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
        <${RejectedList} db=${db} />
        <${Screen} me=${me} engine=${engine} route=${route} />
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

openPhone().then((engine) => {
  const root = document.getElementById('app');
  root.textContent = '';  // the "Loading…" placeholder; Preact adds to what is there, it does not replace it
  render(html`<${App} engine=${engine} />`, root);
});

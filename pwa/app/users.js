// 账号: the accounts the office manages. The list is the server's (an admin sees everyone, a county
// officer its own county's staff); a new staff account answers a one-time code, shown big with
// its link and a QR the phone draws; revoking takes a second tap that says what it does; and a
// worker is invited to register a passkey on their own phone. Everything here needs the network.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';

import { apiFetch } from './api.js';
import { t } from './i18n.js';
import { qrSvg, svgDataUrl } from './lib/qr.js';
import { ROLE_NAMES, roleName } from './roles.js';
import { CountySelect, Message, Pager, errorText, formValues, html, shortTime, useApi, useRegions } from './ui.js';

// The roles each manager may enroll (server/services/access.py may_enroll; the server decides
// again), and the scope each role is enrolled with (services/passkeys.py _check_scope).
const ENROLLS = {
  admin: ['fair_staff', 'greeter', 'workstation', 'county', 'employer', 'admin'],
  county: ['fair_staff', 'workstation', 'county'],
};
const SCOPE = { county: 'county_code', workstation: 'county_code', fair_staff: 'county_code', greeter: 'station',
  employer: 'employer_id' };
const INVITES = ['admin', 'county', 'workstation'];  // whoever may reveal an ID number (worker.invite)
const PER_PAGE = 50;


/** The office's accounts screen: list, create, revoke, and invite a worker. */
export function UsersScreen({ me }) {
  const manages = Boolean(ENROLLS[me.role]);
  const [issued, setIssued] = useState(null);  // the one-time code just made: shown until "done"
  const [creating, setCreating] = useState(false);
  return html`
    <section class="screen users" id="users">
      <h2>${t('人员账号', 'Accounts')}</h2>
      ${issued && html`<${CodeSheet} issued=${issued} onDone=${() => setIssued(null)} />`}
      ${!issued && manages && (creating
        ? html`<${CreateAccount} me=${me} onIssued=${(answer) => { setIssued(answer); setCreating(false); }}
            onCancel=${() => setCreating(false)} />`
        : html`<button type="button" class="button" id="new-account" onClick=${() => setCreating(true)}>
            ${t('新建工作人员账号', 'New staff account')}</button>`)}
      ${!issued && INVITES.includes(me.role) && html`<${InviteWorker} onIssued=${setIssued} />`}
      ${!issued && manages && html`<${AccountList} />`}
      ${!manages && html`<p class="hint" id="users-not-managed">${t(
        '工作人员账号由管理员或县人社局开设和撤销。', 'Staff accounts are opened and revoked by an admin or the county office.')}</p>`}
    </section>`;
}

/** The accounts the server says are the signer's to manage; mounted anew after a code is handed over. */
function AccountList() {
  const [role, setRole] = useState('');
  const [page, setPage] = useState(1);
  const query = new URLSearchParams({ page: String(page), per_page: String(PER_PAGE), ...(role ? { role } : {}) });
  const [found, error, reload] = useApi(`/api/auth/users?${query}`);
  const regions = useRegions();
  const countyName = (code) => (regions?.origin?.counties || []).find((c) => c.code === code)?.name || code;
  return html`
    <div class="accounts" id="accounts">
      <h3>${t('已有账号', 'Accounts')}${found && html` <span class="hint">（${t(`共 ${found.total} 个`, `${found.total} in all`)}）</span>`}</h3>
      <label>${t('角色', 'Role')}<select name="role" onChange=${(e) => { setRole(e.target.value); setPage(1); }}>
        <option value="">${t('— 全部 —', '— Any —')}</option>
        ${Object.keys(ROLE_NAMES).map((r) => html`<option value=${r} selected=${r === role}>${roleName(r)}</option>`)}</select></label>
      ${error && html`<${Message} text=${error} id="accounts-message" />`}
      ${found && found.items.length === 0 && html`<p class="hint">${t('没有符合条件的账号。', 'No account matches.')}</p>`}
      <ul class="list">${(found?.items || []).map((user) => html`
        <${AccountRow} key=${user.id} user=${user} countyName=${countyName} onChanged=${reload} />`)}</ul>
      <${Pager} found=${found} page=${page} setPage=${setPage} />
    </div>`;
}

function AccountRow({ user, countyName, onChanged }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState('');
  const asked = useRef(null);
  // The question opens below the tapped button: bring it clear of the bottom bar.
  useEffect(() => { if (confirming) asked.current?.scrollIntoView({ block: 'center' }); }, [confirming]);
  const scope = [user.county_code && countyName(user.county_code), user.station, user.employer_name].filter(Boolean);
  async function revoke() {
    setBusy(true);
    try {
      await apiFetch(`/api/auth/users/${user.id}/revoke`, { method: 'POST', body: {} });
      setConfirming(false);
      onChanged();
    } catch (error) {
      setMessage(errorText(error));
    }
    setBusy(false);
  }
  return html`
    <li class="account" data-user=${user.name} data-active=${String(user.active)}>
      <b>${user.name} <span class=${user.active ? 'chip ok' : 'chip revoked'}>${user.active
        ? t('可登录', 'Active') : t('已撤销', 'Revoked')}</span></b>
      <span>${roleName(user.role)}${scope.length > 0 && ` · ${scope.join(' · ')}`}</span><br />
      <span>${t(`开设于 ${day(user.created_at)} · 通行密钥 ${user.passkeys} 个`,
        `Opened ${day(user.created_at)} · ${user.passkeys} passkey${user.passkeys === 1 ? '' : 's'}`)}${user.last_sign_in_at
        && t(` · 上次登录 ${shortTime(user.last_sign_in_at)}`, ` · last sign-in ${shortTime(user.last_sign_in_at)}`)}</span>
      ${user.may_revoke && !confirming && html`<button type="button" class="secondary revoke" onClick=${() => { setConfirming(true); setMessage(''); }}>
        ${t('撤销账号', 'Revoke access')}</button>`}
      ${confirming && html`<div class="confirm-revoke" role="alertdialog" ref=${asked}>
        <p>${t(`撤销「${user.name}」的账号？其通行密钥和令牌作废，只有他/她用过的手机将被停用并退出登录。此操作不能撤回。`,
          `Revoke ${user.name}'s access? Their passkeys and tokens stop working; the phones only they used are blocked and signed out. This cannot be undone.`)}</p>
        <div class="pair">
          <button type="button" class="danger confirm" disabled=${busy} onClick=${revoke}>${t('确认撤销', 'Revoke')}</button>
          <button type="button" class="secondary" disabled=${busy} onClick=${() => setConfirming(false)}>${t('取消', 'Cancel')}</button>
        </div></div>`}
      ${message && html`<${Message} text=${message} />`}
    </li>`;
}

function CreateAccount({ me, onIssued, onCancel }) {
  const roles = ENROLLS[me.role];
  const [role, setRole] = useState(roles[0]);
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const [employers, employersError] = useApi(SCOPE[role] === 'employer_id' ? '/api/employers' : null);
  const ownCounty = (useRegions()?.origin?.counties || []).find((c) => c.code === me.county_code)?.name || me.county_code;
  async function submit(event) {
    event.preventDefault();
    const values = formValues(event.target);
    if (me.role === 'county' && SCOPE[role] === 'county_code') values.county_code = me.county_code;  // its own county only
    setBusy(true);
    setMessage('');
    try {
      onIssued(await apiFetch('/api/auth/enrollments', { method: 'POST', body: values }));
    } catch (error) {
      setMessage(errorText(error));
    }
    setBusy(false);
  }
  return html`
    <form id="create-account" onSubmit=${submit}>
      <h2>${t('新建工作人员账号', 'New staff account')}</h2>
      <label>${t('姓名（登录名）', 'Name (to sign in with)')}<input name="name" required maxlength="100" autocomplete="off" /></label>
      <label>${t('角色', 'Role')}<select name="role" onChange=${(e) => setRole(e.target.value)}>
        ${roles.map((r) => html`<option value=${r} selected=${r === role}>${roleName(r)}</option>`)}</select></label>
      ${SCOPE[role] === 'county_code' && (me.role === 'county'
        ? html`<p class="hint">${t(`所属县：${ownCounty}（本县）`, `County: ${ownCounty} (your own)`)}</p>`
        : html`<label>${t('所属县', 'County')}<${CountySelect} side="origin" name="county_code" value="" /></label>`)}
      ${SCOPE[role] === 'station' && html`<label>${t('接站车站', 'Station')}<input name="station" required maxlength="100"
        placeholder=${t('福州站', 'Fuzhou station')} /></label>`}
      ${SCOPE[role] === 'employer_id' && html`<label>${t('用人单位', 'Employer')}<select name="employer_id" required>
        <option value="">${t('— 请选择 —', '— Choose —')}</option>
        ${(employers || []).map((e) => html`<option value=${e.id}>${e.name}</option>`)}</select></label>
        <${Message} text=${employersError} />`}
      <p class="hint">${t('开设后显示一次性注册码（15 分钟内有效），本人用它在自己的手机上创建通行密钥。',
        'A one-time code (good for 15 minutes) is shown next: the person creates a passkey with it on their own phone.')}</p>
      <${Message} text=${message} id="create-account-message" />
      <button type="submit" disabled=${busy}>${t('开设并生成注册码', 'Open it and make the code')}</button>
      <button type="button" class="button secondary" onClick=${onCancel}>${t('取消', 'Cancel')}</button>
    </form>`;
}

/** Find a worker by name and give them a link to register a passkey on their own phone. */
function InviteWorker({ onIssued }) {
  const [found, setFound] = useState(null);
  const [message, setMessage] = useState('');
  const [replace, setReplace] = useState(null);  // the worker who has a passkey already (a lost phone?)
  async function search(event) {
    event.preventDefault();
    const q = new FormData(event.target).get('q').trim();
    setMessage('');
    setReplace(null);
    try {
      const page = await apiFetch(`/api/workers?${new URLSearchParams({ q, per_page: '10' })}`);
      setFound(page.items);
      if (page.items.length === 0) setMessage(t('没有找到此人（只查本辖区）。', 'Nobody found (your scope only).'));
    } catch (error) {
      setMessage(errorText(error));
    }
  }
  async function invite(worker, replacePasskeys = false) {
    setMessage('');
    try {
      const answer = await apiFetch('/api/auth/worker-invitations', {
        method: 'POST', body: { worker_id: worker.id, replace_passkeys: replacePasskeys } });
      onIssued({ ...answer, display: worker.name });
    } catch (error) {
      if (error.code === 'worker_has_passkey') setReplace(worker);
      setMessage(errorText(error));
    }
  }
  return html`
    <details class="invite-worker" id="invite-worker">
      <summary>${t('邀请务工人员在自己手机上查看本人记录', 'Invite a worker to see their own record on their phone')}</summary>
      <form onSubmit=${search}>
        <label>${t('姓名或身份证后四位', 'Name or last 4 of the ID')}<input name="q" required /></label>
        <button type="submit">${t('查找', 'Search')}</button>
      </form>
      <ul class="list">${(found || []).map((w) => html`<li data-worker=${w.id}>
        <b>${w.name}</b><span>${w.id_masked}${w.home?.county_name ? ` · ${w.home.county_name}` : ''}</span>
        <button type="button" class="secondary" onClick=${() => invite(w)}>${t('生成邀请', 'Invite')}</button></li>`)}</ul>
      <${Message} text=${message} id="invite-message" />
      ${replace && html`<button type="button" class="danger" id="replace-passkeys" onClick=${() => invite(replace, true)}>
        ${t(`手机丢失：作废${replace.name}的旧通行密钥并重新邀请`, `Phone lost: revoke ${replace.name}'s passkeys and invite again`)}</button>`}
    </details>`;
}

/** The one-time code, big, with the link that fills it in and that link as a QR code. */
function CodeSheet({ issued, onDone }) {
  const link = issued.link || `${window.location.origin}/?${new URLSearchParams({ enroll: issued.name, code: issued.code })}`;
  const qr = useMemo(() => svgDataUrl(qrSvg(link, { cellSize: 4 })), [link]);
  const [copied, setCopied] = useState('');
  const sheet = useRef(null);
  useEffect(() => { sheet.current?.scrollIntoView({ block: 'start' }); }, []);  // asked from further down the screen
  async function copy() {
    try {
      await navigator.clipboard.writeText(link);
      setCopied(t('链接已复制。', 'Link copied.'));
    } catch {
      setCopied(t('无法复制：请长按链接手动复制。', 'Could not copy: press and hold the link to copy it.'));
    }
  }
  return html`
    <div class="code-sheet" id="code-sheet" ref=${sheet} data-code=${issued.code} data-name=${issued.name}>
      <p><b>${issued.display || issued.name}</b>（${roleName(issued.role)}）${t('的注册码', ': enrollment code')}</p>
      <p class="big-code" id="enrollment-code">${issued.code}</p>
      ${issued.expires_at && html`<p class="hint" id="code-expires">${t(`只能用一次，${shortTime(issued.expires_at)} 前有效。`,
        `Single use; good until ${shortTime(issued.expires_at)}.`)}</p>`}
      <p>${t('登录名：', 'Name to sign in with: ')}<b>${issued.name}</b></p>
      <img class="qr" src=${qr} alt=${t('邀请链接二维码', 'Invitation link QR code')} />
      <p class="hint">${t('用本人手机扫码，或打开下面的链接：', "Scan with the person's own phone, or open this link:")}</p>
      <p class="link-text"><a href=${link} id="invitation-link">${link}</a></p>
      <button type="button" class="button secondary" onClick=${copy}>${t('复制链接', 'Copy the link')}</button>
      ${copied && html`<${Message} text=${copied} />`}
      <p class="hint">${issued.role === 'worker'
        ? t('注册码只显示这一次；过期后重新邀请即得新码。', 'The code is shown this once only; once it expires, invite again for a new one.')
        : t('注册码只显示这一次；过期后用同一姓名和角色再开设一次，即得新码。',
          'The code is shown this once only; once it expires, open the account again with the same name and role for a new one.')}</p>
      <button type="button" class="button" id="code-done" onClick=${onDone}>${t('已交给本人，完成', 'Handed over: done')}</button>
    </div>`;
}

function day(iso) {
  const when = new Date(iso);
  const pad = (n) => String(n).padStart(2, '0');
  return `${when.getFullYear()}-${pad(when.getMonth() + 1)}-${pad(when.getDate())}`;
}

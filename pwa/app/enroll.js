// A person's first time on a phone: the name and one-time code an officer gave (a worker's
// invitation link fills them) make a passkey here; then they sign in with it.
import { useState } from 'preact/hooks';

import { ceremonyText, registerPasskey } from './passkeys.js';
import { t } from './i18n.js';
import { Message, done, html } from './ui.js';

export function Enroll({ onDone }) {
  const [state, setState] = useState({ busy: false, message: '' });
  // defaultValue, not value: a value would put the fields back to it at every re-render, wiping
  // what the person typed meanwhile. The one-time code leaves the address bar at once (a
  // screenshot or a shared link must not carry it).
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

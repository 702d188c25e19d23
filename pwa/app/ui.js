// What the screens share: following the phone's store, loading from the API, errors in words a
// person can act on, form values, and times with the phone's own offset.
import { h } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import htm from 'htm';

import { apiFetch } from './api.js';
import { pick, t } from './i18n.js';

export const html = htm.bind(h);

/** The store's state, the component drawn again at each of its changes (lib/store.js). */
export function useStore(store) {
  const [state, setState] = useState(store.get());
  useEffect(() => {
    setState(store.get());  // what changed between the first drawing and now
    return store.subscribe(setState);
  }, [store]);
  return state;
}

/** `[data, error, reload]` of a GET (`fetcher`: `apiFetchPage` for a list paged in headers); these
 * screens are the office's and need the network. An answer for a path the screen has left (a
 * filter changed meanwhile) is dropped, not shown. */
export function useApi(path, fetcher = apiFetch) {
  const [state, setState] = useState({ data: null, error: '' });
  const current = useRef(path);
  current.current = path;
  async function load() {
    if (!path) return;
    let next;
    try {
      next = { data: await fetcher(path), error: '' };
    } catch (error) {
      next = { data: null, error: errorText(error) };
    }
    if (current.current === path) setState(next);
  }
  useEffect(() => { load(); }, [path]);
  return [state.data, state.error, load];
}

/** Previous and next under a paged list (`found`: `{total, per_page}`), and where one is; none for one page. */
export function Pager({ found, page, setPage, id }) {
  const pages = found ? Math.max(1, Math.ceil(found.total / found.per_page)) : 1;
  return pages > 1 && html`<div class="pair pager" id=${id}>
    <button type="button" class="secondary" disabled=${page <= 1} onClick=${() => setPage(page - 1)}>${t('上一页', 'Previous')}</button>
    <button type="button" class="secondary" disabled=${page >= pages} onClick=${() => setPage(page + 1)}>
      ${t(`下一页（${page}/${pages}）`, `Next (${page}/${pages})`)}</button></div>`;
}

/** The server's refusal in the chosen language, with what each named field needs. */
export function errorText(error) {
  if (!error.status) return t('此操作需要联网。', 'This needs the network.');
  const fields = Object.entries(error.errors || {})
    .map(([name, messages]) => `${name}: ${[].concat(messages).map((m) => pick(String(m))).join(' ')}`);
  return [pick(error.message), ...fields].join(' ');
}

/** What became of the last action, in the colour of a refusal unless it is `done(…)`: saved,
 * recorded, ready (green). Empty until there is something to say. */
export function Message({ text, id }) {
  const ok = Boolean(text?.ok);
  return html`<p class=${ok ? 'message ok' : 'message'} role="status" id=${id}>${ok ? text.text : text}</p>`;
}

/** A message that says the action went through. */
export function done(text) {
  return { ok: true, text };
}

/** Why, before an action that needs a reason (a rejection, taking someone off a batch): the reason
 * is required and nothing is sent until it is given; 取消 leaves everything as it was. `onSubmit`
 * answers once the action is done, or throws: its refusal then stays beside the form. */
export function AskWhy({ question, action, onSubmit, onCancel, id }) {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState('');
  async function submit(event) {
    event.preventDefault();
    setBusy(true);
    setMessage('');
    try {
      await onSubmit(new FormData(event.target).get('reason').trim());
    } catch (error) {
      setMessage(errorText(error));
      setBusy(false);
    }
  }
  return html`
    <form class="ask-why" id=${id} onSubmit=${submit}>
      <label>${question}<textarea name="reason" required rows="2" maxlength="500"
        onInput=${(e) => e.target.setCustomValidity(e.target.value.trim() ? '' : t('请写明原因。', 'Say why.'))} /></label>
      <div class="pair">
        <button type="submit" disabled=${busy}>${action}</button>
        <button type="button" class="secondary" onClick=${onCancel}>${t('取消', 'Cancel')}</button></div>
      <${Message} text=${message} />
    </form>`;
}

/** A form's fields as an object; empty fields left out, so the server's defaults apply. */
export function formValues(form) {
  return Object.fromEntries([...new FormData(form)].filter(([, value]) => value !== ''));
}

/** A `datetime-local` value as an ISO time with this phone's offset: "2027-02-01T08:30:00+08:00". */
export function withOffset(local) {
  const offset = -new Date(`${local}:00`).getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const hours = String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0');
  return `${local}:00${sign}${hours}:${String(Math.abs(offset) % 60).padStart(2, '0')}`;
}

/** An ISO time as the phone's local "MM-DD HH:mm". */
export function shortTime(iso) {
  if (!iso) return '';
  const when = new Date(iso);
  const pad = (n) => String(n).padStart(2, '0');
  return `${pad(when.getMonth() + 1)}-${pad(when.getDate())} ${pad(when.getHours())}:${pad(when.getMinutes())}`;
}

/** The program's counties (origin and destination), fetched once per page load: one request for
 * every screen that asks meanwhile (each gets the answer, however late it mounted), again after a
 * failure. `false` while it failed (the selects say so), `null` while it is on its way. */
let regions = null;  // once loaded: a form opened later has its options in its first render
let loading = null;
export function useRegions() {
  const [found, setFound] = useState(regions);
  useEffect(() => {
    if (regions) {  // came while this screen was being drawn
      setFound(regions);
      return undefined;
    }
    let live = true;
    loading ||= apiFetch('/api/regions').then((r) => { regions = r; return r; })
      .finally(() => { loading = null; });
    loading.then((r) => live && setFound(r), () => live && setFound(false));
    return () => { live = false; };
  }, []);
  return found;
}

/** After the program's regions changed (an admin added a county): the next screen asks again. */
export function forgetRegions() {
  regions = null;
}

/** A county to choose, `value` chosen at first; the form reads it when sent (left uncontrolled,
 * so a re-render — the sync badge's, every half minute — never undoes what the person chose).
 * Grouped by prefecture where the side has more than one. */
export function CountySelect({ side, name, value, required = true }) {
  const found = useRegions();
  const counties = found?.[side]?.counties || [];
  const prefectures = (found?.prefectures || []).filter((p) => p.side === side);
  const option = (c) => html`<option value=${c.code} selected=${c.code === value}>${c.name}</option>`;
  // drawn anew once the counties come: the chosen one is selected as the options are made. Until
  // then (or when they cannot come) the chosen one stands, so a form that keeps it can still be sent.
  return html`<select key=${found ? 'loaded' : 'waiting'} name=${name} required=${required}>
    <option value=${found ? '' : value || ''}>${found === false ? t('— 无法加载，请联网后重新打开 —', '— Could not load: reopen online —')
      : found ? t('— 请选择 —', '— Choose —') : t('正在加载…', 'Loading…')}</option>
    ${prefectures.length > 1
      ? prefectures.map((p) => html`<optgroup label=${p.name}>${counties.filter((c) => c.prefecture_code === p.code).map(option)}</optgroup>`)
      : counties.map(option)}
  </select>`;
}

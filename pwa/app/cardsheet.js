// The A4 sheet of cards (ten a page, cut lines) for a list of workers — a batch's roster, a fair's
// people — made by the server (POST /api/cards/sheet), which issues a card to whoever has none
// valid yet (existing cards stay as they are). The PDF is saved under the batch's or fair's name.
// Needs the network.
import { useEffect, useState } from 'preact/hooks';

import { ApiError, apiFetch } from './api.js';
import { t } from './i18n.js';
import { whoAmI } from './passkeys.js';
import { Message, done, errorText, html } from './ui.js';

const MOST = 1000;  // schemas/credentials.py CardSheetRequestSchema: worker_ids, 1 to 1000
const PER_PAGE = 200;  // the most GET /api/workers answers at once

/** `workerIds` (a roster), or `fairId`: everyone the fair has in the signed-in office's scope. */
export function CardSheetButton({ workerIds, fairId, title }) {
  const [busy, setBusy] = useState(false);
  const [sheet, setSheet] = useState(null);  // { url, name, count }
  const [message, setMessage] = useState('');  // what went wrong, or (`sheet` set) that it is ready
  useEffect(() => () => { if (sheet) URL.revokeObjectURL(sheet.url); }, [sheet]);
  if (workerIds && !workerIds.length) return null;  // nobody to print for yet

  async function make() {
    setBusy(true);
    setMessage('');
    setSheet(null);
    try {
      const ids = [...new Set(workerIds || await fairWorkerIds(fairId))];
      if (!ids.length) {
        setMessage(t('还没有人签到或签意向，没有可打印的卡片。', 'Nobody has checked in or signed yet: no cards to print.'));
        return;
      }
      if (ids.length > MOST) {
        setMessage(t(`共 ${ids.length} 人，一次最多打印 ${MOST} 张：请按批次打印。`,
          `${ids.length} people: at most ${MOST} cards at a time; print batch by batch.`));
        return;
      }
      const blob = await requestSheet(ids);
      const next = { url: URL.createObjectURL(blob), name: fileName(title), count: ids.length };
      setSheet(next);
      save(next);
      setMessage(done(t(`卡片页已生成：${ids.length} 张。`, `The sheet is ready: ${ids.length} cards.`)));
    } catch (error) {
      setMessage(error instanceof ApiError ? errorText(error)
        : t('无法取得卡片页，请联网后再试。', 'The sheet could not be fetched: try again online.'));
    } finally {
      setBusy(false);
    }
  }

  return html`
    <div class="card-sheet" id="card-sheet" data-count=${sheet?.count ?? ''}>
      <button type="button" class="button secondary" id="card-sheet-make" onClick=${make} disabled=${busy}>
        ${busy ? t('正在生成…', 'Making it…') : t('打印卡片页（A4）', 'Print the card sheet (A4)')}</button>
      <p class="hint">${t('每页10张，沿线裁开；还没有卡的人同时发卡，已有的卡不变。',
        'Ten cards a page, cut along the lines; whoever has no card gets one, existing cards stay valid.')}</p>
      ${sheet && html`<div class="pair">
        <a class="button" id="card-sheet-save" href=${sheet.url} download=${sheet.name}>${t('保存 PDF', 'Save the PDF')}</a>
        <a class="button secondary" id="card-sheet-open" href=${sheet.url} target="_blank" rel="noopener">${t('打开', 'Open')}</a></div>`}
      <${Message} text=${message} id="card-sheet-message" />
    </div>`;
}

/** The fair's workers (anyone checked in, signed or pre-registered there) in the caller's scope. */
async function fairWorkerIds(fairId) {
  const ids = [];
  for (let page = 1; ; page += 1) {
    const found = await apiFetch(`/api/workers?${new URLSearchParams({ fair_id: fairId, per_page: String(PER_PAGE), page: String(page) })}`);
    ids.push(...found.items.map((w) => w.id));
    if (!found.items.length || ids.length >= found.total || ids.length > MOST) return ids;
  }
}

/** The PDF, or an ApiError with the server's words. */
async function requestSheet(ids) {
  const me = await whoAmI();  // this session's CSRF token (api.js keeps its copy to itself)
  if (!me) throw new ApiError(401, { message: '请重新登录。 Sign in again.' });
  const response = await fetch('/api/cards/sheet', {
    method: 'POST', credentials: 'same-origin', body: JSON.stringify({ worker_ids: ids }),
    headers: { 'Content-Type': 'application/json', Accept: 'application/pdf', 'X-CSRF-Token': me.csrf_token },
  });
  if (!response.ok) {
    let body = null;
    try { body = await response.json(); } catch { body = null; }
    throw new ApiError(response.status, body);
  }
  return response.blob();
}

/** "通渭—福州 2027年第1批-卡片.pdf": the name, without what a file name may not hold. */
function fileName(title) {
  return `${String(title || 'laborpass').replace(/[\\/:*?"<>|\s]+/g, ' ').trim()}-卡片.pdf`;
}

/** Start the download at once (the links stay, to save again or open it). */
function save({ url, name }) {
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
}

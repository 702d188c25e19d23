// Scanning for the fair and the station: one input that takes a card's QR text (from a
// keyboard-wedge scanner or the camera) or the short code printed under it; the verdict shown
// full screen at once, from what the phone holds, with no network; the scan queued in the
// outbox either way (a forged or revoked card goes to the server's quarantine, seen by a reviewer).
import { h } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import htm from 'htm';

import { apiFetch } from './api.js';
import { Camera } from './camera.js';
import { CardError, verifyCard } from './lib/card.js';
import { normalizeFallbackCode } from './lib/fallback.js';
import { recordsOf } from './lib/sync.js';

const html = htm.bind(h);

const REASONS = {
  malformed: '无法识别的二维码', unsupported_version: '卡片版本过新，请更新应用', unknown_key: '签发密钥未知，请联网同步',
  bad_signature: '伪造或损坏的卡片', revoked: '此卡已作废', expired: '此卡已过期',
};

/** What each role scans for, and where. */
export function scanModeFor(me) {
  if (me.role === 'greeter') return { type: 'station.arrived', pick: 'batch', title: '到站扫码 Arrivals' };
  if (['fair_staff', 'county', 'workstation', 'admin'].includes(me.role)) {
    return { type: 'fair.checked_in', pick: 'fair', title: '招聘会签到 Fair check-in' };
  }
  return null;
}

export function ScanScreen({ me, engine, onScanned }) {
  const { db } = engine.outbox;
  const mode = scanModeFor(me);
  const [choices, setChoices] = useState([]);
  const [picked, setPicked] = useState(() => localStorage.getItem(`laborpass.${mode.pick}`) || '');
  const [verdict, setVerdict] = useState(null);
  const input = useRef(null);

  useEffect(() => {
    recordsOf(db, mode.pick).then(setChoices);
  }, [engine.state.lastSyncAt]);
  useEffect(() => { input.current?.focus(); }, [verdict, picked]);

  function pick(event) {
    setPicked(event.target.value);
    localStorage.setItem(`laborpass.${mode.pick}`, event.target.value);
  }

  async function submit(event) {
    event.preventDefault();
    const text = input.current.value.trim();
    input.current.value = '';
    if (text) await record(text);
  }

  async function record(text) {
    const result = await judge(text);
    performance.mark('laborpass:verdict');
    setVerdict(result);
    signal(result.colour);
    onScanned();
    setTimeout(() => setVerdict((current) => (current === result ? null : current)), 2500);
  }

  async function judge(text) {
    const context = mode.pick === 'batch' ? { station: me.station, batch_id: picked } : { fair_id: picked };
    const code = normalizeFallbackCode(text);
    if (!text.startsWith('LP1:') && code) return byFallbackCode(code, context);
    const keys = await recordsOf(db, 'key');
    const revoked = new Set((await recordsOf(db, 'revocation')).map((r) => r.serial));
    let claims = null;
    let refusal = null;
    try {
      claims = await verifyCard(text, keys, { revoked, today: localDay() });
    } catch (error) {
      if (!(error instanceof CardError)) throw error;
      refusal = error;
    }
    if (refusal?.reason === 'malformed') return { colour: 'red', title: REASONS.malformed, detail: refusal.message };
    const seenKey = `seen:${mode.type}:${picked}:${claims?.serial}`;
    const earlier = claims && await db.get('meta', seenKey);
    if (earlier) {  // recorded already: a second event would add nothing
      return { colour: 'amber', title: `${claims.name} 已扫过 Already scanned`, detail: `首次 First: ${earlier}`, claims };
    }
    await engine.outbox.add(mode.type, { credential: text, context, scannedBy: me.id });
    if (refusal) return { colour: 'red', title: REASONS[refusal.reason] || refusal.reason, detail: '已记录，待审核。 Recorded for review.' };
    await db.put('meta', new Date().toLocaleTimeString('zh-CN'), seenKey);
    return { colour: 'green', title: claims.name, detail: `身份证尾号 ${claims.idLast4}`, claims };
  }

  async function byFallbackCode(code, context) {
    try {  // the short code needs the server once: it names the card holder
      const answer = await apiFetch('/api/scan/verify', { method: 'POST', body: { fallback_code: code } });
      await engine.outbox.add(mode.type, { workerId: answer.worker.id, context, scannedBy: me.id });
      return { colour: 'green', title: answer.worker.name, detail: `手工码 ${code}` };
    } catch (error) {
      return { colour: 'red', title: '手工码无法核对', detail: error.message };
    }
  }

  return html`
    <section class="scan">
      <h2>${mode.title}</h2>
      <label>${mode.pick === 'batch' ? '到达批次 Batch' : '招聘会 Fair'}
        <select name="pick" value=${picked} onChange=${pick}>
          <option value="">— 请选择 Choose —</option>
          ${choices.map((c) => html`<option value=${c.id}>${c.name}</option>`)}
        </select>
      </label>
      ${picked && html`<${Camera} onCode=${record} />`}
      <form id="scan" onSubmit=${submit}>
        <label>扫码或输入卡号 Scan or type the card code
          <input ref=${input} name="code" autocomplete="off" autocapitalize="characters" enterkeyhint="done"
            disabled=${!picked} placeholder=${picked ? 'LP1:… / ABCDE-FGHJK' : '先选择 Choose first'} />
        </label>
        <button type="submit" disabled=${!picked}>确认 Record</button>
      </form>
      ${verdict && html`<div class="verdict ${verdict.colour}" role="alert" data-verdict=${verdict.colour}
          onClick=${() => setVerdict(null)}>
        <strong>${verdict.title}</strong><span>${verdict.detail}</span></div>`}
    </section>`;
}

export function SyncBadge({ state, onSync }) {
  const last = state.lastSyncAt ? new Date(state.lastSyncAt).toLocaleString('zh-CN') : '从未 never';
  return html`
    <p class="sync ${state.error ? 'error' : ''}" id="sync-badge" data-queued=${state.queued}>
      待上传 Queued: <b>${state.queued}</b> · 上次同步 Last sync: ${last}
      ${state.error && html`<br /><span>${state.error}</span>`}
      <button type="button" class="link" onClick=${onSync}>立即同步 Sync now</button>
    </p>`;
}

function localDay() {
  const now = new Date();
  return new Date(now.getTime() - now.getTimezoneOffset() * 60_000).toISOString().slice(0, 10);
}

function signal(colour) {
  navigator.vibrate?.(colour === 'green' ? 80 : colour === 'amber' ? [80, 80, 80] : [300, 100, 300]);
  try {
    const audio = new AudioContext();
    const tone = audio.createOscillator();
    tone.frequency.value = colour === 'green' ? 880 : colour === 'amber' ? 600 : 220;
    tone.connect(audio.destination);
    tone.start();
    tone.stop(audio.currentTime + (colour === 'red' ? 0.5 : 0.15));
  } catch { /* no sound on this phone: the colour and the vibration still tell */ }
}

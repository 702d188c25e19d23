// The app shell (for now): who we are, whether the server answers, where the API docs are.
// Scanner, outbox and the role views arrive with the PWA issue.
import { h, render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import htm from 'htm';

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

function App() {
  const [health, setHealth] = useState('checking');
  useEffect(() => { fetchHealth().then(setHealth); }, []);
  return html`
    <header><h1>务工通 LaborPass</h1><div>定西—福州劳务协作实名制管理</div></header>
    <section>
      <p>服务器状态 Server: <span class="status ${health === 'ok' ? 'ok' : 'down'}" data-health=${health}>${LABELS[health]}</span></p>
      <a class="button" href="/api/docs">接口文档 API docs</a>
    </section>`;
}

render(html`<${App} />`, document.getElementById('app'));

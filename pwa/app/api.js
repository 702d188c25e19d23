// The one fetch wrapper: JSON in and out, the session cookie, and the CSRF token for changes.

let csrfToken = '';

/** Remember the CSRF token the server gave at sign-in (or from /api/auth/me). */
export function setCsrfToken(token) {
  csrfToken = token || '';
}

/** An error the server answered: `code` is the API's reason code, `message` is for people. */
export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message || `HTTP ${status}`);
    this.status = status;
    this.code = body?.code || 'http_error';
    this.errors = body?.errors || {};  // field -> messages, for a form to show beside its fields
  }
}

/** A request for the sync engine: answers `{status, body}` for any HTTP answer (a body that is
 * not JSON is null); a network failure throws (the engine keeps everything and tries again later). */
export async function apiSend(path, { method = 'GET', body, raw, headers: extra = {} } = {}) {
  const headers = { Accept: 'application/json', ...extra };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  const response = await fetch(path, {  // `raw`: the body's exact text, when it was signed
    method, headers, credentials: 'same-origin', body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  return { status: response.status, body: data, headers: response.headers };
}

/** Send a JSON request to our own API; answer the decoded body or throw ApiError. */
export async function apiFetch(path, options) {
  const { status, body } = await apiSend(path, options);
  if (status < 200 || status >= 300) throw new ApiError(status, body);
  return body;
}

/** A page of a list the server answers as a bare array, its numbers in headers (GET /api/payouts):
 * the same `{items, total, page, per_page}` the other lists answer in their body. */
export async function apiFetchPage(path) {
  const { status, body, headers } = await apiSend(path);
  if (status < 200 || status >= 300) throw new ApiError(status, body);
  const number = (name) => Number(headers.get(name));
  return { items: body, total: number('X-Total-Count'), page: number('X-Page'), per_page: number('X-Per-Page') };
}

/** Ask the server whether it and its database are up: 'ok', 'down' or 'offline'. */
export async function fetchHealth() {
  try {
    const response = await fetch('/api/health', { headers: { Accept: 'application/json' } });
    const body = await response.json().catch(() => null);  // a captive portal answers 200 with a page
    return response.ok && body?.status === 'ok' && body?.database === 'ok' ? 'ok' : 'down';
  } catch {
    return 'offline';
  }
}

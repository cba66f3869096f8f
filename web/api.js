// api.js: the one place the UI talks to the JSON API. Adds the CSRF token, turns error bodies
// into ApiError, and on 401 asks the registered re-authentication handler (the in-place sign-in
// dialog) to sign the user in again, then retries the very same request.

import { lang } from './i18n.js';

let csrf = null;
let reauth = null;       // () => Promise<void>, resolves once signed in again
let pending = null;      // a single re-authentication shared by concurrent 401s
let onPasswordChange = null;

export function setCsrf(token) { csrf = token || null; }
export function setReauthHandler(fn) { reauth = fn; }
export function setPasswordChangeHandler(fn) { onPasswordChange = fn; }

export class ApiError extends Error {
  constructor(status, body, headers) {
    const e = (body && body.error) || {};
    super(e.message || `HTTP ${status}`);
    this.status = status;
    this.code = e.code || (status === 0 ? 'network' : 'http');
    this.field = e.field || null;
    this.headers = headers || null;
  }
}

async function once(method, path, body, headers, type) {
  // The server answers (error messages, task labels) in the language the UI shows.
  const h = { Accept: 'application/json', 'Accept-Language': lang(), ...headers };
  if (body !== undefined) h['Content-Type'] = type || 'application/json';
  if (csrf && method !== 'GET') h['X-CSRF-Token'] = csrf;
  let r;
  try {
    r = await fetch(path, {
      method, headers: h, credentials: 'same-origin', cache: 'no-store',
      body: body === undefined ? undefined : type ? body : JSON.stringify(body),
    });
  } catch {
    return { status: 0, json: null, headers: null };
  }
  const text = await r.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = null; }
  return { status: r.status, json, headers: r.headers };
}

// The If-Match header of a write to version 3 of something (a number, or an ETag as the server
// sent it): {'If-Match': '"3"'}. A stale version is refused with 412.
export function ifMatch(version) {
  const v = String(version);
  return { 'If-Match': /^(W\/)?"/.test(v) ? v : `"${v}"` };
}

// api('PATCH', '/api/v1/cases/x', {data}, {headers: ifMatch(3)}) -> {status, json, headers}
// Throws ApiError for any non-2xx answer. opts.noReauth: a 401 is returned as an error instead.
// opts.type: the body is sent as it is, with this Content-Type (a CSV file), instead of as JSON.
export async function api(method, path, body, opts = {}) {
  const headers = opts.headers || {};
  for (let attempt = 0; ; attempt++) {
    const r = await once(method, path, body, headers, opts.type);
    if (r.status === 401 && !opts.noReauth && reauth && attempt < 3) {
      if (!pending) pending = reauth().finally(() => { pending = null; });
      await pending;
      continue;
    }
    if (r.status === 403 && r.json && r.json.error && r.json.error.code === 'password_change_required'
        && onPasswordChange) {
      onPasswordChange();
    }
    if (r.status < 200 || r.status > 299) throw new ApiError(r.status, r.json, r.headers);
    return r;
  }
}

export const get = (p, o) => api('GET', p, undefined, o);
export const post = (p, b, o) => api('POST', p, b, o);
export const patch = (p, b, o) => api('PATCH', p, b, o);
export const del = (p, o) => api('DELETE', p, undefined, o);

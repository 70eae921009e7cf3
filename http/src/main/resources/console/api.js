// The console's only way to the node: the REST API and its live streams, with the signed-in
// user's credentials. Credentials live in sessionStorage (gone when the tab closes) and go in
// an Authorization header; requests use credentials: 'omit' so that a 401 never opens the
// browser's own sign-in dialog.

const KEY = 'jtork.auth';

export function signedIn() {
  return sessionStorage.getItem(KEY) !== null;
}

export function signIn(username, password) {
  sessionStorage.setItem(KEY, 'Basic ' + btoa(unescape(encodeURIComponent(username + ':' + password))));
  sessionStorage.setItem(KEY + '.user', username);
}

export function signOut() {
  sessionStorage.removeItem(KEY);
  sessionStorage.removeItem(KEY + '.user');
}

export function user() {
  return sessionStorage.getItem(KEY + '.user');
}

/** An API error: its status and Tork's {"message"} (with "errors" for a rejected job). */
export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || ('HTTP ' + status));
    this.status = status;
    this.body = body || {};
  }
}

let onUnauthorized = () => {};
export function whenUnauthorized(f) { onUnauthorized = f; }

function headers(extra) {
  const h = Object.assign({ 'Accept': 'application/json' }, extra || {});
  const auth = sessionStorage.getItem(KEY);
  if (auth) h['Authorization'] = auth;
  return h;
}

export async function call(method, path, body, contentType) {
  const init = { method, headers: headers(contentType ? { 'Content-Type': contentType } : {}), credentials: 'omit' };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  if (body !== undefined && !contentType) init.headers['Content-Type'] = 'application/json';
  const r = await fetch(path, init);
  let json = null;
  const text = await r.text();
  try { json = text ? JSON.parse(text) : null; } catch (e) { json = { message: text }; }
  if (r.status === 401) onUnauthorized();
  if (!r.ok) throw new ApiError(r.status, json);
  return json;
}

export const get = (path) => call('GET', path);
export const put = (path) => call('PUT', path);
export const del = (path) => call('DELETE', path);
export const post = (path, body, contentType) => call('POST', path, body, contentType);

/**
 * Follows a Server-Sent Events stream with the user's credentials (EventSource cannot send an
 * Authorization header): calls onOpen() each time it is connected, onEvent(type, data, id) for each event, reconnects with
 * Last-Event-ID after a dropped connection, and stops at an `end` event or when the returned
 * function is called.
 */
export function stream(path, onEvent, onOpen) {
  const abort = new AbortController();
  let lastId = null;
  let stopped = false;
  let backoff = 1000;
  async function run() {
    while (!stopped) {
      try {
        const h = headers({ 'Accept': 'text/event-stream' });
        if (lastId !== null) h['Last-Event-ID'] = lastId;
        const r = await fetch(path, { headers: h, credentials: 'omit', signal: abort.signal });
        if (r.status === 401) { onUnauthorized(); return; }
        // Gone or not allowed: stop. Busy (429, 503) or failing: try again, later each time.
        if ([400, 403, 404].includes(r.status)) { onEvent('error', { status: r.status }); return; }
        if (!r.ok) {
          const after = Number(r.headers.get('Retry-After')) || 0;
          await new Promise((res) => setTimeout(res, Math.max(after * 1000, backoff)));
          backoff = Math.min(backoff * 2, 30000);
          continue;
        }
        backoff = 1000;
        if (onOpen) onOpen();
        const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let cut;
          while ((cut = buffer.search(/\r?\n\r?\n/)) >= 0) {
            const block = buffer.slice(0, cut);
            buffer = buffer.slice(cut).replace(/^\r?\n\r?\n/, '');
            let type = 'message', data = [], id = null;
            for (const line of block.split(/\r?\n/)) {
              if (line.startsWith(':')) continue;
              const i = line.indexOf(':');
              const field = i < 0 ? line : line.slice(0, i);
              const val = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
              if (field === 'event') type = val;
              else if (field === 'data') data.push(val);
              else if (field === 'id') id = val;
            }
            if (id !== null) lastId = id;
            if (data.length === 0 || data.join('') === '') continue;
            let parsed;
            try { parsed = JSON.parse(data.join('\n')); } catch (e) { parsed = data.join('\n'); }
            onEvent(type, parsed, id);
            if (type === 'end') { stopped = true; abort.abort(); return; }
          }
        }
      } catch (e) {
        if (stopped) return;
      }
      if (!stopped) await new Promise((res) => setTimeout(res, 1000));
    }
  }
  run();
  return () => { stopped = true; abort.abort(); };
}

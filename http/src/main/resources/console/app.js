// The jtork console: a small Preact app, loaded as ES modules with no build step (see
// docs/console.md). Pages are chosen by the URL's fragment (#/jobs/ID), so the node serves one
// page; everything shown comes from the REST API and its live streams.
import { h, render } from 'preact';
import { useState, useEffect, useRef, useCallback } from 'preact/hooks';
import htm from 'htm';
import * as api from './api.js';
import { EXAMPLES } from './examples.js';

const html = htm.bind(h);

// ---- small pieces ---------------------------------------------------------------------------

/** A time in the browser's zone; the UTC instant on hover. */
function Time({ at }) {
  if (!at) return html`<span class="muted">–</span>`;
  const d = new Date(at);
  return html`<time datetime=${at} title=${d.toISOString()}>${d.toLocaleString()}</time>`;
}

function State({ state }) {
  if (!state) return null;
  return html`<span class=${'state state-' + state.toLowerCase()} data-state=${state}>${state}</span>`;
}

function Progress({ value, state }) {
  const done = state === 'COMPLETED';
  // Tork's progress is a percentage, 0 to 100.
  const p = done ? 100 : Math.round(Math.max(0, Math.min(100, value || 0)));
  return html`<span class="progress" role="progressbar" aria-valuenow=${p} aria-valuemin="0" aria-valuemax="100"
    title=${p + '%'}><span class=${'bar state-' + (state || '').toLowerCase()} style=${'width:' + p + '%'}></span></span>`;
}

function duration(from, to) {
  if (!from) return '';
  const ms = (to ? new Date(to) : new Date()) - new Date(from);
  if (ms < 1000) return ms + ' ms';
  if (ms < 60000) return (ms / 1000).toFixed(1) + ' s';
  return Math.floor(ms / 60000) + ' m ' + Math.round((ms % 60000) / 1000) + ' s';
}

/** "2/3": the top-level tasks done of all (a job's position is the 1-based task it is at). */
function tasksDone(job) {
  const n = job.taskCount || 0;
  const done = job.state === 'COMPLETED' ? n : Math.min(n, Math.max(0, (job.position || 1) - 1));
  return done + '/' + n;
}

function ErrorLine({ error }) {
  if (!error) return null;
  return html`<p class="error" role="alert">${error.message || String(error)}</p>`;
}

const ACTIVE = ['PENDING', 'SCHEDULED', 'RUNNING'];

// ---- routing --------------------------------------------------------------------------------

function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/jobs';
  const [path, qs] = raw.split('?');
  return { parts: path.split('/').filter(Boolean), query: Object.fromEntries(new URLSearchParams(qs || '')) };
}

function go(hash) { location.hash = hash; }

// ---- jobs -----------------------------------------------------------------------------------

const STATES = ['PENDING', 'SCHEDULED', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED'];

/** Whether job a was created at or after the instant since (or there is none). */
function newer(a, since) {
  return !since || new Date(a.createdAt) >= new Date(since);
}

const byCreatedDesc = (a, b) => new Date(b.createdAt) - new Date(a.createdAt);

/** Whether a job summary belongs in a list searched for q (as the API's q matches). */
function matches(job, q) {
  if (!q) return true;
  const t = q.trim().toLowerCase();
  if (t.startsWith('tag:')) return (job.tags || []).map((x) => x.toLowerCase()).includes(t.slice(4));
  if (STATES.map((s) => s.toLowerCase()).includes(t)) return job.state.toLowerCase() === t;
  return (job.name || '').toLowerCase().includes(t) || (job.description || '').toLowerCase().includes(t);
}

function JobsPage({ query }) {
  const [q, setQ] = useState(query.q || '');
  const [page, setPage] = useState(Number(query.page || 1));
  // The API gives at most 20 a page, as Tork's; its page's "size" is how many it holds.
  const size = Math.max(1, Math.min(20, Number(query.size || 10)));
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  const searched = useRef(q);
  // Read again once the stream is open: a job made before is in the read, any later on the stream.
  const [opened, setOpened] = useState(0);
  // Every summary the stream has sent, newest last. A page read from the list can be older than
  // the stream (the list is the read model, a moment behind): the stream's summary wins, and
  // any later change arrives on the stream too.
  const latest = useRef({});
  const fresher = (x) => latest.current[x.id] ? Object.assign({}, x, latest.current[x.id]) : x;
  // A page as read, with what the stream sent meanwhile: newer jobs the list did not have yet on
  // top of page 1, and the stream's summary of each job on it.
  const withStreamed = (d) => {
    let items = d.items.map(fresher);
    const since = items.length > 0 ? items[0].createdAt : null;
    let added = 0;
    if (page === 1) {
      const extra = Object.values(latest.current).filter((j) => !items.some((x) => x.id === j.id)
        && newer(j, since) && matches(j, searched.current));
      added = extra.length;
      items = extra.concat(items).sort(byCreatedDesc).slice(0, size);
    }
    return Object.assign({}, d, { items, since, totalItems: (d.totalItems || 0) + added });
  };

  useEffect(() => {
    let gone = false;
    const t = setTimeout(() => {
      searched.current = q;
      api.get('/jobs?page=' + page + '&size=' + size + (q ? '&q=' + encodeURIComponent(q) : ''))
        .then((d) => { if (!gone) { setData(withStreamed(d)); setError(null); } },
          (e) => !gone && setError(e));
    }, 250);
    return () => { gone = true; clearTimeout(t); };
  }, [q, page, opened]);

  useEffect(() => api.stream('/events/stream', (type, job) => {
    if (type !== 'job') return;
    latest.current[job.id] = Object.assign({}, latest.current[job.id], job);
    // Only the newest few hundred are kept: enough for any page being read.
    const ids = Object.keys(latest.current);
    if (ids.length > 500) for (const k of ids.slice(0, ids.length - 500)) delete latest.current[k];
    setData((d) => {
      if (!d) return d;
      const i = d.items.findIndex((x) => x.id === job.id);
      if (i >= 0) {
        const items = d.items.slice();
        items[i] = Object.assign({}, items[i], job);
        return Object.assign({}, d, { items });
      }
      // Only a job newer than the newest the page was read with belongs on page 1 (new jobs'
      // events arrive in any order, so they are sorted in).
      if (page !== 1 || !matches(job, searched.current) || !newer(job, d.since)) return d;
      return Object.assign({}, d, { items: [job].concat(d.items).sort(byCreatedDesc).slice(0, size),
        totalItems: (d.totalItems || 0) + 1 });
    });
  }, () => setOpened((n) => n + 1)), [page]);

  // The count grows with the jobs the stream adds; the pages with it.
  const pages = (d) => Math.max(1, Math.ceil((d.totalItems || 0) / size));
  return html`<section>
    <h1>Jobs</h1>
    <form class="search" role="search" onSubmit=${(e) => e.preventDefault()}>
      <label>Search <input type="search" name="q" value=${q} placeholder="name, state or tag:x"
        onInput=${(e) => { setQ(e.target.value); setPage(1); }} /></label>
      <span class="filters">${STATES.map((s) => html`<button type="button" class=${'chip state-' + s.toLowerCase()}
        aria-pressed=${q === s} onClick=${() => { setQ(q === s ? '' : s); setPage(1); }}>${s}</button>`)}</span>
    </form>
    <${ErrorLine} error=${error} />
    ${data && html`<table class="jobs">
      <thead><tr><th>Name</th><th>State</th><th>Progress</th><th>Created</th><th>Took</th></tr></thead>
      <tbody>${data.items.map((j) => html`<tr key=${j.id} data-job=${j.id} data-state=${j.state}>
        <td><a href=${'#/jobs/' + j.id}>${j.name || j.id}</a>${(j.tags || []).map((t) => html` <span class="tag">${t}</span>`)}</td>
        <td><${State} state=${j.state} /></td>
        <td><${Progress} value=${j.progress} state=${j.state} /> <span class="muted" title="top-level tasks done">${tasksDone(j)}</span></td>
        <td><${Time} at=${j.createdAt} /></td>
        <td>${duration(j.startedAt || j.createdAt, j.completedAt || j.failedAt)}</td>
      </tr>`)}</tbody>
    </table>
    ${data.items.length === 0 && html`<p class="muted">No jobs${q ? ' match “' + q + '”' : ' yet: submit one'}.</p>`}
    <nav class="pager" aria-label="Pages">
      <button disabled=${page <= 1} onClick=${() => setPage(page - 1)}>Newer</button>
      <span>page ${data.number || page} of ${pages(data)} (${data.totalItems || 0} jobs)</span>
      <button disabled=${page >= pages(data)} onClick=${() => setPage(page + 1)}>Older</button>
    </nav>`}
  </section>`;
}

/** The tasks as a tree: parallel and each children under their parent. */
function TaskTree({ job }) {
  const all = job.execution || [];
  const children = {};
  for (const t of all) if (t.parentId) (children[t.parentId] = children[t.parentId] || []).push(t);
  const ids = new Set(all.map((t) => t.id));
  const roots = all.filter((t) => !t.parentId || !ids.has(t.parentId));
  const byPosition = (a, b) => (a.position || 0) - (b.position || 0) || String(a.createdAt).localeCompare(String(b.createdAt));
  function node(t) {
    const kids = (children[t.id] || []).slice().sort(byPosition);
    const kind = t.parallel ? 'parallel' : t.each ? 'each' : t.subjob ? 'subjob' : '';
    return html`<li key=${t.id} data-task=${t.name} data-state=${t.state}>
      <div class="task">
        <span class="name">${t.name || t.id}</span>${kind && html` <span class="kind">${kind}</span>`}
        <${State} state=${t.state} />
        ${t.subjob && t.subjob.id ? html`<a class="subjob" href=${'#/jobs/' + t.subjob.id}>open the sub-job</a>` : null}
        ${t.retry && t.retry.limit ? html`<span class="retry">attempt ${(t.retry.attempts || 0) + 1} of ${t.retry.limit + 1}</span>` : null}
        <span class="muted">${duration(t.startedAt, t.completedAt || t.failedAt)}</span>
        ${t.progress > 0 && t.state === 'RUNNING' ? html`<${Progress} value=${t.progress} state=${t.state} />` : null}
        ${t.result ? html`<div class="result"><span class="label">result</span> <code>${t.result}</code></div>` : null}
        ${t.error ? html`<div class="error">${t.error}</div>` : null}
      </div>
      ${kids.length > 0 && html`<ul>${kids.map((k) => node(k))}</ul>`}
    </li>`;
  }
  if (all.length === 0) return html`<p class="muted">No task has started yet.</p>`;
  return html`<ul class="tree">${roots.sort(byPosition).map((t) => node(t))}</ul>`;
}

function JobPage({ id }) {
  const [job, setJob] = useState(null);
  const [error, setError] = useState(null);
  const [events, setEvents] = useState([]);
  const [logs, setLogs] = useState([]);
  const [at, setAt] = useState(null); // index into events, or null for now
  const [past, setPast] = useState(null);
  const [generation, setGeneration] = useState(0); // reopens the streams after a restart
  const [busy, setBusy] = useState(false);
  const [follow, setFollow] = useState(true);
  const logBox = useRef(null);
  const seenLog = useRef(new Set());
  const loads = useRef(0);
  const refetch = useRef(null);

  // Only the newest read is shown: an older answer arriving late must not undo a newer one.
  const load = useCallback(() => {
    const n = ++loads.current;
    return api.get('/jobs/' + id).then((j) => { if (n === loads.current) { setJob(j); setError(null); } },
      (e) => { if (n === loads.current) setError(e); });
  }, [id]);
  const trailing = useRef(null);
  const soon = useCallback(() => {
    // Once soon after a change, and once more a second after the last one, in case the first
    // read was a moment older than the change.
    clearTimeout(trailing.current);
    trailing.current = setTimeout(load, 1000);
    if (refetch.current) return;
    refetch.current = setTimeout(() => { refetch.current = null; load(); }, 150);
  }, [load]);
  useEffect(() => () => { clearTimeout(trailing.current); clearTimeout(refetch.current); }, []);

  useEffect(() => { setEvents([]); setLogs([]); seenLog.current = new Set(); setAt(null); load(); }, [id]);
  // A sub-job's parentId is its parent's task: the parent job is that task's.
  const [parentJob, setParentJob] = useState(null);
  const parentTask = job && job.parentId;
  useEffect(() => {
    if (!parentTask) return;
    api.get('/tasks/' + parentTask).then((t) => setParentJob(t.jobId), () => setParentJob(null));
  }, [parentTask]);
  useEffect(() => api.stream('/jobs/' + id + '/events/stream', (type, e) => {
    if (type === 'event') {
      // In order of sequenceNr; after a reconnect the stream resumes past the last one.
      setEvents((es) => es.length > 0 && es[es.length - 1].sequenceNr >= e.sequenceNr ? es : es.concat([e]));
      soon();
    } else if (type === 'end') soon();
  }), [id, generation]);
  useEffect(() => api.stream('/jobs/' + id + '/log/stream', (type, part) => {
    // In the order written (a part's number counts within its task); the last 5,000 parts.
    if (type === 'log') setLogs((ls) => seenLog.current.has(part.id) ? ls : (seenLog.current.add(part.id), ls.concat([part]).slice(-5000)));
  }), [id, generation]);
  useEffect(() => {
    if (follow && logBox.current) logBox.current.scrollTop = logBox.current.scrollHeight;
  }, [logs, follow]);
  useEffect(() => {
    setPast(null); // never the previous instant's job under this instant's time
    if (at === null || !events[at]) return;
    let gone = false;
    api.get('/jobs/' + id + '?at=' + encodeURIComponent(events[at].timestamp))
      .then((j) => !gone && setPast(j), (e) => !gone && setPast({ error: e }));
    return () => { gone = true; };
  }, [at, id]);

  async function act(what) {
    setBusy(true);
    try {
      await api.put('/jobs/' + id + '/' + what);
      setError(null);
      if (what === 'restart') setGeneration((g) => g + 1);
      await load();
    } catch (e) { setError(e); } finally { setBusy(false); }
  }

  if (!job) return html`<section><${ErrorLine} error=${error} />${!error && html`<p class="muted">Loading…</p>`}</section>`;
  // The past job only while the slider is on an event (it is cleared a moment after).
  const then = at !== null && events[at] && past && !past.error ? past : null;
  const shown = then || job;
  const byTask = {};
  for (const t of job.execution || []) byTask[t.id] = t.name;
  return html`<section class="job">
    <h1><span class="name">${job.name || job.id}</span> <${State} state=${job.state} /></h1>
    <p class="muted id">${job.id}${job.parentId && parentJob ? html` · <a class="parent" href=${'#/jobs/' + parentJob}>sub-job of ${parentJob}</a>` : null}</p>
    <div class="actions">
      <button class="cancel" disabled=${busy || !ACTIVE.includes(job.state)} onClick=${() => act('cancel')}>Cancel</button>
      <button class="restart" disabled=${busy || !['FAILED', 'CANCELLED'].includes(job.state)} onClick=${() => act('restart')}>Restart</button>
    </div>
    <${ErrorLine} error=${error} />
    <dl class="facts">
      <dt>Created</dt><dd><${Time} at=${job.createdAt} /></dd>
      <dt>Started</dt><dd><${Time} at=${job.startedAt} /></dd>
      <dt>Ended</dt><dd><${Time} at=${job.completedAt || job.failedAt} /></dd>
      <dt>Progress</dt><dd><${Progress} value=${job.progress} state=${job.state} /> ${tasksDone(job)} tasks</dd>
      ${job.result ? html`<dt>Result</dt><dd><code>${job.result}</code></dd>` : null}
      ${job.error ? html`<dt>Error</dt><dd class="error">${job.error}</dd>` : null}
    </dl>

    <h2>Tasks ${then ? html`<span class="asof">as it was at <${Time} at=${events[at].timestamp} /></span>` : null}</h2>
    ${at !== null && past && past.error ? html`<${ErrorLine} error=${past.error} />` : null}
    <div class="snapshot" data-state=${shown.state}>${then ? html`<p>State then: <${State} state=${then.state} /></p>` : null}
      <${TaskTree} job=${shown} /></div>

    <h2>History</h2>
    <label class="slider">Time
      <input type="range" min="0" max=${events.length} value=${at === null ? events.length : at}
        aria-valuetext=${at === null ? 'now' : events[at] && events[at].timestamp}
        onInput=${(e) => { const v = Number(e.target.value); setAt(v >= events.length ? null : v); }} />
      <span class="at">${at === null ? 'now' : html`after event ${events[at].sequenceNr}, <${Time} at=${events[at].timestamp} />`}</span>
      <button type="button" class="now" disabled=${at === null} onClick=${() => setAt(null)}>Now</button>
    </label>
    <ol class="timeline">${events.map((e, i) => html`<li key=${e.sequenceNr} class=${at !== null && i > at ? 'later' : ''}
        data-type=${e.type}>
      <${Time} at=${e.timestamp} /> <span class="type">${e.type}</span> <span class="actor">${e.actor}</span>
      <button class="link" onClick=${() => setAt(i)} aria-label=${'Show the job after event ' + e.sequenceNr}>show</button>
    </li>`)}</ol>

    <h2>Log <label class="follow"><input type="checkbox" checked=${follow} onChange=${(e) => setFollow(e.target.checked)} /> follow</label></h2>
    <pre class="log" ref=${logBox} tabindex="0" aria-label="Log">${logs.length === 0 ? html`<span class="muted">No output yet.</span>` :
      logs.map((p) =>
        html`<span key=${p.id} class="part" title=${byTask[p.taskId] || p.taskId}>${p.contents}</span>`)}</pre>
  </section>`;
}

// ---- submitting -----------------------------------------------------------------------------

/** A textarea over a copy of its lines, where each rejected line shows its errors beside it. */
function Editor({ value, onInput, errors }) {
  const back = useRef(null);
  const byLine = {};
  for (const e of errors) if (e.line) (byLine[e.line] = byLine[e.line] || []).push(e);
  const lines = value.split('\n');
  return html`<div class="editor">
    <pre class="backdrop" ref=${back} aria-hidden="true">${lines.map((l, i) => html`<div class=${'line' + (byLine[i + 1] ? ' bad' : '')}
      data-line=${i + 1}><span class="no">${i + 1}</span><span class="text">${l || ' '}</span>${byLine[i + 1] ?
      html`<span class="inline-error" data-line=${i + 1}>  ⟵ ${byLine[i + 1].map((e) => e.path ? e.path + ': ' + e.message : e.message).join('; ')}</span>` : null}</div>`)}</pre>
    <textarea name="job" spellcheck="false" wrap="off" aria-label="Job (YAML)" value=${value}
      onInput=${(e) => onInput(e.target.value)}
      onScroll=${(e) => { back.current.scrollTop = e.target.scrollTop; back.current.scrollLeft = e.target.scrollLeft; }}></textarea>
  </div>`;
}

function SubmitPage() {
  const [text, setText] = useState(EXAMPLES[0].yaml);
  const [errors, setErrors] = useState([]);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  async function submit(e) {
    e.preventDefault();
    setBusy(true);
    try {
      const job = await api.post('/jobs', text, 'text/yaml');
      setErrors([]); setError(null);
      go('#/jobs/' + job.id);
    } catch (err) {
      setError(err);
      setErrors(err.body && err.body.errors ? err.body.errors : []);
    } finally { setBusy(false); }
  }
  return html`<section>
    <h1>Submit a job</h1>
    <form class="submit" onSubmit=${submit}>
      <label>Start from <select name="example" onChange=${(e) => { setText(EXAMPLES[Number(e.target.value)].yaml); setErrors([]); setError(null); }}>
        ${EXAMPLES.map((x, i) => html`<option value=${i}>${x.name}</option>`)}</select></label>
      <${Editor} value=${text} onInput=${(v) => setText(v)} errors=${errors} />
      <${ErrorLine} error=${error} />
      ${errors.length > 0 && html`<ul class="errors">${errors.map((x) => html`<li>${x.line ? 'line ' + x.line + ': ' : ''}<code>${x.path}</code> ${x.message}</li>`)}</ul>`}
      <button type="submit" class="primary" disabled=${busy}>Submit</button>
    </form>
  </section>`;
}

// ---- scheduled jobs -------------------------------------------------------------------------

function usePoll(load, ms, deps) {
  useEffect(() => {
    let gone = false, timer = null;
    const tick = () => load().finally(() => { if (!gone) timer = setTimeout(tick, ms); });
    tick();
    return () => { gone = true; clearTimeout(timer); };
  }, deps);
}

function ScheduledPage() {
  const [items, setItems] = useState(null);
  const [error, setError] = useState(null);
  const [open, setOpen] = useState(null);
  const [history, setHistory] = useState([]);
  const [confirming, setConfirming] = useState(null);
  const [tick, setTick] = useState(0);
  usePoll(async () => {
    try {
      const page = await api.get('/scheduled-jobs?size=20');
      const full = await Promise.all(page.items.map((s) => api.get('/scheduled-jobs/' + s.id).catch(() => s)));
      setItems(full); setError(null);
    } catch (e) { setError(e); }
  }, 2000, [tick]);
  useEffect(() => {
    if (!open) return;
    let gone = false;
    api.get('/scheduled-jobs/' + open + '/events?size=50').then((p) => !gone && setHistory(p.items || p || []),
      (e) => !gone && setError(e));
    return () => { gone = true; };
  }, [open, tick]);
  async function act(id, what) {
    try {
      if (what === 'delete') await api.del('/scheduled-jobs/' + id); else await api.put('/scheduled-jobs/' + id + '/' + what);
      setConfirming(null); setError(null); setTick((t) => t + 1);
    } catch (e) { setError(e); }
  }
  return html`<section>
    <h1>Scheduled jobs</h1>
    <${ErrorLine} error=${error} />
    ${items && items.length === 0 && html`<p class="muted">No scheduled jobs.</p>`}
    ${items && items.length > 0 && html`<table class="schedules"><thead><tr><th>Name</th><th>Cron</th><th>Time zone</th><th>State</th>
      <th>Next fire</th><th>Last fire</th><th>Catch-up</th><th>Overlap</th><th></th></tr></thead>
      <tbody>${items.map((s) => html`<tr key=${s.id} data-schedule=${s.id} data-state=${s.state}>
        <td><button class="link" aria-expanded=${open === s.id} onClick=${() => setOpen(open === s.id ? null : s.id)}>${s.name || s.id}</button></td>
        <td><code>${s.cron}</code></td><td>${s.timezone || 'UTC'}</td><td><${State} state=${s.state} /></td>
        <td><${Time} at=${s.nextFireTime} /></td><td><${Time} at=${s.lastFireTime} /></td>
        <td>${s.catchUp || '–'}</td><td>${s.overlap || '–'}</td>
        <td class="buttons">
          ${s.state === 'ACTIVE' ? html`<button class="pause" onClick=${() => act(s.id, 'pause')}>Pause</button>` :
            html`<button class="resume" onClick=${() => act(s.id, 'resume')}>Resume</button>`}
          ${confirming === s.id ? html`<button class="delete danger" onClick=${() => act(s.id, 'delete')}>Confirm delete</button>` :
            html`<button class="delete" onClick=${() => setConfirming(s.id)}>Delete</button>`}
        </td></tr>`)}</tbody></table>`}
    ${open && html`<h2>Fire history</h2><ol class="timeline history">${history.map((e) => html`<li key=${e.sequenceNr} data-type=${e.type}>
      <${Time} at=${e.timestamp} /> <span class="type">${e.type}</span> <span class="actor">${e.actor || ''}</span>
      ${e.data && e.data.jobId ? html` <a href=${'#/jobs/' + e.data.jobId}>job</a>` : null}</li>`)}</ol>`}
  </section>`;
}

// ---- cluster --------------------------------------------------------------------------------

function ClusterPage() {
  const [cluster, setCluster] = useState(null);
  const [nodes, setNodes] = useState([]);
  const [queues, setQueues] = useState([]);
  const [error, setError] = useState(null);
  usePoll(async () => {
    try {
      const [c, n, q] = await Promise.all([api.get('/cluster'), api.get('/nodes'), api.get('/queues')]);
      setCluster(c); setNodes(n || []); setQueues(q || []); setError(null);
    } catch (e) { setError(e); }
  }, 2000, []);
  const members = Array.isArray(cluster) ? cluster : [];
  return html`<section>
    <h1>Cluster</h1>
    <${ErrorLine} error=${error} />
    <h2>Members</h2>
    <table class="members"><thead><tr><th>Address</th><th>Roles</th><th>Status</th><th>Reachable</th><th>Job shards</th><th>Jobs hosted</th>
      <th>Schedule shards</th><th>Schedules hosted</th></tr></thead>
      <tbody>${members.map((m) => html`<tr key=${m.address} data-status=${m.status}><td><code>${m.address}</code></td><td>${(m.roles || []).join(', ')}</td>
        <td>${m.status}</td><td>${m.reachable === false ? 'no' : 'yes'}</td>
        <td>${m.jobShards}</td><td>${m.jobs}</td><td>${m.scheduledJobShards}</td><td>${m.scheduledJobs}</td></tr>`)}</tbody></table>
    <h2>Workers</h2>
    <table class="workers"><thead><tr><th>Worker</th><th>Status</th><th>Runtime</th><th>Running tasks</th><th>CPU</th><th>Queues</th></tr></thead>
      <tbody>${nodes.map((n) => html`<tr key=${n.id}><td><code>${n.name || n.id}</code></td><td>${n.status}</td><td>${n.runtime || ''}</td>
        <td>${n.taskCount || 0}</td><td>${n.cpuPercent != null ? Math.round(n.cpuPercent) + '%' : ''}</td>
        <td>${n.queues ? Object.entries(n.queues).map(([q, c]) => q + ' (' + c + ' at a time)').join(', ') : n.queue}</td></tr>`)}</tbody></table>
    <h2>Queues</h2>
    <table class="queues"><thead><tr><th>Queue</th><th>Waiting</th><th>Handed out</th><th>Subscribers</th></tr></thead>
      <tbody>${queues.map((q) => html`<tr key=${q.name}><td><code>${q.name}</code></td><td>${q.size}</td><td>${q.unacked}</td><td>${q.subscribers}</td></tr>`)}</tbody></table>
  </section>`;
}

// ---- admin ----------------------------------------------------------------------------------

function Form({ title, fields, submit, label }) {
  const [values, setValues] = useState({});
  const [result, setResult] = useState(null);
  const [error, setError] = useState(null);
  async function onSubmit(e) {
    e.preventDefault();
    try { setResult(await submit(values)); setError(null); setValues({}); } catch (err) { setError(err); setResult(null); }
  }
  return html`<form class="admin-form" onSubmit=${onSubmit} aria-label=${title}>
    <h2>${title}</h2>
    ${fields.map((f) => html`<label>${f.label} ${f.type === 'checkbox' ?
      html`<input type="checkbox" name=${f.name} onChange=${(e) => setValues(Object.assign({}, values, { [f.name]: e.target.checked }))} />` :
      html`<input type=${f.type || 'text'} name=${f.name} autocomplete="off" value=${values[f.name] || ''}
        onInput=${(e) => setValues(Object.assign({}, values, { [f.name]: e.target.value }))} />`}</label>`)}
    <button type="submit">${label}</button>
    <${ErrorLine} error=${error} />
    ${result && html`<p class="ok" role="status">${result}</p>`}
  </form>`;
}

function AdminPage() {
  const [replay, setReplay] = useState(null);
  const [error, setError] = useState(null);
  const [users, setUsers] = useState(null);
  const [roles, setRoles] = useState(null);
  const [keys, setKeys] = useState([]);
  const [listError, setListError] = useState(null);
  usePoll(() => api.get('/admin/replay').then((r) => { setReplay(r); setError(null); }, setError), 1000, []);
  usePoll(async () => {
    try {
      const [u, r] = await Promise.all([api.get('/users?size=100'), api.get('/roles?size=100')]);
      setUsers(u.items); setRoles(r.items); setListError(null);
    } catch (e) { setListError(e); }
    try { setKeys(await api.get('/users/me/keys')); } catch (e) { setKeys([]); }
  }, 2000, []);
  async function startReplay() {
    try { setReplay(await api.post('/admin/replay', {})); setError(null); } catch (e) { setError(e); }
  }
  return html`<section class="admin">
    <h1>Admin</h1>
    <div class="forms">
      <${Form} title="Create a user" label="Create user" fields=${[{ name: 'username', label: 'Username' }, { name: 'name', label: 'Name' },
        { name: 'password', label: 'Password', type: 'password' }, { name: 'admin', label: 'Administrator', type: 'checkbox' }]}
        submit=${async (v) => { const u = await api.post('/users', { username: v.username, name: v.name || v.username, password: v.password, admin: !!v.admin }); return 'Created user ' + u.username + '.'; }} />
      <${Form} title="Create a role" label="Create role" fields=${[{ name: 'slug', label: 'Slug' }, { name: 'name', label: 'Name' }]}
        submit=${async (v) => { await api.post('/roles', { slug: v.slug, name: v.name || v.slug }); return 'Created role ' + v.slug + '.'; }} />
      <${Form} title="Give a user a role" label="Give role" fields=${[{ name: 'username', label: 'Username' }, { name: 'role', label: 'Role' }]}
        submit=${async (v) => { await api.post('/users/' + encodeURIComponent(v.username) + '/roles', { role: v.role }); return v.username + ' has role ' + v.role + '.'; }} />
      <${Form} title="My API key" label="Create an API key" fields=${[]}
        submit=${async () => { const k = await api.post('/users/me/keys', {}); return 'Your new key (shown once): ' + k.key; }} />
    </div>
    <div class="lists">
      <section aria-label="Users"><h2>Users</h2><${ErrorLine} error=${listError} />
        ${users && html`<table class="users"><thead><tr><th>Username</th><th>Name</th><th>Roles</th><th>API keys</th><th>Created</th></tr></thead>
          <tbody>${users.map((u) => html`<tr key=${u.username} data-user=${u.username}><td>${u.username}${u.admin ? html` <span class="tag">admin</span>` : null}</td>
            <td>${u.name}</td><td>${(u.roles || []).join(', ')}</td><td>${u.apiKeys}</td><td><${Time} at=${u.createdAt} /></td></tr>`)}</tbody></table>`}</section>
      <section aria-label="Roles"><h2>Roles</h2>
        ${roles && html`<table class="roles"><thead><tr><th>Slug</th><th>Name</th><th>Users</th></tr></thead>
          <tbody>${roles.map((r) => html`<tr key=${r.slug} data-role=${r.slug}><td>${r.slug}</td><td>${r.name}</td><td>${r.users}</td></tr>`)}</tbody></table>`}</section>
      <section aria-label="My API keys"><h2>My API keys</h2>
        ${keys.length === 0 ? html`<p class="muted">None.</p>` : html`<ul class="keys">${keys.map((k) => html`<li key=${k.fingerprint}>
          <code>${k.fingerprint}…</code> made <${Time} at=${k.createdAt} /></li>`)}</ul>`}</section>
    </div>
    <h2>Replay the journal into the read models</h2>
    <${ErrorLine} error=${error} />
    ${replay && html`<dl class="facts replay" data-state=${replay.state}>
      <dt>State</dt><dd><${State} state=${replay.state} /></dd>
      <dt>Started</dt><dd><${Time} at=${replay.startedAt} /></dd>
      <dt>Finished</dt><dd><${Time} at=${replay.finishedAt} /></dd>
      <dt>Events</dt><dd>${replay.events || 0} (${replay.jobEvents || 0} of jobs, ${replay.scheduledJobEvents || 0} of scheduled jobs)${replay.eventsPerSecond ? ', ' + Math.round(replay.eventsPerSecond) + '/s' : ''}</dd>
      ${replay.error ? html`<dt>Error</dt><dd class="error">${replay.error}</dd>` : null}
    </dl>`}
    <button class="replay" disabled=${replay && replay.state === 'RUNNING'} onClick=${startReplay}>Start a replay</button>
  </section>`;
}

// ---- signing in and the frame ---------------------------------------------------------------

function Login({ onDone }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState(null);
  async function submit(e) {
    e.preventDefault();
    api.signIn(username, password);
    try { await api.get('/jobs?size=1'); onDone(); } catch (err) { api.signOut(); setError(err.status === 401 ? new Error('Wrong username or password.') : err); }
  }
  return html`<section class="login"><h1>Sign in to jtork</h1>
    <form onSubmit=${submit}>
      <label>Username <input name="username" autocomplete="username" value=${username} onInput=${(e) => setUsername(e.target.value)} /></label>
      <label>Password <input name="password" type="password" autocomplete="current-password" value=${password} onInput=${(e) => setPassword(e.target.value)} /></label>
      <button type="submit" class="primary">Sign in</button>
      <${ErrorLine} error=${error} />
    </form></section>`;
}

const NAV = [['jobs', 'Jobs'], ['submit', 'Submit'], ['scheduled', 'Scheduled'], ['cluster', 'Cluster'], ['admin', 'Admin']];

function App() {
  const [route, setRoute] = useState(parseHash());
  const [needLogin, setNeedLogin] = useState(false);
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    const f = () => setRoute(parseHash());
    addEventListener('hashchange', f);
    api.whenUnauthorized(() => setNeedLogin(true));
    return () => removeEventListener('hashchange', f);
  }, []);
  const [page, id] = route.parts;
  let body;
  if (needLogin) body = html`<${Login} onDone=${() => { setNeedLogin(false); setGeneration((g) => g + 1); }} />`;
  else if (page === 'jobs' && id) body = html`<${JobPage} key=${id} id=${id} />`;
  else if (page === 'submit') body = html`<${SubmitPage} />`;
  else if (page === 'scheduled') body = html`<${ScheduledPage} />`;
  else if (page === 'cluster') body = html`<${ClusterPage} />`;
  else if (page === 'admin') body = html`<${AdminPage} />`;
  else body = html`<${JobsPage} key=${JSON.stringify(route.query)} query=${route.query} />`;
  return html`<div class="frame" key=${generation}>
    <header><a class="brand" href="#/jobs">jtork</a>
      <nav aria-label="Pages">${NAV.map(([k, label]) => html`<a href=${'#/' + k} aria-current=${(page || 'jobs') === k ? 'page' : null}>${label}</a>`)}</nav>
      ${api.signedIn() && html`<span class="who">${api.user()} <button class="link" onClick=${() => { api.signOut(); setNeedLogin(true); }}>Sign out</button></span>`}
    </header>
    <main>${body}</main>
  </div>`;
}

const root = document.getElementById('app');
root.textContent = '';
render(html`<${App} />`, root);

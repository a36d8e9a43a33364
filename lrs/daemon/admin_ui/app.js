// lrs admin page: signs in with a credential (kept in sessionStorage, sent
// as Basic auth to this server only) and shows statements, reports, sync
// and the credentials and stores of the store. No framework, no build step,
// nothing from elsewhere. Data is never parsed as HTML: every text is set
// with textContent or as an attribute, every chart is SVG built here.
'use strict';

(() => {
  const STORAGE_KEY = 'lrs-admin-credential';
  const XAPI_VERSION = '2.0.0';
  const SVG_NS = 'http://www.w3.org/2000/svg';
  const $ = (id) => document.getElementById(id);

  let cred = null;        // {key, secret}
  let who = null;         // /admin/whoami
  let session = 0;        // bumped at every sign-in/out: late answers are dropped
  const state = {
    tab: 'statements',
    loaded: {},           // tab name -> loaded since sign-in
    more: '',             // the next statements page
    selectedRow: null,
    dlqDest: '',
    dlqAfter: 0,
    histActivity: '',
  };

  // ---- DOM helpers -----------------------------------------------------

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children) {
      if (c === null || c === undefined) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }

  function svg(tag, attrs, text) {
    const e = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = String(text);
    return e;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function showStatus(id, text, isError) {
    const p = $(id);
    p.textContent = text || '';
    p.classList.toggle('error', !!isError);
  }

  function fmtTime(iso) {
    if (!iso) return '—';
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return String(iso);
    return d.toISOString().slice(0, 19).replace('T', ' ') + 'Z';
  }

  function fmtPct(x) {
    return typeof x === 'number' ? Math.round(x * 100) + '%' : '—';
  }

  function fmtNum(x, digits) {
    return typeof x === 'number' ? x.toFixed(digits) : '—';
  }

  function langValue(map) {
    if (!map || typeof map !== 'object') return '';
    return map['en-US'] || map.en || map[Object.keys(map)[0]] || '';
  }

  // ---- API ---------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
      this.handled = false;
    }
  }

  function basicAuth(key, secret) {
    const bytes = new TextEncoder().encode(key + ':' + secret);
    let bin = '';
    for (const b of bytes) bin += String.fromCharCode(b);
    return 'Basic ' + btoa(bin);
  }

  function errorMessage(res, body) {
    if (body && typeof body === 'object') {
      if (body.error && typeof body.error === 'object' && body.error.message) return body.error.message;
      if (typeof body.message === 'string') return body.message;
      if (typeof body.error === 'string') return body.error;
    }
    return res.status + ' ' + (res.statusText || 'error');
  }

  // Fetches a JSON answer of this server. 401/403 end the session and show
  // the server's message on the sign-in form. credentials: 'omit' also keeps
  // the browser from opening its own Basic sign-in dialog on a 401 (Fetch:
  // it prompts only for requests that include credentials).
  async function api(path, opts) {
    const o = opts || {};
    if (!cred) throw Object.assign(new ApiError(0, 'signed out'), {handled: true});
    const mine = session;
    const headers = {Authorization: basicAuth(cred.key, cred.secret), Accept: 'application/json'};
    if (o.xapi) headers['X-Experience-API-Version'] = XAPI_VERSION;
    let res;
    try {
      res = await fetch(path, {method: o.method || 'GET', headers, credentials: 'omit', cache: 'no-store',
                               redirect: 'error'});
    } catch (e) {
      throw new ApiError(0, 'the server did not answer (' + e.message + ')');
    }
    const text = await res.text();
    let body = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch (e) {
      body = null;
    }
    if (mine !== session) throw Object.assign(new ApiError(0, 'signed out'), {handled: true});
    if (!res.ok) {
      const err = new ApiError(res.status, errorMessage(res, body));
      if (res.status === 401 || res.status === 403) {
        signOut(err.message);
        err.handled = true;
      }
      throw err;
    }
    if (body === null) throw new ApiError(res.status, 'the answer is not JSON');
    return body;
  }

  // Runs an API call for a panel; errors go to its status line.
  async function guarded(statusId, fn) {
    try {
      return await fn();
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      if (!e.handled) showStatus(statusId, e.message, true);
      return undefined;
    }
  }

  // ---- Sign in / out -------------------------------------------------------

  async function signIn(key, secret) {
    session++;
    cred = {key, secret};
    $('signin-submit').disabled = true;
    try {
      who = await api('/admin/whoami');
    } catch (e) {
      if (!e.handled) signOut(e.message);
      return;
    } finally {
      $('signin-submit').disabled = false;
    }
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(cred));
    showApp();
  }

  function signOut(message) {
    session++;
    cred = null;
    who = null;
    sessionStorage.removeItem(STORAGE_KEY);
    for (const id of ['stmt-table', 'dest-table', 'dlq-table', 'cred-table', 'store-table', 'objectives-table'])
      clear($(id).tBodies[0]);
    for (const id of ['chart-days', 'chart-completions', 'chart-scores']) clear($(id));
    clear($('hist-activity'));
    $('stmt-json').textContent = '';
    $('stmt-detail').hidden = true;
    $('dlq').hidden = true;
    state.loaded = {};
    state.more = '';
    $('app').hidden = true;
    $('who').hidden = true;
    $('signin').hidden = false;
    $('signin-secret').value = '';
    $('signin-error').textContent = message || '';
    $('signin-key').focus();
  }

  function showApp() {
    $('who-store').textContent = who.store;
    $('who-key').textContent = who.key;
    $('who-scopes').textContent = (who.scopes || []).join(', ');
    // /xapi/statements needs an xAPI read scope; /reports and /admin/whoami
    // also take the admin scope alone.
    const scopes = who.scopes || [];
    const xapiReader = ['statements/read', 'all/read', 'all'].some((x) => scopes.includes(x));
    $('tab-statements').hidden = !xapiReader;
    for (const t of document.querySelectorAll('[data-admin]')) t.hidden = !who.admin;
    $('signin').hidden = true;
    $('signin-error').textContent = '';
    $('who').hidden = false;
    $('app').hidden = false;
    selectTab(xapiReader ? 'statements' : 'reports');
  }

  // ---- Tabs ------------------------------------------------------------------

  const loaders = {
    statements: () => loadStatements(''),
    reports: () => loadReports(),
    sync: () => loadSync(),
    directory: () => loadDirectory(),
  };
  const reloadEachTime = {sync: true, directory: true};

  function selectTab(name) {
    state.tab = name;
    for (const tab of document.querySelectorAll('[role="tab"]')) {
      const on = tab.id === 'tab-' + name;
      tab.setAttribute('aria-selected', on ? 'true' : 'false');
      tab.tabIndex = on ? 0 : -1;
      $(tab.getAttribute('aria-controls')).hidden = !on;
    }
    if (!state.loaded[name] || reloadEachTime[name]) {
      state.loaded[name] = true;
      loaders[name]();
    }
  }

  function onTabKey(ev) {
    const tabs = [...document.querySelectorAll('[role="tab"]')].filter((t) => !t.hidden);
    const i = tabs.indexOf(ev.currentTarget);
    let j = -1;
    if (ev.key === 'ArrowRight') j = (i + 1) % tabs.length;
    else if (ev.key === 'ArrowLeft') j = (i - 1 + tabs.length) % tabs.length;
    else if (ev.key === 'Home') j = 0;
    else if (ev.key === 'End') j = tabs.length - 1;
    if (j < 0) return;
    ev.preventDefault();
    tabs[j].focus();
    selectTab(tabs[j].id.slice(4));
  }

  // ---- Statements --------------------------------------------------------------

  // "2026-03-01T10:00" (datetime-local, read as UTC) -> "2026-03-01T10:00:00Z"
  function utcTimestamp(v) {
    if (!v) return '';
    return (v.length === 16 ? v + ':00' : v) + 'Z';
  }

  function statementQuery() {
    const p = new URLSearchParams();
    const agent = $('f-agent').value.trim();
    if (agent) {
      if (agent.startsWith('{')) p.set('agent', agent);
      else p.set('agent', JSON.stringify({mbox: agent.startsWith('mailto:') ? agent : 'mailto:' + agent}));
    }
    for (const [id, name] of [['f-verb', 'verb'], ['f-activity', 'activity'], ['f-registration', 'registration']]) {
      const v = $(id).value.trim();
      if (v) p.set(name, v);
    }
    const since = utcTimestamp($('f-since').value);
    const until = utcTimestamp($('f-until').value);
    if (since) p.set('since', since);
    if (until) p.set('until', until);
    if ($('f-related').checked) p.set('related_activities', 'true');
    p.set('limit', '25');
    return p;
  }

  function actorText(a) {
    if (!a) return '';
    if (a.name) return a.name;
    if (a.mbox) return String(a.mbox).replace(/^mailto:/, '');
    if (a.account) return a.account.name + ' @ ' + a.account.homePage;
    if (a.openid) return a.openid;
    if (a.mbox_sha1sum) return 'sha1:' + a.mbox_sha1sum.slice(0, 12);
    return a.objectType === 'Group' ? 'Group (' + ((a.member || []).length) + ')' : '?';
  }

  function verbText(v) {
    if (!v) return '';
    return langValue(v.display) || String(v.id || '').replace(/^.*[/#]/, '');
  }

  function objectText(o) {
    if (!o) return '';
    const type = o.objectType || 'Activity';
    if (type === 'Activity') return langValue(o.definition && o.definition.name) || o.id;
    if (type === 'Agent' || type === 'Group') return actorText(o);
    if (type === 'StatementRef') return 'statement ' + o.id;
    return type;
  }

  function resultCell(r) {
    const td = el('td');
    if (!r) return td;
    const parts = [];
    if (r.score) {
      if (typeof r.score.scaled === 'number') parts.push(el('span', {}, 'score ' + r.score.scaled.toFixed(2)));
      else if (typeof r.score.raw === 'number') parts.push(el('span', {}, 'raw ' + r.score.raw));
    }
    if (r.success === true) parts.push(el('span', {class: 'pill good'}, 'success'));
    if (r.success === false) parts.push(el('span', {class: 'pill bad'}, 'failure'));
    if (r.completion === true) parts.push(el('span', {class: 'pill'}, 'complete'));
    parts.forEach((p, i) => td.append(i ? ' ' : '', p));
    return td;
  }

  function statementRow(s) {
    const open = el('button', {type: 'button', class: 'link', 'aria-label': 'Open statement ' + s.id},
                    fmtTime(s.timestamp || s.stored));
    const tr = el('tr', {'data-id': s.id},
                  el('td', {class: 'time'}, open), el('td', {}, actorText(s.actor)), el('td', {title: s.verb && s.verb.id}, verbText(s.verb)),
                  el('td', {title: s.object && s.object.id}, objectText(s.object)), resultCell(s.result));
    tr.addEventListener('click', () => openStatement(s.id, tr));
    return tr;
  }

  // A "more" IRL of this server, or '' (anything else is not followed).
  function sameOriginPath(more) {
    if (!more) return '';
    try {
      const u = new URL(more, location.href);
      return u.origin === location.origin && u.pathname.startsWith('/xapi/') ? u.pathname + u.search : '';
    } catch (e) {
      return '';
    }
  }

  async function loadStatements(moreUrl) {
    const tbody = $('stmt-table').tBodies[0];
    if (!moreUrl) {
      clear(tbody);
      $('stmt-detail').hidden = true;
      $('stmt-more').hidden = true;
    }
    showStatus('stmt-status', 'Loading…');
    const url = moreUrl || '/xapi/statements?' + statementQuery().toString();
    const res = await guarded('stmt-status', () => api(url, {xapi: true}));
    if (!res) return;
    for (const s of res.statements || []) tbody.append(statementRow(s));
    state.more = sameOriginPath(res.more);
    $('stmt-more').hidden = !state.more;
    const n = tbody.rows.length;
    showStatus('stmt-status', n === 0 ? 'No statements match.' :
      n + (n === 1 ? ' statement' : ' statements') + (state.more ? ' shown; more available.' : '.'));
  }

  async function openStatement(id, tr) {
    if (state.selectedRow) state.selectedRow.classList.remove('selected');
    state.selectedRow = tr;
    tr.classList.add('selected');
    const st = await guarded('stmt-status',
      () => api('/xapi/statements?' + new URLSearchParams({statementId: id}).toString(), {xapi: true}));
    if (!st) return;
    $('stmt-detail-id').textContent = st.id || id;
    $('stmt-json').textContent = JSON.stringify(st, null, 2);
    $('stmt-detail').hidden = false;
    $('stmt-json').focus();
  }

  // ---- Charts --------------------------------------------------------------------

  const CHART_W = 560;
  const CHART_H = 230;

  function emptyChart(node, text) {
    clear(node);
    node.setAttribute('viewBox', `0 0 ${CHART_W} ${CHART_H}`);
    node.append(svg('text', {x: CHART_W / 2, y: CHART_H / 2, 'text-anchor': 'middle', class: 'empty'}, text));
  }

  // Vertical bars: rows [{label, value, title}].
  function barChart(node, rows, opts) {
    const o = opts || {};
    if (!rows.length) return emptyChart(node, o.empty || 'No data');
    clear(node);
    node.setAttribute('viewBox', `0 0 ${CHART_W} ${CHART_H}`);
    const left = 40, right = 8, top = 12, bottom = 40;
    const plotW = CHART_W - left - right, plotH = CHART_H - top - bottom;
    const max = Math.max(1, ...rows.map((r) => r.value));
    const step = plotW / rows.length;
    const bw = Math.max(1, step * 0.8);
    // Grid lines at 0, the middle (a whole count) and the maximum.
    for (const v of [...new Set([0, Math.round(max / 2), max])]) {
      const y = top + plotH - (v / max) * plotH;
      node.append(svg('line', {x1: left, x2: CHART_W - right, y1: y, y2: y, class: 'axis'}));
      node.append(svg('text', {x: left - 4, y: y + 4, 'text-anchor': 'end'}, v));
    }
    const every = Math.ceil(rows.length / (o.maxLabels || 8));
    rows.forEach((r, i) => {
      const h = (r.value / max) * plotH;
      const x = left + i * step + (step - bw) / 2;
      const rect = svg('rect', {class: 'bar', x: x.toFixed(2), y: (top + plotH - h).toFixed(2),
                                width: bw.toFixed(2), height: h.toFixed(2)});
      rect.append(svg('title', {}, r.title || `${r.label}: ${r.value}`));
      node.append(rect);
      if (i % every === 0) {
        node.append(svg('text', {x: (x + bw / 2).toFixed(2), y: top + plotH + 14, 'text-anchor': 'middle'}, r.label));
      }
    });
    if (o.xLabel) node.append(svg('text', {x: left + plotW / 2, y: CHART_H - 6, 'text-anchor': 'middle'}, o.xLabel));
  }

  // Horizontal bars: rows [{label, value, title}], at most 10.
  function hbarChart(node, rows, opts) {
    const o = opts || {};
    if (!rows.length) return emptyChart(node, o.empty || 'No data');
    clear(node);
    node.setAttribute('viewBox', `0 0 ${CHART_W} ${CHART_H}`);
    const labelW = 220, right = 40, top = 6, rowH = 22;
    const max = Math.max(1, ...rows.map((r) => r.value));
    const plotW = CHART_W - labelW - right;
    rows.slice(0, 10).forEach((r, i) => {
      const y = top + i * rowH;
      const label = r.label.length > 34 ? r.label.slice(0, 33) + '…' : r.label;
      node.append(svg('text', {x: labelW - 6, y: y + 15, 'text-anchor': 'end'}, label));
      const w = (r.value / max) * plotW;
      const rect = svg('rect', {class: 'bar', x: labelW, y: y + 3, width: w.toFixed(2), height: rowH - 6});
      rect.append(svg('title', {}, r.title || `${r.label}: ${r.value}`));
      node.append(rect);
      node.append(svg('text', {x: labelW + w + 4, y: y + 15, class: 'value'}, r.value));
    });
  }

  // A small bar for a 0..1 figure, with the figure as text.
  function meter(fraction, text) {
    const s = svg('svg', {viewBox: '0 0 80 10', 'aria-hidden': 'true', focusable: 'false'});
    s.append(svg('rect', {class: 'track', x: 0, y: 0, width: 80, height: 10}));
    const f = typeof fraction === 'number' ? Math.max(0, Math.min(1, fraction)) : 0;
    s.append(svg('rect', {class: 'fill', x: 0, y: 0, width: (80 * f).toFixed(2), height: 10}));
    return el('span', {class: 'meter'}, s, el('span', {}, text));
  }

  // Every day from the first row's to the last's (the answer lists only
  // days with statements).
  function fillDays(rows) {
    if (rows.length < 2) return rows;
    const byDay = new Map(rows.map((r) => [r.key, r.statements]));
    const out = [];
    const end = Date.parse(rows[rows.length - 1].key + 'T00:00:00Z');
    let t = Date.parse(rows[0].key + 'T00:00:00Z');
    if (Number.isNaN(t) || Number.isNaN(end) || end - t > 800 * 86400000) return rows;
    for (; t <= end; t += 86400000) {
      const day = new Date(t).toISOString().slice(0, 10);
      out.push({key: day, statements: byDay.get(day) || 0});
    }
    return out;
  }

  // ---- Reports ---------------------------------------------------------------------

  function reportQuery() {
    const p = new URLSearchParams();
    if ($('r-since').value) p.set('since', $('r-since').value);
    if ($('r-until').value) p.set('until', $('r-until').value);
    return p;
  }

  async function loadReports() {
    showStatus('report-status', 'Loading…');
    const p = reportQuery();
    const results = await Promise.all([loadDays(p), loadActivities(p), loadObjectives(p)]);
    if (results.every(Boolean)) showStatus('report-status', '');
  }

  async function loadDays(p) {
    const q = new URLSearchParams(p);
    q.set('by', 'day');
    const res = await guarded('report-status', () => api('/reports/statements?' + q.toString()));
    if (!res) {
      emptyChart($('chart-days'), 'Not available');
      return false;
    }
    const rows = fillDays(res.rows || []);
    barChart($('chart-days'), rows.map((r) => ({label: r.key.slice(5), value: r.statements,
                                                title: `${r.key}: ${r.statements} statements`})),
             {empty: 'No statements in this range'});
    return true;
  }

  async function loadActivities(p) {
    const q = new URLSearchParams(p);
    q.set('limit', '200');
    const res = await guarded('report-status', () => api('/reports/activities?' + q.toString()));
    if (!res) {
      emptyChart($('chart-completions'), 'Not available');
      emptyChart($('chart-scores'), 'Not available');
      return false;
    }
    const acts = res.activities || [];
    const done = acts.filter((a) => a.completed > 0).sort((a, b) => b.completed - a.completed);
    hbarChart($('chart-completions'), done.map((a) => ({
      label: a.name || a.activity, value: a.completed,
      title: `${a.name || a.activity}: ${a.completed} of ${a.learners} learners completed`})),
    {empty: 'No completions in this range'});
    const select = $('hist-activity');
    const previous = select.value || state.histActivity;
    clear(select);
    const scored = acts.filter((a) => a.scores && a.scores.count > 0);
    for (const a of scored) select.append(el('option', {value: a.activity}, a.name || a.activity));
    if (scored.some((a) => a.activity === previous)) select.value = previous;
    return loadHistogram(p);
  }

  async function loadHistogram(p) {
    const activity = $('hist-activity').value;
    state.histActivity = activity;
    if (!activity) {
      emptyChart($('chart-scores'), 'No scored activity in this range');
      $('hist-summary').textContent = '';
      return true;
    }
    const q = new URLSearchParams(p || reportQuery());
    q.set('activity', activity);
    const res = await guarded('report-status', () => api('/reports/activity?' + q.toString()));
    if (!res) {
      emptyChart($('chart-scores'), 'Not available');
      return false;
    }
    const sc = res.scores || {count: 0, histogram: []};
    // -1..0 only when some score is negative.
    const buckets = sc.histogram || [];
    const negative = buckets.some((b) => b.to <= 0 && b.count > 0);
    barChart($('chart-scores'), buckets.filter((b) => negative || b.to > 0).map((b) => ({
      label: b.from.toFixed(1), value: b.count,
      title: `${b.from.toFixed(1)} to ${b.to.toFixed(1)}: ${b.count} scores`})),
    {empty: 'No scores', maxLabels: 10, xLabel: 'scaled score'});
    $('hist-summary').textContent = `${sc.count} scores, mean ${fmtNum(sc.mean, 2)}; ` +
      `${res.learners} learners, ${fmtPct(res.pass_rate)} passed, ${fmtPct(res.completion_rate)} completed.`;
    return true;
  }

  async function loadObjectives(p) {
    const q = new URLSearchParams(p);
    const mastery = $('r-mastery').value;
    if (mastery) q.set('mastery', mastery);
    const tbody = $('objectives-table').tBodies[0];
    clear(tbody);
    const res = await guarded('report-status', () => api('/reports/objectives?' + q.toString()));
    if (!res) return false;
    const list = res.objectives || [];
    if (!list.length) {
      tbody.append(el('tr', {}, el('td', {colspan: 6, class: 'muted'}, 'No objectives in this range')));
      return true;
    }
    for (const o of list) {
      tbody.append(el('tr', {},
        el('th', {scope: 'row', title: o.activity}, o.name || o.activity),
        el('td', {class: 'num'}, o.learners), el('td', {class: 'num'}, o.attempts),
        el('td', {}, meter(o.pass_rate, fmtPct(o.pass_rate))),
        el('td', {}, meter(o.mean_scaled, fmtNum(o.mean_scaled, 2))),
        el('td', {class: 'num'}, o.learners_at_mastery)));
    }
    return true;
  }

  // ---- Sync ---------------------------------------------------------------------------

  function breakerPill(b) {
    const cls = b === 'closed' ? 'pill good' : b === 'open' ? 'pill bad' : 'pill';
    return el('span', {class: cls}, b || '—');
  }

  async function loadSync() {
    const res = await guarded('sync-status', () => api('/admin/sync/status'));
    if (!res) return;
    const tbody = $('dest-table').tBodies[0];
    clear(tbody);
    const dests = res.destinations || [];
    for (const d of dests) {
      const st = d.disabled ? 'disabled' : d.paused ? 'paused' : 'running';
      const show = el('button', {type: 'button', class: 'secondary', 'aria-label': 'Dead letters of ' + d.name},
                      'Dead letters');
      show.addEventListener('click', () => loadDlq(d.name, 0));
      tbody.append(el('tr', {'data-destination': d.name},
        el('th', {scope: 'row'}, d.name), el('td', {}, d.type), el('td', {}, st),
        el('td', {}, breakerPill(d.breaker)), el('td', {class: 'num lag'}, d.lag),
        el('td', {class: 'num'}, d.retrying), el('td', {class: 'num dlq-count'}, d.dead_lettered),
        el('td', {class: 'time'}, fmtTime(d.last_success)), el('td', {}, d.last_error || '—'), el('td', {}, show)));
    }
    if (!dests.length) {
      showStatus('sync-status', `Store "${res.store}" has no sync destinations (see docs/sync.md).`);
      $('dlq').hidden = true;
      return;
    }
    if (!state.dlqDest || !dests.some((d) => d.name === state.dlqDest)) state.dlqDest = dests[0].name;
    await loadDlq(state.dlqDest, 0);
  }

  async function loadDlq(dest, after) {
    state.dlqDest = dest;
    const q = new URLSearchParams({destination: dest, limit: '25'});
    if (after) q.set('after', String(after));
    const res = await guarded('sync-status', () => api('/admin/sync/dlq?' + q.toString()));
    if (!res) return;
    const tbody = $('dlq-table').tBodies[0];
    if (!after) clear(tbody);
    $('dlq-title').textContent = 'Dead-letter queue of ' + dest;
    for (const e of res.entries || []) {
      const replay = el('button', {type: 'button', 'aria-label': `Replay dead letter ${e.seq} of ${dest}`}, 'Replay');
      replay.addEventListener('click', () => replayEntry(dest, e.seq, replay));
      tbody.append(el('tr', {'data-seq': e.seq},
        el('td', {class: 'num'}, e.seq), el('td', {}, el('code', {}, e.statement_id)), el('td', {}, e.learner),
        el('td', {class: 'num'}, e.attempts), el('td', {}, e.error), el('td', {class: 'time'}, fmtTime(e.at)), el('td', {}, replay)));
    }
    if (!tbody.rows.length) tbody.append(el('tr', {}, el('td', {colspan: 7, class: 'muted'}, 'The queue is empty.')));
    const last = (res.entries || []).slice(-1)[0];
    state.dlqAfter = res.more && last ? last.seq : 0;
    $('dlq-more').hidden = !state.dlqAfter;
    $('dlq').hidden = false;
  }

  async function replayEntry(dest, seq, button) {
    button.disabled = true;
    const q = new URLSearchParams({destination: dest, seq: String(seq)});
    const res = await guarded('sync-status', () => api('/admin/sync/dlq/replay?' + q.toString(), {method: 'POST'}));
    if (!res) {
      button.disabled = false;
      return;
    }
    showStatus('sync-status', `Replayed dead letter ${seq} of ${dest} (${res.count} ` +
               `${res.count === 1 ? 'entry' : 'entries'}); it is queued to be sent again.`);
    await loadSync();
  }

  // ---- Credentials and stores ---------------------------------------------------

  async function loadDirectory() {
    const both = await guarded('dir-status',
      () => Promise.all([api('/admin/credentials'), api('/admin/stores')]));
    if (!both) return;
    const [creds, stores] = both;
    showStatus('dir-status', `Credentials of store "${creds.store}".`);
    const ct = $('cred-table').tBodies[0];
    clear(ct);
    for (const c of creds.credentials || []) {
      ct.append(el('tr', {},
        el('td', {}, el('code', {}, c.key)), el('td', {}, c.label || '—'),
        el('td', {}, (c.scopes || []).join(', ')), el('td', {}, fmtTime(c.created)),
        el('td', {}, c.revoked ? fmtTime(c.revoked) : '—')));
    }
    const stb = $('store-table').tBodies[0];
    clear(stb);
    for (const s of stores.stores || []) {
      stb.append(el('tr', {}, el('td', {}, s.name, s.name === who.store ? ' (signed in)' : ''),
                    el('td', {}, fmtTime(s.created))));
    }
  }

  // ---- Wiring ----------------------------------------------------------------------

  function init() {
    $('signin-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      const key = $('signin-key').value.trim();
      const secret = $('signin-secret').value;
      if (!key || !secret) {
        $('signin-error').textContent = 'Give both the key and the secret of a credential.';
        return;
      }
      $('signin-error').textContent = '';
      signIn(key, secret);
    });
    $('sign-out').addEventListener('click', () => signOut('Signed out.'));
    for (const tab of document.querySelectorAll('[role="tab"]')) {
      tab.addEventListener('click', () => selectTab(tab.id.slice(4)));
      tab.addEventListener('keydown', onTabKey);
    }
    $('stmt-filters').addEventListener('submit', (ev) => {
      ev.preventDefault();
      loadStatements('');
    });
    $('stmt-filters').addEventListener('reset', () => setTimeout(() => loadStatements(''), 0));
    $('stmt-more').addEventListener('click', () => loadStatements(state.more));
    $('stmt-detail-close').addEventListener('click', () => {
      $('stmt-detail').hidden = true;
      if (state.selectedRow) state.selectedRow.classList.remove('selected');
    });
    $('report-filters').addEventListener('submit', (ev) => {
      ev.preventDefault();
      loadReports();
    });
    $('hist-activity').addEventListener('change', () => loadHistogram());
    $('sync-refresh').addEventListener('click', () => {
      showStatus('sync-status', '');
      loadSync();
    });
    $('dlq-more').addEventListener('click', () => loadDlq(state.dlqDest, state.dlqAfter));

    let saved = null;
    try {
      saved = JSON.parse(sessionStorage.getItem(STORAGE_KEY) || 'null');
    } catch (e) {
      saved = null;
    }
    if (saved && saved.key && saved.secret) {
      $('signin-key').value = saved.key;
      signIn(saved.key, saved.secret);
    } else {
      $('signin-key').focus();
    }
  }

  init();
})();

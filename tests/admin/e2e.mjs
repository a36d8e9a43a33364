// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// End-to-end test of the admin page of `lrs serve` (/admin) in headless
// Chromium, driven by playwright-core. Run by tests/admin/run.sh (CTest
// admin/e2e_chromium):
//
//   node e2e.mjs --lrs BUILD/lrs [--chromium /usr/bin/chromium] [--out DIR]
//
// It starts `lrs serve` on 127.0.0.1 (port 0: the printed line names the
// port) over a temporary data directory, with a webhook destination whose
// receiver (here, on a loopback port) refuses every message for good, so
// every statement is dead-lettered at once; creates an admin credential with
// `lrs credentials add`; posts 50 statements (5 learners, a course with 3
// modules, scores, an objective over 5 days). Then, in the browser: a wrong
// secret shows the server's message; sign in; filter statements by verb;
// open one and read its JSON; see the statements-per-day chart and the
// objectives table; replay a dead letter (the receiver now accepts) and see
// the queue shrink, here and on the server; list credentials; sign out, and
// in again as a statement reader, who gets no Sync or Credentials tab; save
// screenshots in DIR and print their paths. Nothing may load from outside
// the server, and the page must log no error (a CSP violation is one).
// Exit 0 on success, 1 on failure, 77 when Chromium is missing.

import {spawn, execFileSync} from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import {chromium} from 'playwright-core';

const DEADLINE_MS = 55000;
const started = Date.now();

function arg(name, fallback) {
  const i = process.argv.indexOf('--' + name);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const lrsBinary = arg('lrs', '');
const chromiumPath = arg('chromium', '/usr/bin/chromium');
const outDir = path.resolve(arg('out', path.join(os.tmpdir(), 'lrs-admin-e2e-output')));
if (!lrsBinary) {
  console.error('usage: node e2e.mjs --lrs PATH [--chromium PATH] [--out DIR]');
  process.exit(2);
}
if (!fs.existsSync(chromiumPath)) {
  console.log(`SKIP: no ${chromiumPath}`);
  process.exit(77);
}

const cleanups = [];
let failed = false;

function log(msg) {
  console.log(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}`);
}

function check(cond, msg) {
  if (!cond) throw new Error('check failed: ' + msg);
}

async function cleanup() {
  while (cleanups.length) {
    try {
      await cleanups.pop()();
    } catch (e) {
      console.error('cleanup: ' + e.message);
    }
  }
}

const timer = setTimeout(async () => {
  console.error(`FAIL: not done after ${DEADLINE_MS / 1000} s`);
  await cleanup();
  process.exit(1);
}, DEADLINE_MS);

// ---- Fixtures --------------------------------------------------------------

// The webhook receiver: refuses every message for good (dead letter at the
// first attempt) until `accept` is set.
function startReceiver() {
  const rx = {accept: false, refused: 0, accepted: 0, server: null, port: 0};
  rx.server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (rx.accept) {
        rx.accepted++;
        res.writeHead(200, {'Content-Type': 'application/json'});
        res.end('{}');
      } else {
        rx.refused++;
        res.writeHead(422, {'Content-Type': 'application/json', 'webhook-delivery': 'abort-message'});
        res.end('{"error":"refused by the e2e test"}');
      }
    });
  });
  return new Promise((resolve) => {
    rx.server.listen(0, '127.0.0.1', () => {
      rx.port = rx.server.address().port;
      resolve(rx);
    });
  });
}

// Starts `lrs serve`; resolves with {proc, origin} once it prints its URL.
function startServe(dataDir, configFile, logFile) {
  const proc = spawn(lrsBinary, ['--data', dataDir, '--config', configFile, 'serve',
                                 '--listen', '127.0.0.1:0', '--log-file', logFile],
                     {stdio: ['ignore', 'pipe', 'pipe']});
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (https?:\/\/127\.0\.0\.1:\d+)\/xapi\//);
      if (m) resolve({proc, origin: m[1]});
    });
    proc.stderr.on('data', (d) => { err += d; });
    proc.on('exit', (code) => reject(new Error(`lrs serve exited (${code}): ${out}${err}`)));
  });
}

function stopServe(proc) {
  return new Promise((resolve) => {
    if (proc.exitCode !== null) return resolve();
    const kill = setTimeout(() => proc.kill('SIGKILL'), 5000);
    proc.removeAllListeners('exit');
    proc.on('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    proc.kill('SIGTERM');
  });
}

const ADL = 'http://adlnet.gov/expapi/verbs/';
const COURSE = 'https://example.com/courses/fractions';
const MODULES = ['m1', 'm2', 'm3'].map((m) => `${COURSE}/${m}`);
const OBJECTIVE = 'https://example.com/objectives/adding-fractions';
const LEARNERS = ['ana', 'ben', 'chloe', 'dev', 'eli'];

function activity(id, name, type) {
  return {objectType: 'Activity', id, definition: {name: {'en-US': name}, type}};
}

// 50 statements over the last 5 days: per learner, launched the course,
// attempted and passed or failed each module (scored), answered the
// objective twice (scored), completed the course or not.
function makeStatements() {
  const out = [];
  const today = new Date();
  const day0 = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - 4, 10);
  LEARNERS.forEach((who, li) => {
    const actor = {objectType: 'Agent', name: who[0].toUpperCase() + who.slice(1), mbox: `mailto:${who}@example.com`};
    const course = activity(COURSE, 'Fractions', 'http://adlnet.gov/expapi/activities/course');
    const parent = {contextActivities: {parent: [{id: COURSE}]}};
    let n = 0;
    const add = (verb, object, result, context) => {
      const t = new Date(day0 + ((li + n) % 5) * 86400000 + n * 60000);
      n++;
      const s = {id: crypto.randomUUID(), actor, verb: {id: ADL + verb, display: {'en-US': verb}}, object,
                 timestamp: t.toISOString()};
      if (result) s.result = result;
      if (context) s.context = context;
      out.push(s);
    };
    add('launched', course);
    MODULES.forEach((m, mi) => {
      const mod = activity(m, `Module ${mi + 1}`, 'http://adlnet.gov/expapi/activities/module');
      add('attempted', mod, null, parent);
      const scaled = Math.round((0.45 + ((li * 3 + mi * 7) % 10) * 0.055) * 100) / 100;
      const pass = scaled >= 0.6;
      add(pass ? 'passed' : 'failed', mod,
          {score: {scaled}, success: pass, completion: true, duration: 'PT12M'}, parent);
    });
    const obj = activity(OBJECTIVE, 'Adding fractions', 'http://adlnet.gov/expapi/activities/objective');
    for (let k = 0; k < 2; k++) {
      const scaled = Math.round((0.5 + ((li + k * 2) % 5) * 0.12) * 100) / 100;
      add('answered', obj, {score: {scaled}, success: scaled >= 0.8}, parent);
    }
    add(li < 3 ? 'completed' : 'experienced', course, li < 3 ? {completion: true} : null);
  });
  return out;
}

// ---- Main ------------------------------------------------------------------

async function main() {
  fs.mkdirSync(outDir, {recursive: true});
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lrs-admin-e2e-'));
  cleanups.push(() => fs.rmSync(tmp, {recursive: true, force: true}));
  const dataDir = path.join(tmp, 'data');

  const rx = await startReceiver();
  cleanups.push(() => new Promise((r) => rx.server.close(r)));
  const config = path.join(tmp, 'lrs.toml');
  fs.writeFileSync(config, [
    '[auth]', 'dev_credential = false', '', '[store]', 'sync = false', '',
    '[[sync.destinations]]', 'name = "crm"', 'type = "webhook"',
    `url = "http://127.0.0.1:${rx.port}/hook"`,
    'allow_networks = ["127.0.0.1"]',
    `secret = "whsec_${crypto.randomBytes(24).toString('base64')}"`,
    'retry = { max_attempts = 1, base_ms = 1, cap_ms = 5 }', ''].join('\n'));

  const cred = JSON.parse(execFileSync(lrsBinary, ['--data', dataDir, 'credentials', 'add', '--scopes', 'all,admin',
                                                   '--label', 'e2e admin', '--json'], {encoding: 'utf8'}));
  const reader = JSON.parse(execFileSync(lrsBinary, ['--data', dataDir, 'credentials', 'add', '--scopes',
                                                     'statements/read', '--label', 'e2e reader', '--json'],
                                        {encoding: 'utf8'}));
  const {proc, origin} = await startServe(dataDir, config, path.join(tmp, 'lrs.log'));
  cleanups.push(() => stopServe(proc));
  log(`lrs serve at ${origin}`);

  const authorization = 'Basic ' + Buffer.from(`${cred.key}:${cred.secret}`).toString('base64');
  const api = async (p, opts = {}) => {
    const res = await fetch(origin + p, {method: opts.method || 'GET', body: opts.body,
      headers: {Authorization: authorization, 'X-Experience-API-Version': '2.0.0', 'Content-Type': 'application/json'}});
    const text = await res.text();
    if (!res.ok) throw new Error(`${opts.method || 'GET'} ${p}: ${res.status} ${text}`);
    return JSON.parse(text);
  };

  const statements = makeStatements();
  check(statements.length === 50, `50 statements, made ${statements.length}`);
  const ids = await api('/xapi/statements', {method: 'POST', body: JSON.stringify(statements)});
  check(ids.length === 50, 'the LRS stored 50 statements');
  const passedCount = statements.filter((s) => s.verb.id === ADL + 'passed').length;

  // Every statement reaches the receiver once and is dead-lettered.
  let status;
  for (let i = 0; ; i++) {
    status = (await api('/admin/sync/status')).destinations[0];
    if (status.lag === 0 && status.retrying === 0 && status.dead_lettered === 50) break;
    check(i < 300, 'the destination dead-letters the 50 statements: ' + JSON.stringify(status));
    await new Promise((r) => setTimeout(r, 50));
  }
  log(`50 statements posted, ${status.dead_lettered} dead-lettered`);

  // ---- The browser ----
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [...(process.getuid && process.getuid() === 0 ? ['--no-sandbox'] : []), '--disable-dev-shm-usage'],
  });
  cleanups.push(() => browser.close());
  const context = await browser.newContext({viewport: {width: 1280, height: 800}});
  const page = await context.newPage();
  page.setDefaultTimeout(10000);
  const problems = [];
  page.on('console', (m) => {
    // Failed loads are checked below, by URL.
    if (m.type() === 'error' && !/^Failed to load resource/.test(m.text())) problems.push('console: ' + m.text());
  });
  page.on('response', (r) => {
    // Only the wrong secret's 401 is expected.
    const expected = r.status() === 401 && r.url() === origin + '/admin/whoami';
    if (r.status() >= 400 && !expected) problems.push(`${r.status()} from ${r.url()}`);
  });
  page.on('pageerror', (e) => problems.push('page error: ' + e.message));
  page.on('request', (r) => {
    if (!r.url().startsWith(origin + '/')) problems.push('request outside the server: ' + r.url());
  });

  await page.goto(origin + '/admin');
  check((await page.title()) === 'lrs admin', 'the page loads');

  // A wrong secret: the server's message on the sign-in form.
  await page.fill('#signin-key', cred.key);
  await page.fill('#signin-secret', 'not-the-secret');
  await page.click('#signin-submit');
  await page.waitForFunction(() => document.getElementById('signin-error').textContent.length > 0);
  const refusal = await page.textContent('#signin-error');
  check(/invalid credentials/.test(refusal), `the sign-in form shows the server's message: "${refusal}"`);
  check(await page.isHidden('#app'), 'no data after a refused sign-in');

  await page.fill('#signin-secret', cred.secret);
  await page.click('#signin-submit');
  await page.waitForSelector('#app', {state: 'visible'});
  check((await page.textContent('#who-store')) === 'default', 'the store is shown');
  check(await page.isVisible('#tab-sync'), 'an admin sees the Sync tab');
  check(await page.evaluate(() => sessionStorage.length === 1 && localStorage.length === 0),
        'the credential is kept in sessionStorage only');
  await page.waitForSelector('#stmt-table tbody tr');
  check((await page.locator('#stmt-table tbody tr').count()) === 25, 'the first page has 25 statements');
  check(await page.isVisible('#stmt-more'), '"more" is offered');
  log('signed in; statements listed');

  // Filter by verb.
  await page.fill('#f-verb', ADL + 'passed');
  await page.click('#stmt-apply');
  await page.waitForFunction((n) => {
    const rows = [...document.querySelectorAll('#stmt-table tbody tr')];
    return rows.length === n && rows.every((r) => r.cells[2].textContent === 'passed');
  }, passedCount);
  check(await page.isHidden('#stmt-more'), `all ${passedCount} passed statements on one page`);
  log(`filtered by verb: ${passedCount} passed statements`);

  // Open one: its full JSON.
  const firstRow = page.locator('#stmt-table tbody tr').first();
  const rowId = await firstRow.getAttribute('data-id');
  await firstRow.click();
  await page.waitForSelector('#stmt-detail', {state: 'visible'});
  const shown = JSON.parse(await page.textContent('#stmt-json'));
  check(shown.id === rowId && shown.verb.id === ADL + 'passed', 'the statement JSON is shown');
  check(typeof shown.stored === 'string' && shown.authority, 'with the stored time and authority');
  const statementsShot = path.join(outDir, 'admin-statements.png');
  await page.screenshot({path: statementsShot});
  log(`statement ${rowId} opened`);

  // Reports.
  await page.click('#tab-reports');
  await page.waitForSelector('#chart-days rect.bar');
  const dayBars = await page.locator('#chart-days rect.bar').count();
  check(dayBars === 5, `the statements-per-day chart has 5 bars, not ${dayBars}`);
  await page.waitForSelector('#objectives-table tbody tr th');
  const objective = await page.textContent('#objectives-table tbody tr th');
  check(objective === 'Adding fractions', `the objectives table names the objective: "${objective}"`);
  // The other charts: some bar not empty (a histogram's first bucket may be).
  for (const chart of ['#chart-completions', '#chart-scores']) {
    await page.waitForFunction((sel) => [...document.querySelectorAll(sel + ' rect.bar')]
      .some((r) => Number(r.getAttribute('height')) > 0 && Number(r.getAttribute('width')) > 0), chart);
  }
  const reportsShot = path.join(outDir, 'admin-reports.png');
  await page.screenshot({path: reportsShot, fullPage: true});
  log('reports drawn');

  // Sync: replay one dead letter, the receiver now accepting.
  await page.click('#tab-sync');
  await page.waitForSelector('#dest-table tbody tr[data-destination="crm"]');
  await page.waitForSelector('#dlq-table tbody tr[data-seq]');
  const countCell = page.locator('#dest-table tr[data-destination="crm"] .dlq-count');
  check((await countCell.textContent()) === '50', 'the page shows 50 dead letters');
  const entry = page.locator('#dlq-table tbody tr[data-seq]').first();
  const seq = Number(await entry.getAttribute('data-seq'));
  rx.accept = true;
  await entry.locator('button', {hasText: 'Replay'}).click();
  await page.waitForFunction(() => /Replayed dead letter/.test(document.getElementById('sync-status').textContent));
  await page.waitForFunction(
    () => document.querySelector('#dest-table tr[data-destination="crm"] .dlq-count').textContent === '49');
  await page.waitForFunction((n) => !document.querySelector(`#dlq-table tbody tr[data-seq="${n}"]`) &&
    document.querySelectorAll('#dlq-table tbody tr[data-seq]').length === 25, seq);
  const dlq = await api('/admin/sync/dlq?destination=crm&limit=100');
  check(dlq.entries.length === 49 && !dlq.entries.some((e) => e.seq === seq),
        'the server no longer holds the replayed entry');
  for (let i = 0; rx.accepted < 1; i++) {
    check(i < 200, 'the replayed statement reaches the receiver');
    await new Promise((r) => setTimeout(r, 25));
  }
  log(`dead letter ${seq} replayed and delivered`);
  const syncShot = path.join(outDir, 'admin-sync.png');
  await page.screenshot({path: syncShot, fullPage: true});

  // Credentials and stores: the admin credential, without its secret.
  await page.click('#tab-directory');
  await page.waitForSelector('#cred-table tbody tr');
  const creds = await page.textContent('#cred-table tbody');
  check(creds.includes(cred.key) && !creds.includes(cred.secret), 'credentials listed without secrets');
  check((await page.textContent('#store-table tbody')).includes('default'), 'stores listed');

  await page.click('#sign-out');
  await page.waitForSelector('#signin', {state: 'visible'});
  check(await page.evaluate(() => sessionStorage.length === 0), 'sign-out forgets the credential');

  // A statement reader: statements and reports, no sync, no credentials.
  await page.fill('#signin-key', reader.key);
  await page.fill('#signin-secret', reader.secret);
  await page.click('#signin-submit');
  await page.waitForSelector('#stmt-table tbody tr');
  check(await page.isVisible('#tab-reports'), 'a reader sees the Reports tab');
  check(await page.isHidden('#tab-sync') && await page.isHidden('#tab-directory'),
        'a reader sees neither Sync nor Credentials');
  check(problems.length === 0, 'no console errors or outside requests:\n  ' + problems.join('\n  '));
  console.log(`screenshot: ${statementsShot}`);
  console.log(`screenshot: ${reportsShot}`);
  console.log(`screenshot: ${syncShot}`);
}

try {
  await main();
} catch (e) {
  failed = true;
  console.error('FAIL: ' + (e && e.stack ? e.stack : e));
}
await cleanup();
clearTimeout(timer);
log(failed ? 'failed' : 'passed');
process.exit(failed ? 1 : 0);

// The demo page (www/index.html) in headless Chromium against www/server.mjs: a full walk of the
// devnet chain, trust checkpoints, the tampered aggregator, cancellation, hashes typed by hand.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DEVNET, launchBrowser, screenshot, startServer, waitFor, watchedPage } from './harness.mjs';
import { packageEntry, packageGraph } from './specifiers.mjs';

/** @type {Awaited<ReturnType<typeof startServer>>} */
let server;
/** @type {Awaited<ReturnType<typeof launchBrowser>>} */
let browser;
/** @type {import('playwright-core').Page} */
let page;
/** Paths of the package files the page requested, in order. @type {string[]} */
const packageRequests = [];
/** Content types of the package files served. @type {Map<string, string>} */
const packageTypes = new Map();
/** Uncaught errors and console errors of the page. @type {string[]} */
const problems = [];
/**
 * The page's `?workers=` (the check pool's size): unset here, the package's default pool;
 * demo-inline.test.mjs runs this file again with "0" (checks in the page's thread).
 */
const WORKERS = process.env.DEMO_WORKERS;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  page = await watchedPage(browser, problems);
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.pathname.startsWith('/node_modules/')) packageRequests.push(u.pathname);
  });
  page.on('response', (r) => {
    const u = new URL(r.url());
    if (u.pathname.startsWith('/node_modules/')) {
      packageTypes.set(u.pathname, r.headers()['content-type'] ?? '');
    }
  });
  await page.goto(WORKERS === undefined ? server.url : `${server.url}?workers=${WORKERS}`);
  await page.waitForSelector('body[data-wasm="ready"]', { timeout: 30_000 });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** @param {string} selector */
const text = (selector) => page.locator(selector).innerText();

/** Record every value the progress bar takes from now on. */
async function recordProgress() {
  await page.evaluate(() => {
    const w = /** @type {any} */ (window);
    const bar = /** @type {HTMLProgressElement} */ (document.getElementById('progress'));
    w.__progressObserver?.disconnect();
    w.__progress = [];
    w.__progressObserver = new MutationObserver(() => w.__progress.push(bar.value));
    w.__progressObserver.observe(bar, { attributes: true, attributeFilter: ['value'] });
  });
}

/** @returns {Promise<number[]>} */
const recordedProgress = () => page.evaluate(() => /** @type {any} */ (window).__progress);

/**
 * Start a verification from the form.
 * @param {{source?: string, hash?: string}} [options]
 */
async function start(options = {}) {
  await page.check(`input[name="source"][value="${options.source ?? 'aggregator'}"]`);
  await page.fill('#hash', options.hash ?? '');
  await page.click('#verify');
}

/** Wait for the running verification's outcome: "success", "failure" or "aborted". */
async function outcome() {
  await page.waitForFunction(
    () => !['idle', 'running'].includes(/** @type {HTMLElement} */ (document.getElementById('result')).dataset.state ?? ''),
    null,
    { timeout: 60_000 },
  );
  return page.locator('#result').getAttribute('data-state');
}

/**
 * @param {{source?: string, hash?: string}} [options]
 */
async function verify(options) {
  await start(options);
  return outcome();
}

/** Log entries of one kind. @param {string} kind */
const logCount = (kind) => page.locator(`#log li.log-${kind}`).count();

const trustCount = async () => Number(await page.locator('#trust-summary').getAttribute('data-count'));

test("the page loads the verifier through the package's browser entry", async () => {
  assert.match(await text('#version'), /^\d+\.\d+\.\d+/);
  assert.equal(await page.locator('#verify').isEnabled(), true);
  assert.equal(await trustCount(), 0, 'a fresh profile has no checkpoints');
  const { entry } = packageEntry();
  const mount = '/node_modules/mithril-lite/';
  assert.equal(packageRequests[0], mount + entry.slice(2), 'the first package file loaded is the entry');
  const reachable = new Set([...packageGraph(entry)].map((f) => mount + f));
  for (const p of packageRequests) assert.ok(reachable.has(p), `${p} is not reachable from ${entry}`);
  const wasm = `${mount}dist/web/mithril_lite_bg.wasm`;
  assert.ok(packageRequests.includes(wasm), 'the wasm was fetched');
  assert.equal(packageTypes.get(wasm), 'application/wasm');
});

test('verifies the newest devnet certificate back to genesis', async (t) => {
  await recordProgress();
  assert.equal(await verify(), 'success');
  assert.equal(await page.locator('#progress').evaluate((p) => /** @type {HTMLProgressElement} */ (p).value), 100);
  assert.equal(await text('#progress-text'), '100%');
  assert.equal(await text('#r-hash'), DEVNET.newest);
  assert.equal(await text('#r-epoch'), String(DEVNET.newestEpoch));
  assert.equal(await text('#r-entity'), 'CardanoStakeDistribution (epoch 24)');
  const checked = Number(await text('#r-checked'));
  assert.ok(Number.isInteger(checked) && checked > 0, `certificates checked: ${checked}`);
  assert.equal(checked, DEVNET.chainLength);
  assert.equal(await page.locator('#r-anchor').getAttribute('data-kind'), 'genesis');
  assert.match(await text('#r-anchor'), new RegExp(`Genesis certificate\\s+${DEVNET.genesis}`));
  assert.match(await text('#r-time'), /^\d+(\.\d+)? (ms|s)$/);
  assert.equal(await page.locator('#trusted-note').isVisible(), false);
  const parts = await page.locator('#r-message tbody th').allInnerTexts();
  assert.deepEqual(parts, [
    'next_aggregate_verification_key',
    'next_protocol_parameters',
    'current_epoch',
    'cardano_stake_distribution_epoch',
    'cardano_stake_distribution_merkle_root',
  ]);
  // The bar moved forward only, through intermediate values, to 100%.
  const values = await recordedProgress();
  assert.equal(values.at(-1), 100, `progress values: ${values}`);
  for (let i = 1; i < values.length; i++) assert.ok(values[i] >= values[i - 1], `progress values: ${values}`);
  assert.ok(values.some((v) => v > 0 && v < 100), `progress values: ${values}`);
  // The log shows every event.
  assert.equal(await logCount('fetched'), DEVNET.chainLength);
  assert.equal(await logCount('verified'), DEVNET.chainLength);
  assert.equal(await logCount('chain'), 1);
  assert.equal(await trustCount(), DEVNET.chainLength, 'every visited certificate became a checkpoint');
  t.diagnostic(`walk of ${checked} certificates: ${await text('#r-time')} (page timer)`);
  t.diagnostic(`screenshot: ${await screenshot(page, 'demo.png')}`);
});

test('the result says where the STM checks ran', async (t) => {
  const info = page.locator('#r-workers');
  const mode = await info.getAttribute('data-mode');
  const used = Number(await info.getAttribute('data-used'));
  const size = Number(await info.getAttribute('data-size'));
  if (WORKERS === '0') {
    assert.equal(mode, 'inline');
    assert.equal(used, 0);
  } else {
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    assert.equal(mode, 'workers');
    assert.equal(size, Math.max(1, cores - 1), 'default pool: hardwareConcurrency - 1');
    assert.ok(used >= 1 && used <= size, `${used} of ${size} workers ran`);
  }
  assert.equal(await logCount('workers'), 1);
  t.diagnostic(`checks: ${await text('#r-workers')}`);
});

test('a second walk stops at a trusted checkpoint', async (t) => {
  assert.equal(await verify(), 'success');
  assert.equal(await text('#r-hash'), DEVNET.newest);
  assert.equal(await page.locator('#r-anchor').getAttribute('data-kind'), 'trusted');
  assert.ok(Number(await text('#r-checked')) < DEVNET.chainLength);
  assert.equal(await page.locator('#trusted-note').isVisible(), true);
  assert.match(await text('#trusted-note'), /trusted checkpoint of epoch 25/);
  assert.equal(await text('#progress-text'), '100%');
  t.diagnostic(`walk from the checkpoint: ${await text('#r-checked')} certificate(s) in ${await text('#r-time')}`);
  t.diagnostic(`screenshot: ${await screenshot(page, 'demo-trusted.png')}`);
});

test('"Clear trust" forgets the checkpoints', async () => {
  await page.click('#clear-trust');
  await waitFor(async () => (await trustCount()) === 0, { what: 'an empty trust store' });
  const keys = await page.evaluate(() => Object.keys(localStorage));
  assert.deepEqual(keys.filter((k) => k.startsWith('mithril-lite/trust/')), []);
  assert.equal(await page.locator('#clear-trust').isDisabled(), true);
});

test('the tampered aggregator fails with certificate_hash_mismatch at the tampered certificate', async (t) => {
  // Which certificate the broken aggregator alters, found by comparing both aggregators.
  let tampered;
  for (let h = DEVNET.newest; h; ) {
    const good = await (await fetch(`${server.url}aggregator/certificate/${h}`)).text();
    const bad = await (await fetch(`${server.url}broken-aggregator/certificate/${h}`)).text();
    if (good !== bad) {
      tampered = h;
      break;
    }
    h = /"previous_hash"\s*:\s*"([0-9a-f]*)"/.exec(good)?.[1] ?? '';
  }
  assert.ok(tampered, 'a tampered certificate on the chain');
  assert.equal(await verify({ source: 'broken-aggregator' }), 'failure');
  assert.equal(await text('#f-code'), 'certificate_hash_mismatch');
  assert.equal(await text('#f-certificate'), tampered);
  assert.match(await text('#f-message'), new RegExp(tampered));
  assert.equal(await page.locator('#failure [role="alert"]').isVisible(), true);
  assert.equal(await page.locator('#success').isVisible(), false);
  assert.ok(Number(await text('#progress-text').then((s) => s.replace('%', ''))) < 100);
  assert.equal(await trustCount(), 0, 'a failed walk stores nothing');
  t.diagnostic(`tampered certificate ${tampered}: ${await text('#f-message')}`);
  t.diagnostic(`screenshot: ${await screenshot(page, 'demo-failure.png')}`);
});

test('Cancel aborts a walk in progress and leaves the trust store untouched', async (t) => {
  await start({ source: 'slow-aggregator' });
  await waitFor(async () => (await logCount('fetched')) >= 2, { what: 'two fetched certificates' });
  assert.equal(await page.locator('#cancel').isEnabled(), true);
  assert.equal(await page.locator('#result').getAttribute('data-state'), 'running');
  t.diagnostic(`screenshot: ${await screenshot(page, 'demo-running.png')}`);
  const t0 = Date.now();
  await page.click('#cancel');
  assert.equal(await outcome(), 'aborted');
  const ms = Date.now() - t0;
  assert.ok(ms < 2000, `the abort took ${ms} ms`);
  assert.match(await text('#a-text'), /cancelled/);
  assert.ok((await logCount('fetched')) < DEVNET.chainLength);
  assert.equal(await trustCount(), 0);
  assert.equal(await page.locator('#verify').isEnabled(), true);
  assert.equal(await page.locator('#cancel').isDisabled(), true);
  t.diagnostic(`cancelled after ${await logCount('fetched')} certificates; the page settled ${ms} ms after the click`);
});

test('a hash typed by hand: validated, verified, or reported unavailable', async () => {
  // Not a hash: the form refuses it and starts nothing.
  const before = await page.locator('#result').getAttribute('data-state');
  await start({ hash: 'not-a-hash' });
  assert.equal(await page.locator('#hash-error').isVisible(), true);
  assert.equal(await page.locator('#hash').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.locator('#result').getAttribute('data-state'), before);

  // Another certificate of the devnet (upper case accepted).
  assert.equal(await verify({ hash: DEVNET.other.toUpperCase() }), 'success');
  assert.equal(await page.locator('#hash-error').isVisible(), false);
  assert.equal(await text('#r-hash'), DEVNET.other);
  assert.equal(await text('#r-epoch'), '23');
  assert.equal(await text('#r-entity'), 'CardanoBlocksTransactions (epoch 23, block 705, offset 1)');
  assert.equal(await page.locator('#r-anchor').getAttribute('data-kind'), 'genesis');

  // A hash the aggregator does not know.
  const unknown = 'ab'.repeat(32);
  assert.equal(await verify({ hash: unknown }), 'failure');
  assert.equal(await text('#f-code'), 'certificate_unavailable');
  assert.equal(await text('#f-certificate'), unknown);
});

test('the page is labelled for assistive technology', async () => {
  const report = await page.evaluate(() => {
    const issues = [];
    for (const input of document.querySelectorAll('input')) {
      if (input.labels?.length === 0 && !input.getAttribute('aria-label')) issues.push(`unlabelled input ${input.id}`);
    }
    for (const button of document.querySelectorAll('button')) {
      if (!button.textContent?.trim() && !button.getAttribute('aria-label')) issues.push(`unnamed button ${button.id}`);
    }
    const progress = /** @type {HTMLProgressElement} */ (document.getElementById('progress'));
    if (progress.labels.length === 0) issues.push('unlabelled progress bar');
    if (document.querySelectorAll('h1').length !== 1) issues.push('not one h1');
    for (const sel of ['main', 'header', 'footer', '[role="status"]', '[role="log"]']) {
      if (!document.querySelector(sel)) issues.push(`no ${sel}`);
    }
    if (!document.documentElement.lang) issues.push('no lang');
    return issues;
  });
  assert.deepEqual(report, []);
});

test('no uncaught errors in the page', () => {
  assert.deepEqual(problems, []);
});

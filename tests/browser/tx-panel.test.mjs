// The demo page's "Is my transaction certified?" panel in headless Chromium against
// www/server.mjs: the prefilled devnet transactions certified with the blocks their fixture
// proofs give, the made-up hash not certified, the forged-proof aggregator refused with a
// proof code, typed input validated; the chain view still verifies afterwards.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, openServedPage, screenshot } from './harness.mjs';

const FIXTURES = path.join(ROOT, 'tests', 'fixtures', 'devnet');
/** @param {string} file */
const fixture = (file) => JSON.parse(readFileSync(path.join(FIXTURES, file), 'utf8'));
// Parsing is fine here: the proofs' numbers are small and certificates are read for hashes only.
/** @type {Record<string, any>} */
const proofs = fixture('ctx-proofs-v2.json');
/** @type {string[]} */
const listed = fixture('ctx-proofs-v2-list.json').map((/** @type {any} */ t) => t.transaction_hash);
/** @type {Record<string, any>} */
const certificates = fixture('certificates.json');
/** The made-up hash the page offers next to the devnet ones: in no proof. */
const UNKNOWN = 'ab'.repeat(32);

/**
 * Certificates from `hash` back to genesis, both included.
 * @param {string} hash
 */
function chainLength(hash) {
  let n = 0;
  for (let h = hash; h; h = certificates[h]?.previous_hash) n++;
  return n;
}

/** @type {Awaited<ReturnType<typeof openServedPage>>} */
let session;
/** @type {import('playwright-core').Page} */
let page;
/** Uncaught errors and console errors of the page. @type {string[]} */
const problems = [];

before(async () => {
  session = await openServedPage(problems);
  page = session.page;
  await page.waitForSelector('body[data-wasm="ready"]', { timeout: 30_000 });
});

after(async () => {
  await session?.close();
});

/** @param {string} selector */
const text = (selector) => page.locator(selector).innerText();

/**
 * A detail of one hash's result.
 * @param {string} hash
 * @param {string} field
 */
const field = (hash, field) => text(`#tx-results li[data-hash="${hash}"] dd[data-field="${field}"]`);

/** @param {string} hash */
const rowState = (hash) => page.locator(`#tx-results li[data-hash="${hash}"]`).getAttribute('data-state');

/** Press Check and wait for the panel's outcome: "success", "failure" or "aborted". */
async function check() {
  await page.click('#tx-check');
  await page.waitForFunction(
    () => !['idle', 'running'].includes(/** @type {HTMLElement} */ (document.getElementById('tx-results')).dataset.state ?? ''),
    null,
    { timeout: 60_000 },
  );
  return page.locator('#tx-results').getAttribute('data-state');
}

test('the panel is prefilled with the devnet transactions and a made-up hash', async () => {
  assert.equal(listed.length, 4);
  assert.deepEqual(listed.toSorted(), Object.keys(proofs).toSorted(), 'the list names the proofs');
  const words = (await page.inputValue('#tx-hashes')).split(/\s+/).filter((w) => w !== '');
  assert.deepEqual(words, [...listed, UNKNOWN]);
  assert.equal(await page.locator('#tx-check').isEnabled(), true);
  assert.equal(await page.locator('#tx-tampered').isChecked(), false);
});

test('Check: each devnet transaction certified in its block, the made-up hash not', async (t) => {
  assert.equal(await check(), 'success');
  assert.equal(await page.locator('#tx-results li').count(), listed.length + 1);
  for (const [i, hash] of listed.entries()) {
    const proof = proofs[hash];
    const [item] = proof.certified_transactions.items;
    assert.equal(await rowState(hash), 'certified', hash);
    assert.equal(await field(hash, 'block'), String(item.block_number), hash);
    assert.equal(await field(hash, 'slot'), String(item.slot_number), hash);
    assert.equal(await field(hash, 'block-hash'), item.block_hash, hash);
    assert.equal(await field(hash, 'certificate'), proof.certificate_hash, hash);
    // The first walk goes back to genesis; the later ones stop at its trusted checkpoints.
    const chain = await field(hash, 'chain');
    if (i === 0) {
      const n = chainLength(proof.certificate_hash);
      assert.ok(n > 1);
      assert.match(chain, new RegExp(`^Verified back to the genesis certificate: ${n} certificates checked, epoch ${certificates[proof.certificate_hash].epoch}$`));
    } else {
      assert.match(chain, /^Verified to a trusted checkpoint: \d+ certificates? checked, epoch \d+$/);
    }
    const finalAt = proof.latest_block_number + proof.security_parameter;
    assert.equal(
      await field(hash, 'finality'),
      `Certified up to block ${proof.latest_block_number}; final once the chain tip reaches block ${finalAt} (offset ${proof.security_parameter})`,
    );
  }
  // The made-up hash: a valid proof that does not include it.
  assert.equal(await rowState(UNKNOWN), 'not-certified');
  assert.match(await text(`#tx-results li[data-hash="${UNKNOWN}"] .tx-verdict`), /^Not certified$/);
  assert.match(await field(UNKNOWN, 'proof'), /does not include this transaction/);
  assert.match(await field(UNKNOWN, 'chain'), /^Verified /);
  assert.match(await field(UNKNOWN, 'covers'), new RegExp(`^Blocks up to ${proofs[listed[0]].latest_block_number}:`));
  assert.equal(await page.locator(`#tx-results li[data-hash="${UNKNOWN}"] dd[data-field="block"]`).count(), 0);
  assert.equal(await page.locator('#tx-progress').evaluate((p) => /** @type {HTMLProgressElement} */ (p).value), 100);
  assert.match(await text('#tx-status'), new RegExp(`^${listed.length} of ${listed.length + 1} certified, 1 not certified `));
  assert.ok(Number(await page.locator('#trust-summary').getAttribute('data-count')) > 0, 'the walks recorded checkpoints');
  t.diagnostic(await text('#tx-status'));
  t.diagnostic(`screenshot: ${await screenshot(page, 'tx-panel.png')}`);
});

test('the tampered proof option: every proof refused with item_not_certified', async (t) => {
  const [hash] = listed;
  // The forged aggregator's proof differs from the genuine one in one digit.
  const route = `proof/v2/cardano-transaction?transaction_hashes=${hash}`;
  const good = await (await fetch(`${session.server.url}aggregator/${route}`)).text();
  const bad = await (await fetch(`${session.server.url}forged-proof-aggregator/${route}`)).text();
  assert.equal(good.length, bad.length);
  assert.equal([...good].filter((c, i) => c !== bad[i]).length, 1);

  await page.check('#tx-tampered');
  // The later tests ask the genuine aggregator, whatever this one's outcome.
  t.after(() => page.uncheck('#tx-tampered'));
  assert.equal(await check(), 'failure');
  for (const h of [...listed, UNKNOWN]) {
    assert.equal(await rowState(h), 'failed', h);
    assert.equal(await text(`#tx-results li[data-hash="${h}"] .tx-verdict`), 'Check failed');
    assert.equal(await field(h, 'code'), 'item_not_certified', h);
    assert.match(await field(h, 'message'), /is listed as certified but is not a leaf of the proof/);
    // The certificate is genuine: its chain verified, then the proof was refused.
    assert.match(await field(h, 'chain'), /verified .* its proof was refused$/, h);
  }
  // Each devnet transaction's own (forged) proof names it; the made-up hash gets another's.
  for (const h of listed) assert.equal(await field(h, 'concerns'), h);
  assert.notEqual(await field(UNKNOWN, 'concerns'), UNKNOWN);
  assert.match(await text('#tx-status'), new RegExp(`^0 of ${listed.length + 1} certified, ${listed.length + 1} failed `));
  t.diagnostic(`screenshot: ${await screenshot(page, 'tx-panel-tampered.png')}`);
});

test('input that is not transaction hashes is refused before any request', async () => {
  const rows = await page.locator('#tx-results li').count();
  for (const value of ['', '   ', `${listed[0]} not-a-hash`]) {
    await page.fill('#tx-hashes', value);
    await page.click('#tx-check');
    assert.equal(await page.locator('#tx-error').isVisible(), true, JSON.stringify(value));
    assert.equal(await page.locator('#tx-hashes').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator('#tx-results li').count(), rows, 'the results are untouched');
  }
  assert.match(await text('#tx-error'), /not-a-hash/);
  // Upper case and repeats: one row per distinct hash, in lower case.
  await page.fill('#tx-hashes', `${listed[1].toUpperCase()}, ${listed[1]}`);
  assert.equal(await check(), 'success');
  assert.equal(await page.locator('#tx-error').isVisible(), false);
  assert.equal(await page.locator('#tx-results li').count(), 1);
  assert.equal(await rowState(listed[1]), 'certified');
});

test('Cancel stops a check in progress: the rows left are marked cancelled', async () => {
  await page.fill('#tx-hashes', listed.join('\n'));
  // Hold the second proof request until the check is cancelled (the page's fetch is aborted).
  /** @type {(value?: unknown) => void} */
  let held = () => {};
  const holding = new Promise((resolve) => (held = resolve));
  /** @type {(value?: unknown) => void} */
  let release = () => {};
  const released = new Promise((resolve) => (release = resolve));
  let requests = 0;
  await page.route('**/proof/v2/cardano-transaction?*', async (route) => {
    if (++requests === 2) {
      held();
      await released;
    }
    await route.continue().catch(() => {}); // the request may be gone by then
  });
  try {
    await page.click('#tx-check');
    await holding;
    assert.equal(await page.locator('#tx-cancel').isEnabled(), true);
    assert.equal(await page.locator('#verify').isDisabled(), true, 'one verification at a time');
    await page.click('#tx-cancel');
    await page.waitForFunction(
      () => /** @type {HTMLElement} */ (document.getElementById('tx-results')).dataset.state === 'aborted',
      null,
      { timeout: 30_000 },
    );
  } finally {
    release();
    await page.unroute('**/proof/v2/cardano-transaction?*');
  }
  assert.equal(await rowState(listed[0]), 'certified');
  for (const h of listed.slice(1)) assert.equal(await rowState(h), 'aborted', h);
  assert.match(await text('#tx-status'), /^Cancelled: 1 of 4 certified /);
  assert.equal(await page.locator('#tx-cancel').isDisabled(), true);
  assert.equal(await page.locator('#tx-check').isEnabled(), true);
});

test('the chain view still verifies after the panel ran', async () => {
  await page.fill('#hash', '');
  await page.click('#verify');
  await page.waitForFunction(
    () => !['idle', 'running'].includes(/** @type {HTMLElement} */ (document.getElementById('result')).dataset.state ?? ''),
    null,
    { timeout: 60_000 },
  );
  assert.equal(await page.locator('#result').getAttribute('data-state'), 'success');
  assert.equal(await page.locator('#tx-check').isEnabled(), true);
});

test('no uncaught errors in the page', () => {
  assert.deepEqual(problems, []);
});

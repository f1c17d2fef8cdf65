// The Manifest V3 extension (www/extension) loaded unpacked into headless Chromium: its module
// service worker imports the package's browser entry, verifies the devnet chain from
// www/server.mjs on install with ChromeStorageTrustStore and stores the outcome in
// chrome.storage.local; the popup shows it and asks for new runs. An extension page keeps
// checkpoints with IndexedDbTrustStore.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildExtension } from '../../www/extension/build.mjs';
import { DEVNET, launchBrowser, outputDir, startServer, waitFor } from './harness.mjs';

/** @type {Awaited<ReturnType<typeof startServer>>} */
let server;
/** @type {Awaited<ReturnType<typeof launchBrowser>>} */
let browser;
/** @type {string} */
let extensionDir;
/** @type {import('playwright-core').Worker} */
let worker;
/** @type {string} */
let extensionId;

before(async () => {
  server = await startServer();
  extensionDir = await mkdtemp(path.join(tmpdir(), 'mithril-lite-extension-'));
  await buildExtension({ out: extensionDir, aggregator: `${server.url}aggregator` });
  browser = await launchBrowser({ extensionDir });
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (extensionDir) await rm(extensionDir, { recursive: true, force: true });
});

/** chrome.storage.local, read in the service worker. @param {string | null} [key] */
const storage = (key = null) =>
  worker.evaluate((k) => chrome.storage.local.get(k), key);

/** The stored outcome once it satisfies `accept`. @param {(r: any) => boolean} accept @param {string} what */
async function lastVerification(accept, what) {
  return waitFor(
    async () => {
      const r = (await storage('lastVerification')).lastVerification;
      return r && accept(r) ? r : undefined;
    },
    { timeout: 60_000, what },
  );
}

test('the service worker starts', async () => {
  worker =
    browser.context.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://')) ??
    (await browser.context.waitForEvent('serviceworker', { timeout: 30_000 }));
  const url = new URL(worker.url());
  assert.equal(url.protocol, 'chrome-extension:');
  assert.equal(url.pathname, '/service-worker.js');
  extensionId = url.host;
  const manifest = await worker.evaluate(() => chrome.runtime.getManifest());
  assert.equal(manifest.manifest_version, 3);
});

test('on install it verifies the newest devnet certificate and stores the outcome', async (t) => {
  const r = await lastVerification((x) => x.trigger === 'install', 'the install run');
  assert.equal(r.ok, true, JSON.stringify(r.error));
  assert.equal(r.hash, DEVNET.newest);
  assert.equal(r.epoch, DEVNET.newestEpoch);
  assert.equal(r.signedEntityType, 'CardanoStakeDistribution');
  assert.ok(r.certificatesChecked > 0);
  assert.equal(r.certificatesChecked, DEVNET.chainLength);
  assert.deepEqual(r.anchor, { kind: 'genesis', hash: DEVNET.genesis });
  assert.equal(r.aggregator, `${server.url}aggregator`);
  assert.equal(r.trustStored, true);
  assert.equal(r.protocolMessage.current_epoch, '25');
  assert.equal(r.checks, 'inline', 'no Worker in a service worker: the checks ran inline');
  t.diagnostic(`service worker walk of ${r.certificatesChecked} certificates: ${r.durationMs} ms (wasm load included)`);
});

test('ChromeStorageTrustStore kept the checkpoints in chrome.storage.local', async () => {
  const all = await storage();
  const keys = Object.keys(all).filter((k) => k.startsWith('mithril-lite/trust/'));
  assert.equal(keys.length, 1, `keys: ${Object.keys(all)}`);
  // The core's checkpoint bytes as base64: header, 40 bytes per checkpoint, checksum.
  const stored = Buffer.from(all[keys[0]], 'base64');
  assert.equal(stored.subarray(0, 5).toString('latin1'), 'MLTC\x02');
  assert.equal(stored.length, 41 + 40 * DEVNET.chainLength + 32);
  assert.ok(stored.includes(Buffer.from(DEVNET.newest, 'hex')), 'the newest certificate is trusted');
});

test('the popup shows the last verification and runs a new one on request', async (t) => {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 400, height: 560 });
  await page.goto(`chrome-extension://${extensionId}/popup.html`);
  await page.waitForSelector('body[data-ready="true"]');
  assert.equal(await page.locator('#last').getAttribute('data-state'), 'ok');
  assert.match(await page.locator('#verdict').innerText(), /Verified: 12 certificates/);
  assert.equal(await page.locator('#d-hash').innerText(), DEVNET.newest);

  await page.click('#verify');
  const r = await lastVerification((x) => x.trigger === 'popup', 'the popup run');
  assert.equal(r.ok, true, JSON.stringify(r.error));
  assert.equal(r.hash, DEVNET.newest);
  assert.equal(r.anchor.kind, 'trusted', 'the second run stops at a checkpoint');
  await waitFor(async () => /popup/.test(await page.locator('#d-when').innerText()), {
    what: 'the popup to show the new run',
  });
  assert.match(await page.locator('#d-anchor').innerText(), /^trusted /);
  const file = path.join(await outputDir(), 'extension-popup.png');
  await page.screenshot({ path: file, fullPage: true });
  t.diagnostic(`screenshot: ${path.relative(process.cwd(), file)}`);

  // Clear trust, then a new run goes back to genesis.
  await page.click('#clear-trust');
  await waitFor(async () => /cleared/.test(await page.locator('#progress').innerText()), {
    what: 'the trust to be cleared',
  });
  const keys = Object.keys(await storage()).filter((k) => k.startsWith('mithril-lite/trust/'));
  assert.deepEqual(keys, []);
  const finishedBefore = r.finishedAt;
  await page.click('#verify');
  const again = await lastVerification((x) => x.finishedAt !== finishedBefore, 'a third run');
  assert.equal(again.ok, true);
  assert.deepEqual(again.anchor, { kind: 'genesis', hash: DEVNET.genesis });
  await page.close();
});

test('IndexedDbTrustStore in an extension page: the second walk stops at a checkpoint', async () => {
  const page = await browser.context.newPage();
  await page.goto(`chrome-extension://${extensionId}/popup.html`);
  await page.waitForSelector('body[data-ready="true"]');
  const run = () =>
    page.evaluate(async () => {
      // The package the extension carries, imported by the page on its own.
      const lib = await import(chrome.runtime.getURL('vendor/mithril-lite/src/web.js'));
      await lib.init();
      const config = await (await fetch(chrome.runtime.getURL('config.json'))).json();
      const store = new lib.IndexedDbTrustStore({ databaseName: 'extension-page-trust' });
      const verifier = new lib.CertificateVerifier(config.genesisKey, { trustStore: store });
      const chain = await verifier.verifyLatest(config.aggregator);
      await verifier.close();
      store.close();
      return {
        anchor: chain.anchor,
        checked: chain.certificatesChecked,
        trustStored: chain.trustStored,
        origin: location.protocol,
      };
    });
  const first = await run();
  assert.equal(first.origin, 'chrome-extension:');
  assert.deepEqual(first.anchor, { kind: 'genesis', hash: DEVNET.genesis });
  assert.equal(first.checked, DEVNET.chainLength);
  assert.equal(first.trustStored, true);
  await page.reload();
  const second = await run();
  assert.deepEqual(second.anchor, { kind: 'trusted', hash: DEVNET.newest });
  assert.equal(second.checked, 1);
  await page.close();
});

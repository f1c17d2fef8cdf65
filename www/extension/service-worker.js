// Background service worker of the mithril-lite demo extension (Manifest V3, module worker).
//
// On install, on browser startup and when the popup asks, it verifies the newest certificate of
// the configured aggregator back to genesis (or to a trust checkpoint of an earlier run, kept in
// chrome.storage.local by ChromeStorageTrustStore) and stores the outcome in
// chrome.storage.local under "lastVerification". While a run is going on, "verificationStatus"
// tells how far it got.
//
// The package is carried by the extension (vendor/mithril-lite, copied by build.mjs) and
// imported through its browser entry, the file package.json's exports["."].browser names.

import {
  CertificateVerifier,
  ChromeStorageTrustStore,
  init,
  version,
} from './vendor/mithril-lite/src/web.js';

const RESULT_KEY = 'lastVerification';
const STATUS_KEY = 'verificationStatus';

/** @type {Promise<object> | undefined} */
let inflight;

/** The aggregator and genesis key written by build.mjs into config.json. */
async function loadConfig() {
  const response = await fetch(chrome.runtime.getURL('config.json'), { cache: 'no-store' });
  if (!response.ok) throw new Error(`config.json: HTTP ${response.status} (run build.mjs)`);
  const config = await response.json();
  if (typeof config.aggregator !== 'string' || typeof config.genesisKey !== 'string') {
    throw new Error('config.json needs "aggregator" and "genesisKey" strings');
  }
  return /** @type {{aggregator: string, genesisKey: string}} */ (config);
}

/**
 * Verify, one run at a time: a trigger arriving during a run shares its outcome.
 * @param {string} trigger what asked for the run (install, startup, popup)
 */
function verify(trigger) {
  inflight ??= run(trigger).finally(() => {
    inflight = undefined;
  });
  return inflight;
}

/** @param {string} trigger */
async function run(trigger) {
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  let fetched = 0;
  /** @type {string | undefined} */
  let aggregator;
  /** @type {Record<string, unknown>} */
  let record;
  await chrome.storage.local.set({
    [STATUS_KEY]: { state: 'running', trigger, startedAt, fetched: 0, epoch: null },
  });
  try {
    const config = await loadConfig();
    aggregator = config.aggregator;
    await init(); // fetches vendor/mithril-lite/dist/web/mithril_lite_bg.wasm
    const verifier = new CertificateVerifier(config.genesisKey, {
      trustStore: new ChromeStorageTrustStore(),
    });
    const result = await verifier.verifyLatest(config.aggregator, {
      onProgress(event) {
        if (event.type !== 'certificate-fetched') return;
        fetched++;
        void chrome.storage.local.set({
          [STATUS_KEY]: { state: 'running', trigger, startedAt, fetched, epoch: event.epoch ?? null },
        });
      },
    });
    record = {
      ok: true,
      hash: result.hash,
      epoch: result.epoch,
      signedEntityType: result.signedEntityTypeName,
      signedEntity: result.signedEntityType,
      protocolMessage: result.protocolMessage,
      certificatesChecked: result.certificatesChecked,
      anchor: result.anchor,
      trustStored: result.trustStored,
      // A service worker cannot start workers: the package checks inline here ("inline").
      checks: verifier.poolStats().mode,
    };
  } catch (err) {
    const e = /** @type {any} */ (err);
    record = {
      ok: false,
      error: {
        name: String(e?.name ?? 'Error'),
        code: String(e?.code ?? e?.name ?? 'error'),
        message: String(e?.message ?? e),
        certificate: e?.cause?.certificate ?? null,
      },
    };
  }
  Object.assign(record, {
    trigger,
    aggregator: aggregator ?? null,
    verifier: safeVersion(),
    startedAt,
    finishedAt: new Date().toISOString(),
    durationMs: Math.round(performance.now() - t0),
    certificatesFetched: fetched,
  });
  await chrome.storage.local.set({
    [RESULT_KEY]: record,
    [STATUS_KEY]: { state: 'idle', trigger, startedAt, fetched, epoch: null },
  });
  return record;
}

function safeVersion() {
  try {
    return version();
  } catch {
    return null;
  }
}

/** Forget the trust checkpoints of the configured genesis key. */
async function clearTrust() {
  const config = await loadConfig();
  await init();
  await new CertificateVerifier(config.genesisKey, {
    trustStore: new ChromeStorageTrustStore(),
  }).clearTrust();
}

chrome.runtime.onInstalled.addListener(() => {
  void verify('install');
});

chrome.runtime.onStartup.addListener(() => {
  void verify('startup');
});

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  if (sender.id !== chrome.runtime.id) return false;
  if (message?.type === 'verify') {
    verify('popup').then(sendResponse);
    return true; // the response is sent asynchronously
  }
  if (message?.type === 'clear-trust') {
    clearTrust().then(
      () => sendResponse({ ok: true }),
      (e) => sendResponse({ ok: false, message: String(e?.message ?? e) }),
    );
    return true;
  }
  return false;
});

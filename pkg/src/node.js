// Node.js entry: the wasm-pack `nodejs` output (CommonJS that reads the .wasm synchronously),
// ready as soon as this module is imported.

import * as generated from '../dist/nodejs/mithril_lite.js';
import { createApi } from './driver.js';
import { defaultWorkers, nodeSpawner } from './threads-node.js';

// A CommonJS module imported from ESM: its exports are the namespace's `default` (named
// exports may be detected as well). An ES module output has them directly.
const wasm = /** @type {import('./driver.js').WasmBinding} */ (
  typeof (/** @type {{Walk?: unknown}} */ (generated).Walk) === 'function'
    ? generated
    : /** @type {{default: unknown}} */ (generated).default
);

const api = createApi(
  {
    current: () => wasm,
    init: async () => {},
  },
  {
    // Every thread has worker_threads; the pool's workers load dist/nodejs themselves.
    available: () => true,
    defaultWorkers,
    spawner: () => nodeSpawner(),
  },
);

export const { CertificateVerifier, decodeGenesisKey, version, init, runCheckJob } = api;
/** Nothing to do in Node.js: the module is loaded at import. */
export function initSync() {}
export { MemoryTrustStore, LocalStorageTrustStore, ChromeStorageTrustStore, trustKey } from './trust.js';

// Node.js entry: the package's one .wasm (dist/web/, the same module the web and bundler
// entries load), read from disk and instantiated synchronously: ready as soon as this module
// is imported.

import { readFileSync } from 'node:fs';

import { createApi } from './verifier.js';
import { binding, start } from './instance.js';
import { defaultWorkers, nodeSpawner } from './threads-node.js';

start(new WebAssembly.Module(readFileSync(new URL('../dist/web/mithril_lite_bg.wasm', import.meta.url))));

const api = createApi(
  {
    current: binding,
    init: async () => {},
  },
  {
    // Every thread has worker_threads; the pool's workers read the same .wasm themselves.
    available: () => true,
    defaultWorkers,
    spawner: () => nodeSpawner(),
    // No UI to keep responsive: this thread checks too when the workers are busy.
    mainThreadChecks: true,
  },
);

export const { CertificateVerifier, decodeGenesisKey, version, init, runCheckJob, defaultLimits } =
  api;
/** The public networks, from the core's table: `{name, mithrilName, genesisVerificationKey, aggregator}[]`. */
export const { networks } = api;
export { AggregatorError, MithrilVerificationError } from './errors.js';
/** Nothing to do in Node.js: the module is loaded at import. */
export function initSync() {}
export {
  MemoryTrustStore,
  LocalStorageTrustStore,
  ChromeStorageTrustStore,
  IndexedDbTrustStore,
  trustKey,
} from './trust.js';

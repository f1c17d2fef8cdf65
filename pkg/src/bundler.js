// Bundler entry (`mithril-lite/bundler`): the wasm-pack `bundler` output, which imports the
// .wasm as an ES module. Needs a bundler with WebAssembly ES-module integration (webpack 5
// `experiments.asyncWebAssembly`, Vite with vite-plugin-wasm, ...). Ready once imported.

import * as wasm from '../dist/bundler/mithril_lite.js';
import { createApi } from './driver.js';
import { defaultWorkers, webSpawner, workersAvailable } from './threads-web.js';

const api = createApi(
  {
    current: () => /** @type {import('./driver.js').WasmBinding} */ (/** @type {unknown} */ (wasm)),
    init: async () => {},
  },
  {
    available: workersAvailable,
    defaultWorkers,
    // The bundler glue does not hand out its compiled module: the workers load the web
    // output's copy of the .wasm (the same module) by URL.
    spawner: () => webSpawner(() => new URL('../dist/web/mithril_lite_bg.wasm', import.meta.url)),
  },
);

export const { CertificateVerifier, decodeGenesisKey, version, init, runCheckJob } = api;
/** Nothing to do with a bundler: the module is loaded at import. */
export function initSync() {}
export { MemoryTrustStore, LocalStorageTrustStore, ChromeStorageTrustStore, trustKey } from './trust.js';

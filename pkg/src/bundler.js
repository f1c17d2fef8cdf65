// Bundler entry (`mithril-lite/bundler`): the wasm-pack `bundler` output, which imports the
// .wasm as an ES module. Needs a bundler with WebAssembly ES-module integration (webpack 5
// `experiments.asyncWebAssembly`, Vite with vite-plugin-wasm, ...). Ready once imported.

import * as wasm from '../dist/bundler/mithril_lite.js';
import { createApi } from './driver.js';

const api = createApi({
  current: () => /** @type {import('./driver.js').WasmBinding} */ (/** @type {unknown} */ (wasm)),
  init: async () => {},
});

export const { CertificateVerifier, decodeGenesisKey, version, init } = api;
/** Nothing to do with a bundler: the module is loaded at import. */
export function initSync() {}
export { MemoryTrustStore, LocalStorageTrustStore, ChromeStorageTrustStore, trustKey } from './trust.js';

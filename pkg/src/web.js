// Web entry (browsers, web workers, extension service workers): the wasm-pack `web` output.
// The .wasm is fetched and instantiated once, by `await init()` (or
// `await CertificateVerifier.create(...)`), never at import: service workers allow no
// top-level await, and the caller may want to pass its own bytes or URL.

import initWasm, { initSync as initWasmSync } from '../dist/web/mithril_lite.js';
import * as wasm from '../dist/web/mithril_lite.js';
import { createApi } from './driver.js';
import { usageError } from './errors.js';

let ready = false;
/** @type {Promise<void> | undefined} */
let loading;

const api = createApi({
  current() {
    if (!ready) {
      throw usageError(
        'not_initialized',
        'mithril-lite: call `await init()` (or use `await CertificateVerifier.create(...)`) first',
      );
    }
    return /** @type {import('./driver.js').WasmBinding} */ (/** @type {unknown} */ (wasm));
  },
  /** @param {unknown} [input] a URL, Response, bytes or WebAssembly.Module of the .wasm */
  init(input) {
    if (ready) return Promise.resolve();
    if (loading === undefined) {
      // The literal `new URL(..., import.meta.url)` lets bundlers find and emit the .wasm.
      const moduleOrPath = input ?? new URL('../dist/web/mithril_lite_bg.wasm', import.meta.url);
      const attempt = initWasm({ module_or_path: /** @type {URL} */ (moduleOrPath) }).then(() => {
        ready = true;
      });
      // A failed load may be retried by calling init() again.
      attempt.catch(() => {
        if (loading === attempt) loading = undefined;
      });
      loading = attempt;
      return attempt;
    }
    return loading;
  },
});

export const { CertificateVerifier, decodeGenesisKey, version, init } = api;

/**
 * Instantiate synchronously from the .wasm bytes or a compiled WebAssembly.Module (e.g. one a
 * page posted to its worker).
 * @param {BufferSource | WebAssembly.Module} module
 */
export function initSync(module) {
  if (ready) return;
  initWasmSync({ module });
  ready = true;
}

export { MemoryTrustStore, LocalStorageTrustStore, ChromeStorageTrustStore, trustKey } from './trust.js';

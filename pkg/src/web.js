// Web entry (browsers, web workers, extension service workers): the wasm-pack `web` output.
// The .wasm is fetched and instantiated once, by `await init()` (or
// `await CertificateVerifier.create(...)`), never at import: service workers allow no
// top-level await, and the caller may want to pass its own bytes or URL.
// The compiled WebAssembly.Module is kept: the check pool's workers instantiate it from a
// postMessage, with no second download or compile.

import initWasm, { initSync as initWasmSync } from '../dist/web/mithril_lite.js';
import * as wasm from '../dist/web/mithril_lite.js';
import { createApi } from './driver.js';
import { usageError } from './errors.js';
import { defaultWorkers, webSpawner, workersAvailable } from './threads-web.js';

let ready = false;
/** @type {Promise<void> | undefined} */
let loading;
/** The module the workers instantiate. @type {WebAssembly.Module | undefined} */
let compiled;

/** The .wasm next to the glue. The literal form lets bundlers find and emit it. */
const defaultWasm = () => new URL('../dist/web/mithril_lite_bg.wasm', import.meta.url);

/**
 * Compile what init() was given (or a promise of it): a URL (or string, or Request), a
 * Response or anything with arrayBuffer(), bytes, or an already compiled module.
 * @param {unknown} input
 * @returns {Promise<WebAssembly.Module>}
 */
async function compile(input) {
  let source = await input;
  if (source instanceof WebAssembly.Module) return source;
  if (
    typeof source === 'string' ||
    source instanceof URL ||
    (typeof Request === 'function' && source instanceof Request)
  ) {
    source = await fetch(/** @type {string | URL | Request} */ (source));
  }
  if (typeof Response === 'function' && source instanceof Response) {
    const response = source;
    if (!response.ok) {
      throw new Error(`failed to fetch the wasm: HTTP ${response.status} from ${response.url}`);
    }
    // Streaming compilation needs the application/wasm MIME type; otherwise read the bytes.
    if (
      typeof WebAssembly.compileStreaming === 'function' &&
      (response.headers.get('content-type') ?? '').split(';')[0].trim() === 'application/wasm'
    ) {
      return WebAssembly.compileStreaming(response);
    }
    return WebAssembly.compile(await response.arrayBuffer());
  }
  const body = /** @type {{arrayBuffer?: unknown}} */ (source);
  if (body !== null && typeof body === 'object' && typeof body.arrayBuffer === 'function') {
    return WebAssembly.compile(await /** @type {{arrayBuffer(): Promise<ArrayBuffer>}} */ (body).arrayBuffer());
  }
  return WebAssembly.compile(/** @type {BufferSource} */ (source));
}

const api = createApi(
  {
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
        const attempt = compile(input ?? defaultWasm())
          .then((module) => initWasm({ module_or_path: module }).then(() => module))
          .then((module) => {
            compiled = module;
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
  },
  {
    // Not in an MV3 service worker (no Worker constructor there): checks run inline.
    available: workersAvailable,
    defaultWorkers,
    spawner: () => webSpawner(() => compiled ?? defaultWasm()),
  },
);

export const { CertificateVerifier, decodeGenesisKey, version, init, runCheckJob } = api;

/**
 * Instantiate synchronously from the .wasm bytes or a compiled WebAssembly.Module (e.g. one a
 * page posted to its worker).
 * @param {BufferSource | WebAssembly.Module} module
 */
export function initSync(module) {
  if (ready) return;
  const m = module instanceof WebAssembly.Module ? module : new WebAssembly.Module(module);
  initWasmSync({ module: m });
  compiled = m;
  ready = true;
}

export { MemoryTrustStore, LocalStorageTrustStore, ChromeStorageTrustStore, trustKey } from './trust.js';

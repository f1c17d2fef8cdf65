// Web entry (browsers, web workers, extension service workers): the package's one .wasm (dist/web/).
// The .wasm is fetched and instantiated once, by `await init()` (or
// `await CertificateVerifier.create(...)`), never at import: service workers allow no
// top-level await, and the caller may want to pass its own bytes or URL.
// The compiled WebAssembly.Module is kept: the check pool's workers instantiate it from a
// postMessage, with no second download or compile.

import { createApi } from './verifier.js';
import { usageError } from './errors.js';
import { binding, compile, compiledModule, isStarted, start, startAsync } from './instance.js';
import { defaultWorkers, webSpawner, workersAvailable } from './threads-web.js';

/** @type {Promise<void> | undefined} */
let loading;

/** The .wasm next to the glue. The literal form lets bundlers find and emit it. */
const defaultWasm = () => new URL('../dist/web/mithril_lite_bg.wasm', import.meta.url);

const api = createApi(
  {
    current() {
      if (!isStarted()) {
        throw usageError(
          'not_initialized',
          'mithril-lite: call `await init()` (or use `await CertificateVerifier.create(...)`) first',
        );
      }
      return binding();
    },
    /** @param {unknown} [input] a URL, Response, bytes or WebAssembly.Module of the .wasm */
    init(input) {
      if (isStarted()) return Promise.resolve();
      if (loading === undefined) {
        const attempt = compile(input ?? defaultWasm()).then(startAsync);
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
    spawner: () => webSpawner(() => compiledModule() ?? defaultWasm()),
  },
);

export const { CertificateVerifier, decodeGenesisKey, version, init, runCheckJob, defaultLimits } =
  api;
/** The public networks, from the core's table: `{name, mithrilName, genesisVerificationKey, aggregator}[]`. */
export const { networks } = api;
export { AggregatorError, MithrilVerificationError } from './errors.js';

/**
 * Instantiate synchronously from the .wasm bytes or a compiled WebAssembly.Module (e.g. one a
 * page posted to its worker).
 * @param {BufferSource | WebAssembly.Module} module
 */
export function initSync(module) {
  if (isStarted()) return;
  start(module instanceof WebAssembly.Module ? module : new WebAssembly.Module(module));
}

export {
  MemoryTrustStore,
  LocalStorageTrustStore,
  ChromeStorageTrustStore,
  IndexedDbTrustStore,
  trustKey,
} from './trust.js';

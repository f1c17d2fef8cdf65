// verifyLatest's first step: the newest certificate's hash, from the aggregator's certificate
// list (read by the core).

import { aggregatorError, throwIfAborted } from './errors.js';
import { fetchBody } from './sources.js';

/**
 * @typedef {import('./types.js').FetchFunction} FetchFunction
 * @typedef {import('./types.js').WasmBinding} WasmBinding
 */

/**
 * The newest hash of the aggregator's certificate list, read by the core (`newestListedHash`).
 * @param {string} base
 * @param {FetchFunction} fetchImpl
 * @param {AbortSignal | undefined} signal
 * @param {WasmBinding} wasm
 */
export async function latestHash(base, fetchImpl, signal, wasm) {
  const maxBytes = wasm.defaultLimits().maxListBytes;
  const url = `${base}/certificates`;
  const bytes = await fetchBody(url, maxBytes, fetchImpl, signal, 'certificate_list_unavailable');
  throwIfAborted(signal);
  // The core reads the list (size bound, format, and that the newest hash is a hash); its
  // error's code is this package's AggregatorError code for it.
  try {
    return wasm.newestListedHash(bytes);
  } catch (e) {
    const err = /** @type {{code?: string, message?: string}} */ (e);
    const code = err.code === 'certificate_list_empty' ? 'certificate_list_empty' : 'certificate_list_malformed';
    throw aggregatorError(code, `${url}: ${err.message ?? String(e)}`, { url });
  }
}

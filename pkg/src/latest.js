// verifyLatest's first step: the newest certificate's hash, from the aggregator's certificate
// list (read by the core).

import { abortPromise, aggregatorError, throwIfAborted } from './errors.js';
import { readBody, describe } from './sources.js';

/**
 * @typedef {import('./types.js').FetchFunction} FetchFunction
 * @typedef {import('./types.js').WasmBinding} WasmBinding
 */

const HASH = /^[0-9a-f]{64}$/;

/**
 * The first hash of the aggregator's certificate list, read by the core (`listHashes`).
 * @param {string} base
 * @param {FetchFunction} fetchImpl
 * @param {AbortSignal | undefined} signal
 * @param {WasmBinding} wasm
 */
export async function latestHash(base, fetchImpl, signal, wasm) {
  const maxBytes = wasm.defaultLimits().maxListBytes;
  throwIfAborted(signal);
  const url = `${base}/certificates`;
  const aborted = abortPromise(signal);
  /** @type {Uint8Array} */
  let bytes;
  try {
    /** @type {import('./sources.js').FetchResponse} */
    let response;
    try {
      /** @type {{signal?: AbortSignal, headers: Record<string, string>}} */
      const init = { headers: { accept: 'application/json' } };
      if (signal) init.signal = signal;
      response = await Promise.race([fetchImpl(url, init), aborted.promise]);
    } catch (e) {
      throwIfAborted(signal);
      throw aggregatorError(
        'certificate_list_unavailable',
        `network error fetching ${url}: ${describe(e)}`,
        { url, error: e },
      );
    }
    if (!response.ok) {
      throw aggregatorError(
        'certificate_list_unavailable',
        `HTTP ${response.status} from ${url}`,
        { url, status: response.status },
      );
    }
    try {
      bytes = await Promise.race([readBody(response, maxBytes + 1), aborted.promise]);
    } catch (e) {
      throwIfAborted(signal);
      throw aggregatorError('certificate_list_unavailable', `error reading ${url}: ${describe(e)}`, {
        url,
        error: e,
      });
    }
  } finally {
    aborted.dispose();
  }
  throwIfAborted(signal);
  if (bytes.byteLength > maxBytes) {
    throw aggregatorError('certificate_list_malformed', `${url}: larger than ${maxBytes} bytes`, {
      url,
    });
  }
  const hashes = wasm.listHashes(bytes);
  if (!hashes) {
    throw aggregatorError(
      'certificate_list_malformed',
      `${url}: not a JSON array of certificates with a "hash"`,
      { url },
    );
  }
  if (hashes.length === 0) {
    throw aggregatorError('certificate_list_empty', `${url}: the aggregator lists no certificate`, {
      url,
    });
  }
  if (!HASH.test(hashes[0])) {
    throw aggregatorError('certificate_list_malformed', `${url}: the first hash is not 64 hex digits`, {
      url,
    });
  }
  return hashes[0];
}

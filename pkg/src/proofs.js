// Light-wallet proofs and artifacts on the JavaScript side: getting the body (given, or fetched
// from an aggregator route) and the requested hashes. Bodies stay bytes: never JSON.parse'd
// (stakes and block numbers can exceed 2^53). What a body names (the certificate to walk from,
// a transactions proof's version) and every verdict on it are the wasm's.

import { abortPromise, aggregatorError, throwIfAborted, usageError } from './errors.js';
import { describe, readBody } from './sources.js';

const encoder = new TextEncoder();

/**
 * A body given by the caller as bytes, or undefined if `input` is not a body (text or bytes).
 * @param {unknown} input
 * @returns {Uint8Array | undefined}
 */
export function bodyBytes(input) {
  if (typeof input === 'string') return encoder.encode(input);
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) {
    return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  }
  return undefined;
}

/**
 * An optional list of requested hashes (strings), copied.
 * @param {unknown} value
 * @param {string} name
 * @returns {string[] | undefined}
 */
export function hashList(value, name) {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((h) => typeof h === 'string')) {
    throw usageError('invalid_argument', `${name} must be an array of hash strings`);
  }
  return [...value];
}

/**
 * GET an aggregator route's body (at most `maxBytes` + 1 bytes, `maxBytes` being the core's
 * bound: one over is enough for its limit check). Failures are AggregatorErrors with `code`;
 * an abort rejects with an AbortError.
 * @param {string} url
 * @param {number} maxBytes
 * @param {import('./sources.js').FetchFunction} fetchImpl
 * @param {AbortSignal | undefined} signal
 * @param {'proof_unavailable' | 'artifact_unavailable'} code
 * @returns {Promise<Uint8Array>}
 */
export async function fetchBody(url, maxBytes, fetchImpl, signal, code) {
  throwIfAborted(signal);
  const aborted = abortPromise(signal);
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
      throw aggregatorError(code, `network error fetching ${url}: ${describe(e)}`, {
        url,
        error: e,
      });
    }
    if (!response.ok) {
      throw aggregatorError(code, `HTTP ${response.status} from ${url}`, {
        url,
        status: response.status,
      });
    }
    try {
      return await Promise.race([readBody(response, maxBytes + 1), aborted.promise]);
    } catch (e) {
      throwIfAborted(signal);
      throw aggregatorError(code, `error reading ${url}: ${describe(e)}`, { url, error: e });
    }
  } finally {
    aborted.dispose();
  }
}

/**
 * `?{name}=a,b`: the aggregator's list query (each hash URL-encoded, commas kept).
 * @param {string} name
 * @param {readonly string[]} hashes
 */
export function listQuery(name, hashes) {
  return `?${name}=${hashes.map(encodeURIComponent).join(',')}`;
}

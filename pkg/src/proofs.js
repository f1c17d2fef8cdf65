// Light-wallet proofs and artifacts on the JavaScript side: getting the body (given, or fetched
// from an aggregator route), reading the one field the driver needs before the wasm does (the
// `certificate_hash` to walk from) and, for transaction proofs, which version a body is. Bodies
// stay bytes/text: never JSON.parse'd (stakes and block numbers can exceed 2^53). Every
// verdict on a proof is the wasm's.

import { abortPromise, aggregatorError, proofInputError, throwIfAborted, usageError } from './errors.js';
import { stringValue, topLevelMembers } from './json-scan.js';
import { describe, readBody } from './sources.js';

/** Largest proof or artifact body: the core's limit (proofs::MAX_BODY_BYTES, 16 MiB). */
export const MAX_PROOF_BYTES = 16 * 1024 * 1024;

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
 * Refuse what the core would refuse before it could name a certificate, and read the
 * certificate the body names.
 * @param {Uint8Array} bytes
 * @param {string} what e.g. "transactions proof"
 * @returns {{text: string, certificateHash: string}}
 */
export function readProof(bytes, what) {
  if (bytes.byteLength > MAX_PROOF_BYTES) {
    throw proofInputError(
      'input_too_large',
      `the ${what} is over the limit of ${MAX_PROOF_BYTES} bytes`,
    );
  }
  let text;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw proofInputError('proof_malformed', `cannot decode the ${what}: not UTF-8`);
  }
  const members = topLevelMembers(text, ['certificate_hash']);
  if (!members) throw proofInputError('proof_malformed', `cannot decode the ${what}: not a JSON object`);
  const certificateHash = stringValue(members.get('certificate_hash'));
  if (certificateHash === undefined || certificateHash.length === 0) {
    throw proofInputError(
      'proof_malformed',
      `cannot decode the ${what}: no certificate_hash string`,
    );
  }
  return { text, certificateHash };
}

/**
 * The version of a transactions proof body: v1 lists its sets in an array
 * (`certified_transactions: [...]`), v2 has one set object or null.
 * @param {string} text
 * @returns {1 | 2}
 */
export function transactionsProofVersion(text) {
  const set = topLevelMembers(text, ['certified_transactions'])?.get('certified_transactions');
  return set !== undefined && set.startsWith('[') ? 1 : 2;
}

/**
 * GET an aggregator route's body (at most MAX_PROOF_BYTES + 1 bytes: one over is enough for
 * the limit check). Failures are AggregatorErrors with `code`; an abort rejects with an
 * AbortError.
 * @param {string} url
 * @param {import('./sources.js').FetchFunction} fetchImpl
 * @param {AbortSignal | undefined} signal
 * @param {'proof_unavailable' | 'artifact_unavailable'} code
 * @returns {Promise<Uint8Array>}
 */
export async function fetchBody(url, fetchImpl, signal, code) {
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
      return await Promise.race([readBody(response, MAX_PROOF_BYTES + 1), aborted.promise]);
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

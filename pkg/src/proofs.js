// Light-wallet proofs and artifacts on the JavaScript side: the body as given, the requested
// hashes and the aggregator's list query (fetching is `sources.js`'s `fetchBody`). Bodies stay bytes: never JSON.parse'd
// (stakes and block numbers can exceed 2^53). What a body names (the certificate to walk from,
// a transactions proof's version) and every verdict on it are the wasm's.

import { usageError } from './errors.js';

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
 * `?{name}=a,b`: the aggregator's list query (each hash URL-encoded, commas kept).
 * @param {string} name
 * @param {readonly string[]} hashes
 */
export function listQuery(name, hashes) {
  return `?${name}=${hashes.map(encodeURIComponent).join(',')}`;
}

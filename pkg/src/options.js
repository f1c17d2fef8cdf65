// The checks of the verifier's arguments and options: a bad one is a UsageError (code
// invalid_argument or invalid_options) before any work starts.

import { usageError } from './errors.js';
import { hashList } from './proofs.js';

/**
 * @typedef {import('./types.js').ProgressListener} ProgressListener
 */

/**
 * The options every verify method takes: `onProgress` (a function) and `signal` (an
 * AbortSignal), both optional.
 * @param {unknown} opts
 * @returns {{onProgress: ProgressListener | undefined, signal: AbortSignal | undefined}}
 */
export function callOptions(opts) {
  if (opts === undefined || opts === null) return { onProgress: undefined, signal: undefined };
  if (typeof opts !== 'object') throw usageError('invalid_options', 'options must be an object');
  const { onProgress, signal } = /** @type {{onProgress?: unknown, signal?: unknown}} */ (opts);
  if (onProgress !== undefined && typeof onProgress !== 'function') {
    throw usageError('invalid_options', 'onProgress must be a function');
  }
  if (
    signal !== undefined &&
    (typeof signal !== 'object' ||
      signal === null ||
      typeof (/** @type {{aborted?: unknown}} */ (signal).aborted) !== 'boolean' ||
      typeof (/** @type {{addEventListener?: unknown}} */ (signal).addEventListener) !==
        'function')
  ) {
    throw usageError('invalid_options', 'signal must be an AbortSignal');
  }
  return {
    onProgress: /** @type {ProgressListener | undefined} */ (onProgress),
    signal: /** @type {AbortSignal | undefined} */ (signal),
  };
}

/**
 * `options.version` of a transactions proof: 1, 2, or undefined (detected from the body; v2
 * when fetching).
 * @param {unknown} opts
 * @returns {1 | 2 | undefined}
 */
export function proofVersion(opts) {
  const version = /** @type {{version?: unknown} | undefined} */ (opts)?.version;
  if (version === undefined || version === null) return undefined;
  if (version !== 1 && version !== 2) {
    throw usageError('invalid_options', 'options.version must be 1 or 2');
  }
  return version;
}

/**
 * The hashes of a fetch request: a non-empty array of strings.
 * @param {unknown} value
 * @param {string} name
 * @returns {string[]}
 */
export function requestHashes(value, name) {
  const hashes = hashList(value, name);
  if (!hashes || hashes.length === 0) {
    throw usageError('invalid_argument', `${name} must be a non-empty array of hash strings`);
  }
  return hashes;
}

/**
 * The `hash` of an artifact request, URL-encoded.
 * @param {Record<string, unknown>} request
 */
export function requestHash(request) {
  if (typeof request.hash !== 'string' || request.hash.length === 0) {
    throw usageError('invalid_argument', 'the artifact request needs a `hash` string');
  }
  return encodeURIComponent(request.hash);
}

/**
 * A verifier option that is a positive integer when given (`options.{name}`).
 * @param {unknown} value
 * @param {string} name
 * @returns {number | undefined}
 */
export function positiveInteger(value, name) {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw usageError('invalid_options', `options.${name} must be a positive integer`);
  }
  return value;
}

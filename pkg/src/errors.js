// Errors the JavaScript layer raises itself. Verification verdicts come from the wasm walk
// (name "MithrilVerificationError", with `code`, `numericCode`, `cause.certificate`) and are
// passed through untouched.

/**
 * The core's numeric code of each string code, from the wasm module's errorCodes() (the Rust
 * code tables): recorded by instance.js when an instance starts, so that the errors made here
 * carry the core's numbers without repeating them, even after a trap.
 * @type {Record<string, number>}
 */
let numericCodes = {};

// The codes are the core's (its tables, through the wasm); their names are listed once, in
// index.d.ts, which these classes are checked against (tests/node/types/surface.ts).
/**
 * @typedef {import('../index.js').VerificationErrorCode} VerificationErrorCode
 * @typedef {import('../index.js').MithrilVerificationError['cause']} VerificationCause
 * @typedef {import('../index.js').AggregatorError['code']} AggregatorCode
 * @typedef {import('../index.js').AggregatorError['cause']} AggregatorCause
 */

/**
 * Record the wasm module's code table (instance.js, when an instance starts).
 * @param {Record<string, number>} table
 */
export function useNumericCodes(table) {
  numericCodes = table;
}

/**
 * Whether `value` is an error of this package named `name`: its name and a string `code`.
 * The classes below answer `instanceof` with it, so an error made by the wasm module (a plain
 * `Error` with the name set), by another entry of the package or by another copy of it in the
 * same program is an instance too.
 * @param {unknown} value
 * @param {string} name
 */
function branded(value, name) {
  return value instanceof Error && value.name === name && typeof (/** @type {{code?: unknown}} */ (value).code) === 'string';
}

/**
 * The verifier's verdict when a chain, a proof or an artifact does not verify: `code` and
 * `numericCode` from the core's tables, `cause` with what the failure concerns.
 */
export class MithrilVerificationError extends Error {
  // A field (not an assignment in the constructor) so that its type is the literal name.
  /** @type {'MithrilVerificationError'} */
  name = 'MithrilVerificationError';

  /**
   * @param {string} message
   * @param {{code: VerificationErrorCode, numericCode: number, cause?: VerificationCause}} fields
   */
  constructor(message, { code, numericCode, cause = {} }) {
    super(message, { cause });
    /** @type {VerificationErrorCode} */
    this.code = code;
    /** @type {number} */
    this.numericCode = numericCode;
  }

  /** @param {unknown} value */
  static [Symbol.hasInstance](value) {
    return branded(value, 'MithrilVerificationError');
  }
}

/**
 * The aggregator could not say which certificate to verify, or could not give a proof or
 * artifact asked for by hash: `code` and `cause: {url, status?, error?}`.
 */
export class AggregatorError extends Error {
  // A field, typed as the literal name (see MithrilVerificationError).
  /** @type {'AggregatorError'} */
  name = 'AggregatorError';

  /**
   * @param {string} message
   * @param {{code: AggregatorCode, cause: AggregatorCause}} fields
   */
  constructor(message, { code, cause }) {
    super(message, { cause });
    /** @type {AggregatorCode} */
    this.code = code;
  }

  /** @param {unknown} value */
  static [Symbol.hasInstance](value) {
    return branded(value, 'AggregatorError');
  }
}

/**
 * The error an aborted call rejects with: `name` "AbortError", `code` "aborted", and the
 * signal's reason as `cause`.
 * @param {unknown} reason
 * @returns {Error & {code: string}}
 */
export function abortError(reason) {
  const err = /** @type {Error & {code: string}} */ (
    new Error('the verification was aborted', { cause: reason })
  );
  err.name = 'AbortError';
  err.code = 'aborted';
  return err;
}

/** @param {AbortSignal | undefined} signal */
export function throwIfAborted(signal) {
  if (signal && signal.aborted) throw abortError(signal.reason);
}

/**
 * A usage error (bad argument or option): a TypeError with a stable `code`.
 * @param {string} code
 * @param {string} message
 */
export function usageError(code, message) {
  const err = /** @type {TypeError & {code: string}} */ (new TypeError(message));
  err.code = code;
  return err;
}

/**
 * A failure to learn which certificate to verify (verifyLatest's certificate list):
 * `name` "AggregatorError", a stable `code`, and `cause: {url, status?, error?}`.
 * @param {AggregatorCode} code
 * @param {string} message
 * @param {AggregatorCause} cause
 */
export function aggregatorError(code, message, cause) {
  return new AggregatorError(message, { code, cause });
}

/**
 * A promise that rejects with an AbortError when `signal` aborts (never settles otherwise),
 * and a function that detaches its listener.
 * @param {AbortSignal | undefined} signal
 * @returns {{promise: Promise<never>, dispose: () => void}}
 */
export function abortPromise(signal) {
  if (!signal) return { promise: new Promise(() => {}), dispose() {} };
  /** @type {() => void} */
  let onAbort = () => {};
  /** @type {Promise<never>} */
  const promise = new Promise((_, reject) => {
    onAbort = () => reject(abortError(signal.reason));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  // Nobody may be racing against it when it fires: never an unhandled rejection.
  promise.catch(() => {});
  return { promise, dispose: () => signal.removeEventListener('abort', onAbort) };
}

/**
 * The verdict of a walk whose check could be run neither by a worker nor inline, when even the
 * wasm walk cannot record it: shaped like the wasm's verdicts, the core's `internal_error` (98).
 * @param {string} message
 */
export function internalError(message) {
  return new MithrilVerificationError(message, {
    code: 'internal_error',
    numericCode: numericCodes.internal_error,
  });
}

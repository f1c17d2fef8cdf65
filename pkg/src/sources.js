// Certificate sources: an aggregator base URL (HTTP GET {url}/certificate/{hash}) or any object
// with getCertificate(hash). Both become one function the driver calls:
//   (hash, signal) => Promise<{ok: true, body: Uint8Array} | {ok: false, detail: string}>
// It rejects only when `signal` aborted. Certificate bodies stay bytes: never JSON.parse'd here.

import { abortPromise, aggregatorError, throwIfAborted, usageError } from './errors.js';

/**
 * @typedef {{ok: true, body: Uint8Array} | {ok: false, detail: string}} Fetched
 * @typedef {(hash: string, signal: AbortSignal) => Promise<Fetched>} CertificateFetcher
 * @typedef {(input: string, init?: {signal?: AbortSignal, headers?: Record<string, string>}) => Promise<FetchResponse>} FetchFunction
 * @typedef {{
 *   ok: boolean,
 *   status: number,
 *   body?: ReadableStream<Uint8Array> | null,
 *   arrayBuffer?: () => Promise<ArrayBuffer>,
 *   text?: () => Promise<string>,
 * }} FetchResponse
 */

const encoder = new TextEncoder();

/**
 * @param {unknown} source
 * @param {{fetch: FetchFunction | undefined, maxBytes: number}} opts
 * @returns {CertificateFetcher}
 */
export function toFetcher(source, opts) {
  if (typeof source === 'string' || source instanceof URL) {
    return aggregatorFetcher(String(source), opts);
  }
  if (
    typeof source === 'object' &&
    source !== null &&
    typeof (/** @type {{getCertificate?: unknown}} */ (source).getCertificate) === 'function'
  ) {
    return objectFetcher(/** @type {{getCertificate: Function}} */ (source));
  }
  throw usageError(
    'invalid_argument',
    'source must be an aggregator URL or an object with getCertificate(hash)',
  );
}

/**
 * The aggregator base URL without trailing slashes.
 * @param {string} url
 */
export function aggregatorBase(url) {
  let base;
  try {
    base = new URL(url);
  } catch {
    throw usageError('invalid_argument', `not an absolute URL: ${url}`);
  }
  if (base.protocol !== 'https:' && base.protocol !== 'http:') {
    throw usageError('invalid_argument', `not an http(s) URL: ${url}`);
  }
  return base.href.replace(/\/+$/, '');
}

/**
 * @param {FetchFunction | undefined} fetchImpl
 * @returns {FetchFunction}
 */
export function resolveFetch(fetchImpl) {
  if (fetchImpl) return fetchImpl;
  const g = /** @type {{fetch?: FetchFunction}} */ (globalThis);
  if (typeof g.fetch !== 'function') {
    throw usageError('invalid_options', 'no fetch in this environment: pass options.fetch');
  }
  // Called unbound, window.fetch throws "Illegal invocation".
  return (input, init) => /** @type {FetchFunction} */ (g.fetch)(input, init);
}

/**
 * @param {string} url
 * @param {{fetch: FetchFunction | undefined, maxBytes: number}} opts
 * @returns {CertificateFetcher}
 */
function aggregatorFetcher(url, opts) {
  const base = aggregatorBase(url);
  const fetchImpl = resolveFetch(opts.fetch);
  return async (hash, signal) => {
    const target = `${base}/certificate/${encodeURIComponent(hash)}`;
    let response;
    try {
      response = await fetchImpl(target, { signal, headers: { accept: 'application/json' } });
    } catch (e) {
      if (signal.aborted) throw e;
      return { ok: false, detail: `network error fetching ${target}: ${describe(e)}` };
    }
    if (!response.ok) {
      discard(response);
      return { ok: false, detail: `HTTP ${response.status} from ${target}` };
    }
    try {
      // One byte over the limit is enough for the walk to refuse the body as too large.
      return { ok: true, body: await readBody(response, opts.maxBytes + 1) };
    } catch (e) {
      if (signal.aborted) throw e;
      return { ok: false, detail: `error reading ${target}: ${describe(e)}` };
    }
  };
}

/**
 * @param {{getCertificate: Function}} source
 * @returns {CertificateFetcher}
 */
function objectFetcher(source) {
  return async (hash, signal) => {
    let value;
    try {
      value = await source.getCertificate(hash, { signal });
    } catch (e) {
      if (signal.aborted) throw e;
      return { ok: false, detail: `getCertificate failed: ${describe(e)}` };
    }
    if (value === undefined || value === null) {
      return { ok: false, detail: 'certificate not found' };
    }
    if (typeof value === 'string') return { ok: true, body: encoder.encode(value) };
    if (value instanceof Uint8Array) return { ok: true, body: value };
    if (value instanceof ArrayBuffer) return { ok: true, body: new Uint8Array(value) };
    if (ArrayBuffer.isView(value)) {
      return { ok: true, body: new Uint8Array(value.buffer, value.byteOffset, value.byteLength) };
    }
    if (typeof value === 'object' && typeof value.arrayBuffer === 'function') {
      // A fetch Response or a Blob.
      if (value.ok === false) return { ok: false, detail: `HTTP ${value.status}` };
      try {
        return { ok: true, body: new Uint8Array(await value.arrayBuffer()) };
      } catch (e) {
        if (signal.aborted) throw e;
        return { ok: false, detail: `error reading the body: ${describe(e)}` };
      }
    }
    if (typeof value === 'object') {
      // Lossy for stakes above 2^53 (they were numbers already): the hash check then fails.
      // Sources should hand over the certificate's text.
      return { ok: true, body: encoder.encode(JSON.stringify(value)) };
    }
    return { ok: false, detail: `getCertificate returned a ${typeof value}` };
  };
}

/**
 * The response body as bytes, at most `limit` of them (the rest is not downloaded).
 * @param {FetchResponse} response
 * @param {number} limit
 * @returns {Promise<Uint8Array>}
 */
export async function readBody(response, limit) {
  const stream = response.body;
  if (stream && typeof stream.getReader === 'function') {
    const reader = stream.getReader();
    /** @type {Uint8Array[]} */
    const chunks = [];
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      total += value.byteLength;
      if (total >= limit) {
        reader.cancel().catch(() => {});
        break;
      }
    }
    const out = new Uint8Array(Math.min(total, limit));
    let at = 0;
    for (const c of chunks) {
      const n = Math.min(c.byteLength, out.length - at);
      out.set(n === c.byteLength ? c : c.subarray(0, n), at);
      at += n;
      if (at === out.length) break;
    }
    return out;
  }
  if (typeof response.arrayBuffer === 'function') {
    const bytes = new Uint8Array(await response.arrayBuffer());
    return bytes.byteLength > limit ? bytes.subarray(0, limit) : bytes;
  }
  if (typeof response.text === 'function') {
    const bytes = encoder.encode(await response.text());
    return bytes.byteLength > limit ? bytes.subarray(0, limit) : bytes;
  }
  throw new TypeError('the fetch response has no body to read');
}

/** @param {FetchResponse} response */
function discard(response) {
  const stream = response.body;
  if (stream && typeof stream.cancel === 'function') stream.cancel().catch(() => {});
}

/** @param {unknown} e */
export function describe(e) {
  if (e instanceof Error) {
    const cause = /** @type {{cause?: unknown}} */ (e).cause;
    return cause instanceof Error ? `${e.message} (${cause.message})` : e.message;
  }
  return String(e);
}

/**
 * GET an aggregator route's body (at most `maxBytes` + 1 bytes, `maxBytes` being the core's
 * bound: one over is enough for its limit check). Failures are AggregatorErrors with `code`;
 * an abort rejects with an AbortError.
 * @param {string} url
 * @param {number} maxBytes
 * @param {FetchFunction} fetchImpl
 * @param {AbortSignal | undefined} signal
 * @param {'proof_unavailable' | 'artifact_unavailable' | 'certificate_list_unavailable'} code
 * @returns {Promise<Uint8Array>}
 */
export async function fetchBody(url, maxBytes, fetchImpl, signal, code) {
  throwIfAborted(signal);
  const aborted = abortPromise(signal);
  try {
    /** @type {FetchResponse} */
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

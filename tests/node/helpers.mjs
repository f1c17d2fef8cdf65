// Test helpers: fixture chains as exact certificate text, certificate sources, an aggregator
// served by node:http, and the tampering tests/chains.rs applies to four negative fixtures.
//
// Certificate JSON is never JSON.parse'd here: stakes exceed 2^53. A small scanner finds each
// certificate's exact text in certificates.json (a top-level object keyed by hash).

import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FIXTURES = join(ROOT, 'tests', 'fixtures');
export const DEVNET = join(FIXTURES, 'devnet');
export const TWO_PER_EPOCH = join(FIXTURES, 'reference-chains', 'two-per-epoch');
export const MAINNET_PARAMS = join(FIXTURES, 'reference-chains', 'mainnet-params');
export const DEVNET_GENESIS_PREFIX = '57c16dc2';

// ---------------------------------------------------------------------------------------
// A JSON span scanner (numbers stay text).

/**
 * @param {string} s
 * @param {number} i
 */
function ws(s, i) {
  while (i < s.length && ' \t\r\n'.includes(s[i])) i++;
  return i;
}

/**
 * Index after the string literal at s[i] (which must be '"').
 * @param {string} s
 * @param {number} i
 */
function endOfString(s, i) {
  if (s[i] !== '"') throw new Error(`expected a string at ${i}`);
  for (let j = i + 1; j < s.length; j++) {
    if (s[j] === '\\') j++;
    else if (s[j] === '"') return j + 1;
  }
  throw new Error('unterminated string');
}

/**
 * Index after the JSON value at s[i] (after whitespace), by bracket matching.
 * @param {string} s
 * @param {number} i
 */
function endOfValue(s, i) {
  i = ws(s, i);
  if (s[i] === '"') return endOfString(s, i);
  if (s[i] === '{' || s[i] === '[') {
    let depth = 0;
    for (let j = i; j < s.length; j++) {
      const c = s[j];
      if (c === '"') j = endOfString(s, j) - 1;
      else if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        depth--;
        if (depth === 0) return j + 1;
      }
    }
    throw new Error('unterminated structure');
  }
  const m = /^[-+0-9.eE]+|^true|^false|^null/.exec(s.slice(i, i + 64));
  if (!m) throw new Error(`unexpected character ${s[i]} at ${i}`);
  return i + m[0].length;
}

/**
 * The members of the JSON object text `s`: key -> {start, end} span of the value's text.
 * @param {string} s
 * @returns {Map<string, {start: number, end: number}>}
 */
export function objectMembers(s) {
  const members = new Map();
  let i = ws(s, 0);
  if (s[i] !== '{') throw new Error('not an object');
  i = ws(s, i + 1);
  if (s[i] === '}') return members;
  for (;;) {
    const keyEnd = endOfString(s, i);
    const key = JSON.parse(s.slice(i, keyEnd)); // a lone string literal: exact
    i = ws(s, keyEnd);
    if (s[i] !== ':') throw new Error(`expected ':' at ${i}`);
    const start = ws(s, i + 1);
    const end = endOfValue(s, start);
    members.set(key, { start, end });
    i = ws(s, end);
    if (s[i] === ',') {
      i = ws(s, i + 1);
      continue;
    }
    if (s[i] === '}') return members;
    throw new Error(`expected ',' or '}' at ${i}`);
  }
}

/**
 * The elements of the JSON array text `s`: {start, end} span of each element's text.
 * @param {string} s
 * @returns {{start: number, end: number}[]}
 */
export function arrayElements(s) {
  /** @type {{start: number, end: number}[]} */
  const elements = [];
  let i = ws(s, 0);
  if (s[i] !== '[') throw new Error('not an array');
  i = ws(s, i + 1);
  if (s[i] === ']') return elements;
  for (;;) {
    const start = i;
    const end = endOfValue(s, start);
    elements.push({ start, end });
    i = ws(s, end);
    if (s[i] === ',') {
      i = ws(s, i + 1);
      continue;
    }
    if (s[i] === ']') return elements;
    throw new Error(`expected ',' or ']' at ${i}`);
  }
}

/**
 * Replace the text of the value at `path` (object keys and array indices) of a JSON text,
 * leaving every other byte as it was (numbers are never parsed).
 * @param {string} text
 * @param {(string | number)[]} path
 * @param {(old: string) => string} edit given the old value text, returns the new value text
 * @returns {string}
 */
export function editPath(text, path, edit) {
  if (path.length === 0) return edit(text);
  const [step, ...rest] = path;
  const span =
    typeof step === 'number' ? arrayElements(text)[step] : objectMembers(text).get(step);
  if (!span) throw new Error(`no ${step} in the JSON text`);
  const inner = editPath(text.slice(span.start, span.end), rest, edit);
  return text.slice(0, span.start) + inner + text.slice(span.end);
}

/**
 * The text of the value at `path` of a JSON text.
 * @param {string} text
 * @param {(string | number)[]} path
 */
export function valueAt(text, path) {
  let found = '';
  editPath(text, path, (old) => (found = old));
  return found;
}

/**
 * A fixture file mapping keys to bodies (e.g. ctx-proofs.json: transaction hash -> proof
 * body): key -> exact body text.
 * @param {string} file name in tests/fixtures/devnet
 * @returns {Map<string, string>}
 */
export function loadBodies(file) {
  const text = readFileSync(join(DEVNET, file), 'utf8');
  /** @type {Map<string, string>} */
  const bodies = new Map();
  for (const [key, { start, end }] of objectMembers(text)) bodies.set(key, text.slice(start, end));
  return bodies;
}

/**
 * Where the nodes of a bincode (v2) map proof are: byte spans [offset, length] of the master
 * proof's root, leaves and sibling items, and the same for each sub-proof. Layout (spec §7):
 * varints (< 251 in one byte; 251/252/253: u16/u32/u64 follow), a node is a varint length and
 * its bytes, MkProof = root, leaves [(position, node)], size, items [node]; MkMapProof =
 * master MkProof, sub-proofs [(start, end, MkMapProof)].
 * @param {Uint8Array} bytes
 */
export function mapProofLayout(bytes) {
  let at = 0;
  const varint = () => {
    const b = bytes[at++];
    if (b < 251) return b;
    const width = { 251: 2, 252: 4, 253: 8 }[b];
    if (!width) throw new Error(`bad varint prefix ${b}`);
    let n = 0;
    for (let i = width - 1; i >= 0; i--) n = n * 256 + bytes[at + i];
    at += width;
    return n;
  };
  /** @returns {[number, number]} */
  const node = () => {
    const length = varint();
    const span = /** @type {[number, number]} */ ([at, length]);
    at += length;
    return span;
  };
  /**
   * @returns {{root: [number, number], leaves: [number, number][], items: [number, number][], subs: any[]}}
   */
  const mapProof = () => {
    const root = node();
    const leaves = [];
    for (let n = varint(); n > 0; n--) {
      varint();
      leaves.push(node());
    }
    varint();
    const items = [];
    for (let n = varint(); n > 0; n--) items.push(node());
    const subs = [];
    for (let n = varint(); n > 0; n--) {
      varint();
      varint();
      subs.push(mapProof());
    }
    return { root, leaves, items, subs };
  };
  const layout = mapProof();
  if (at !== bytes.length) throw new Error(`${bytes.length - at} trailing bytes`);
  return layout;
}

/**
 * The value of a top-level string member of a JSON object text.
 * @param {string} text
 * @param {string} key
 */
export function stringMember(text, key) {
  const span = objectMembers(text).get(key);
  if (!span) throw new Error(`no member ${key}`);
  return JSON.parse(text.slice(span.start, span.end));
}

/**
 * Replace the text of a top-level member's value.
 * @param {string} text
 * @param {string} key
 * @param {(old: string) => string} edit given the old value text, returns the new value text
 */
export function editMember(text, key, edit) {
  const span = objectMembers(text).get(key);
  if (!span) throw new Error(`no member ${key}`);
  return text.slice(0, span.start) + edit(text.slice(span.start, span.end)) + text.slice(span.end);
}

// ---------------------------------------------------------------------------------------
// Fixture chains.

/**
 * A fixture directory: hash -> exact certificate text, the genesis key text, the latest hash.
 * @param {string} dir
 */
export function loadChain(dir) {
  const text = readFileSync(join(dir, 'certificates.json'), 'utf8');
  /** @type {Map<string, string>} */
  const certificates = new Map();
  for (const [hash, { start, end }] of objectMembers(text)) {
    certificates.set(hash, text.slice(start, end));
  }
  let latest;
  try {
    latest = readFileSync(join(dir, 'latest'), 'utf8').trim();
  } catch {
    latest = undefined;
  }
  return {
    certificates,
    genesisKey: readFileSync(join(dir, 'genesis.vkey'), 'utf8').trim(),
    latest,
  };
}

/** The devnet chain, with `latest` the first hash of its certificate list. */
export function loadDevnet() {
  const chain = loadChain(DEVNET);
  const list = readFileSync(join(DEVNET, 'certificates-list.json'), 'utf8');
  const firstText = list.slice(list.indexOf('{'));
  chain.latest = stringMember(firstText, 'hash');
  return { ...chain, listText: list };
}

// ---------------------------------------------------------------------------------------
// Sources.

/**
 * A getCertificate source over a map of certificate texts, with a log of its calls.
 * @param {Map<string, string>} certificates
 * @param {{
 *   delayMs?: number,
 *   log?: string[],
 *   failAfter?: number,
 *   hangFrom?: number,
 *   onCall?: (hash: string, n: number, signal: AbortSignal) => void,
 * }} [opts]
 * `hangFrom`: calls from this number on answer only by rejecting when their signal aborts (a
 * walk can get past them only through its abort), which lets abort tests assert by order.
 */
export function mapSource(certificates, opts = {}) {
  let calls = 0;
  const source = {
    /** @type {string[]} */
    requested: [],
    /** Signals that were aborted while their request was pending. */
    abortedWhilePending: 0,
    /**
     * @param {string} hash
     * @param {{signal: AbortSignal}} init
     */
    async getCertificate(hash, { signal }) {
      const n = calls++;
      source.requested.push(hash);
      opts.log?.push(`fetch ${n} ${hash}`);
      opts.onCall?.(hash, n, signal);
      if (opts.failAfter !== undefined && n >= opts.failAfter) {
        throw new Error(`source down after ${opts.failAfter} certificates`);
      }
      if (opts.hangFrom !== undefined && n >= opts.hangFrom) {
        await new Promise((_resolve, reject) => {
          signal.addEventListener(
            'abort',
            () => {
              source.abortedWhilePending++;
              reject(signal.reason);
            },
            { once: true },
          );
        });
      }
      if (opts.delayMs) {
        await new Promise((resolve, reject) => {
          const onAbort = () => {
            clearTimeout(timer);
            source.abortedWhilePending++;
            reject(signal.reason);
          };
          const timer = setTimeout(() => {
            signal.removeEventListener('abort', onAbort);
            resolve(undefined);
          }, opts.delayMs);
          signal.addEventListener('abort', onAbort, { once: true });
        });
      }
      return certificates.get(hash); // undefined: not found
    },
  };
  return source;
}

/**
 * An aggregator on 127.0.0.1: GET /certificate/{hash} (exact text, 404 when unknown) and
 * GET /certificates (the given list text); any other GET is asked of `route` (path below
 * /aggregator, and the query), which returns the body or undefined for 404.
 * @param {Map<string, string>} certificates
 * @param {string} listText
 * @param {(path: string, query: URLSearchParams) => string | undefined | Promise<string | undefined>} [route]
 * @returns {Promise<{url: string, requests: string[], close: () => Promise<void>}>}
 */
export async function serveAggregator(certificates, listText, route) {
  /** @type {string[]} */
  const requests = [];
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push(url.pathname + url.search);
    const m = /^\/aggregator\/certificate\/([^/]+)$/.exec(url.pathname);
    const other =
      route && req.method === 'GET' && !m && url.pathname.startsWith('/aggregator/')
        ? await route(url.pathname.slice('/aggregator'.length), url.searchParams)
        : undefined;
    if (res.destroyed) return;
    if (other !== undefined) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(other);
    } else if (req.method === 'GET' && m && certificates.has(decodeURIComponent(m[1]))) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(certificates.get(decodeURIComponent(m[1])));
    } else if (req.method === 'GET' && url.pathname === '/aggregator/certificates') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(listText);
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return {
    url: `http://127.0.0.1:${address.port}/aggregator`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// ---------------------------------------------------------------------------------------
// Reference verdicts (as tests/chains.rs maps them).

const STM = [
  'stm_lottery_lost',
  'stm_index_out_of_range',
  'stm_index_not_unique',
  'stm_quorum_not_reached',
  'stm_batch_path_invalid',
  'stm_signature_invalid',
];

/**
 * The error codes a negative case may get, from its expected.json `reference_error`.
 * @param {string} referenceError
 * @returns {string[]}
 */
export function expectedCodes(referenceError) {
  if (referenceError.includes('Ed25519 signature verification error')) {
    return ['genesis_signature_invalid'];
  }
  if (referenceError.includes('multi signature verification failed')) return STM;
  if (referenceError.includes('not found')) return ['certificate_unavailable'];
  if (referenceError.includes('protocol message unmatch')) {
    return ['certificate_protocol_message_mismatch'];
  }
  if (referenceError.includes('protocol parameters unmatch')) return ['chain_parameters_mismatch'];
  if (referenceError.includes('certificate hash unmatch')) return ['certificate_hash_mismatch'];
  if (referenceError.includes('can not decode the multi-signature')) {
    return ['certificate_malformed'];
  }
  if (referenceError.includes('infinite loop')) return ['chain_infinite_loop'];
  throw new Error(`unmapped reference error ${referenceError}`);
}

/**
 * Run `fn` and return how long it took, in milliseconds.
 * @template T
 * @param {() => Promise<T>} fn
 * @returns {Promise<{value: T, ms: number}>}
 */
export async function timed(fn) {
  const t0 = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - t0 };
}

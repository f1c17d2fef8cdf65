// Trust that persists between walks: the core's checkpoint bytes (src/chain/trust.rs: the
// versioned format with its checksum, validation, merge and newest-N eviction), kept per genesis
// key in a store. This file only moves bytes: the wasm reads them (`readCheckpoints`) and makes
// new ones from a verified walk (`Walk.verifiedCheckpoints`, `mergeCheckpoints`). They are the
// same bytes the CLI's `--trust FILE` and the C ABI keep.
//
// The store is a trust root: whoever can write it can make a forged chain pass. Stores only
// ever receive what a fully successful walk visited.

import { usageError } from './errors.js';

/**
 * The store key for a genesis key's checkpoints.
 * @param {string} rawGenesisKeyHex raw hex of the Ed25519 genesis verification key
 */
export function trustKey(rawGenesisKeyHex) {
  return `mithril-lite/trust/${rawGenesisKeyHex}`;
}

/** @typedef {{hash: string, epoch: number}} Checkpoint */

/**
 * What a store's value holds: checkpoint bytes (`bytes`, not validated yet: the core does
 * that), the hashes of the JSON layout of earlier releases (`legacy`), `nothing`, or something
 * that is not ours (`invalid`, never trusted).
 * @typedef {{kind: 'bytes', bytes: Uint8Array} | {kind: 'legacy', checkpoints: Checkpoint[]}
 *   | {kind: 'nothing'} | {kind: 'invalid', detail: string}} Stored
 */

/**
 * Classify a value a store returned: bytes (a Uint8Array or ArrayBuffer), their base64 text
 * (stores over string storage), the legacy JSON layout (an object, or its JSON text), or
 * nothing (`undefined`, `null`, empty: what clearTrust leaves).
 * @param {unknown} value
 * @returns {Stored}
 */
export function storedValue(value) {
  if (value === undefined || value === null) return { kind: 'nothing' };
  if (value instanceof ArrayBuffer) value = new Uint8Array(value);
  if (value instanceof Uint8Array) {
    return value.byteLength === 0 ? { kind: 'nothing' } : { kind: 'bytes', bytes: value };
  }
  if (typeof value === 'string') {
    if (value.length === 0) return { kind: 'nothing' };
    if (value.startsWith('{')) {
      try {
        value = JSON.parse(value);
      } catch {
        return { kind: 'invalid', detail: 'the stored text is neither base64 nor JSON' };
      }
    } else {
      const bytes = fromBase64(value);
      return bytes
        ? { kind: 'bytes', bytes }
        : { kind: 'invalid', detail: 'the stored text is not base64' };
    }
  }
  const legacy = legacyCheckpoints(value);
  return legacy
    ? { kind: 'legacy', checkpoints: legacy }
    : { kind: 'invalid', detail: 'the stored value is not trust checkpoints' };
}

/** Version of the JSON layout earlier releases stored (read for migration only). */
const LEGACY_FORMAT = 1;
const HASH = /^[0-9a-f]{64}$/;
const HEX = /^(?:[0-9a-f]{2})+$/;

/**
 * The checkpoints of a value in the JSON layout earlier releases wrote (`{version: 1,
 * checkpoints: [{hash, epoch, aggregateVerificationKey}]}`), newest first; malformed entries are
 * skipped as those releases did. Undefined when the value is not in that layout. Those releases
 * wrote it only after a fully verified walk, so its hashes are used (once: the next verified
 * walk rewrites the store as bytes).
 * @param {unknown} value
 * @returns {Checkpoint[] | undefined}
 */
function legacyCheckpoints(value) {
  if (!isRecord(value) || value.version !== LEGACY_FORMAT || !Array.isArray(value.checkpoints)) {
    return undefined;
  }
  /** @type {Checkpoint[]} */
  const out = [];
  const seen = new Set();
  for (const c of value.checkpoints) {
    if (!isRecord(c)) continue;
    const { hash, epoch, aggregateVerificationKey } = c;
    if (typeof hash !== 'string' || !HASH.test(hash) || seen.has(hash)) continue;
    if (typeof epoch !== 'number' || !Number.isSafeInteger(epoch) || epoch < 0) continue;
    if (typeof aggregateVerificationKey !== 'string' || !HEX.test(aggregateVerificationKey)) {
      continue;
    }
    seen.add(hash);
    out.push({ hash, epoch });
  }
  // Stable: within an epoch the stored order stays.
  return out.sort((a, b) => b.epoch - a.epoch);
}

/**
 * @param {unknown} v
 * @returns {v is Record<string, unknown>}
 */
function isRecord(v) {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Standard base64 (with padding) of `bytes`: how stores over string storage keep them.
 * @param {Uint8Array} bytes
 */
export function toBase64(bytes) {
  let binary = '';
  // In slices: String.fromCharCode takes its arguments on the stack.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/**
 * The bytes of standard base64 text, or undefined if it is not that.
 * @param {string} text
 */
export function fromBase64(text) {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined;
  let binary;
  try {
    binary = atob(text);
  } catch {
    return undefined;
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * A value for string storage: bytes as base64, anything else (a legacy value) as JSON text.
 * @param {unknown} value
 */
function asText(value) {
  return value instanceof Uint8Array ? toBase64(value) : JSON.stringify(value);
}

/**
 * Whether `store` has the async store shape: `get(key)`, `set(key, value)`.
 * @param {unknown} store
 */
export function isTrustStore(store) {
  return (
    typeof store === 'object' &&
    store !== null &&
    typeof (/** @type {{get?: unknown}} */ (store).get) === 'function' &&
    typeof (/** @type {{set?: unknown}} */ (store).set) === 'function'
  );
}

/** Checkpoint bytes kept in memory (copies), for the lifetime of the object. */
export class MemoryTrustStore {
  /** @type {Map<string, unknown>} */
  #map = new Map();

  /** @param {string} key */
  async get(key) {
    return structuredCloneOrSelf(this.#map.get(key));
  }

  /**
   * @param {string} key
   * @param {unknown} value
   */
  async set(key, value) {
    this.#map.set(key, structuredCloneOrSelf(value));
  }

  /** @param {string} key */
  async delete(key) {
    this.#map.delete(key);
  }
}

/**
 * @param {unknown} v
 * @returns {unknown}
 */
function structuredCloneOrSelf(v) {
  return v === undefined || typeof structuredClone !== 'function' ? v : structuredClone(v);
}

/**
 * Checkpoint bytes in a Web Storage area (`localStorage` by default), as base64 text. For pages:
 * workers and service workers have no localStorage (use ChromeStorageTrustStore in an
 * extension, or your own IndexedDB-backed store).
 */
export class LocalStorageTrustStore {
  /** @type {Storage} */
  #storage;

  /** @param {Storage} [storage] defaults to `globalThis.localStorage` */
  constructor(storage = /** @type {{localStorage?: Storage}} */ (globalThis).localStorage) {
    if (!storage || typeof storage.getItem !== 'function' || typeof storage.setItem !== 'function') {
      throw usageError('invalid_options', 'LocalStorageTrustStore needs a Storage (localStorage)');
    }
    this.#storage = storage;
  }

  /** @param {string} key */
  async get(key) {
    return this.#storage.getItem(key) ?? undefined;
  }

  /**
   * @param {string} key
   * @param {unknown} value
   */
  async set(key, value) {
    this.#storage.setItem(key, asText(value));
  }

  /** @param {string} key */
  async delete(key) {
    this.#storage.removeItem(key);
  }
}

/**
 * @typedef {{
 *   get(keys: string): Promise<Record<string, unknown>>,
 *   set(items: Record<string, unknown>): Promise<void>,
 *   remove(keys: string): Promise<void>,
 * }} ChromeStorageArea
 */

/**
 * Checkpoint bytes in a `chrome.storage` area (`chrome.storage.local` by default), as base64
 * text (the area keeps JSON values), through its promise API: usable from an MV3 extension's
 * service worker, pages and offscreen documents. Needs the "storage" permission.
 */
export class ChromeStorageTrustStore {
  /** @type {ChromeStorageArea} */
  #area;

  /** @param {ChromeStorageArea} [area] defaults to `chrome.storage.local` */
  constructor(area = chromeLocalArea()) {
    if (!area || typeof area.get !== 'function' || typeof area.set !== 'function') {
      throw usageError(
        'invalid_options',
        'ChromeStorageTrustStore needs a chrome.storage area (is the "storage" permission granted?)',
      );
    }
    this.#area = area;
  }

  /** @param {string} key */
  async get(key) {
    const items = await this.#area.get(key);
    return items ? items[key] : undefined;
  }

  /**
   * @param {string} key
   * @param {unknown} value
   */
  async set(key, value) {
    await this.#area.set({ [key]: asText(value) });
  }

  /** @param {string} key */
  async delete(key) {
    await this.#area.remove(key);
  }
}

/** @returns {ChromeStorageArea | undefined} */
function chromeLocalArea() {
  const g = /** @type {{chrome?: {storage?: {local?: ChromeStorageArea}}}} */ (globalThis);
  return g.chrome?.storage?.local;
}

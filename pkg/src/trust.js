// Trust that persists between walks: checkpoints (hash, epoch, AVK) of certificates a walk
// verified back to genesis (or to an earlier checkpoint), kept per genesis key in a store.
// A later walk under the same genesis key stops at the first checkpoint it meets.
//
// The store is a trust root: whoever can write it can make a forged chain pass. Stores only
// ever receive what a fully successful walk visited.

import { usageError } from './errors.js';

/** Stored value layout version. */
const FORMAT = 1;

/** Default bound on the stored checkpoints (newest epochs kept). */
export const DEFAULT_MAX_CHECKPOINTS = 1000;

const HASH = /^[0-9a-f]{64}$/;
const HEX = /^(?:[0-9a-f]{2})+$/;

/**
 * The store key for a genesis key's checkpoints.
 * @param {string} rawGenesisKeyHex raw hex of the Ed25519 genesis verification key
 */
export function trustKey(rawGenesisKeyHex) {
  return `mithril-lite/trust/${rawGenesisKeyHex}`;
}

/**
 * @typedef {{hash: string, epoch: number, aggregateVerificationKey: string}} Checkpoint
 */

/**
 * The valid checkpoints of a stored value; anything malformed is ignored (a value that is not
 * ours at all yields none).
 * @param {unknown} value
 * @param {number} max
 * @returns {Checkpoint[]}
 */
export function readCheckpoints(value, max) {
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value); // our own layout: hashes, small epochs, hex strings
    } catch {
      return [];
    }
  }
  if (!isRecord(value) || value.version !== FORMAT || !Array.isArray(value.checkpoints)) {
    return [];
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
    out.push({ hash, epoch, aggregateVerificationKey });
  }
  return newestFirst(out).slice(0, max);
}

/**
 * Merge freshly verified links into the stored checkpoints, newest epochs first, bounded.
 * @param {Checkpoint[]} existing
 * @param {ReadonlyArray<Checkpoint>} links
 * @param {number} max
 * @returns {{version: number, checkpoints: Checkpoint[]}}
 */
export function mergeCheckpoints(existing, links, max) {
  /** @type {Map<string, Checkpoint>} */
  const byHash = new Map();
  for (const l of links) {
    if (!byHash.has(l.hash)) {
      byHash.set(l.hash, {
        hash: l.hash,
        epoch: l.epoch,
        aggregateVerificationKey: l.aggregateVerificationKey,
      });
    }
  }
  for (const c of existing) if (!byHash.has(c.hash)) byHash.set(c.hash, c);
  return { version: FORMAT, checkpoints: newestFirst([...byHash.values()]).slice(0, max) };
}

/** @param {Checkpoint[]} list */
function newestFirst(list) {
  // Array.prototype.sort is stable: within an epoch the given order stays.
  return list.sort((a, b) => b.epoch - a.epoch);
}

/**
 * @param {unknown} v
 * @returns {v is Record<string, unknown>}
 */
function isRecord(v) {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
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

/** Checkpoints kept in memory, for the lifetime of the object. */
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
 * Checkpoints in a Web Storage area (`localStorage` by default), as JSON text. For pages:
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
    this.#storage.setItem(key, JSON.stringify(value));
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
 * Checkpoints in a `chrome.storage` area (`chrome.storage.local` by default), through its
 * promise API: usable from an MV3 extension's service worker, pages and offscreen documents.
 * Needs the "storage" permission.
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
    await this.#area.set({ [key]: value });
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

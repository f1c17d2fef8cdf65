// Trust that persists between walks: the core's checkpoint bytes (src/chain/trust.rs: the
// versioned format with its checksum, validation, merge and newest-N eviction), kept per genesis
// key in a store. This file only moves bytes: the wasm reads them (`readCheckpoints`) and makes
// new ones from a verified walk (`Walk.verifiedCheckpoints`, `mergeCheckpoints`). They are the
// same bytes the CLI's `--trust FILE` and the C ABI keep.
//
// The store is a trust root: whoever can write it can make a forged chain pass. Stores only
// ever receive what the core made from a walk: the chain a fully successful walk visited
// (checkpoints), or what an interrupted walk fully checked (a pending segment, never trust:
// the next walk skips its signature checks and still goes to genesis or a checkpoint).

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
 * workers and service workers have no localStorage (use IndexedDbTrustStore there, or
 * ChromeStorageTrustStore in an extension).
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

/**
 * The parts of the IndexedDB API IndexedDbTrustStore uses (a browser's `indexedDB` has them).
 * @typedef {{open(name: string, version?: number): IDBOpenDBRequest}} IndexedDbFactory
 */

/**
 * @typedef {{databaseName?: string, objectStoreName?: string, indexedDB?: IndexedDbFactory}}
 *   IndexedDbTrustStoreOptions
 */

/** Default database of IndexedDbTrustStore. */
const IDB_DATABASE = 'mithril-lite';
/** Default object store of IndexedDbTrustStore. */
const IDB_OBJECT_STORE = 'trust';

/**
 * Checkpoint bytes in IndexedDB, as a Uint8Array (IndexedDB keeps binary values as they are):
 * one record per store key in one object store. For pages, dedicated and shared workers,
 * extension pages and service workers (everywhere `indexedDB` exists; workers have no
 * localStorage). Each get, set and delete is one transaction; set is one put, so a commit
 * interrupted at any point leaves the old value or the new one. Failures reject with an Error
 * naming the database, the object store and the key (the IndexedDB error as `cause`).
 */
export class IndexedDbTrustStore {
  /** @type {IndexedDbFactory} */
  #factory;
  /** @type {string} */
  #database;
  /** @type {string} */
  #objectStore;
  /**
   * The connection being opened or open; dropped when it closes.
   * @type {Promise<IDBDatabase> | undefined}
   */
  #connection;
  /**
   * The same connection once open (to know synchronously which one to drop).
   * @type {IDBDatabase | undefined}
   */
  #db;
  /**
   * Why calls fail while an upgrade of ours waits for a connection elsewhere to close (opens
   * would queue behind it: failing them beats hanging the walk).
   * @type {Error | undefined}
   */
  #blocked;

  /**
   * @param {IndexedDbTrustStoreOptions} [options]
   *   `databaseName` default "mithril-lite", `objectStoreName` default "trust" (created when
   *   missing), `indexedDB` default `globalThis.indexedDB`
   */
  constructor(options = {}) {
    if (typeof options !== 'object' || options === null) {
      throw usageError('invalid_options', 'IndexedDbTrustStore options must be an object');
    }
    const {
      databaseName = IDB_DATABASE,
      objectStoreName = IDB_OBJECT_STORE,
      indexedDB = /** @type {{indexedDB?: IndexedDbFactory}} */ (globalThis).indexedDB,
    } = options;
    if (!indexedDB || typeof indexedDB.open !== 'function') {
      throw usageError(
        'invalid_options',
        'IndexedDbTrustStore needs IndexedDB (pages, workers and extensions have it; ' +
          'elsewhere pass options.indexedDB)',
      );
    }
    for (const [name, value] of [
      ['databaseName', databaseName],
      ['objectStoreName', objectStoreName],
    ]) {
      if (typeof value !== 'string' || value === '') {
        const message = `IndexedDbTrustStore ${name} must be a non-empty string`;
        throw usageError('invalid_options', message);
      }
    }
    this.#factory = indexedDB;
    this.#database = databaseName;
    this.#objectStore = objectStoreName;
  }

  /** The database name. */
  get databaseName() {
    return this.#database;
  }

  /** The object store name. */
  get objectStoreName() {
    return this.#objectStore;
  }

  /** @param {string} key */
  async get(key) {
    return this.#run('read', key, 'readonly', (store) => store.get(key));
  }

  /**
   * @param {string} key
   * @param {unknown} value
   */
  async set(key, value) {
    // A view keeps its whole buffer when cloned: store exactly its bytes.
    const record =
      value instanceof Uint8Array &&
      (value.byteOffset !== 0 || value.byteLength !== value.buffer.byteLength)
        ? value.slice()
        : value;
    await this.#run('write', key, 'readwrite', (store) => store.put(record, key));
  }

  /** @param {string} key */
  async delete(key) {
    await this.#run('delete', key, 'readwrite', (store) => store.delete(key));
  }

  /**
   * Close the connection (if open). The store stays usable: the next call opens it again.
   */
  close() {
    const connection = this.#connection;
    this.#connection = undefined;
    this.#db = undefined;
    connection?.then(
      (db) => db.close(),
      () => {},
    );
  }

  /**
   * One request in its own transaction. Resolves with the request's result once the
   * transaction has committed (a write is durable and visible then), rejects when it aborts.
   * @param {string} action
   * @param {string} key
   * @param {IDBTransactionMode} mode
   * @param {(store: IDBObjectStore) => IDBRequest} request
   * @returns {Promise<unknown>}
   */
  async #run(action, key, mode, request) {
    let db = await this.#open();
    /** @type {IDBTransaction} */
    let tx;
    try {
      tx = transaction(db, this.#objectStore, mode);
    } catch (e) {
      // The connection closed under us (a version change, the browser clearing data): once
      // more on a fresh one.
      if (!(e instanceof DOMException) || e.name !== 'InvalidStateError') {
        throw this.#error(action, key, e);
      }
      this.#drop(db);
      db = await this.#open();
      try {
        tx = transaction(db, this.#objectStore, mode);
      } catch (again) {
        throw this.#error(action, key, again);
      }
    }
    return new Promise((resolve, reject) => {
      /** @type {IDBRequest} */
      let req;
      try {
        req = request(tx.objectStore(this.#objectStore));
      } catch (e) {
        // A value that cannot be cloned, a bad key: nothing was written.
        reject(this.#error(action, key, e));
        try {
          tx.abort();
        } catch {
          // already finished
        }
        return;
      }
      tx.oncomplete = () => resolve(req.result);
      tx.onabort = () => reject(this.#error(action, key, tx.error ?? req.error));
    });
  }

  /** @returns {Promise<IDBDatabase>} */
  #open() {
    if (this.#blocked) return Promise.reject(this.#blocked);
    if (!this.#connection) {
      const connection = this.#connect().then((db) => {
        if (this.#connection === connection) this.#db = db;
        else db.close(); // close() was called meanwhile
        return db;
      });
      this.#connection = connection;
      // A failed open is not kept: the next call tries again.
      connection.catch(() => {
        if (this.#connection === connection) this.#connection = undefined;
      });
    }
    return this.#connection;
  }

  /**
   * Close `db`, and forget it if it is the current connection.
   * @param {IDBDatabase} db
   */
  #drop(db) {
    if (this.#db === db) {
      this.#db = undefined;
      this.#connection = undefined;
    }
    db.close();
  }

  /**
   * Open the database with the object store in it: as it is when the store exists, else with
   * the next version, whose upgrade creates it (other stores may share the database, and
   * upgrade it at the same time: a few tries).
   * @returns {Promise<IDBDatabase>}
   */
  async #connect() {
    for (let attempt = 0; attempt < 3; attempt++) {
      const db = await this.#request();
      if (db.objectStoreNames.contains(this.#objectStore)) return db;
      const version = db.version + 1;
      db.close();
      try {
        const upgraded = await this.#request(version);
        if (upgraded.objectStoreNames.contains(this.#objectStore)) return upgraded;
        upgraded.close();
      } catch (e) {
        // Someone else reached that version first: start over from theirs.
        if (causeName(e) !== 'VersionError') throw e;
      }
    }
    throw this.#error('open', undefined, new Error('the object store could not be created'));
  }

  /**
   * @param {number} [version]
   * @returns {Promise<IDBDatabase>}
   */
  #request(version) {
    return new Promise((resolve, reject) => {
      /** @type {IDBOpenDBRequest} */
      let req;
      try {
        req =
          version === undefined
            ? this.#factory.open(this.#database)
            : this.#factory.open(this.#database, version);
      } catch (e) {
        reject(this.#error('open', undefined, e));
        return;
      }
      let settled = false;
      req.onupgradeneeded = () => {
        const db = req.result;
        if (!db.objectStoreNames.contains(this.#objectStore)) {
          db.createObjectStore(this.#objectStore);
        }
      };
      req.onsuccess = () => {
        const db = req.result;
        if (settled) {
          // Unblocked at last, the object store created; nobody waits for this connection.
          this.#blocked = undefined;
          db.close();
          return;
        }
        settled = true;
        // Another page or worker wants to upgrade the database: close, so it is not blocked;
        // the next call here opens the new version.
        db.onversionchange = () => this.#drop(db);
        // Closed by the browser (data cleared, the disk gone): open anew next time.
        db.onclose = () => this.#drop(db);
        resolve(db);
      };
      req.onerror = () => {
        if (settled) this.#blocked = undefined;
        settled = true;
        reject(this.#error('open', undefined, req.error));
      };
      // Rather than wait for as long as a connection elsewhere stays open: fail this call and
      // the next ones until the upgrade is done (a read costs a full walk, a write is not
      // stored).
      req.onblocked = () => {
        if (settled) return;
        settled = true;
        const why = new Error('blocked by a connection to an older version that does not close');
        this.#blocked = this.#error('open', undefined, why);
        reject(this.#blocked);
      };
    });
  }

  /**
   * @param {string} action
   * @param {string | undefined} key
   * @param {unknown} cause
   */
  #error(action, key, cause) {
    const where = `IndexedDB database "${this.#database}", object store "${this.#objectStore}"`;
    const what =
      key === undefined ? `could not open ${where}` : `could not ${action} "${key}" in ${where}`;
    const err = /** @type {{name?: unknown, message?: unknown}} */ (cause);
    const detail =
      cause && typeof err.message === 'string'
        ? `${typeof err.name === 'string' ? `${err.name}: ` : ''}${err.message}`
        : String(cause);
    return new Error(`IndexedDbTrustStore: ${what}: ${detail}`, { cause });
  }
}

/**
 * A transaction on one object store; writes ask for strict durability (flushed before
 * `complete`), where the browser supports the option.
 * @param {IDBDatabase} db
 * @param {string} name
 * @param {IDBTransactionMode} mode
 */
function transaction(db, name, mode) {
  return mode === 'readwrite'
    ? db.transaction(name, mode, { durability: 'strict' })
    : db.transaction(name, mode);
}

/**
 * The DOMException name an error of IndexedDbTrustStore carries as its cause, if any.
 * @param {unknown} e
 */
function causeName(e) {
  const cause = /** @type {{cause?: {name?: unknown}}} */ (e)?.cause;
  return typeof cause?.name === 'string' ? cause.name : undefined;
}

// Trust checkpoints: a verified chain's certificates shorten later walks under the same
// genesis key; stores persist the core's bytes (memory, localStorage and chrome.storage as
// base64, custom objects; IndexedDB is tested in Chromium, here only its options and errors);
// what is read back is validated by the core (a corrupted or foreign
// value is never trusted, and says so); the list is bounded; the JSON layout of earlier
// releases is migrated.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import {
  CertificateVerifier,
  ChromeStorageTrustStore,
  IndexedDbTrustStore,
  LocalStorageTrustStore,
  MemoryTrustStore,
  decodeGenesisKey,
  trustKey,
} from 'mithril-lite';

import { TWO_PER_EPOCH, loadChain, loadDevnet, mapSource, stringMember } from './helpers.mjs';

const devnet = loadDevnet();

/** A devnet certificate of epoch 20 (its walk meets the latest's at epoch 20 or before). */
function olderCertificate() {
  for (const [hash, text] of devnet.certificates) {
    if (/"epoch":\s*20,/.test(text.slice(0, 300)) && stringMember(text, 'hash') === hash) return hash;
  }
  throw new Error('no epoch-20 certificate');
}

/** A Web Storage stand-in. */
class FakeStorage {
  /** @type {Map<string, string>} */
  map = new Map();
  /** @param {string} k */
  getItem(k) {
    return this.map.has(k) ? /** @type {string} */ (this.map.get(k)) : null;
  }
  /**
   * @param {string} k
   * @param {string} v
   */
  setItem(k, v) {
    this.map.set(k, String(v));
  }
  /** @param {string} k */
  removeItem(k) {
    this.map.delete(k);
  }
}

/** A chrome.storage area stand-in (promise API). */
class FakeChromeArea {
  /** @type {Map<string, unknown>} */
  map = new Map();
  /** @param {string} key */
  async get(key) {
    return this.map.has(key) ? { [key]: structuredClone(this.map.get(key)) } : {};
  }
  /** @param {Record<string, unknown>} items */
  async set(items) {
    for (const [k, v] of Object.entries(items)) this.map.set(k, structuredClone(v));
  }
  /** @param {string} key */
  async remove(key) {
    this.map.delete(key);
  }
}

describe('trust checkpoints', () => {
  test('a second walk stops at the first checkpoint of an earlier one', async () => {
    const full = await new CertificateVerifier(devnet.genesisKey, { trustStore: null }).verifyChain(
      devnet.latest,
      mapSource(devnet.certificates),
    );
    const store = new MemoryTrustStore();
    const verifier = new CertificateVerifier(devnet.genesisKey, { trustStore: store });
    const older = await verifier.verifyChain(olderCertificate(), mapSource(devnet.certificates));
    assert.equal(older.anchor.kind, 'genesis');
    assert.equal(older.trustStored, true);
    const checkpoints = await verifier.trustedCheckpoints();
    assert.deepEqual(
      new Set(checkpoints.map((c) => c.hash)),
      new Set(older.links.map((l) => l.hash)),
    );

    const source = mapSource(devnet.certificates);
    const second = await verifier.verifyChain(devnet.latest, source);
    assert.equal(second.anchor.kind, 'trusted');
    assert.ok(older.links.some((l) => l.hash === second.anchor.hash));
    assert.ok(
      second.certificatesChecked < full.certificatesChecked,
      `${second.certificatesChecked} < ${full.certificatesChecked}`,
    );
    assert.equal(source.requested.length, second.certificatesChecked);
    assert.equal(second.hash, full.hash);
    assert.deepEqual(second.protocolMessage, full.protocolMessage);
    console.log(
      `# trust: ${full.certificatesChecked} certificates without checkpoints, ${second.certificatesChecked} with`,
    );

    // Now the latest is trusted itself: one certificate (hash-checked) is enough.
    const third = await verifier.verifyChain(devnet.latest, mapSource(devnet.certificates));
    assert.equal(third.certificatesChecked, 1);
    assert.deepEqual(third.anchor, { kind: 'trusted', hash: devnet.latest });

    // Checkpoints are per genesis key, and can be cleared.
    const other = loadChain(join(TWO_PER_EPOCH, 'negative', 'wrong_genesis_key'));
    const otherVerifier = new CertificateVerifier(other.genesisKey, { trustStore: store });
    assert.notEqual(otherVerifier.trustKey, verifier.trustKey);
    assert.deepEqual(await otherVerifier.trustedCheckpoints(), []);
    await verifier.clearTrust();
    assert.deepEqual(await verifier.trustedCheckpoints(), []);
    const fourth = await verifier.verifyChain(devnet.latest, mapSource(devnet.certificates));
    assert.equal(fourth.anchor.kind, 'genesis');
  });

  test('a trusted hash whose body does not hash to it is refused', async () => {
    const store = new MemoryTrustStore();
    const verifier = new CertificateVerifier(devnet.genesisKey, { trustStore: store });
    await verifier.verifyChain(devnet.latest, mapSource(devnet.certificates));
    // Serve a tampered body for the (now trusted) latest certificate.
    const certs = new Map(devnet.certificates);
    const text = /** @type {string} */ (certs.get(devnet.latest));
    certs.set(devnet.latest, text.replace(/"signed_message":\s*"(.)/, (m, c) => m.slice(0, -1) + (c === '0' ? '1' : '0')));
    await assert.rejects(
      verifier.verifyChain(devnet.latest, mapSource(certs)),
      (/** @type {any} */ e) => e.code === 'certificate_hash_mismatch',
    );
  });

  test('the store key is derived from the raw genesis key', () => {
    const verifier = new CertificateVerifier(devnet.genesisKey);
    const raw = decodeGenesisKey(devnet.genesisKey);
    assert.equal(verifier.trustKey, `mithril-lite/trust/${raw}`);
    assert.equal(trustKey(raw), verifier.trustKey);
    // The raw-hex form of the same key shares the checkpoints.
    assert.equal(new CertificateVerifier(raw).trustKey, verifier.trustKey);
  });

  test('LocalStorageTrustStore persists base64 bytes across verifiers', async () => {
    const storage = new FakeStorage();
    const first = new CertificateVerifier(devnet.genesisKey, {
      trustStore: new LocalStorageTrustStore(storage),
    });
    const a = await first.verifyChain(olderCertificate(), mapSource(devnet.certificates));
    const stored = storage.getItem(first.trustKey);
    assert.equal(typeof stored, 'string');
    const bytes = Buffer.from(/** @type {string} */ (stored), 'base64');
    assert.equal(Buffer.from(bytes).toString('base64'), stored, 'canonical base64');
    assert.equal(bytes.subarray(0, 5).toString('latin1'), 'MLTC\x02');
    // Header, 40 bytes per checkpoint, checksum.
    assert.equal(bytes.length, 41 + 40 * a.certificatesChecked + 32);

    const second = new CertificateVerifier(devnet.genesisKey, {
      trustStore: new LocalStorageTrustStore(storage),
    });
    const b = await second.verifyChain(devnet.latest, mapSource(devnet.certificates));
    assert.equal(b.anchor.kind, 'trusted');
    await second.clearTrust();
    assert.equal(storage.getItem(first.trustKey), null);
    assert.throws(() => new LocalStorageTrustStore(), (/** @type {any} */ e) => e.code === 'invalid_options');
  });

  test('ChromeStorageTrustStore uses chrome.storage.local by default', async () => {
    const area = new FakeChromeArea();
    const g = /** @type {{chrome?: unknown}} */ (globalThis);
    g.chrome = { storage: { local: area } };
    try {
      const verifier = new CertificateVerifier(devnet.genesisKey, {
        trustStore: new ChromeStorageTrustStore(),
      });
      await verifier.verifyChain(olderCertificate(), mapSource(devnet.certificates));
      const stored = area.map.get(verifier.trustKey);
      assert.equal(typeof stored, 'string', 'chrome.storage keeps JSON values: base64 text');
      assert.ok(String(stored).startsWith('TUxUQ'), 'base64 of MLTC');
      const again = new CertificateVerifier(devnet.genesisKey, {
        trustStore: new ChromeStorageTrustStore(area),
      });
      const chain = await again.verifyChain(devnet.latest, mapSource(devnet.certificates));
      assert.equal(chain.anchor.kind, 'trusted');
      await again.clearTrust();
      assert.equal(area.map.size, 0);
    } finally {
      delete g.chrome;
    }
    assert.throws(() => new ChromeStorageTrustStore(), (/** @type {any} */ e) => e.code === 'invalid_options');
  });

  test('IndexedDbTrustStore: needs IndexedDB; a database that fails to open costs a full walk', async () => {
    assert.equal(typeof (/** @type {{indexedDB?: unknown}} */ (globalThis).indexedDB), 'undefined');
    assert.throws(
      () => new IndexedDbTrustStore(),
      (/** @type {any} */ e) => e.code === 'invalid_options' && /needs IndexedDB/.test(e.message),
    );
    /** @type {string[]} */
    const opened = [];
    // An IndexedDB whose every open fails, as a browser's does when storage is unavailable.
    const failing = {
      open(/** @type {string} */ name) {
        opened.push(name);
        /** @type {{error: unknown, onerror: null | (() => void)}} */
        const req = { error: new Error('storage unavailable'), onerror: null };
        queueMicrotask(() => req.onerror?.());
        return /** @type {IDBOpenDBRequest} */ (/** @type {unknown} */ (req));
      },
    };
    for (const bad of [{ databaseName: '' }, { objectStoreName: 7 }, { indexedDB: {} }]) {
      assert.throws(
        () => new IndexedDbTrustStore(/** @type {any} */ ({ indexedDB: failing, ...bad })),
        (/** @type {any} */ e) => e.code === 'invalid_options',
        JSON.stringify(bad),
      );
    }
    const store = new IndexedDbTrustStore({ indexedDB: failing, databaseName: 'db' });
    assert.equal(store.databaseName, 'db');
    assert.equal(store.objectStoreName, 'trust');
    assert.deepEqual(opened, [], 'nothing is opened before the first call');
    await assert.rejects(store.get('k'), (/** @type {any} */ e) => {
      assert.equal(
        e.message,
        'IndexedDbTrustStore: could not open IndexedDB database "db", object store "trust": Error: storage unavailable',
      );
      assert.equal(e.cause?.message, 'storage unavailable');
      return true;
    });
    const verifier = new CertificateVerifier(devnet.genesisKey, { trustStore: store });
    const chain = await verifier.verifyChain(devnet.latest, mapSource(devnet.certificates));
    assert.equal(chain.anchor.kind, 'genesis');
    assert.equal(chain.trustStored, false);
    assert.ok(opened.length >= 3, 'each call tried again');
  });

  test('any object with async get/set is a store (clearTrust without delete)', async () => {
    /** @type {Map<string, unknown>} */
    const map = new Map();
    const store = {
      /** @param {string} k */
      get: async (k) => map.get(k),
      /**
       * @param {string} k
       * @param {unknown} v
       */
      set: async (k, v) => {
        map.set(k, v);
      },
    };
    const verifier = new CertificateVerifier(devnet.genesisKey, { trustStore: store });
    await verifier.verifyChain(olderCertificate(), mapSource(devnet.certificates));
    assert.ok((await verifier.trustedCheckpoints()).length > 0);
    await verifier.clearTrust();
    assert.deepEqual(await verifier.trustedCheckpoints(), []);
  });

  test('a value that is not checkpoints is ignored, with an event', async () => {
    const store = new MemoryTrustStore();
    const verifier = new CertificateVerifier(devnet.genesisKey, { trustStore: store });
    const key = verifier.trustKey;
    const junks = [
      42,
      'not json',
      'TUxUQw=', // not base64 (length)
      '{"version":1}',
      { version: 2, checkpoints: [] },
      [],
      new Uint8Array([1, 2, 3]),
      Buffer.from('MLTC\x09').toString('base64'),
    ];
    for (const junk of junks) {
      await store.set(key, /** @type {any} */ (junk));
      assert.deepEqual(await verifier.trustedCheckpoints(), []);
      /** @type {any[]} */
      const events = [];
      const chain = await verifier.verifyChain(olderCertificate(), mapSource(devnet.certificates), {
        onProgress: (e) => events.push(e),
      });
      assert.equal(chain.anchor.kind, 'genesis', String(junk));
      const ignored = events.filter((e) => e.type === 'trust-ignored');
      assert.equal(ignored.length, 1, String(junk));
      assert.equal(ignored[0].key, key);
      assert.match(ignored[0].code, /^checkpoint_(malformed|unsupported_version)$/);
      assert.equal(events[0].type, 'trust-ignored', 'before the first fetch');
      // The verified walk replaced the value with bytes.
      assert.ok((await store.get(key)) instanceof Uint8Array);
      assert.ok((await verifier.trustedCheckpoints()).length > 0);
      await verifier.clearTrust();
    }
    // Nothing stored (or cleared) is not an event.
    for (const nothing of [undefined, null, '', new Uint8Array(0)]) {
      await store.set(key, /** @type {any} */ (nothing));
      /** @type {any[]} */
      const events = [];
      await verifier.verifyChain(olderCertificate(), mapSource(devnet.certificates), {
        onProgress: (e) => events.push(e),
      });
      assert.ok(!events.some((e) => e.type === 'trust-ignored'), String(nothing));
      await verifier.clearTrust();
    }
  });

  test('corrupted bytes anywhere never give more trust', async () => {
    const store = new MemoryTrustStore();
    const verifier = new CertificateVerifier(devnet.genesisKey, { trustStore: store });
    const key = verifier.trustKey;
    await verifier.verifyChain(olderCertificate(), mapSource(devnet.certificates));
    const good = /** @type {Uint8Array} */ (await store.get(key));
    const trusted = new Set((await verifier.trustedCheckpoints()).map((c) => c.hash));
    assert.ok(trusted.size > 0);
    // Every byte changed (to two values), removed, or repeated: the checkpoints read back (what
    // the walk is given) are none at all, never a garbled hash or epoch.
    for (let i = 0; i < good.length; i++) {
      for (const mask of [0x01, 0xff]) {
        const bad = Uint8Array.from(good);
        bad[i] ^= mask;
        await store.set(key, bad);
        assert.deepEqual(await verifier.trustedCheckpoints(), [], `byte ${i} xor ${mask}`);
      }
      const shorter = Uint8Array.from([...good.subarray(0, i), ...good.subarray(i + 1)]);
      await store.set(key, shorter);
      assert.deepEqual(await verifier.trustedCheckpoints(), [], `byte ${i} removed`);
    }
    // A corrupted store costs a full walk and an event, then is replaced by valid bytes.
    const bad = Uint8Array.from(good);
    bad[60] ^= 1;
    await store.set(key, bad);
    /** @type {any[]} */
    const events = [];
    const chain = await verifier.verifyChain(devnet.latest, mapSource(devnet.certificates), {
      onProgress: (e) => events.push(e),
    });
    assert.equal(chain.anchor.kind, 'genesis');
    assert.deepEqual(
      events.filter((e) => e.type === 'trust-ignored').map((e) => e.code),
      ['checkpoint_malformed'],
    );
    const after = new Set((await verifier.trustedCheckpoints()).map((c) => c.hash));
    assert.deepEqual(after, new Set(chain.links.map((l) => l.hash)));
  });

  test('checkpoints of another genesis key are never trusted', async () => {
    const store = new MemoryTrustStore();
    const mine = new CertificateVerifier(devnet.genesisKey, { trustStore: store });
    await mine.verifyChain(olderCertificate(), mapSource(devnet.certificates));
    const good = /** @type {Uint8Array} */ (await store.get(mine.trustKey));
    // Well-formed bytes of another genesis key (the reference chains share devnet's key): the
    // key field changed and the checksum recomputed, put under this key's store key.
    const bytes = Buffer.from(good);
    bytes[5] ^= 1;
    const end = bytes.length - 32;
    createHash('sha256').update(bytes.subarray(0, end)).digest().copy(bytes, end);
    await store.set(mine.trustKey, new Uint8Array(bytes));
    assert.deepEqual(await mine.trustedCheckpoints(), []);
    /** @type {any[]} */
    const events = [];
    const chain = await mine.verifyChain(olderCertificate(), mapSource(devnet.certificates), {
      onProgress: (e) => events.push(e),
    });
    assert.equal(chain.anchor.kind, 'genesis');
    assert.deepEqual(
      events.filter((e) => e.type === 'trust-ignored').map((e) => e.code),
      ['checkpoint_genesis_key_mismatch'],
    );
  });

  test('the JSON layout of earlier releases is read once, then rewritten as bytes', async () => {
    const store = new MemoryTrustStore();
    const verifier = new CertificateVerifier(devnet.genesisKey, { trustStore: store });
    const key = verifier.trustKey;
    const plain = new CertificateVerifier(devnet.genesisKey, { trustStore: null });
    const older = await plain.verifyChain(olderCertificate(), mapSource(devnet.certificates));
    const full = await plain.verifyChain(devnet.latest, mapSource(devnet.certificates));
    // The first certificate of the older walk that the latest's walk goes through.
    const good = /** @type {import('mithril-lite').ChainLink} */ (
      older.links.find((l) => full.links.some((f) => f.hash === l.hash))
    );
    assert.ok(good);
    const legacy = {
      version: 1,
      checkpoints: [
        { hash: 'XYZ', epoch: 30, aggregateVerificationKey: 'aa' },
        { hash: 'a'.repeat(64), epoch: -1, aggregateVerificationKey: 'aa' },
        { hash: 'b'.repeat(64), epoch: 30, aggregateVerificationKey: 'not hex' },
        'junk',
        good,
        { ...good, epoch: 3 }, // duplicate hash
      ],
    };
    // As an object (memory, chrome.storage) and as JSON text (localStorage).
    for (const value of [legacy, JSON.stringify(legacy)]) {
      await store.set(key, /** @type {any} */ (value));
      assert.deepEqual(await verifier.trustedCheckpoints(), [{ hash: good.hash, epoch: good.epoch }]);
      /** @type {any[]} */
      const events = [];
      const chain = await verifier.verifyChain(devnet.latest, mapSource(devnet.certificates), {
        onProgress: (e) => events.push(e),
      });
      assert.deepEqual(chain.anchor, { kind: 'trusted', hash: good.hash });
      assert.ok(!events.some((e) => e.type === 'trust-ignored'));
      // Rewritten as the core's bytes: the chain that walk verified, down to the old checkpoint.
      const stored = await store.get(key);
      assert.ok(stored instanceof Uint8Array);
      assert.deepEqual(
        new Set((await verifier.trustedCheckpoints()).map((c) => c.hash)),
        new Set(chain.links.map((l) => l.hash)),
      );
      assert.ok(chain.links.some((l) => l.hash === good.hash));
      await verifier.clearTrust();
    }
  });

  test('the stored list is bounded to the newest checkpoints', async () => {
    const store = new MemoryTrustStore();
    const verifier = new CertificateVerifier(devnet.genesisKey, { trustStore: store, maxCheckpoints: 3 });
    const chain = await verifier.verifyChain(devnet.latest, mapSource(devnet.certificates));
    const kept = await verifier.trustedCheckpoints();
    assert.equal(kept.length, 3);
    // The core's order: newest epoch first, then ascending hash.
    const newest = chain.links
      .map((l) => ({ hash: l.hash, epoch: l.epoch }))
      .sort((a, b) => b.epoch - a.epoch || (a.hash < b.hash ? -1 : 1))
      .slice(0, 3);
    assert.deepEqual(kept, newest);
  });

  test('a store that fails to write or read does not fail the verification', async () => {
    const failingWrites = {
      get: async () => undefined,
      set: async () => {
        throw new Error('quota exceeded');
      },
    };
    const a = await new CertificateVerifier(devnet.genesisKey, { trustStore: failingWrites }).verifyChain(
      devnet.latest,
      mapSource(devnet.certificates),
    );
    assert.equal(a.trustStored, false);
    let writes = 0;
    const failingReads = {
      get: async () => {
        throw new Error('unreadable');
      },
      set: async () => {
        writes++;
      },
    };
    const b = await new CertificateVerifier(devnet.genesisKey, { trustStore: failingReads }).verifyChain(
      devnet.latest,
      mapSource(devnet.certificates),
    );
    assert.equal(b.anchor.kind, 'genesis');
    assert.equal(b.trustStored, false, 'never overwrite checkpoints that could not be read');
    assert.equal(writes, 0);
  });

  test('concurrent walks on one verifier merge their checkpoints', async () => {
    const store = new MemoryTrustStore();
    const verifier = new CertificateVerifier(devnet.genesisKey, { trustStore: store });
    const [x, y] = await Promise.all([
      verifier.verifyChain(olderCertificate(), mapSource(devnet.certificates)),
      verifier.verifyChain(devnet.latest, mapSource(devnet.certificates)),
    ]);
    const stored = new Set((await verifier.trustedCheckpoints()).map((c) => c.hash));
    for (const l of [...x.links, ...y.links]) assert.ok(stored.has(l.hash));
  });
});

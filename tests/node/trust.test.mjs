// Trust checkpoints: a verified chain's certificates shorten later walks under the same
// genesis key; stores persist them (memory, localStorage, chrome.storage, custom objects);
// what is read back is validated; the list is bounded.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import {
  CertificateVerifier,
  ChromeStorageTrustStore,
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

  test('LocalStorageTrustStore persists JSON text across verifiers', async () => {
    const storage = new FakeStorage();
    const first = new CertificateVerifier(devnet.genesisKey, {
      trustStore: new LocalStorageTrustStore(storage),
    });
    const a = await first.verifyChain(olderCertificate(), mapSource(devnet.certificates));
    const stored = storage.getItem(first.trustKey);
    assert.equal(typeof stored, 'string');
    const parsed = JSON.parse(/** @type {string} */ (stored));
    assert.equal(parsed.version, 1);
    assert.equal(parsed.checkpoints.length, a.certificatesChecked);

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
      assert.ok(area.map.has(verifier.trustKey));
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

  test('malformed stored data is ignored, valid entries kept', async () => {
    const store = new MemoryTrustStore();
    const verifier = new CertificateVerifier(devnet.genesisKey, { trustStore: store });
    const key = verifier.trustKey;
    for (const junk of [42, 'not json', '{"version":1}', { version: 2, checkpoints: [] }, [], null]) {
      await store.set(key, junk);
      assert.deepEqual(await verifier.trustedCheckpoints(), []);
      const chain = await verifier.verifyChain(olderCertificate(), mapSource(devnet.certificates));
      assert.equal(chain.anchor.kind, 'genesis', JSON.stringify(junk));
      await verifier.clearTrust();
    }
    const plain = new CertificateVerifier(devnet.genesisKey, { trustStore: null });
    const older = await plain.verifyChain(olderCertificate(), mapSource(devnet.certificates));
    const full = await plain.verifyChain(devnet.latest, mapSource(devnet.certificates));
    // The first certificate of the older walk that the latest's walk goes through.
    const good = /** @type {import('mithril-lite').ChainLink} */ (
      older.links.find((l) => full.links.some((f) => f.hash === l.hash))
    );
    assert.ok(good);
    await store.set(key, {
      version: 1,
      checkpoints: [
        { hash: 'XYZ', epoch: 30, aggregateVerificationKey: 'aa' },
        { hash: 'a'.repeat(64), epoch: -1, aggregateVerificationKey: 'aa' },
        { hash: 'b'.repeat(64), epoch: 30, aggregateVerificationKey: 'not hex' },
        'junk',
        good,
        { ...good, epoch: 3 }, // duplicate hash
      ],
    });
    assert.deepEqual(await verifier.trustedCheckpoints(), [good]);
    const chain = await verifier.verifyChain(devnet.latest, mapSource(devnet.certificates));
    assert.deepEqual(chain.anchor, { kind: 'trusted', hash: good.hash });
  });

  test('the stored list is bounded to the newest checkpoints', async () => {
    const store = new MemoryTrustStore();
    const verifier = new CertificateVerifier(devnet.genesisKey, { trustStore: store, maxCheckpoints: 3 });
    const chain = await verifier.verifyChain(devnet.latest, mapSource(devnet.certificates));
    const kept = await verifier.trustedCheckpoints();
    assert.equal(kept.length, 3);
    assert.deepEqual(
      kept.map((c) => c.hash),
      chain.links.slice(0, 3).map((l) => l.hash),
    );
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

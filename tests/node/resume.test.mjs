// Walks that resume. A walk aborted after any fetch leaves what it checked in the store as a
// pending segment (never trust); the next walk skips that segment's certificates (two fetches,
// no signature checks for it), gives the fresh walk's verdict, and commits the whole chain.
//
// Killed walks: every call the walk makes to its host (the source's getCertificate, the trust
// store's get and set, a host executor's run) is numbered, and the walk is killed at each one
// in turn, inline and with an executor, on the devnet chain and on a negative reference chain.
// Only the store's bytes at that moment survive (a set in flight counts both as not done and
// as done: stores are atomic, old or new). A new verifier over those bytes trusts nothing
// before its walk (pending is never trust), gives the uninterrupted walk's verdict, and checks
// exactly the certificates the stored segment does not cover; a negative chain never stores
// trust. Stored pending bytes with any one bit flipped, or cut at any length, are never
// trusted: the next walk gives the same verdict and trusts what a fresh walk commits.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { CertificateVerifier, MemoryTrustStore, runCheckJob } from 'mithril-lite';

import { TWO_PER_EPOCH, loadChain, loadDevnet, mapSource, stringMember } from './helpers.mjs';

const devnet = loadDevnet();

/** @param {unknown} e */
function isAbort(e) {
  const err = /** @type {{name?: string, code?: string}} */ (e);
  return err.name === 'AbortError' && err.code === 'aborted';
}

describe('walks that resume', () => {
  // Inline checks, and one worker (whose job count is the number of signature checks).
  for (const workers of [0, 1]) {
    test(`an abort after every fetch resumes with only the unchecked certificates (workers: ${workers})`, async () => {
      const fresh = new CertificateVerifier(devnet.genesisKey, { trustStore: null, workers });
      const full = await fresh.verifyChain(devnet.latest, mapSource(devnet.certificates));
      const n = full.certificatesChecked;
      const freshJobs = fresh.poolStats().jobs;
      fresh.close();
      assert.ok(n > 3);
      let resumed = 0;
      for (let k = 1; k < n; k++) {
        const store = new MemoryTrustStore();
        const first = new CertificateVerifier(devnet.genesisKey, { trustStore: store, workers });
        const controller = new AbortController();
        // Fired as fetch k (0-based) starts: the walk stops at its next await.
        // With a worker, a source that answers at once outruns the checks: a little latency
        // lets them finish between fetches, as they do against a real aggregator.
        const source = mapSource(devnet.certificates, {
          delayMs: workers > 0 ? 25 : 0,
          onCall: (_hash, i) => {
            if (i === k) controller.abort();
          },
        });
        let checked = 0;
        await assert.rejects(
          first.verifyChain(devnet.latest, source, {
            signal: controller.signal,
            onProgress: (e) => {
              if (e.type === 'certificate-verified') checked++;
            },
          }),
          isAbort,
          `k = ${k}`,
        );
        assert.deepEqual(await first.trustedCheckpoints(), [], 'pending progress is never trust');
        first.close();
        if (checked > 0) assert.ok(await store.get(first.trustKey), `k = ${k}: progress saved`);

        const second = new CertificateVerifier(devnet.genesisKey, { trustStore: store, workers });
        const again = mapSource(devnet.certificates);
        const chain = await second.verifyChain(devnet.latest, again);
        assert.equal(chain.hash, full.hash);
        assert.deepEqual(chain.anchor, full.anchor);
        // The segment's first and last certificates are fetched; those between are not.
        const skipped = Math.max(0, checked - 2);
        assert.equal(again.requested.length, n - skipped, `k = ${k}, ${checked} checked before`);
        assert.equal(chain.certificatesChecked, n - skipped);
        if (workers > 0) {
          assert.equal(second.poolStats().jobs, freshJobs - checked, `k = ${k}: signature checks`);
        }
        // The whole chain is trusted now, the skipped certificates included.
        assert.equal((await second.trustedCheckpoints()).length, n);
        second.close();
        if (skipped > 0) resumed++;
      }
      assert.ok(resumed > 0, 'some walk resumed over a segment');
    });
  }
});

// ---------------------------------------------------------------------------------------
// Killed walks.

/**
 * What the store holds: its bytes, how many certificates (counted from the starting one) the
 * pending segment in them covers, and whether they are a verified walk's commit (trust).
 * @typedef {{bytes: Uint8Array | undefined, covered: number, trust: boolean}} Stored
 */

/**
 * The host of one killed walk: its calls numbered from 0 in the order the walk makes them. At
 * call `killAt` the program dies: the store's content is snapshot (for a set in flight, both
 * before and after it), the walk's signal aborts, and that call and every later one fail
 * without effect (nothing of the dead program reaches the store any more).
 * @param {number} killAt
 */
function killableHost(killAt) {
  const host = {
    /** @type {string[]} */
    calls: [],
    /** @type {Stored[] | undefined} the store's possible contents when the walk was killed */
    snapshots: undefined,
    /** @type {Stored} */
    stored: { bytes: undefined, covered: 0, trust: false },
    controller: new AbortController(),
    /** certificate-verified events of the walk so far */
    verified: 0,
    chainVerified: false,
    /**
     * Count a call; false when the program is dead at it.
     * @param {string} kind
     * @param {Uint8Array} [setting] the bytes a set would store
     */
    enter(kind, setting) {
      const n = host.calls.length;
      host.calls.push(kind);
      if (host.snapshots) return false;
      if (n !== killAt) return true;
      host.snapshots = [host.stored];
      if (setting) {
        host.snapshots.push({ bytes: setting.slice(), covered: host.verified, trust: host.chainVerified });
      }
      host.controller.abort(new Error(`killed at call ${n} (${kind})`));
      return false;
    },
    /** @param {import('mithril-lite').ProgressEvent} e */
    onProgress(e) {
      if (e.type === 'certificate-verified') host.verified++;
      if (e.type === 'chain-verified') host.chainVerified = true;
    },
  };
  return host;
}

/** A run of a check job, answered on a later turn of the event loop as a worker would. */
function laterCheck(/** @type {Uint8Array} */ job) {
  return new Promise((resolve) => setImmediate(() => resolve(runCheckJob(job))));
}

/**
 * A verifier whose host calls go to `current()`'s killable host: one store, one source, and
 * (with `executor`) a one-at-a-time executor, reused by every killed walk.
 * @param {string} genesisKey
 * @param {Map<string, string>} certificates
 * @param {boolean} executor
 * @param {() => ReturnType<typeof killableHost>} current
 */
function killableVerifier(genesisKey, certificates, executor, current) {
  const killed = () => new Error('the program is dead');
  const store = {
    /** @param {string} _key */
    async get(_key) {
      if (!current().enter('get')) throw killed();
      return current().stored.bytes?.slice();
    },
    /**
     * @param {string} _key
     * @param {Uint8Array} value
     */
    async set(_key, value) {
      const host = current();
      if (!host.enter('set', value)) throw killed();
      host.stored = { bytes: value.slice(), covered: host.verified, trust: host.chainVerified };
    },
  };
  const source = {
    /** @param {string} hash */
    async getCertificate(hash) {
      if (!current().enter('fetch')) throw killed();
      return certificates.get(hash);
    },
  };
  const options = executor
    ? {
        trustStore: store,
        executor: {
          concurrency: 1,
          /** @param {Uint8Array} job */
          run: async (job) => {
            if (!current().enter('job')) throw killed();
            return laterCheck(job);
          },
        },
      }
    : { trustStore: store, workers: 0 };
  return { verifier: new CertificateVerifier(genesisKey, options), source };
}

/**
 * Kill the walk from `latest` at every host call it makes, then resume from what the store
 * held: the verdict of the uninterrupted walk, no trust before, and only the uncovered
 * certificates checked.
 * @param {{genesisKey: string, certificates: Map<string, string>}} chain
 * @param {string} latest
 * @param {boolean} executor
 */
async function killEverywhere(chain, latest, executor) {
  let host = killableHost(Infinity);
  const { verifier: first, source } = killableVerifier(chain.genesisKey, chain.certificates, executor, () => host);
  /** @param {ReturnType<typeof killableHost>} h */
  const walk = (h) =>
    first
      .verifyChain(latest, source, { signal: h.controller.signal, onProgress: h.onProgress })
      .then((value) => ({ value, error: undefined }), (error) => ({ value: undefined, error }));

  // The uninterrupted walk: its calls, verdict and commit.
  const whole = await walk(host);
  const calls = host.calls.length;
  const committed = await first.trustedCheckpoints();
  const negative = whole.error !== undefined;
  if (negative) {
    assert.equal(whole.error.name, 'MithrilVerificationError', String(whole.error));
    assert.deepEqual(committed, []);
  } else {
    assert.ok(committed.length > 0);
  }
  const fetches = host.calls.filter((c) => c === 'fetch').length;
  const jobs = host.calls.filter((c) => c === 'job').length;
  assert.ok(host.calls.filter((c) => c === 'set').length > 2, `pending saves made: ${host.calls}`);

  // Resumed walks: one verifier (its key cache warm), its store set to each snapshot.
  /** @type {{bytes: Uint8Array | undefined}} */
  const held = { bytes: undefined };
  const store = {
    /** @param {string} _key */
    get: async (_key) => held.bytes?.slice(),
    /**
     * @param {string} _key
     * @param {Uint8Array} value
     */
    set: async (_key, value) => {
      held.bytes = value.slice();
    },
  };
  const second = new CertificateVerifier(
    chain.genesisKey,
    executor ? { trustStore: store, executor: { concurrency: 1, run: laterCheck } } : { trustStore: store, workers: 0 },
  );
  let resumedOver = 0;
  const kinds = new Set();
  // A resumed walk depends only on the bytes it starts from: each distinct snapshot is walked
  // once (kills between two saves leave the same bytes).
  /** @type {Map<string, Stored>} */
  const walked = new Map();
  for (let k = 0; k < calls; k++) {
    host = killableHost(k);
    const killedWalk = await walk(host);
    const snapshots = /** @type {Stored[]} */ (host.snapshots);
    assert.ok(snapshots, `k = ${k}: the walk reached call ${k}`);
    kinds.add(host.calls[k]);
    // Killed before it ended, it rejects; killed in its last commit, it may resolve.
    if (killedWalk.error) assert.ok(isAbort(killedWalk.error), `k = ${k}: ${killedWalk.error}`);
    for (const [variant, snap] of snapshots.entries()) {
      const at = `k = ${k} (${host.calls[k]}${variant ? ', done' : ''}), ${snap.covered} covered`;
      const seen = String(snap.bytes);
      if (walked.has(seen)) {
        assert.deepEqual(walked.get(seen), snap, `${at}: the same bytes cover the same`);
        continue;
      }
      walked.set(seen, snap);
      held.bytes = snap.bytes;
      assert.deepEqual(await second.trustedCheckpoints(), snap.trust ? committed : [], `${at}: trust before`);
      const again = mapSource(chain.certificates);
      const jobsBefore = second.poolStats().jobs;
      const resumed = await second
        .verifyChain(latest, again)
        .then((value) => ({ value, error: undefined }), (error) => ({ value: undefined, error }));
      const checkedJobs = second.poolStats().jobs - jobsBefore;
      if (negative) {
        assert.equal(resumed.error?.code, whole.error.code, `${at}: the fresh verdict`);
        assert.deepEqual(await second.trustedCheckpoints(), [], `${at}: no trust stored`);
      } else if (snap.trust) {
        // The commit was done: the next walk stops at the trusted tip.
        assert.equal(resumed.value?.hash, whole.value.hash, at);
        assert.equal(resumed.value?.anchor.kind, 'trusted', at);
        assert.equal(again.requested.length, 1, at);
      } else {
        const value = /** @type {import('mithril-lite').VerifiedChain} */ (resumed.value);
        assert.ok(value, `${at}: ${resumed.error}`);
        assert.equal(value.hash, whole.value.hash, at);
        assert.deepEqual(value.anchor, whole.value.anchor, at);
        assert.equal(value.signedMessage, whole.value.signedMessage, at);
        assert.deepEqual(await second.trustedCheckpoints(), committed, `${at}: trust after`);
      }
      if (!snap.trust) {
        // The segment's first and last certificates are fetched again; those between are not,
        // and none of its certificates is checked again.
        const skipped = Math.max(0, snap.covered - 2);
        assert.equal(again.requested.length, fetches - skipped, `${at}: fetches`);
        if (executor) assert.equal(checkedJobs, jobs - snap.covered, `${at}: signature checks`);
        if (resumed.value) assert.equal(resumed.value.certificatesChecked, fetches - skipped, at);
        if (skipped > 0) resumedOver++;
      }
    }
  }
  assert.ok(resumedOver > 0, 'some walk resumed over a segment');
  // Nothing stored, a segment after each newly checked certificate, and (valid chain) trust.
  assert.equal(walked.size, 1 + host.calls.filter((c) => c === 'set').length, [...walked.values()].map((s) => s.covered).join());
  const expectedKinds = executor ? ['fetch', 'get', 'job', 'set'] : ['fetch', 'get', 'set'];
  assert.deepEqual([...kinds].sort(), expectedKinds, 'killed at every kind of call');
  return calls;
}

/**
 * The certificate `depth` certificates from genesis (itself counted) on the chain of `latest`:
 * a shorter walk to kill at every call keeps the test fast.
 * @param {Map<string, string>} certificates
 * @param {string} latest
 * @param {number} depth
 */
function tipAt(certificates, latest, depth) {
  /** @type {string[]} */
  const chain = [];
  for (let hash = latest; hash !== ''; ) {
    const text = certificates.get(hash);
    assert.ok(text && chain.length < certificates.size, `the chain of ${latest} reaches genesis`);
    chain.push(hash);
    hash = stringMember(text, 'previous_hash');
  }
  assert.ok(chain.length >= depth);
  return chain[chain.length - depth];
}

/**
 * Run `fn` with a clock that moves 10 s at each reading: the core then finds a pending save
 * due after every newly checked certificate (its time cadence), whatever the machine's speed,
 * and every run of a walk makes the same calls.
 * @template T
 * @param {() => Promise<T>} fn
 */
async function withFastClock(fn) {
  const real = Date.now;
  let now = real();
  Date.now = () => (now += 10_000);
  try {
    return await fn();
  } finally {
    Date.now = real;
  }
}

describe('walks killed at every await', () => {
  const negativeDir = join(TWO_PER_EPOCH, 'negative', 'adv_genesis_signed_by_other_key');
  const negativeChain = loadChain(negativeDir);
  // Six certificates of devnet (one is genesis): segments long enough to skip some.
  const devnetTip = tipAt(devnet.certificates, devnet.latest, 6);
  // Its genesis is signed with another key: the walk fails last, after saving segments.
  const negativeTip = tipAt(negativeChain.certificates, /** @type {string} */ (negativeChain.latest), 5);
  for (const executor of [false, true]) {
    const mode = executor ? 'a host executor' : 'inline';
    test(`devnet, killed at every host call and resumed (${mode})`, () =>
      withFastClock(async () => {
        const calls = await killEverywhere(devnet, devnetTip, executor);
        assert.ok(calls > 6, `${calls} calls`);
      }));
    test(`a negative chain killed at every host call never stores trust (${mode})`, () =>
      withFastClock(async () => {
        await killEverywhere(negativeChain, negativeTip, executor);
      }));
  }
});

/** Why a store's value is not read (the trust-ignored event's codes). */
const IGNORED = ['checkpoint_malformed', 'checkpoint_unsupported_version', 'checkpoint_genesis_key_mismatch'];

describe('corrupted pending bytes', () => {
  test('one bit flipped in any byte, or the bytes cut at any length: the same verdict, no more trust', async () => {
    // A short walk (a certificate and genesis) keeps the hundreds of walks cheap.
    const tip = tipAt(devnet.certificates, devnet.latest, 2);
    const store = new MemoryTrustStore();
    const verifier = new CertificateVerifier(devnet.genesisKey, { trustStore: store, workers: 0 });
    const fresh = await verifier.verifyChain(tip, mapSource(devnet.certificates));
    const committed = await verifier.trustedCheckpoints();
    assert.equal(committed.length, fresh.certificatesChecked);
    await verifier.clearTrust();
    // Aborted once the tip is checked: it is a pending segment (whose signature check a walk
    // resuming from the bytes skips).
    const controller = new AbortController();
    const partial = verifier.verifyChain(tip, mapSource(devnet.certificates), {
      signal: controller.signal,
      onProgress: (e) => {
        if (e.type === 'certificate-verified') controller.abort();
      },
    });
    await assert.rejects(partial, isAbort);
    const bytes = /** @type {Uint8Array} */ (await store.get(verifier.trustKey));
    assert.ok(bytes instanceof Uint8Array && bytes.length > 0);
    assert.deepEqual(await verifier.trustedCheckpoints(), []);

    /** @param {Uint8Array} bad @param {string} at */
    const walkOver = async (bad, at) => {
      await store.set(verifier.trustKey, bad);
      assert.deepEqual(await verifier.trustedCheckpoints(), [], `${at}: no trust before`);
      /** @type {string[]} */
      const ignored = [];
      const chain = await verifier.verifyChain(tip, mapSource(devnet.certificates), {
        onProgress: (e) => {
          if (e.type === 'trust-ignored') ignored.push(e.code);
        },
      });
      // Every corruption is caught (the checksum), and the store says so (empty bytes read as
      // nothing stored).
      const intact = bad === bytes;
      assert.equal(ignored.length, intact || bad.length === 0 ? 0 : 1, at);
      assert.ok(ignored.every((code) => IGNORED.includes(code)), `${at}: ${ignored}`);
      assert.equal(chain.certificatesChecked, fresh.certificatesChecked, at);
      assert.equal(chain.hash, fresh.hash, at);
      assert.deepEqual(chain.anchor, fresh.anchor, at);
      assert.deepEqual(await verifier.trustedCheckpoints(), committed, `${at}: trust after`);
    };
    for (let i = 0; i < bytes.length; i++) {
      const bad = bytes.slice();
      bad[i] ^= 1 << (i % 8); // a different bit in each byte of a word
      await walkOver(bad, `bit ${i % 8} of byte ${i} flipped`);
    }
    for (let length = 0; length < bytes.length; length++) {
      await walkOver(bytes.slice(0, length), `cut at ${length} of ${bytes.length}`);
    }
    // The intact bytes are read without complaint: the corruptions above made the difference.
    await walkOver(bytes, 'intact');
    verifier.close();
  });
});

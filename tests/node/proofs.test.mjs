// Light-wallet proofs and artifacts through the npm package: every devnet proof and artifact
// verifies (given as text, and fetched from a local aggregator); tampered ones are refused
// with the core's specific codes (tests/proofs.rs has the same expectations); a proof whose
// certificate's chain fails gets the chain's code; abort works while a proof is verified;
// the README's light-wallet snippet runs as written.
//
// Bodies are edited as text (helpers.editPath): never JSON.parse'd, like the package.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';

import { CertificateVerifier, MemoryTrustStore } from 'mithril-lite';

import {
  ROOT,
  editMember,
  editPath,
  loadBodies,
  loadDevnet,
  mapProofLayout,
  mapSource,
  serveAggregator,
  stringMember,
  valueAt,
} from './helpers.mjs';
import { instrumentedApi } from './instrumented.mjs';

const devnet = loadDevnet();
const ctxV1 = loadBodies('ctx-proofs.json');
const ctxV2 = loadBodies('ctx-proofs-v2.json');
const cblk = loadBodies('cblk-proofs.json');
const msds = loadBodies('mithril-stake-distributions.json');
const csds = loadBodies('cardano-stake-distributions.json');
const databases = loadBodies('cardano-databases.json');

/** @type {CertificateVerifier} */
let shared;
/** One verifier for the many positive checks: its checkpoints keep the later walks short. */
function verifier() {
  shared ??= new CertificateVerifier(devnet.genesisKey);
  return shared;
}

/**
 * @template T
 * @param {Map<string, T>} map
 * @returns {[string, T]}
 */
function first(map) {
  return /** @type {[string, T]} */ (map.entries().next().value);
}

/**
 * An assertion that a rejection is the verifier's verdict `code`.
 * @param {string} code
 */
function verdict(code) {
  return (/** @type {any} */ e) => {
    assert.equal(e.name, 'MithrilVerificationError', `${e.name}: ${e.message}`);
    assert.equal(e.code, code, e.message);
    assert.equal(typeof e.numericCode, 'number');
    return true;
  };
}

/** @param {unknown} e */
function isAbort(e) {
  const err = /** @type {{name?: string, code?: string}} */ (e);
  return err.name === 'AbortError' && err.code === 'aborted';
}

/**
 * Flip the low bit of byte `index` of a JSON hex string literal's value.
 * @param {string} literal e.g. `"ab01.."`
 * @param {number} index
 */
function flipHexByte(literal, index) {
  const hex = JSON.parse(literal);
  const byte = parseInt(hex.slice(2 * index, 2 * index + 2), 16) ^ 1;
  return JSON.stringify(
    hex.slice(0, 2 * index) + byte.toString(16).padStart(2, '0') + hex.slice(2 * index + 2),
  );
}

/**
 * Edit a v2 body's bincode proof: `pick` chooses the byte offset to flip from its layout.
 * @param {string} body
 * @param {string} set "certified_transactions" or "certified_blocks"
 * @param {(layout: ReturnType<typeof mapProofLayout>, bytes: Uint8Array) => number} pick
 */
function tamperV2(body, set, pick) {
  return editPath(body, [set, 'proof'], (old) => {
    const bytes = Buffer.from(JSON.parse(old), 'hex');
    return flipHexByte(old, pick(mapProofLayout(bytes), bytes));
  });
}

/**
 * Edit a v1 body's JSON-hex proof (of set 0): `edit` gets the decoded proof JSON text.
 * @param {string} body
 * @param {(proofJson: string) => string} edit
 */
function tamperV1(body, edit) {
  return editPath(body, ['certified_transactions', 0, 'proof'], (old) => {
    const json = Buffer.from(JSON.parse(old), 'hex').toString('utf8');
    return JSON.stringify(Buffer.from(edit(json), 'utf8').toString('hex'));
  });
}

/**
 * Flip the low bit of a byte in a proof JSON's `{"hash":[...]}` node at `path`.
 * @param {string} json
 * @param {(string | number)[]} path
 */
function flipNode(json, path) {
  return editPath(json, [...path, 'hash', 0], (old) => String(Number(old) ^ 1));
}

/** The certificate a body names. @param {string} body */
const certificateOf = (body) => stringMember(body, 'certificate_hash');

describe('result shapes (serde views in src/wasm, serialized by serde-wasm-bindgen)', () => {
  /** Own keys in order, and the JS type of each value. @param {object} o */
  const shape = (o) => Object.entries(o).map(([k, v]) => `${k}:${v instanceof Map ? 'Map' : Array.isArray(v) ? 'array' : typeof v}`);
  const source = () => mapSource(devnet.certificates);

  test('transaction proofs v1 and v2, block proofs', async () => {
    const [[, v1]] = ctxV1;
    const r1 = await verifier().verifyTransactionProof(v1, source());
    assert.deepEqual(shape(r1), [
      'version:number', 'certificateHash:string', 'merkleRoot:string', 'certified:array',
      'nonCertified:array', 'latestBlockNumber:bigint', 'certificate:object',
    ]);
    assert.deepEqual(shape(r1.certified[0]), ['transactionHash:string']);
    const [[, v2]] = ctxV2;
    const r2 = await verifier().verifyTransactionProof(v2, source());
    assert.deepEqual(shape(r2), [
      'version:number', 'certificateHash:string', 'merkleRoot:string', 'certified:array',
      'nonCertified:array', 'latestBlockNumber:bigint', 'blockNumberOffset:bigint', 'certificate:object',
    ]);
    assert.deepEqual(shape(r2.certified[0]), [
      'transactionHash:string', 'blockHash:string', 'blockNumber:bigint', 'slotNumber:bigint',
    ]);
    const [[, blocks]] = cblk;
    const rb = await verifier().verifyBlockProof(blocks, source());
    assert.deepEqual(shape(rb.certified[0]), ['blockHash:string', 'blockNumber:bigint', 'slotNumber:bigint']);
  });

  test('stake distributions and Cardano databases', async () => {
    const [[, msd]] = msds;
    const m = await verifier().verifyMithrilStakeDistribution(msd, source());
    assert.deepEqual(shape(m), [
      'hash:string', 'epoch:number', 'certificateHash:string', 'aggregateVerificationKey:string', 'signers:array',
      'certificate:object',
    ]);
    assert.deepEqual(shape(m.signers[0]), ['partyId:string', 'verificationKey:string', 'stake:bigint']);
    const [[, csd]] = csds;
    const c = await verifier().verifyCardanoStakeDistribution(csd, source());
    assert.deepEqual(shape(c), [
      'hash:string', 'epoch:number', 'certificateHash:string', 'merkleRoot:string', 'stakeDistribution:Map', 'certificate:object',
    ]);
    // In the artifact's order (sorted by pool id).
    const pools = [...c.stakeDistribution.keys()];
    assert.deepEqual(pools, [...pools].sort());
    const [[, db]] = databases;
    const d = await verifier().verifyCardanoDatabase(db, source());
    assert.deepEqual(shape(d), [
      'hash:string', 'certificateHash:string', 'merkleRoot:string', 'epoch:number',
      'immutableFileNumber:number', 'digests:object', 'certificate:object',
    ]);
    assert.deepEqual(d.digests, { status: 'not-included' });
    // The chain result: plain objects and numbers (epochs are far below 2^53).
    assert.deepEqual(shape(d.certificate.signedEntityType), ['CardanoDatabase:object']);
    assert.deepEqual(Object.getPrototypeOf(d.certificate.signedEntityType), Object.prototype);
    assert.deepEqual(shape(d.certificate.parameters), ['m:number', 'k:number', 'phi_f:number']);
    assert.deepEqual(shape(d.certificate.links[0]), ['hash:string', 'epoch:number', 'aggregateVerificationKey:string']);
  });
});

describe('every devnet proof and artifact verifies', () => {
  test('transaction proofs v1 (4), the version detected', async () => {
    assert.equal(ctxV1.size, 4);
    for (const [tx, body] of ctxV1) {
      const r = await verifier().verifyTransactionProof(body, mapSource(devnet.certificates), {
        transactions: [tx],
      });
      assert.equal(r.version, 1);
      assert.deepEqual(r.certified, [{ transactionHash: tx }]);
      assert.deepEqual(r.nonCertified, []);
      assert.equal(r.latestBlockNumber, 734n);
      assert.equal('blockNumberOffset' in r, false);
      assert.equal(r.certificateHash, certificateOf(body));
      assert.equal(r.certificate.hash, r.certificateHash);
      assert.equal(r.merkleRoot, r.certificate.protocolMessage.cardano_transactions_merkle_root);
    }
  });

  test('transaction proofs v2 (4): the certified transaction with its block, the finality hint', async () => {
    assert.equal(ctxV2.size, 4);
    for (const [tx, body] of ctxV2) {
      const r = await verifier().verifyTransactionProof(body, mapSource(devnet.certificates), {
        transactions: [tx],
      });
      assert.equal(r.version, 2);
      if (r.version !== 2) continue;
      assert.equal(r.certified.length, 1);
      const t = r.certified[0];
      assert.equal(t.transactionHash, tx);
      assert.equal(typeof t.blockNumber, 'bigint');
      assert.equal(typeof t.slotNumber, 'bigint');
      assert.match(t.blockHash, /^[0-9a-f]{64}$/);
      assert.ok(t.blockNumber <= r.latestBlockNumber);
      assert.equal(r.latestBlockNumber, 735n);
      assert.equal(r.blockNumberOffset, 1n);
      assert.equal(
        r.merkleRoot,
        r.certificate.protocolMessage.cardano_blocks_transactions_merkle_root,
      );
      assert.equal(r.certificate.signedEntityTypeName, 'CardanoBlocksTransactions');
    }
  });

  test('block proofs (20)', async () => {
    assert.equal(cblk.size, 20);
    for (const [block, body] of cblk) {
      const r = await verifier().verifyBlockProof(body, mapSource(devnet.certificates), {
        blocks: [block.toUpperCase()],
      });
      assert.deepEqual(
        r.certified.map((b) => b.blockHash),
        [block],
      );
      assert.deepEqual(r.nonCertified, []);
      assert.equal(r.latestBlockNumber, 735n);
      assert.equal(r.blockNumberOffset, 1n);
    }
  });

  test('Mithril stake distributions (9): the signers form the signed next AVK', async () => {
    assert.equal(msds.size, 9);
    for (const [, body] of msds) {
      const r = await verifier().verifyMithrilStakeDistribution(body, mapSource(devnet.certificates));
      assert.equal(
        r.aggregateVerificationKey,
        r.certificate.protocolMessage.next_aggregate_verification_key,
      );
      assert.equal(r.signers.length, 2);
      assert.equal(r.epoch, r.certificate.epoch);
      for (const s of r.signers) {
        assert.match(s.partyId, /^pool1/);
        assert.match(s.verificationKey, /^[0-9a-f]{192}$/);
        assert.equal(typeof s.stake, 'bigint');
      }
      // Registration order: by stake, then key.
      const [a, b] = r.signers;
      assert.ok(a.stake < b.stake || (a.stake === b.stake && a.verificationKey < b.verificationKey));
    }
  });

  test('Cardano stake distributions (9): the recomputed root is the signed one', async () => {
    assert.equal(csds.size, 9);
    for (const [, body] of csds) {
      const r = await verifier().verifyCardanoStakeDistribution(body, mapSource(devnet.certificates));
      assert.equal(
        r.merkleRoot,
        r.certificate.protocolMessage.cardano_stake_distribution_merkle_root,
      );
      assert.ok(r.stakeDistribution instanceof Map);
      assert.equal(r.stakeDistribution.size, 2);
      for (const stake of r.stakeDistribution.values()) assert.equal(stake, 20_000_000_001n);
    }
  });

  test('Cardano databases (11): beacon and root signed; digests not included', async () => {
    assert.equal(databases.size, 11);
    for (const [hash, body] of databases) {
      const r = await verifier().verifyCardanoDatabase(body, mapSource(devnet.certificates));
      assert.equal(r.hash, hash);
      assert.deepEqual(r.digests, { status: 'not-included' });
      assert.equal(r.merkleRoot, r.certificate.protocolMessage.cardano_database_merkle_root);
      assert.deepEqual(r.certificate.signedEntityType, {
        CardanoDatabase: { epoch: r.epoch, immutable_file_number: r.immutableFileNumber },
      });
    }
  });

  test('bytes work as well as text; requested items split into certified and not', async () => {
    const [tx, body] = first(ctxV2);
    const unknown = '00'.repeat(32);
    const r = await verifier().verifyTransactionProof(
      new TextEncoder().encode(body),
      mapSource(devnet.certificates),
      { transactions: [tx.toUpperCase(), unknown, tx] },
    );
    assert.deepEqual(
      r.certified.map((t) => t.transactionHash),
      [tx],
    );
    assert.deepEqual(r.nonCertified, [unknown]);
    // Nothing requested: every proven transaction.
    const all = await verifier().verifyTransactionProof(body, mapSource(devnet.certificates));
    assert.deepEqual(
      all.certified.map((t) => t.transactionHash),
      [tx],
    );
  });

  test('digests that do not lead to the signed database root are refused', async () => {
    const [, body] = first(databases);
    const digests = JSON.stringify([{ immutable_file_name: '00001.chunk', digest: '00'.repeat(32) }]);
    await assert.rejects(
      verifier().verifyCardanoDatabase(body, mapSource(devnet.certificates), { digests }),
      verdict('proof_message_mismatch'),
    );
    await assert.rejects(
      verifier().verifyCardanoDatabase(body, mapSource(devnet.certificates), { digests: '[' }),
      verdict('proof_malformed'),
    );
  });
});

describe('fetched from an aggregator', () => {
  /** @type {Awaited<ReturnType<typeof serveAggregator>>} */
  let server;
  /** While set, the proof routes wait for it before answering. @type {Promise<void> | undefined} */
  let gate;
  before(async () => {
    server = await serveAggregator(devnet.certificates, devnet.listText, async (path, query) => {
      if (gate) await gate;
      /** @param {Map<string, string>} bodies @param {string} name */
      const one = (bodies, name) => bodies.get(query.get(name) ?? '');
      if (path === '/proof/cardano-transaction') return one(ctxV1, 'transaction_hashes');
      if (path === '/proof/v2/cardano-transaction') return one(ctxV2, 'transaction_hashes');
      if (path === '/proof/v2/cardano-block') return one(cblk, 'block_hashes');
      const m = /^\/artifact\/([a-z-]+)\/(.+)$/.exec(path);
      if (!m) return undefined;
      const [, kind, key] = m;
      if (kind === 'mithril-stake-distribution') return msds.get(key);
      if (kind === 'cardano-database') return databases.get(key);
      if (kind === 'cardano-stake-distribution') {
        if (!key.startsWith('epoch/')) return csds.get(key);
        return [...csds.values()].find((b) => valueAt(b, ['epoch']) === key.slice(6));
      }
      return undefined;
    });
  });
  after(() => server.close());

  test('each kind by request: the routes the reference aggregator serves', async () => {
    const v = new CertificateVerifier(devnet.genesisKey);
    /** @type {string[]} */
    const fetched = [];
    const onProgress = (/** @type {import('mithril-lite').ProgressEvent} */ e) => {
      if (e.type === 'proof-fetched') fetched.push(new URL(e.url).pathname);
    };
    const [tx1] = first(ctxV1);
    const r1 = await v.verifyTransactionProof({ transactions: [tx1] }, server.url, {
      version: 1,
      onProgress,
    });
    assert.equal(r1.version, 1);
    assert.deepEqual(r1.certified, [{ transactionHash: tx1 }]);
    assert.ok(server.requests.includes(`/aggregator/proof/cardano-transaction?transaction_hashes=${tx1}`));

    const [tx2] = first(ctxV2);
    const r2 = await v.verifyTransactionProof({ transactions: [tx2] }, server.url, { onProgress });
    assert.equal(r2.version, 2);
    assert.equal(r2.certified[0].transactionHash, tx2);

    const [block] = first(cblk);
    const rb = await v.verifyBlockProof({ blocks: [block] }, server.url, { onProgress });
    assert.equal(rb.certified[0].blockHash, block);

    const [msdHash] = first(msds);
    const rm = await v.verifyMithrilStakeDistribution({ hash: msdHash }, server.url, { onProgress });
    assert.equal(rm.signers.length, 2);

    const [csdHash, csdBody] = first(csds);
    const rc = await v.verifyCardanoStakeDistribution({ hash: csdHash }, server.url, { onProgress });
    const epoch = Number(valueAt(csdBody, ['epoch']));
    const re = await v.verifyCardanoStakeDistribution({ epoch }, server.url, { onProgress });
    assert.equal(rc.merkleRoot, re.merkleRoot);
    assert.equal(re.epoch, epoch);

    const [dbHash] = first(databases);
    const rd = await v.verifyCardanoDatabase({ hash: dbHash }, server.url, { onProgress });
    assert.equal(rd.hash, dbHash);

    assert.deepEqual(fetched, [
      '/aggregator/proof/cardano-transaction',
      '/aggregator/proof/v2/cardano-transaction',
      '/aggregator/proof/v2/cardano-block',
      `/aggregator/artifact/mithril-stake-distribution/${msdHash}`,
      `/aggregator/artifact/cardano-stake-distribution/${csdHash}`,
      `/aggregator/artifact/cardano-stake-distribution/epoch/${epoch}`,
      `/aggregator/artifact/cardano-database/${dbHash}`,
    ]);
  });

  test('an artifact other than the one asked for: artifact_not_requested, after it verified', async () => {
    // Valid, certified artifacts, served for another hash or epoch than theirs.
    const [[msdA], [, msdB]] = [...msds];
    const [[csdA, csdBodyA], [, csdBodyB]] = [...csds];
    const [[dbA], [, dbB]] = [...databases];
    const epochA = valueAt(csdBodyA, ['epoch']);
    const swapped = await serveAggregator(devnet.certificates, devnet.listText, (path) =>
      ({
        [`/artifact/mithril-stake-distribution/${msdA}`]: msdB,
        [`/artifact/cardano-stake-distribution/${csdA}`]: csdBodyB,
        [`/artifact/cardano-stake-distribution/epoch/${epochA}`]: csdBodyB,
        [`/artifact/cardano-database/${dbA}`]: dbB,
      })[path],
    );
    try {
      const v = new CertificateVerifier(devnet.genesisKey);
      const refused = verdict('artifact_not_requested');
      await assert.rejects(v.verifyMithrilStakeDistribution({ hash: msdA }, swapped.url), refused);
      await assert.rejects(v.verifyCardanoStakeDistribution({ hash: csdA }, swapped.url), refused);
      await assert.rejects(
        v.verifyCardanoStakeDistribution({ epoch: Number(epochA) }, swapped.url),
        refused,
      );
      await assert.rejects(v.verifyCardanoDatabase({ hash: dbA }, swapped.url), refused);
      // The same bodies given directly ask for nothing: they verify.
      assert.equal((await v.verifyMithrilStakeDistribution(msdB, swapped.url)).hash, [...msds.keys()][1]);
      await v.verifyCardanoStakeDistribution(csdBodyB, swapped.url);
      await v.verifyCardanoDatabase(dbB, swapped.url);
    } finally {
      await swapped.close();
    }
  });

  test('a proof the aggregator does not serve: AggregatorError proof_unavailable', async () => {
    const v = new CertificateVerifier(devnet.genesisKey);
    await assert.rejects(
      v.verifyTransactionProof({ transactions: ['ab'.repeat(32)] }, server.url),
      (/** @type {any} */ e) => {
        assert.equal(e.name, 'AggregatorError');
        assert.equal(e.code, 'proof_unavailable');
        assert.equal(e.cause.status, 404);
        return true;
      },
    );
    await assert.rejects(
      v.verifyMithrilStakeDistribution({ hash: 'ab'.repeat(32) }, server.url),
      (/** @type {any} */ e) => e.code === 'artifact_unavailable',
    );
  });

  test('aborting while the proof downloads rejects promptly', async () => {
    // The proof route answers only once the verifier has rejected: the rejection can only come
    // from the abort (asserted by order, not by elapsed time).
    /** @type {() => void} */
    let open = () => {};
    gate = new Promise((resolve) => {
      open = resolve;
    });
    try {
      const v = new CertificateVerifier(devnet.genesisKey);
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 30);
      await assert.rejects(
        v.verifyBlockProof({ blocks: [first(cblk)[0]] }, server.url, { signal: controller.signal }),
        isAbort,
      );
    } finally {
      gate = undefined;
      open();
    }
  });

  test('the README light-wallet snippet runs as written', async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const m = /<!-- light-wallet-snippet -->\s*```js\n([\s\S]*?)```/.exec(readme);
    assert.ok(m, 'README.md has the light-wallet snippet');
    const [tx] = first(ctxV2);
    // The snippet's free variables, then the snippet itself, as a module in tests/node (where
    // `mithril-lite` resolves to the package).
    const prelude = [
      `const AGGREGATOR_URL = ${JSON.stringify(server.url)};`,
      `const GENESIS_VKEY = ${JSON.stringify(devnet.genesisKey)};`,
      `const txHash = ${JSON.stringify(tx)};`,
      `const chainTipBlockNumber = 800n;`,
    ].join('\n');
    const file = join(ROOT, 'tests', 'node', 'readme-snippet.generated.mjs');
    writeFileSync(file, `${prelude}\n${m[1]}`);
    let out;
    try {
      // Asynchronously: the aggregator it fetches from runs in this process.
      ({ stdout: out } = await promisify(execFile)(process.execPath, [file], { timeout: 60_000 }));
    } finally {
      rmSync(file, { force: true });
    }
    assert.match(out, new RegExp(`${tx} is in block \\d+, certified up to block 735`));
    assert.match(out, /final: true/);
  });
});

describe('tampered proofs are refused with specific codes', () => {
  const source = () => mapSource(devnet.certificates);

  test('v1: one leaf, one sibling, the root, the block number', async () => {
    const [tx, body] = first(ctxV1);
    const check = (/** @type {string} */ b) =>
      verifier().verifyTransactionProof(b, source(), { transactions: [tx] });
    await check(body);
    const leaf = tamperV1(body, (p) =>
      flipNode(p, ['sub_proofs', 0, 1, 'master_proof', 'inner_leaves', 0, 1]),
    );
    await assert.rejects(check(leaf), verdict('proof_root_mismatch'));
    const sibling = tamperV1(body, (p) => flipNode(p, ['master_proof', 'inner_proof_items', 0]));
    await assert.rejects(check(sibling), verdict('proof_root_mismatch'));
    const root = tamperV1(body, (p) => flipNode(p, ['master_proof', 'inner_root']));
    await assert.rejects(check(root), verdict('proof_root_mismatch'));
    const latest = editMember(body, 'latest_block_number', (n) => String(Number(n) + 1));
    await assert.rejects(check(latest), (/** @type {any} */ e) => {
      verdict('proof_message_mismatch')(e);
      assert.equal(e.numericCode, 406);
      assert.deepEqual(e.cause.parts, ['latest_block_number']);
      assert.equal(e.cause.certificate, certificateOf(body));
      return true;
    });
    // A transaction the proof does not contain, listed as certified.
    const item = editPath(body, ['certified_transactions', 0, 'transactions_hashes', 0], () =>
      JSON.stringify('ff'.repeat(32)),
    );
    await assert.rejects(check(item), (/** @type {any} */ e) => {
      verdict('item_not_certified')(e);
      assert.equal(e.cause.item, 'ff'.repeat(32));
      return true;
    });
  });

  test('v2 transactions: one leaf, one sibling, the root, the block numbers, the offset', async () => {
    const [tx, body] = first(ctxV2);
    const set = 'certified_transactions';
    const check = (/** @type {string} */ b) =>
      verifier().verifyTransactionProof(b, source(), { transactions: [tx] });
    await check(body);
    const txLeaf = tamperV2(body, set, (layout, bytes) => {
      const leaf = layout.subs[0].leaves.find(
        (/** @type {[number, number]} */ [at]) =>
          Buffer.from(bytes.subarray(at, at + 3)).toString() === 'Tx/',
      );
      return leaf[0] + 3; // inside the transaction hash
    });
    await assert.rejects(check(txLeaf), verdict('proof_root_mismatch'));
    const sibling = tamperV2(body, set, (layout) => layout.items[0][0]);
    await assert.rejects(check(sibling), verdict('proof_root_mismatch'));
    const root = tamperV2(body, set, (layout) => layout.root[0]);
    await assert.rejects(check(root), (/** @type {any} */ e) => {
      verdict('proof_root_mismatch')(e);
      assert.equal(e.numericCode, 402);
      return true;
    });
    const latest = editMember(body, 'latest_block_number', (n) => String(Number(n) - 1));
    await assert.rejects(check(latest), verdict('proof_message_mismatch'));
    const itemBlock = editPath(body, [set, 'items', 0, 'block_number'], (n) => String(Number(n) + 1));
    await assert.rejects(check(itemBlock), verdict('item_not_certified'));
    const offset = editMember(body, 'security_parameter', () => '2160');
    await assert.rejects(check(offset), (/** @type {any} */ e) => {
      verdict('proof_message_mismatch')(e);
      assert.deepEqual(e.cause.parts, ['cardano_blocks_transactions_block_number_offset']);
      return true;
    });
    // Told it is v1: it does not decode as one.
    await assert.rejects(
      verifier().verifyTransactionProof(body, source(), { version: 1 }),
      verdict('proof_malformed'),
    );
  });

  test('blocks: one leaf, one sibling, the root, the block number', async () => {
    const [block, body] = first(cblk);
    const set = 'certified_blocks';
    const check = (/** @type {string} */ b) =>
      verifier().verifyBlockProof(b, source(), { blocks: [block] });
    await check(body);
    const leaf = tamperV2(body, set, (layout) => layout.subs[0].leaves[0][0]);
    await assert.rejects(check(leaf), verdict('proof_root_mismatch'));
    const sibling = tamperV2(body, set, (layout) => {
      const items = layout.subs[0].items;
      return items[items.length - 1][0];
    });
    await assert.rejects(check(sibling), verdict('proof_root_mismatch'));
    const root = tamperV2(body, set, (layout) => layout.root[0] + 31);
    await assert.rejects(check(root), verdict('proof_root_mismatch'));
    const latest = editMember(body, 'latest_block_number', (n) => String(Number(n) + 1));
    await assert.rejects(check(latest), verdict('proof_message_mismatch'));
    const itemBlock = editPath(body, [set, 'items', 0, 'block_number'], (n) => String(Number(n) + 1));
    await assert.rejects(check(itemBlock), verdict('item_not_certified'));
    const nothing = editMember(body, set, () => 'null');
    await assert.rejects(check(nothing), verdict('proof_nothing_certified'));
  });

  test('artifacts: a stake, a pool stake above 2^53, a database root, an epoch', async () => {
    const [, msd] = first(msds);
    const stake = editPath(msd, ['signers', 0, 'stake'], (n) => String(BigInt(n) + 1n));
    await assert.rejects(
      verifier().verifyMithrilStakeDistribution(stake, source()),
      verdict('artifact_mismatch'),
    );
    const epoch = editMember(msd, 'epoch', (n) => String(Number(n) + 1));
    await assert.rejects(
      verifier().verifyMithrilStakeDistribution(epoch, source()),
      verdict('artifact_mismatch'),
    );
    const [, csd] = first(csds);
    // 2^53 + 1: a JavaScript number would round it to 2^53; the root would still differ, but
    // the point is that it is read exactly in Rust.
    const big = editPath(csd, ['stake_distribution'], (obj) =>
      obj.replace(/:\s*20000000001/, ': 9007199254740993'),
    );
    await assert.rejects(
      verifier().verifyCardanoStakeDistribution(big, source()),
      verdict('proof_message_mismatch'),
    );
    const [, db] = first(databases);
    const dbRoot = editMember(db, 'merkle_root', () => JSON.stringify('11'.repeat(32)));
    await assert.rejects(
      verifier().verifyCardanoDatabase(dbRoot, source()),
      verdict('proof_message_mismatch'),
    );
  });

  test('bodies refused before any walk: not JSON, no certificate, too large', async () => {
    const s = mapSource(devnet.certificates);
    await assert.rejects(verifier().verifyBlockProof('{', s), (/** @type {any} */ e) => {
      verdict('proof_malformed')(e);
      assert.equal(e.numericCode, 400);
      return true;
    });
    const [, body] = first(cblk);
    const noCert = editMember(body, 'certificate_hash', () => '7');
    await assert.rejects(verifier().verifyBlockProof(noCert, s), verdict('proof_malformed'));
    await assert.rejects(
      verifier().verifyBlockProof(new Uint8Array([0x7b, 0xff, 0x7d]), s),
      verdict('proof_malformed'),
    );
    const huge = body + ' '.repeat(16 * 1024 * 1024);
    await assert.rejects(verifier().verifyBlockProof(huge, s), (/** @type {any} */ e) => {
      verdict('input_too_large')(e);
      assert.equal(e.numericCode, 100);
      return true;
    });
    assert.equal(s.requested.length, 0, 'no certificate was fetched');
  });

  test('usage errors', async () => {
    const s = mapSource(devnet.certificates);
    const [, body] = first(cblk);
    /** @param {unknown} e */
    const usage = (e) => e instanceof TypeError && /** @type {any} */ (e).code !== undefined;
    // Fetching needs an aggregator URL.
    await assert.rejects(verifier().verifyBlockProof({ blocks: ['ab'] }, s), usage);
    await assert.rejects(verifier().verifyBlockProof({ blocks: [] }, 'http://127.0.0.1:1'), usage);
    await assert.rejects(verifier().verifyBlockProof(body, s, { blocks: 'ab' }), usage);
    await assert.rejects(verifier().verifyTransactionProof(body, s, { version: 3 }), usage);
    await assert.rejects(verifier().verifyCardanoDatabase(body, s, { digests: 5 }), usage);
    await assert.rejects(verifier().verifyCardanoStakeDistribution({ epoch: -1 }, 'http://127.0.0.1:1'), usage);
    await assert.rejects(verifier().verifyMithrilStakeDistribution(42, s), usage);
  });
});

describe('the certificate chain decides first', () => {
  test('a proof naming a certificate whose chain fails rejects with the chain code', async () => {
    const [tx, body] = first(ctxV2);
    const hash = certificateOf(body);
    const v = new CertificateVerifier(devnet.genesisKey, { trustStore: null });
    // The named certificate is unavailable.
    const missing = new Map(devnet.certificates);
    missing.delete(hash);
    await assert.rejects(
      v.verifyTransactionProof(body, mapSource(missing), { transactions: [tx] }),
      (/** @type {any} */ e) => {
        verdict('certificate_unavailable')(e);
        assert.equal(e.cause.certificate, hash);
        return true;
      },
    );
    // The named certificate's signed message altered: its hash no longer matches.
    const forged = new Map(devnet.certificates);
    forged.set(
      hash,
      editMember(/** @type {string} */ (devnet.certificates.get(hash)), 'signed_message', (m) => {
        const message = JSON.parse(m);
        return JSON.stringify((message[0] === '0' ? '1' : '0') + message.slice(1));
      }),
    );
    await assert.rejects(
      v.verifyTransactionProof(body, mapSource(forged), { transactions: [tx] }),
      verdict('certificate_hash_mismatch'),
    );
  });

  test('a valid proof moved to another verified certificate is refused', async () => {
    // Name a stake distribution's certificate instead: its chain verifies, but it does not
    // sign the proof's root, block number and offset.
    const [, body] = first(ctxV2);
    const other = certificateOf(first(csds)[1]);
    assert.notEqual(other, certificateOf(body));
    const moved = editMember(body, 'certificate_hash', () => JSON.stringify(other));
    await assert.rejects(
      verifier().verifyTransactionProof(moved, mapSource(devnet.certificates)),
      verdict('proof_message_mismatch'),
    );
  });
});

test('every walk and certificate handle is freed, whatever the verdict', async () => {
  const { api, counts } = instrumentedApi();
  const v = new api.CertificateVerifier(devnet.genesisKey, { trustStore: null });
  const [block, body] = first(cblk);
  const source = () => mapSource(devnet.certificates);
  await v.verifyBlockProof(body, source(), { blocks: [block] });
  const latest = editMember(body, 'latest_block_number', (n) => String(Number(n) + 1));
  await assert.rejects(v.verifyBlockProof(latest, source()), verdict('proof_message_mismatch'));
  await assert.rejects(v.verifyBlockProof(body, mapSource(new Map())));
  const controller = new AbortController();
  await assert.rejects(
    v.verifyBlockProof(body, source(), {
      signal: controller.signal,
      onProgress: (e) => {
        if (e.type === 'chain-verified') controller.abort();
      },
    }),
    isAbort,
  );
  await v.verifyChain(certificateOf(body), source());
  assert.equal(counts.created, 5);
  assert.equal(counts.freed, 5);
  assert.equal(counts.handles, 3, 'a handle per walk that verified, for proofs only');
  assert.equal(counts.handlesFreed, 3);
});

describe('abort during a proof verification', () => {
  test('while the chain of the proof is walked: AbortError, nothing stored', async () => {
    const store = new MemoryTrustStore();
    const v = new CertificateVerifier(devnet.genesisKey, { trustStore: store });
    const controller = new AbortController();
    const source = mapSource(devnet.certificates, {
      delayMs: 100,
      onCall: (_hash, n) => {
        if (n === 2) setTimeout(() => controller.abort(), 10);
      },
    });
    const [block, body] = first(cblk);
    await assert.rejects(
      v.verifyBlockProof(body, source, { blocks: [block], signal: controller.signal }),
      isAbort,
    );
    assert.equal(source.abortedWhilePending, 1);
    assert.deepEqual(await v.trustedCheckpoints(), []);
  });

  test('an already aborted signal fetches nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    const source = mapSource(devnet.certificates);
    const [, body] = first(msds);
    await assert.rejects(
      verifier().verifyMithrilStakeDistribution(body, source, { signal: controller.signal }),
      isAbort,
    );
    assert.equal(source.requested.length, 0);
  });
});

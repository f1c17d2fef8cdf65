// The devnet chain verifies through a getCertificate source and through an aggregator URL.

import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, test } from 'node:test';

import { CertificateVerifier, MemoryTrustStore, decodeGenesisKey, defaultLimits, version } from 'mithril-lite';

import { DEVNET_GENESIS_PREFIX, loadDevnet, mapSource, serveAggregator } from './helpers.mjs';

const devnet = loadDevnet();

/** @param {import('mithril-lite').VerifiedChain} chain */
function assertWellFormed(chain) {
  assert.equal(chain.anchor.kind, 'genesis');
  assert.ok(chain.anchor.hash.startsWith(DEVNET_GENESIS_PREFIX));
  assert.equal(chain.links.length, chain.certificatesChecked);
  assert.equal(chain.links[0].hash, chain.hash);
  assert.equal(chain.links.at(-1)?.hash, chain.anchor.hash);
  for (let i = 1; i < chain.links.length; i++) {
    assert.ok(chain.links[i].epoch <= chain.links[i - 1].epoch, 'links are newest first');
  }
  for (const l of chain.links) assert.match(l.aggregateVerificationKey, /^[0-9a-f]+$/);
}

describe('devnet chain', () => {
  test('version and genesis key decoding', () => {
    assert.match(version(), /^\d+\.\d+\.\d+/);
    const raw = decodeGenesisKey(devnet.genesisKey);
    assert.match(raw, /^[0-9a-f]{64}$/);
    assert.equal(decodeGenesisKey(raw), raw, 'raw hex is accepted too');
    assert.throws(
      () => decodeGenesisKey('5b31'),
      (/** @type {any} */ e) => e.code === 'invalid_genesis_key' && e.name === 'MithrilVerificationError',
    );
    assert.throws(
      () => new CertificateVerifier('not a key'),
      (/** @type {any} */ e) => e.code === 'invalid_genesis_key',
    );
    assert.throws(
      () => new CertificateVerifier(devnet.genesisKey, { maxChainLength: 0 }),
      (/** @type {any} */ e) => e.code === 'invalid_options',
    );
    assert.throws(
      () => new CertificateVerifier(devnet.genesisKey, { trustStore: /** @type {any} */ ({}) }),
      (/** @type {any} */ e) => e.code === 'invalid_options',
    );
  });

  test('the latest certificate verifies back to genesis (getCertificate source)', async () => {
    const verifier = new CertificateVerifier(devnet.genesisKey);
    assert.equal(verifier.genesisKeyHex, decodeGenesisKey(devnet.genesisKey));
    const source = mapSource(devnet.certificates);
    /** @type {import('mithril-lite').ProgressEvent[]} */
    const events = [];
    const chain = await verifier.verifyChain(devnet.latest, source, {
      onProgress: (e) => events.push(e),
    });
    assertWellFormed(chain);
    assert.equal(chain.hash, devnet.latest);
    assert.equal(chain.epoch, 25);
    assert.deepEqual(chain.signedEntityType, { CardanoStakeDistribution: 24 });
    assert.equal(chain.signedEntityTypeName, 'CardanoStakeDistribution');
    assert.deepEqual(chain.parameters, { k: 70, m: 105, phi_f: 0.95 });
    assert.equal(chain.isGenesis, false);
    assert.equal(chain.protocolMessage.current_epoch, '25');
    assert.deepEqual(Object.fromEntries(chain.protocolMessageParts), chain.protocolMessage);
    assert.match(chain.protocolMessage.next_aggregate_verification_key, /^7b22/);
    assert.match(chain.signedMessage, /^[0-9a-f]{64}$/);
    assert.equal(chain.trustStored, true);
    assert.equal(source.requested.length, chain.certificatesChecked);

    // Progress: every certificate fetched then verified, in order; then the chain.
    const fetched = events.filter((e) => e.type === 'certificate-fetched');
    const verified = events.filter((e) => e.type === 'certificate-verified');
    assert.deepEqual(
      fetched.map((e) => e.hash),
      chain.links.map((l) => l.hash),
    );
    assert.deepEqual(
      verified.map((e) => [e.hash, e.index, e.epoch]),
      chain.links.map((l, i) => [l.hash, i, l.epoch]),
    );
    const last = events.at(-1);
    assert.deepEqual(last, {
      type: 'chain-verified',
      hash: chain.hash,
      certificatesChecked: chain.certificatesChecked,
      anchor: chain.anchor,
    });
    console.log(`# devnet latest: ${chain.certificatesChecked} certificates, epoch 25 back to genesis`);
  });

  test('every devnet certificate verifies (text, bytes and Response-like bodies)', async () => {
    const verifier = new CertificateVerifier(devnet.genesisKey, { trustStore: null });
    const encoder = new TextEncoder();
    let geneses = 0;
    let n = 0;
    for (const hash of devnet.certificates.keys()) {
      const kind = n++ % 3;
      const source = {
        /** @param {string} h */
        getCertificate: async (h) => {
          const text = devnet.certificates.get(h);
          if (text === undefined) return undefined;
          if (kind === 0) return text;
          if (kind === 1) return encoder.encode(text);
          return new Response(text);
        },
      };
      const chain = await verifier.verifyChain(hash, source);
      assertWellFormed(chain);
      assert.equal(chain.hash, hash);
      assert.equal(chain.trustStored, false);
      if (chain.isGenesis) geneses++;
    }
    assert.equal(devnet.certificates.size, 43);
    assert.equal(geneses, 1);
  });

  test('a parsed-object source works while stakes stay below 2^53 (devnet)', async () => {
    // Documented caveat: objects are JSON.stringify'd. Devnet stakes are small, so this works;
    // mainnet's would not (pass text).
    const verifier = new CertificateVerifier(devnet.genesisKey, { trustStore: null });
    const source = {
      /** @param {string} h */
      getCertificate: async (h) => {
        const text = devnet.certificates.get(h);
        return text === undefined ? undefined : JSON.parse(text);
      },
    };
    const chain = await verifier.verifyChain(devnet.latest, source);
    assert.equal(chain.hash, devnet.latest);
  });

  describe('through an aggregator URL (node:http on 127.0.0.1)', () => {
    /** @type {Awaited<ReturnType<typeof serveAggregator>>} */
    let server;
    before(async () => {
      server = await serveAggregator(devnet.certificates, devnet.listText);
    });
    after(async () => {
      await server.close();
    });

    test('verifyChain with the base URL (trailing slash too)', async () => {
      const verifier = new CertificateVerifier(devnet.genesisKey, { trustStore: null });
      const chain = await verifier.verifyChain(devnet.latest, `${server.url}/`);
      assertWellFormed(chain);
      assert.equal(chain.hash, devnet.latest);
      assert.ok(server.requests.includes(`/aggregator/certificate/${devnet.latest}`));
    });

    test('verifyLatest reads the first hash of /certificates', async () => {
      const verifier = new CertificateVerifier(devnet.genesisKey, { trustStore: null });
      const chain = await verifier.verifyLatest(new URL(server.url));
      assert.equal(chain.hash, devnet.latest);
      assert.equal(chain.anchor.kind, 'genesis');
    });

    test('an unknown certificate (HTTP 404) is certificate_unavailable', async () => {
      const verifier = new CertificateVerifier(devnet.genesisKey, { trustStore: null });
      const missing = 'ab'.repeat(32);
      await assert.rejects(verifier.verifyChain(missing, server.url), (/** @type {any} */ e) => {
        assert.equal(e.name, 'MithrilVerificationError');
        assert.equal(e.code, 'certificate_unavailable');
        assert.equal(e.numericCode, 106);
        assert.equal(e.cause.certificate, missing);
        // The driver's words for the failed fetch, through the core's fetch_failed.
        assert.match(e.message, /HTTP 404 from http:\/\/127\.0\.0\.1/);
        return true;
      });
    });

    test('a server that closes the connection mid-body is certificate_unavailable', async () => {
      const body = devnet.certificates.get(devnet.latest) ?? '';
      const closing = createServer((_req, res) => {
        // Announces the whole body, sends half of it, then drops the connection.
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
        res.write(body.slice(0, body.length >> 1), () => res.destroy());
      });
      await new Promise((resolve) => closing.listen(0, '127.0.0.1', () => resolve(undefined)));
      const address = /** @type {import('node:net').AddressInfo} */ (closing.address());
      try {
        const verifier = new CertificateVerifier(devnet.genesisKey, { trustStore: null });
        await assert.rejects(
          verifier.verifyChain(devnet.latest, `http://127.0.0.1:${address.port}`),
          (/** @type {any} */ e) => {
            assert.equal(e.code, 'certificate_unavailable', e.message);
            assert.match(e.message, /error reading http:\/\/127\.0\.0\.1/);
            return true;
          },
        );
      } finally {
        closing.closeAllConnections();
        await new Promise((resolve) => closing.close(() => resolve(undefined)));
      }
    });

    test('a network error is certificate_unavailable; a bad list is an AggregatorError', async () => {
      const verifier = new CertificateVerifier(devnet.genesisKey, { trustStore: null });
      // Port 1 on 127.0.0.1: connection refused.
      await assert.rejects(
        verifier.verifyChain(devnet.latest, 'http://127.0.0.1:1'),
        (/** @type {any} */ e) => e.code === 'certificate_unavailable',
      );
      await assert.rejects(
        verifier.verifyLatest('http://127.0.0.1:1'),
        (/** @type {any} */ e) => e.name === 'AggregatorError' && e.code === 'certificate_list_unavailable',
      );
      await assert.rejects(
        verifier.verifyLatest(`${server.url}/nowhere`),
        (/** @type {any} */ e) => e.code === 'certificate_list_unavailable' && e.cause.status === 404,
      );
      const lists = [
        ['[]', 'certificate_list_empty'],
        ['{"hash":"x"}', 'certificate_list_malformed'],
        ['[{"epoch":1}]', 'certificate_list_malformed'],
        ['[{"hash":"not-hex"}]', 'certificate_list_malformed'],
        ['[{"hash":"' + 'a'.repeat(64) + '", "stake": 123456789012345678901234567890}', 'certificate_list_malformed'],
      ];
      for (const [body, code] of lists) {
        const fake = new CertificateVerifier(devnet.genesisKey, {
          trustStore: null,
          fetch: async () => new Response(body),
        });
        await assert.rejects(fake.verifyLatest('https://aggregator.invalid/api'), (/** @type {any} */ e) => {
          assert.equal(e.code, code, body);
          return true;
        });
      }
    });

    test('large numbers in the list are skipped as text, not parsed', async () => {
      const hash = devnet.latest;
      const body = `[{"hash":"${hash}","metadata":{"total_stake":123456789012345678901234567890,"x":[1.5e300,{"a":"}]"}]}}]`;
      const verifier = new CertificateVerifier(devnet.genesisKey, {
        trustStore: null,
        /** @param {string} url */
        fetch: async (url) =>
          url.endsWith('/certificates')
            ? new Response(body)
            : new Response(devnet.certificates.get(decodeURIComponent(url.split('/').at(-1) ?? ''))),
      });
      const chain = await verifier.verifyLatest('https://aggregator.invalid/api/');
      assert.equal(chain.hash, hash);
    });
  });

  test('an oversized certificate is refused by the walk (input_too_large), unread beyond the limit', async () => {
    const verifier = new CertificateVerifier(devnet.genesisKey, {
      trustStore: null,
      maxCertificateBytes: 1000,
      fetch: async () => new Response(devnet.certificates.get(devnet.latest)),
    });
    await assert.rejects(
      verifier.verifyChain(devnet.latest, 'https://aggregator.invalid'),
      (/** @type {any} */ e) => e.code === 'input_too_large',
    );
  });

  test("defaultLimits() is the core's WalkConfig; the driver's read bound is the core's", async () => {
    // The defaults README.md and src/chain/config.rs document.
    const limits = defaultLimits();
    assert.deepEqual(limits, {
      maxChainLength: 10_000,
      maxCertificateBytes: 8 * 1024 * 1024,
      pairingBatch: 32,
      maxSignaturesPerCertificate: 4_096,
      maxIndicesPerCertificate: 65_536,
      maxIndicesPerSignature: 32_768,
      maxCheckpoints: 1_000,
      maxProofBytes: 16 * 1024 * 1024,
      maxListBytes: 16 * 1024 * 1024,
    });
    // No maxCertificateBytes given: one byte above the core's bound is refused, the bound
    // itself is read and parsed (blanks: certificate_malformed), and reading stops early.
    /** @param {number} size */
    const serving = (size) => {
      const read = { bytes: 0 };
      const chunk = 1024 * 1024;
      const verifier = new CertificateVerifier(devnet.genesisKey, {
        trustStore: null,
        fetch: async () =>
          new Response(
            new ReadableStream({
              pull(controller) {
                const n = Math.min(chunk, size - read.bytes);
                if (n <= 0) return controller.close();
                read.bytes += n;
                controller.enqueue(new Uint8Array(n).fill(0x20));
              },
            }),
          ),
      });
      return { verifier, read };
    };
    const above = serving(limits.maxCertificateBytes + 1);
    await assert.rejects(
      above.verifier.verifyChain(devnet.latest, 'https://aggregator.invalid'),
      (/** @type {any} */ e) => e.code === 'input_too_large',
    );
    const huge = serving(4 * limits.maxCertificateBytes);
    await assert.rejects(
      huge.verifier.verifyChain(devnet.latest, 'https://aggregator.invalid'),
      (/** @type {any} */ e) => e.code === 'input_too_large',
    );
    assert.ok(huge.read.bytes < 2 * limits.maxCertificateBytes, `read ${huge.read.bytes} bytes`);
    const at = serving(limits.maxCertificateBytes);
    await assert.rejects(
      at.verifier.verifyChain(devnet.latest, 'https://aggregator.invalid'),
      (/** @type {any} */ e) => e.code === 'certificate_malformed',
    );
  });

  test("progress events carry the core's progress: counts, epochs, the fraction", async () => {
    const genesisEpoch = [...devnet.certificates.values()]
      .map((text) => JSON.parse(text))
      .find((c) => c.genesis_signature)?.epoch;
    assert.equal(typeof genesisEpoch, 'number');
    const store = new MemoryTrustStore();
    const verifier = new CertificateVerifier(devnet.genesisKey, { trustStore: store, workers: 0 });
    /** @type {any[]} */
    const events = [];
    const chain = await verifier.verifyChain(devnet.latest, mapSource(devnet.certificates), {
      onProgress: (e) => events.push(e),
    });
    const fetched = events.filter((e) => e.type === 'certificate-fetched');
    const verified = events.filter((e) => e.type === 'certificate-verified');
    fetched.forEach((e, i) => assert.equal(e.progress.certificatesFetched, i + 1));
    // Events follow the checked count; the verified one waits for the pairing batches.
    verified.forEach((e, i) => {
      assert.ok(e.progress.certificatesChecked > i, JSON.stringify(e));
      assert.ok(e.progress.certificatesVerified <= e.progress.certificatesChecked, JSON.stringify(e));
    });
    // A walk to genesis: no fraction until genesis is read.
    assert.ok(fetched.slice(0, -1).every((e) => e.progress.fraction === undefined));
    assert.equal(fetched[0].progress.startEpoch, chain.epoch);
    const end = verified.at(-1).progress;
    assert.equal(end.certificatesVerified, chain.certificatesChecked);
    assert.equal(end.anchorEpoch, genesisEpoch);
    assert.equal(end.verifiedEpoch, genesisEpoch);
    assert.equal(end.anchorVerified, true);
    assert.equal(end.fraction, 1);

    // A second walk, to a stored checkpoint: its epoch is known from the first certificate.
    const older = chain.links[chain.links.length - 4];
    const resumed = new CertificateVerifier(devnet.genesisKey, { trustStore: new MemoryTrustStore() });
    await resumed.verifyChain(older.hash, mapSource(devnet.certificates));
    /** @type {any[]} */
    const again = [];
    await resumed.verifyChain(devnet.latest, mapSource(devnet.certificates), {
      onProgress: (e) => again.push(e),
    });
    const first = again.find((e) => e.type === 'certificate-fetched');
    assert.equal(first.progress.anchorEpoch, older.epoch);
    assert.equal(first.progress.fraction, 0);
    const fractions = again.filter((e) => e.progress).map((e) => e.progress.fraction);
    assert.deepEqual(fractions, [...fractions].sort((a, b) => a - b), 'the fraction never drops');
    assert.equal(again.filter((e) => e.type === 'certificate-verified').at(-1).progress.fraction, 1);
  });

  test('a wrong body for the starting hash is refused', async () => {
    const verifier = new CertificateVerifier(devnet.genesisKey, { trustStore: null });
    const [a, b] = [...devnet.certificates.keys()];
    await assert.rejects(
      verifier.verifyChain(a, { getCertificate: async () => devnet.certificates.get(b) }),
      (/** @type {any} */ e) => e.code === 'unexpected_certificate',
    );
    await assert.rejects(
      verifier.verifyChain(a, { getCertificate: async () => 'not json' }),
      (/** @type {any} */ e) => e.code === 'certificate_malformed',
    );
    await assert.rejects(
      verifier.verifyChain(a, /** @type {any} */ (42)),
      (/** @type {any} */ e) => e.code === 'invalid_argument',
    );
  });
});

// Public networks: networks() and CertificateVerifier.forNetwork read the core's table (keys
// compared with tests/fixtures/networks.json); an explicit key wins; the network's aggregator
// is the default source (its URL answered here by a local aggregator through options.fetch).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { CertificateVerifier, decodeGenesisKey, networks } from 'mithril-lite';
import * as bundler from 'mithril-lite/bundler';
import * as web from 'mithril-lite/web';

import { DEVNET_GENESIS_PREFIX, FIXTURES, loadDevnet, serveAggregator } from './helpers.mjs';

const published = JSON.parse(readFileSync(join(FIXTURES, 'networks.json'), 'utf8'));
const devnet = loadDevnet();
const MITHRIL_NAMES = { mainnet: 'release-mainnet', preprod: 'release-preprod', preview: 'pre-release-preview' };

describe('networks', () => {
  test('networks() is the published table, mainnet first, from every entry', () => {
    const list = networks();
    assert.deepEqual(
      list.map((n) => n.name),
      ['mainnet', 'preprod', 'preview'],
    );
    for (const n of list) {
      const entry = published[n.mithrilName];
      assert.equal(n.mithrilName, MITHRIL_NAMES[/** @type {keyof typeof MITHRIL_NAMES} */ (n.name)]);
      assert.equal(n.genesisVerificationKey, entry.genesis_vkey_raw_hex, n.name);
      assert.equal(n.aggregator, entry.aggregator, n.name);
      // The JSON-hex spelling of the genesis.vkey file is the same key.
      assert.equal(decodeGenesisKey(entry.genesis_vkey_json_hex), n.genesisVerificationKey);
    }
    assert.deepEqual(web.networks(), list);
    assert.deepEqual(bundler.networks(), list);
  });

  for (const name of ['mainnet', 'preprod', 'preview']) {
    test(`forNetwork('${name}') takes the preset key and aggregator`, async () => {
      const entry = published[MITHRIL_NAMES[/** @type {keyof typeof MITHRIL_NAMES} */ (name)]];
      const verifier = await CertificateVerifier.forNetwork(name, { workers: 0 });
      try {
        assert.equal(verifier.genesisKeyHex, entry.genesis_vkey_raw_hex);
        assert.equal(verifier.genesisKeySource, 'network');
        assert.equal(verifier.aggregator, entry.aggregator);
        assert.equal(verifier.network?.name, name);
        assert.ok(Object.isFrozen(verifier.network));
      } finally {
        await verifier.close();
      }
    });
  }

  test('a Mithril name and another case find the same network', async () => {
    const verifier = await CertificateVerifier.forNetwork('Release-Mainnet', { workers: 0 });
    assert.equal(verifier.network?.name, 'mainnet');
    assert.equal(verifier.genesisKeyHex, published['release-mainnet'].genesis_vkey_raw_hex);
    await verifier.close();
  });

  test('an unknown name or a non-string rejects with invalid_argument', async () => {
    for (const bad of ['devnet-test', '', 'mainnet ', 42]) {
      await assert.rejects(
        // @ts-expect-error a number on purpose
        CertificateVerifier.forNetwork(bad),
        (/** @type {any} */ e) =>
          e instanceof TypeError &&
          e.code === 'invalid_argument' &&
          (typeof bad !== 'string' || /mainnet, preprod, preview/.test(e.message)),
      );
    }
    await assert.rejects(
      // @ts-expect-error a number on purpose
      CertificateVerifier.forNetwork('mainnet', { genesisVerificationKey: 7 }),
      (/** @type {any} */ e) => e.code === 'invalid_options',
    );
    await assert.rejects(
      CertificateVerifier.forNetwork('mainnet', { genesisVerificationKey: '5b31' }),
      (/** @type {any} */ e) => e.code === 'invalid_genesis_key',
    );
  });

  test('create() verifiers have no network and need a source', async () => {
    const verifier = await CertificateVerifier.create(devnet.genesisKey, { workers: 0 });
    assert.equal(verifier.network, null);
    assert.equal(verifier.aggregator, undefined);
    assert.equal(verifier.genesisKeySource, 'explicit');
    await assert.rejects(verifier.verifyLatest(), (/** @type {any} */ e) => e.code === 'invalid_argument');
    await assert.rejects(
      verifier.verifyChain(devnet.latest),
      (/** @type {any} */ e) => e.code === 'invalid_argument',
    );
    await verifier.close();
  });

  describe("the network's aggregator is the default source", () => {
    /** @type {Awaited<ReturnType<typeof serveAggregator>>} */
    let server;
    /** URLs the verifiers asked for. @type {string[]} */
    const asked = [];
    const mainnetUrl = published['release-mainnet'].aggregator;
    /**
     * A fetch that serves the mainnet aggregator's URLs from the local aggregator.
     * @type {import('mithril-lite').FetchLike}
     */
    const fetchFromLocal = (input, init) => {
      const url = String(input);
      asked.push(url);
      if (!url.startsWith(mainnetUrl)) throw new Error(`unexpected URL ${url}`);
      return fetch(server.url + url.slice(mainnetUrl.length), init);
    };

    before(async () => {
      server = await serveAggregator(devnet.certificates, devnet.listText);
    });
    after(async () => {
      await server.close();
    });

    test('an explicit key wins: the devnet chain verifies through the mainnet URL', async () => {
      asked.length = 0;
      const verifier = await CertificateVerifier.forNetwork('mainnet', {
        genesisVerificationKey: devnet.genesisKey,
        fetch: fetchFromLocal,
        workers: 0,
      });
      assert.equal(verifier.genesisKeySource, 'explicit');
      assert.equal(verifier.genesisKeyHex, decodeGenesisKey(devnet.genesisKey));
      assert.equal(verifier.network?.name, 'mainnet');
      const chain = await verifier.verifyLatest();
      assert.equal(chain.hash, devnet.latest);
      assert.ok(chain.anchor.hash.startsWith(DEVNET_GENESIS_PREFIX));
      assert.equal(asked[0], `${mainnetUrl}/certificates`);
      assert.ok(asked.slice(1).every((u) => u.startsWith(`${mainnetUrl}/certificate/`)));
      // verifyChain without a source: the same aggregator (a trusted checkpoint ends the walk).
      const again = await verifier.verifyChain(devnet.latest, undefined);
      assert.equal(again.anchor.kind, 'trusted');
      assert.equal(asked.at(-1), `${mainnetUrl}/certificate/${devnet.latest}`);
      await verifier.close();
    });

    test("the preset key is used: mainnet's key refuses the devnet genesis", async () => {
      const verifier = await CertificateVerifier.forNetwork('mainnet', {
        fetch: fetchFromLocal,
        workers: 0,
      });
      await assert.rejects(
        verifier.verifyLatest(),
        (/** @type {any} */ e) =>
          e.name === 'MithrilVerificationError' && e.code === 'genesis_signature_invalid',
      );
      await verifier.close();
    });

    test('a source given explicitly wins over the network aggregator', async () => {
      asked.length = 0;
      const verifier = await CertificateVerifier.forNetwork('preview', {
        genesisVerificationKey: devnet.genesisKey,
        fetch: (input, init) => {
          asked.push(String(input));
          return fetch(input, init);
        },
        workers: 0,
      });
      const chain = await verifier.verifyLatest(server.url);
      assert.equal(chain.hash, devnet.latest);
      assert.ok(asked.every((u) => u.startsWith(server.url)));
      await verifier.close();
    });
  });
});

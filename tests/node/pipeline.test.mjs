// Pipelining: after feeding certificate n, the driver starts fetching n+1 before it runs n's
// STM check, so downloads overlap verification. Asserted by order (the instrumented walk's
// log), never by elapsed time; the time saved is measured by the benchmarks.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { CertificateVerifier } from 'mithril-lite';

import { loadDevnet, mapSource } from './helpers.mjs';
import { instrumentedApi } from './instrumented.mjs';

const devnet = loadDevnet();

describe('pipelining', () => {
  test('getCertificate(n+1) is called before certificate n is reported verified', async () => {
    /** @type {string[]} */
    const log = [];
    const verifier = new CertificateVerifier(devnet.genesisKey, { trustStore: null });
    const source = mapSource(devnet.certificates, { log });
    const chain = await verifier.verifyChain(devnet.latest, source, {
      onProgress: (e) => {
        if (e.type === 'certificate-verified') log.push(`verified ${e.index} ${e.hash}`);
      },
    });
    const n = chain.certificatesChecked;
    assert.ok(n > 3);
    for (let i = 0; i + 1 < n; i++) {
      const fetchNext = log.findIndex((l) => l.startsWith(`fetch ${i + 1} `));
      const verified = log.findIndex((l) => l.startsWith(`verified ${i} `));
      assert.ok(fetchNext >= 0 && verified >= 0, `${i}: ${log.join('\n')}`);
      assert.ok(fetchNext < verified, `fetch of ${i + 1} started after ${i} was verified:\n${log.join('\n')}`);
    }
  });

  test('the fetch of n+1 starts before the STM check of n starts (instrumented walk)', async () => {
    // The source answers after 20 ms, so each fetch is still in flight while a check runs.
    let pendingFetches = 0;
    /** Fetches in flight as each check starts. @type {number[]} */
    const inFlightAtCheck = [];
    /** @type {string[]} */
    const log = [];
    const record = log.push.bind(log);
    log.push = (...lines) => {
      for (const l of lines) if (l.startsWith('check-start ')) inFlightAtCheck.push(pendingFetches);
      return record(...lines);
    };
    const { api } = instrumentedApi(log);
    const verifier = new api.CertificateVerifier(devnet.genesisKey, { trustStore: null });
    const source = {
      /** @param {string} hash */
      async getCertificate(hash) {
        log.push(`fetch ${hash}`);
        pendingFetches++;
        await new Promise((r) => setTimeout(r, 20));
        pendingFetches--;
        return devnet.certificates.get(hash);
      },
    };
    const chain = await verifier.verifyChain(devnet.latest, source);
    const hashes = chain.links.map((l) => l.hash);
    let checks = 0;
    for (let i = 0; i + 1 < hashes.length; i++) {
      const start = log.indexOf(`check-start ${i}`);
      if (start < 0) continue; // the anchor (genesis) has no STM check
      checks++;
      const fetchNext = log.indexOf(`fetch ${hashes[i + 1]}`);
      assert.ok(fetchNext >= 0 && fetchNext < start, `certificate ${i}:\n${log.join('\n')}`);
      // ...and it was fed only after the check ran: the check overlapped the download.
      assert.ok(log.indexOf(`feed ${hashes[i + 1]}`) > log.indexOf(`check-end ${i}`));
    }
    assert.equal(checks, hashes.length - 1);
    // While every check but the last ran, the next download was pending (the last one's
    // predecessor is genesis, fetched by then).
    assert.equal(inFlightAtCheck.length, checks);
    assert.ok(inFlightAtCheck.slice(0, -1).every((p) => p === 1), String(inFlightAtCheck));
  });
});

// The page side of benches/browser/bench.mjs: loads the npm package's web entry and the
// mainnet-params chain from the bench server, then times, interleaved in the same page, a cold
// walk through `CertificateVerifier` (its default pool of Web Workers; a fresh verifier per
// round with no trust store, so the pool's start-up is included) and mithril-lite inline (the
// same wasm module's `Walk`, every STM check on the page's thread).

import { CertificateVerifier, init } from '/pkg/src/web.js';
import * as wasm from '/pkg/dist/web/mithril_lite.js';
import { chainFromFiles, liteWalk } from '/bench/chains.mjs';

const text = async (path) => {
  const response = await fetch(path);
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response.text();
};

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};

/** @param {{rounds: number, warmup: number}} options */
async function run({ rounds, warmup }) {
  await init();
  const dir = '/chain/mainnet-params';
  const chain = chainFromFiles(
    await text(`${dir}/certificates.json`),
    await text(`${dir}/genesis.vkey`),
    await text(`${dir}/latest`),
  );
  const source = { getCertificate: async (hash) => chain.bytes.get(hash) };
  const hasPool = typeof new CertificateVerifier(chain.genesisKey, { trustStore: null }).close === 'function';

  const inline = async () => liteWalk(wasm, chain);
  let poolStats;
  const pooled = async () => {
    const verifier = new CertificateVerifier(chain.genesisKey, { trustStore: null });
    try {
      const checked = (await verifier.verifyChain(chain.start, source)).certificatesChecked;
      poolStats = verifier.poolStats?.();
      return checked;
    } finally {
      await verifier.close?.();
    }
  };
  const certificates = await inline();
  const sides = hasPool ? [inline, pooled] : [inline];
  if (hasPool && (await pooled()) !== certificates) throw new Error('the two walks disagree');

  for (let w = 0; w < warmup; w++) for (const side of sides) await side();
  const times = sides.map(() => []);
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? sides.map((_, i) => i) : sides.map((_, i) => i).reverse();
    for (const i of order) {
      const start = performance.now();
      await sides[i]();
      times[i].push(performance.now() - start);
    }
  }
  return {
    certificates,
    hardwareConcurrency: navigator.hardwareConcurrency,
    userAgent: navigator.userAgent,
    hasPool,
    poolStats,
    inline: median(times[0]),
    inlineRange: [Math.min(...times[0]), Math.max(...times[0])],
    pooled: hasPool ? median(times[1]) : undefined,
    pooledRange: hasPool ? [Math.min(...times[1]), Math.max(...times[1])] : undefined,
  };
}

window.runBench = (options) => run(options);
window.benchReady = true;

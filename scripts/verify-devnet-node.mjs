// The main job through the npm package: start the local devnet "aggregator" (www/server.mjs on
// 127.0.0.1), verify its newest certificate back to genesis with the package's Node entry,
// print progress as it goes and the result, then stop the server.
//
// Usage: node scripts/verify-devnet-node.mjs     (after scripts/build-wasm.sh)
import { CertificateVerifier } from '../pkg/src/node.js';
import { startServer } from '../www/server.mjs';

const { url, fixtures, close } = await startServer({ port: 0 });
const aggregator = `${url}aggregator`;
console.log(`local aggregator ${aggregator}: ${fixtures.certificates.size} devnet certificates`);
const started = performance.now();
try {
  const verifier = new CertificateVerifier(fixtures.genesisKey);
  const chain = await verifier.verifyLatest(aggregator, {
    onProgress: (e) => {
      if (e.type === 'certificate-verified') {
        console.error(`  verified #${e.index} ${e.hash.slice(0, 16)}… epoch ${e.epoch}`);
      }
    },
  });
  const ms = (performance.now() - started).toFixed(0);
  console.log(
    `VALID   ${chain.hash} (epoch ${chain.epoch}, ${chain.signedEntityTypeName}) verified back to ` +
      `${chain.anchor.kind} certificate ${chain.anchor.hash}: ${chain.certificatesChecked} certificates checked in ${ms} ms`,
  );
} catch (e) {
  console.log(`INVALID [${e.code ?? 'error'}] ${e.message}`);
  process.exitCode = 1;
} finally {
  await close();
}

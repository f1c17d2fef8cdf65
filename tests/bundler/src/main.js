// A tiny app that imports mithril-lite's browser entry, so `vite build` must resolve the
// exports map's browser condition and emit the .wasm found through
// `new URL('../dist/web/mithril_lite_bg.wasm', import.meta.url)`.
import { init, CertificateVerifier, decodeGenesisKey } from 'mithril-lite';

const out = document.querySelector('#out');

async function main() {
  await init();
  const ok = typeof CertificateVerifier === 'function' && typeof decodeGenesisKey === 'function';
  if (out) out.textContent = ok ? 'mithril-lite ready' : 'mithril-lite: missing exports';
}

main().catch((err) => {
  if (out) out.textContent = `mithril-lite failed: ${err}`;
});

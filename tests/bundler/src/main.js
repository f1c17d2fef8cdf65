// A tiny app that imports mithril-lite's browser entry, so `vite build` must resolve the
// exports map's browser condition and emit the .wasm found through
// `new URL('../dist/web/mithril_lite_bg.wasm', import.meta.url)`. It also loads the
// `mithril-lite/bundler` entry (the same module, initialised by a top-level await): the build
// must keep that await and still emit one .wasm for both.
import { init, CertificateVerifier, decodeGenesisKey, version } from 'mithril-lite';

const out = document.querySelector('#out');

async function main() {
  await init();
  const bundler = await import('mithril-lite/bundler');
  const ok =
    typeof CertificateVerifier === 'function' &&
    typeof decodeGenesisKey === 'function' &&
    bundler.version() === version();
  if (out) out.textContent = ok ? 'mithril-lite ready' : 'mithril-lite: missing exports';
}

main().catch((err) => {
  if (out) out.textContent = `mithril-lite failed: ${err}`;
});

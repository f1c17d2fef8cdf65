// Bundler entry (`mithril-lite/bundler`): the web entry, with the .wasm loaded at import (a
// top-level await), so that it is ready once imported, as a bundler's WebAssembly ES-module
// integration would make it. The .wasm is the package's one module (dist/web/), found through
// `new URL(..., import.meta.url)`, which bundlers (webpack 5, Vite, Parcel, Rollup with a URL
// plugin) emit as an asset: no WebAssembly ES-module integration is needed. init() is a no-op.

import { init } from './web.js';

await init();

export * from './web.js';

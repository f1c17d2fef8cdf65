// Peak wasm memory of one mithril-lite instance (run by bench.mjs in a fresh node process, so no
// earlier workload has grown the memory): loads the npm module's node build, walks a chain
// inline once (every STM check in this instance) and prints, as JSON, the size of the
// instance's WebAssembly.Memory after instantiation and after the walk. A wasm memory only
// grows, so the final size is the peak.
//
// Usage: node benches/wasm/memory.mjs CHAIN_DIR       (MITHRIL_LITE_JS: the module, as bench.mjs)

import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chainFromFiles, liteWalk } from "./chains.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const dir = process.argv[2];
if (!dir) throw new Error("usage: node benches/wasm/memory.mjs CHAIN_DIR");

// The glue keeps its instance to itself: note every instance created while it loads.
const instances = [];
const OriginalInstance = WebAssembly.Instance;
WebAssembly.Instance = new Proxy(OriginalInstance, {
  construct(target, args) {
    const instance = Reflect.construct(target, args);
    instances.push(instance);
    return instance;
  },
});
const litePath = resolve(ROOT, process.env.MITHRIL_LITE_JS || "pkg/dist/web/mithril_lite.js");
// The npm package's module is `--target web` (ES module, instantiated from its bytes); a
// `--target nodejs` build (CommonJS) instantiates itself.
let lite;
try {
  lite = createRequire(import.meta.url)(litePath);
} catch (e) {
  if (!e || e.code !== "ERR_REQUIRE_ESM") throw e;
  lite = await import(pathToFileURL(litePath).href);
}
if (typeof lite.initSync === "function") {
  lite.initSync({ module: readFileSync(litePath.replace(/\.js$/, "_bg.wasm")) });
}
WebAssembly.Instance = OriginalInstance;
const memories = instances.map((i) => i.exports.memory).filter((m) => m instanceof WebAssembly.Memory);
if (memories.length !== 1) throw new Error(`expected one wasm memory, found ${memories.length}`);
const [memory] = memories;

const read = (f) => readFileSync(join(dir, f), "utf8");
const chain = chainFromFiles(read("certificates.json"), read("genesis.vkey"), read("latest"));
const initialBytes = memory.buffer.byteLength;
const certificates = liteWalk(lite, chain);
console.log(JSON.stringify({ bytes: memory.buffer.byteLength, initialBytes, certificates }));

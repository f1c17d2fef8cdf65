// WebAssembly benchmark (node): mithril-lite against the reference verifiers, both compiled to
// wasm32 and run in this one node process, on the same inputs.
//
// Workloads (each prints one line: both medians and the ratio reference / mithril-lite):
//   stm      the mainnet-parameter STM vector (tests/fixtures/reference-stm/
//            mainnet-params-200-parties.json: m=20973, k=2422, phi_f=0.2, 200 parties): decode the
//            JSON-hex AVK and aggregate signature, then verify; and a second line for the
//            verification alone, on inputs decoded beforehand.
//            mithril-lite: its stm API, through the benchmark-only module of benches/wasm/lite-stm
//            (the library's wasm binding exports the chain walk, not a bare STM check);
//            reference: mithril-stm 0.13.0 (benches/wasm/reference, `verifyStm`).
//   devnet   the devnet chain (tests/fixtures/devnet), from the newest certificate back to genesis.
//            mithril-lite: the library's wasm binding (pkg/dist/web), `Walk` driven with each
//            certificate's exact bytes, every STM check run as soon as it is handed out;
//            reference: mithril-common 0.8.3's MithrilCertificateVerifier with an in-memory
//            certificate retriever (benches/wasm/reference, `ReferenceChain`), parsing each
//            certificate body as the official client does with what it downloads.
//   mainnet  the mainnet-parameter reference chain (tests/fixtures/reference-chains/
//            mainnet-params: 21 certificates, m=16948, k=1944), from `latest` back to genesis,
//            same two verifiers as `devnet`.
//   pool     the mainnet-params chain cold through the npm package's public `CertificateVerifier`
//            (pkg/src/node.js) with its default worker pool, a fresh verifier per round (no trust
//            store, nothing cached, the pool's start-up included), against the reference on one
//            thread. "not measured" when the package has no pool (no `close()`).
//   floor    mithril-lite's inline walk of the mainnet-params chain against the floor: the blst
//            operations of every certificate's aggregate (benches/wasm/lite-stm/src/floor.rs),
//            timed in the same rounds; printed per certificate and as a multiple.
//   warm     the key cache: in a chain with two certificates per epoch ($BENCH_CHAIN_WARM), the
//            second certificate of an epoch as a fraction of the first (inline walks); and a new
//            tip of the mainnet-params chain whose predecessor is trusted, through
//            `CertificateVerifier` (trust store frozen after verifying the predecessor), against
//            the reference's full walk.
//   long     the generated 400-epoch chain ($BENCH_CHAIN_400): `CertificateVerifier` with its
//            default pool, and the inline `Walk`, each against the reference.
//   memory   peak `WebAssembly.Memory` size of one instance after an inline walk of the
//            mainnet-params chain, in a fresh process (memory.mjs).
//
// Rows with a target print it; a row whose feature or input is missing prints
// "not measured: <reason>", never a figure.
//
// Timed: from the text (or bytes) of the inputs, already in JS memory, to the verdict. Not timed:
// reading the fixture files, loading and compiling the wasm modules, one JS-side UTF-8 encoding of
// each certificate body for mithril-lite's `feed` and one copy of the bodies into the reference
// module's in-memory retriever.
//
// Before timing, each workload checks that both sides accept its input (and agree on the number
// of certificates) and reject a spoiled one (another message; another genesis key). Rounds are
// interleaved: each round runs both implementations once, the order flipping every round, after
// untimed warm-up runs.
//
// Usage: node benches/wasm/bench.mjs [WORKLOAD...]       (default: all of the above)
// Environment:
//   BENCH_ROUNDS         timed rounds per workload (default 15)
//   BENCH_WARMUP         untimed warm-up runs of each side per workload (default 2)
//   MITHRIL_LITE_JS      mithril-lite's module (default pkg/dist/web/mithril_lite.js, --target web)
//   LITE_STM_JS          the lite-stm module (default target/wasm-lite-stm/pkg/mithril_lite_bench_stm.js)
//   BENCH_CHAIN_400      the generated 400-epoch chain's directory (scripts/bench.sh sets it)
//   BENCH_CHAIN_WARM     the generated two-per-epoch chain's directory (scripts/bench.sh sets it)
//   REFERENCE_JS         the reference module
//                        (default target/wasm-reference/pkg/mithril_lite_bench_reference.js)

import { createRequire } from "node:module";
import { execFileSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { availableParallelism, cpus, loadavg } from "node:os";
import { chainFields, chainFromFiles, liteWalk } from "./chains.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const require = createRequire(import.meta.url);

function positiveInt(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || (name === "BENCH_ROUNDS" && n === 0)) {
    throw new Error(`${name} must be a ${name === "BENCH_ROUNDS" ? "positive" : "non-negative"} integer, got ${raw}`);
  }
  return n;
}

const ROUNDS = positiveInt("BENCH_ROUNDS", 15);
const WARMUP = positiveInt("BENCH_WARMUP", 2);

// ---- Loading ------------------------------------------------------------------------------------

/** Load a wasm-bindgen module: `--target nodejs` (CommonJS) or `--target web` (ES module, instantiated here). */
async function loadModule(envName, relativeDefault, hint) {
  const path = resolve(ROOT, process.env[envName] || relativeDefault);
  try {
    statSync(path);
  } catch {
    throw new Error(`${path} not found (${hint}); scripts/bench-wasm.sh builds it`);
  }
  let module;
  try {
    module = require(path);
  } catch (e) {
    if (!e || e.code !== "ERR_REQUIRE_ESM") throw e;
    module = await import(pathToFileURL(path).href);
  }
  // A `--target web` module (the npm package's): instantiate it from the .wasm next to it.
  if (typeof module.initSync === "function") {
    module.initSync({ module: readFileSync(path.replace(/\.js$/, "_bg.wasm")) });
  }
  return { path, module };
}

function wasmSize(jsPath) {
  const wasm = jsPath.replace(/\.js$/, "_bg.wasm");
  try {
    return `${(statSync(wasm).size / 1024).toFixed(0)} KiB`;
  } catch {
    return "?";
  }
}

// ---- Fixtures -----------------------------------------------------------------------------------

const fixture = (...parts) => join(ROOT, "tests", "fixtures", ...parts);
const readText = (path) => readFileSync(path, "utf8");

function loadChain(dir, start) {
  return chainFromFiles(
    readText(join(dir, "certificates.json")),
    readText(join(dir, "genesis.vkey")),
    start,
  );
}

// ---- Timing -------------------------------------------------------------------------------------

const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

function timeOnce(f) {
  const start = nowMs();
  f();
  return nowMs() - start;
}

function median(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 === 1 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/** Both sides alternately, the order flipping every round; returns their medians in ms. */
function interleavedMedians(lite, reference) {
  for (let w = 0; w < WARMUP; w++) {
    lite();
    reference();
  }
  const liteTimes = [];
  const referenceTimes = [];
  for (let round = 0; round < ROUNDS; round++) {
    if (round % 2 === 0) {
      liteTimes.push(timeOnce(lite));
      referenceTimes.push(timeOnce(reference));
    } else {
      referenceTimes.push(timeOnce(reference));
      liteTimes.push(timeOnce(lite));
    }
  }
  return {
    lite: median(liteTimes),
    reference: median(referenceTimes),
    liteRange: [Math.min(...liteTimes), Math.max(...liteTimes)],
    referenceRange: [Math.min(...referenceTimes), Math.max(...referenceTimes)],
  };
}

const fmt = (ms) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));

function report(name, referenceName, m, target = "") {
  console.log(
    `${name}: mithril-lite ${fmt(m.lite)} ms, ${referenceName} ${fmt(m.reference)} ms, ` +
      `reference/mithril-lite = ${(m.reference / m.lite).toFixed(1)}x ` +
      `(${target ? `target ${target}; ` : ""}medians of ${ROUNDS} interleaved rounds; ` +
      `ranges ${fmt(m.liteRange[0])}-${fmt(m.liteRange[1])} ms ` +
      `and ${fmt(m.referenceRange[0])}-${fmt(m.referenceRange[1])} ms)`,
  );
}

/** A row whose feature or input is missing: said so, never a figure. */
function notMeasured(name, reason) {
  console.log(`${name}: not measured: ${reason}`);
}

// ---- Workloads ----------------------------------------------------------------------------------

function stmWorkload(liteStm, reference) {
  const v = JSON.parse(readText(fixture("reference-stm", "mainnet-params-200-parties.json")));
  // Exact parameter text as the fixture holds it (small integers and 0.2 survive JSON.parse).
  const params = JSON.stringify({ m: v.params.m, k: v.params.k, phi_f: v.params.phi_f });
  const args = [params, v.message_hex, v.avk_json_hex, v.aggregate_signature_json_hex];
  const lite = () => liteStm.verifyStm(...args);
  const ref = () => reference.verifyStm(...args);
  // Both accept the vector (each throws otherwise) and reject it for another message before
  // anything is timed.
  lite();
  ref();
  const otherMessage = (v.message_hex[0] === "0" ? "1" : "0") + v.message_hex.slice(1);
  const badArgs = [params, otherMessage, args[2], args[3]];
  mustThrow("mithril-lite, STM vector with another message", () => liteStm.verifyStm(...badArgs));
  mustThrow("mithril-stm, STM vector with another message", () => reference.verifyStm(...badArgs));
  const what = `STM mainnet-params vector (m=${v.params.m}, k=${v.params.k}, ${v.n_parties} parties`;
  report(`${what}; decode + verify)`, "mithril-stm 0.13.0", interleavedMedians(lite, ref));

  // The same with the inputs decoded beforehand (as the native benchmark's "verify only").
  const liteDecoded = new liteStm.DecodedStm(...args);
  const referenceDecoded = new reference.DecodedStm(...args);
  try {
    report(
      // Not like for like: mithril-lite's parsing keeps the points compressed (the check
      // decompresses them, so a worker does it), the reference's parsing decompresses them.
      `${what}; verify after parsing: mithril-lite decompresses the points here, the reference at parsing)`,
      "mithril-stm 0.13.0",
      interleavedMedians(
        () => liteDecoded.verify(),
        () => referenceDecoded.verify(),
      ),
    );
  } finally {
    liteDecoded.free();
    referenceDecoded.free();
  }
}

/**
 * A valid genesis verification key that signed none of the fixtures (they all share one test key):
 * the Ed25519 base point, in the key files' JSON-hex layout (hex of a JSON array of 32 bytes).
 */
const OTHER_GENESIS_KEY = Buffer.from(JSON.stringify([0x58, ...new Array(31).fill(0x66)])).toString(
  "hex",
);

function mustThrow(what, f) {
  try {
    f();
  } catch {
    return;
  }
  throw new Error(`${what}: accepted, should have been rejected`);
}

function chainWorkload(name, lite, reference, chain, otherGenesisKey, target = "") {
  const referenceChain = new reference.ReferenceChain(chain.genesisKey);
  for (const [hash, body] of chain.bodies) referenceChain.add(hash, body);
  const wrongKeyChain = new reference.ReferenceChain(otherGenesisKey);
  for (const [hash, body] of chain.bodies) wrongKeyChain.add(hash, body);
  try {
    // Both reject the chain under another genesis key (they walk it all to find out).
    mustThrow(`mithril-lite, ${name} under another genesis key`, () =>
      liteWalk(lite, { ...chain, genesisKey: otherGenesisKey }),
    );
    mustThrow(`mithril-common, ${name} under another genesis key`, () =>
      wrongKeyChain.verify(chain.start),
    );

    const liteCount = liteWalk(lite, chain);
    const referenceCount = referenceChain.verify(chain.start);
    if (liteCount !== referenceCount) {
      throw new Error(
        `${name}: mithril-lite checked ${liteCount} certificates, the reference ${referenceCount}`,
      );
    }
    const m = interleavedMedians(
      () => liteWalk(lite, chain),
      () => referenceChain.verify(chain.start),
    );
    report(
      `${name} (${liteCount} certificates, start ${chain.start.slice(0, 8)}.. to genesis)`,
      "mithril-common 0.8.3",
      m,
      target,
    );
    return m;
  } finally {
    referenceChain.free();
    wrongKeyChain.free();
  }
}

// ---- Rows of issue 10: public verifier, floor, warm paths, long chain, memory --------------------

/** As `interleavedMedians`, for sides that may return promises. */
async function interleavedMediansAsync(lite, reference) {
  const time = async (f) => {
    const start = nowMs();
    await f();
    return nowMs() - start;
  };
  for (let w = 0; w < WARMUP; w++) {
    await lite();
    await reference();
  }
  const liteTimes = [];
  const referenceTimes = [];
  for (let round = 0; round < ROUNDS; round++) {
    if (round % 2 === 0) {
      liteTimes.push(await time(lite));
      referenceTimes.push(await time(reference));
    } else {
      referenceTimes.push(await time(reference));
      liteTimes.push(await time(lite));
    }
  }
  return {
    lite: median(liteTimes),
    reference: median(referenceTimes),
    liteRange: [Math.min(...liteTimes), Math.max(...liteTimes)],
    referenceRange: [Math.min(...referenceTimes), Math.max(...referenceTimes)],
  };
}

/** The reference over a chain's bodies, for `use` (async); freed once it has finished. */
async function withReferenceChain(reference, chain, use) {
  const referenceChain = new reference.ReferenceChain(chain.genesisKey);
  try {
    for (const [hash, body] of chain.bodies) referenceChain.add(hash, body);
    return await use(referenceChain);
  } finally {
    referenceChain.free();
  }
}

/** An in-memory certificate source for `CertificateVerifier.verifyChain` (exact bytes). */
const memorySource = (chain) => ({ getCertificate: async (hash) => chain.bytes.get(hash) });

/**
 * Why the npm package cannot run the worker-pool rows, or undefined when it can. The pool
 * (branch npm-pool) comes with `CertificateVerifier.close()`, which releases it.
 */
function poolMissing(api, genesisKey) {
  const probe = new api.CertificateVerifier(genesisKey, { trustStore: null });
  return typeof probe.close === "function"
    ? undefined
    : "no worker pool in this build of the npm package (CertificateVerifier has no close())";
}

/**
 * mithril-lite through the public API, cold: a fresh `CertificateVerifier` with its default
 * options except the trust store (none: nothing is trusted, and no key is cached from an
 * earlier call), so starting its pool is part of the time. Returns certificates checked.
 */
async function verifierWalk(api, chain, start = chain.start, trustStore = null) {
  const verifier = new api.CertificateVerifier(chain.genesisKey, { trustStore });
  try {
    const result = await verifier.verifyChain(start, memorySource(chain));
    lastPoolStats = verifier.poolStats?.();
    return result.certificatesChecked;
  } finally {
    await verifier.close?.();
  }
}

/** What the last `verifierWalk` reported of its checks (`poolStats()`, where the package has it). */
let lastPoolStats;

/** How the public verifier ran its checks, for the row's label. */
function poolLabel() {
  const s = lastPoolStats;
  if (!s) return "no pool in this build";
  if (s.mode !== "workers") return `checks ${s.mode}`;
  return `default pool: ${s.size} worker${s.size === 1 ? "" : "s"}, ${s.workersUsed} used`;
}

/** Cold walk of a chain through the public verifier with its default pool, against the reference. */
async function publicVerifierWorkload(name, api, reference, chain, target) {
  const missing = poolMissing(api, chain.genesisKey);
  if (missing) return notMeasured(`${name}, CertificateVerifier (default pool) vs reference`, missing);
  await withReferenceChain(reference, chain, async (referenceChain) => {
    const liteCount = await verifierWalk(api, chain);
    const referenceCount = referenceChain.verify(chain.start);
    if (liteCount !== referenceCount) {
      throw new Error(`${name}: mithril-lite checked ${liteCount} certificates, the reference ${referenceCount}`);
    }
    const m = await interleavedMediansAsync(
      () => verifierWalk(api, chain),
      () => referenceChain.verify(chain.start),
    );
    report(
      `${name}, CertificateVerifier (${poolLabel()}; ${availableParallelism()} cores), cold ` +
        `(${liteCount} certificates to genesis)`,
      "mithril-common 0.8.3 (one thread)",
      m,
      target,
    );
  });
}

/**
 * The points and message of each multi-signed certificate of a chain, for the floor. Stakes in
 * the signature's JSON may exceed 2^53; only the byte arrays are read.
 */
function floorInputs(chain) {
  const inputs = [];
  for (const body of chain.bodies.values()) {
    const c = JSON.parse(body);
    if (!c.multi_signature) continue;
    const aggregate = JSON.parse(Buffer.from(c.multi_signature, "hex").toString("utf8"));
    const avk = JSON.parse(Buffer.from(c.aggregate_verification_key, "hex").toString("utf8"));
    const entries = aggregate.signatures;
    const signatures = new Uint8Array(48 * entries.length);
    const keys = new Uint8Array(96 * entries.length);
    entries.forEach(([signature, [key]], i) => {
      signatures.set(signature.sigma, 48 * i);
      keys.set(key, 96 * i);
    });
    // mithril-stm signs the message followed by the AVK's Merkle root.
    const message = new Uint8Array([...Buffer.from(c.signed_message, "utf8"), ...avk.mt_commitment.root]);
    inputs.push({ signatures, keys, message, count: entries.length });
  }
  return inputs;
}

/** mithril-lite's inline walk of a chain against the blst floor of its certificates. */
function floorWorkload(lite, liteStm, chain) {
  const inputs = floorInputs(chain);
  const floors = inputs.map((i) => new liteStm.Floor(i.signatures, i.keys, i.message));
  try {
    const certificates = liteWalk(lite, chain);
    const signatures = inputs.reduce((n, i) => n + i.count, 0);
    const m = interleavedMedians(
      () => liteWalk(lite, chain),
      () => floors.forEach((f) => f.run()),
    );
    const per = (ms) => fmt(ms / certificates);
    console.log(
      `per certificate vs the blst floor, mainnet-params chain (${certificates} certificates, ` +
        `${signatures} signatures and keys in ${inputs.length} aggregates): mithril-lite ` +
        `${per(m.lite)} ms (inline walk, one thread), floor ${per(m.reference)} ms (blst: each ` +
        `signature and key decompressed and subgroup-checked, hash to G1, one pairing check), ` +
        `mithril-lite/floor = ${(m.lite / m.reference).toFixed(2)}x (target <= 1.25x; means over ` +
        `the chain's certificates of medians of ${ROUNDS} interleaved rounds; walk ` +
        `${fmt(m.liteRange[0])}-${fmt(m.liteRange[1])} ms, floor ` +
        `${fmt(m.referenceRange[0])}-${fmt(m.referenceRange[1])} ms)`,
    );
  } finally {
    floors.forEach((f) => f.free());
  }
}

/**
 * Key cache: in a chain with two certificates per epoch, the second certificate of an epoch
 * (`latest`), whose predecessor is the first of the same epoch. Inline walks: the first
 * certificate alone (its predecessor trusted) against both (the same trust): the difference is
 * the second certificate's cost.
 */
function keyCacheWorkload(lite, chain) {
  const name = "warm, second certificate of a known epoch (key cache)";
  const second = chainFields(chain.bodies.get(chain.start));
  const first = chainFields(chain.bodies.get(second.previousHash) ?? "null");
  if (first.epoch !== second.epoch) {
    return notMeasured(name, `the chain's latest certificate is the first of its epoch`);
  }
  const trusted = [first.previousHash];
  const one = liteWalk(lite, chain, first.hash, trusted);
  const two = liteWalk(lite, chain, second.hash, trusted);
  // The anchor may be counted as checked (a trusted genesis certificate is): the same in both.
  if (two !== one + 1) throw new Error(`${name}: checked ${one} and ${two} certificates, not n and n+1`);
  const m = interleavedMedians(
    () => liteWalk(lite, chain, second.hash, trusted),
    () => liteWalk(lite, chain, first.hash, trusted),
  );
  const secondMs = m.lite - m.reference;
  const parameters = JSON.parse(chain.bodies.get(first.hash)).metadata.parameters;
  console.log(
    `${name}, epoch ${first.epoch} (m=${parameters.m}, k=${parameters.k}): first certificate ` +
      `${fmt(m.reference)} ms, second ${fmt(secondMs)} ms (walk of both ${fmt(m.lite)} ms minus the ` +
      `first), second/first = ${(secondMs / m.reference).toFixed(2)}x (target <= 0.6x; inline walks, ` +
      `medians of ${ROUNDS} interleaved rounds)`,
  );
}

/**
 * A new tip whose predecessor is trusted, through the public verifier, as a wallet meets it:
 * the verifier that verified the predecessor earlier (its pool started, the signer keys of
 * that epoch cached) checks the new tip. Its trust store is frozen after that first
 * verification (reads give the predecessor's checkpoints, writes are dropped), so every round
 * starts from the same trust. Against the reference's full walk.
 */
async function warmTipWorkload(api, reference, chain) {
  const predecessor = chainFields(chain.bodies.get(chain.start)).previousHash;
  let snapshot;
  let frozen = false;
  const store = {
    get: async () => snapshot,
    set: async (_key, value) => {
      if (!frozen) snapshot = value;
    },
  };
  const verifier = new api.CertificateVerifier(chain.genesisKey, { trustStore: store });
  try {
    await verifier.verifyChain(predecessor, memorySource(chain));
    frozen = true;
    const tip = async () => {
      const result = await verifier.verifyChain(chain.start, memorySource(chain));
      lastPoolStats = verifier.poolStats?.();
      return result.certificatesChecked;
    };
    await withReferenceChain(reference, chain, async (referenceChain) => {
      const checked = await tip();
      // The walk counts its trusted anchor (hash-checked, not STM-checked) with the tip.
      if (checked > 2) throw new Error(`warm tip: ${checked} certificates checked, expected the tip alone`);
      const m = await interleavedMediansAsync(tip, () => referenceChain.verify(chain.start));
      report(
        `warm, new tip of the mainnet-params chain with its predecessor trusted (the CertificateVerifier ` +
          `that verified the predecessor: ${poolLabel()}, ${lastPoolStats?.cachedKeys ?? 0} keys cached; ` +
          `certificatesChecked ${checked}: the tip and its trusted predecessor) vs the reference's full walk`,
        "mithril-common 0.8.3",
        m,
        ">= 30x",
      );
    });
  } finally {
    await verifier.close?.();
  }
}

/**
 * Peak wasm memory of one instance: a fresh node process loads the npm module, walks the chain
 * inline once and prints the size of its `WebAssembly.Memory` (which only grows: the final size
 * is the peak).
 */
function memoryWorkload(chainDir) {
  const script = join(dirname(fileURLToPath(import.meta.url)), "memory.mjs");
  const out = execFileSync(process.execPath, [script, chainDir], {
    encoding: "utf8",
    env: { ...process.env },
  });
  const { bytes, initialBytes, certificates } = JSON.parse(out);
  const mib = (b) => (b / 1024 / 1024).toFixed(1);
  console.log(
    `peak wasm memory per instance, mainnet-params chain (${certificates} certificates, inline walk ` +
      `in a fresh process): ${mib(bytes)} MiB (${bytes} bytes; ${mib(initialBytes)} MiB after ` +
      `instantiation) (target <= 16 MiB)`,
  );
}

/** A generated chain directory named by an environment variable, or why it is missing. */
function generatedChain(envName) {
  const dir = process.env[envName];
  if (!dir) return { missing: `${envName} is not set (scripts/bench.sh generates the chain)` };
  try {
    statSync(join(dir, "certificates.json"));
  } catch {
    return { missing: `${dir}/certificates.json not found (scripts/bench.sh generates it)` };
  }
  return { chain: loadChain(dir, readText(join(dir, "latest")).trim()), dir };
}

// ---- Main ---------------------------------------------------------------------------------------

const WORKLOADS = ["stm", "devnet", "mainnet", "pool", "floor", "warm", "long", "memory"];

function mainnetChain() {
  const dir = fixture("reference-chains", "mainnet-params");
  return loadChain(dir, readText(join(dir, "latest")).trim());
}

async function main() {
  const selected = process.argv.slice(2);
  for (const w of selected) {
    if (!WORKLOADS.includes(w)) throw new Error(`unknown workload ${w} (known: ${WORKLOADS.join(", ")})`);
  }
  const run = selected.length > 0 ? selected : WORKLOADS;

  const reference = await loadModule(
    "REFERENCE_JS",
    "target/wasm-reference/pkg/mithril_lite_bench_reference.js",
    "the reference verifiers, benches/wasm/reference",
  );
  const needsLite = run.some((w) => w !== "stm" && w !== "memory");
  const lite = needsLite
    ? await loadModule("MITHRIL_LITE_JS", "pkg/dist/web/mithril_lite.js", "mithril-lite's wasm binding")
    : undefined;
  const liteStm = run.includes("stm") || run.includes("floor")
    ? await loadModule(
        "LITE_STM_JS",
        "target/wasm-lite-stm/pkg/mithril_lite_bench_stm.js",
        "mithril-lite's STM check alone, benches/wasm/lite-stm",
      )
    : undefined;
  // The npm package's public API over the same module (pkg/src/node.js imports it).
  const api = run.some((w) => ["pool", "warm", "long"].includes(w))
    ? await import(pathToFileURL(resolve(ROOT, "pkg/src/node.js")).href)
    : undefined;

  const cpu = cpus()[0]?.model ?? "unknown CPU";
  console.log(
    `node ${process.version}, ${process.platform}/${process.arch}, ${availableParallelism()} cores (${cpu}); ` +
      `rounds ${ROUNDS}, warm-up ${WARMUP}; load average ${loadAverage()}`,
  );
  for (const [label, m] of [
    ["mithril-lite", lite],
    ["mithril-lite STM", liteStm],
    ["reference", reference],
  ]) {
    if (m) console.log(`  ${label}: ${m.path} (${wasmSize(m.path)} wasm)`);
  }

  for (const w of run) {
    if (w === "stm") {
      stmWorkload(liteStm.module, reference.module);
    } else if (w === "devnet") {
      const chain = loadChain(
        fixture("devnet"),
        "3e2956f8d42accfc4efbea02773737d745dfceff8013d96bc3db04aa506c65f3",
      );
      chainWorkload("devnet chain", lite.module, reference.module, chain, OTHER_GENESIS_KEY);
    } else if (w === "mainnet") {
      const dir = fixture("reference-chains", "mainnet-params");
      const chain = loadChain(dir, readText(join(dir, "latest")).trim());
      chainWorkload("mainnet-params chain", lite.module, reference.module, chain, OTHER_GENESIS_KEY);
    } else if (w === "pool") {
      await publicVerifierWorkload("mainnet-params chain", api, reference.module, mainnetChain(), ">= 4x");
    } else if (w === "floor") {
      floorWorkload(lite.module, liteStm.module, mainnetChain());
    } else if (w === "warm") {
      const warm = generatedChain("BENCH_CHAIN_WARM");
      if (warm.missing) notMeasured("warm, second certificate of a known epoch (key cache)", warm.missing);
      else keyCacheWorkload(lite.module, warm.chain);
      await warmTipWorkload(api, reference.module, mainnetChain());
    } else if (w === "long") {
      const long = generatedChain("BENCH_CHAIN_400");
      if (long.missing) {
        notMeasured("400-epoch chain", long.missing);
        continue;
      }
      const facts = JSON.parse(readText(join(long.dir, "expected.json")));
      const [fewest, most] = facts.signatures_per_certificate ?? ["?", "?"];
      const name =
        `${facts.epochs - 1}-epoch chain (genesis + ${facts.certificates - 1} certificates), ` +
        `${facts.generator?.signers} signers per epoch, ${fewest}-${most} signatures per aggregate`;
      await publicVerifierWorkload(name, api, reference.module, long.chain, ">= 3x");
      chainWorkload(`${name}, inline Walk (one thread)`, lite.module, reference.module, long.chain, OTHER_GENESIS_KEY);
    } else if (w === "memory") {
      memoryWorkload(fixture("reference-chains", "mainnet-params"));
    }
  }
  console.log(`load average at the end: ${loadAverage()} (other work on the machine skews absolute times)`);
}

const loadAverage = () => loadavg().map((x) => x.toFixed(2)).join(" ");

main().catch((e) => {
  console.error(`bench.mjs: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});

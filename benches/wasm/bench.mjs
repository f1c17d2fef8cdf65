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
//            mithril-lite: the library's wasm binding (pkg/dist/nodejs), `Walk` driven with each
//            certificate's exact bytes, every STM check run as soon as it is handed out;
//            reference: mithril-common 0.8.3's MithrilCertificateVerifier with an in-memory
//            certificate retriever (benches/wasm/reference, `ReferenceChain`), parsing each
//            certificate body as the official client does with what it downloads.
//   mainnet  the mainnet-parameter reference chain (tests/fixtures/reference-chains/
//            mainnet-params: 21 certificates, m=16948, k=1944), from `latest` back to genesis,
//            same two verifiers as `devnet`.
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
// Usage: node benches/wasm/bench.mjs [WORKLOAD...]       (default: stm devnet mainnet)
// Environment:
//   BENCH_ROUNDS         timed rounds per workload (default 15)
//   BENCH_WARMUP         untimed warm-up runs of each side per workload (default 2)
//   MITHRIL_LITE_JS      mithril-lite's nodejs module (default pkg/dist/nodejs/mithril_lite.js)
//   LITE_STM_JS          the lite-stm module (default target/wasm-lite-stm/pkg/mithril_lite_bench_stm.js)
//   REFERENCE_JS         the reference module
//                        (default target/wasm-reference/pkg/mithril_lite_bench_reference.js)

import { createRequire } from "node:module";
import { readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { availableParallelism, cpus, loadavg } from "node:os";

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

/** Load a wasm-bindgen `--target nodejs` module (CommonJS; ES module as a fallback). */
async function loadModule(envName, relativeDefault, hint) {
  const path = resolve(ROOT, process.env[envName] || relativeDefault);
  try {
    statSync(path);
  } catch {
    throw new Error(`${path} not found (${hint}); scripts/bench-wasm.sh builds it`);
  }
  try {
    return { path, module: require(path) };
  } catch (e) {
    if (e && e.code === "ERR_REQUIRE_ESM") {
      return { path, module: await import(pathToFileURL(path).href) };
    }
    throw e;
  }
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

/**
 * The members of a top-level JSON object, as a Map from key to the exact text of each value.
 * Certificates carry stakes above 2^53: parsing and re-serializing them in JS would change them,
 * so the bodies are cut out of the file as they are.
 */
function exactMembers(text) {
  let i = 0;
  const fail = (what) => {
    throw new Error(`certificates file: ${what} at offset ${i}`);
  };
  const skipWs = () => {
    while (i < text.length && " \t\r\n".includes(text[i])) i++;
  };
  const skipString = () => {
    // text[i] is the opening quote.
    i++;
    while (i < text.length) {
      const c = text[i];
      if (c === "\\") i += 2;
      else if (c === '"') {
        i++;
        return;
      } else i++;
    }
    fail("unterminated string");
  };
  const skipValue = () => {
    const c = text[i];
    if (c === '"') return skipString();
    if (c === "{" || c === "[") {
      let depth = 0;
      while (i < text.length) {
        const d = text[i];
        if (d === '"') {
          skipString();
          continue;
        }
        if (d === "{" || d === "[") depth++;
        else if (d === "}" || d === "]") {
          depth--;
          if (depth === 0) {
            i++;
            return;
          }
        }
        i++;
      }
      fail("unterminated value");
    }
    while (i < text.length && !",}] \t\r\n".includes(text[i])) i++;
  };

  const members = new Map();
  skipWs();
  if (text[i] !== "{") fail("expected an object");
  i++;
  skipWs();
  if (text[i] === "}") return members;
  for (;;) {
    skipWs();
    if (text[i] !== '"') fail("expected a key");
    const keyStart = i;
    skipString();
    const key = JSON.parse(text.slice(keyStart, i));
    skipWs();
    if (text[i] !== ":") fail("expected ':'");
    i++;
    skipWs();
    const valueStart = i;
    skipValue();
    members.set(key, text.slice(valueStart, i));
    skipWs();
    if (text[i] === ",") {
      i++;
      continue;
    }
    if (text[i] === "}") return members;
    fail("expected ',' or '}'");
  }
}

function loadChain(dir, start) {
  const bodies = exactMembers(readText(join(dir, "certificates.json")));
  const encoder = new TextEncoder();
  const bytes = new Map([...bodies].map(([hash, body]) => [hash, encoder.encode(body)]));
  return {
    genesisKey: readText(join(dir, "genesis.vkey")).trim(),
    start,
    bodies,
    bytes,
  };
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

function report(name, referenceName, m) {
  console.log(
    `${name}: mithril-lite ${fmt(m.lite)} ms, ${referenceName} ${fmt(m.reference)} ms, ` +
      `reference/mithril-lite = ${(m.reference / m.lite).toFixed(1)}x ` +
      `(medians of ${ROUNDS} interleaved rounds; ranges ${fmt(m.liteRange[0])}-${fmt(m.liteRange[1])} ms ` +
      `and ${fmt(m.referenceRange[0])}-${fmt(m.referenceRange[1])} ms)`,
  );
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
      `${what}; verify only)`,
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

/** mithril-lite: walk from `chain.start` to an anchor; returns the number of certificates checked. */
function liteWalk(lite, chain) {
  const w = new lite.Walk(chain.genesisKey, chain.start, {});
  try {
    for (;;) {
      const s = w.step();
      if (s.kind === "fetch") {
        const bytes = chain.bytes.get(s.hash);
        if (bytes === undefined) {
          w.fetchFailed(s.hash, "not in the fixture");
          continue;
        }
        const id = w.feed(s.hash, bytes);
        if (id !== undefined) w.runCheck(id);
      } else if (s.kind === "done") {
        if (s.error !== undefined) {
          const e = s.error;
          throw new Error(`mithril-lite rejected the chain: ${e.code ?? ""} ${e.message ?? e}`);
        }
        return s.result.certificatesChecked;
      } else {
        throw new Error(`unexpected step ${JSON.stringify(s)}`);
      }
    }
  } finally {
    w.free();
  }
}

function chainWorkload(name, lite, reference, chain, otherGenesisKey) {
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
    );
    return m;
  } finally {
    referenceChain.free();
    wrongKeyChain.free();
  }
}

// ---- Main ---------------------------------------------------------------------------------------

const WORKLOADS = ["stm", "devnet", "mainnet"];

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
  const needsLite = run.some((w) => w !== "stm");
  const lite = needsLite
    ? await loadModule("MITHRIL_LITE_JS", "pkg/dist/nodejs/mithril_lite.js", "mithril-lite's wasm binding")
    : undefined;
  const liteStm = run.includes("stm")
    ? await loadModule(
        "LITE_STM_JS",
        "target/wasm-lite-stm/pkg/mithril_lite_bench_stm.js",
        "mithril-lite's STM check alone, benches/wasm/lite-stm",
      )
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
    }
  }
  console.log(`load average at the end: ${loadAverage()} (other work on the machine skews absolute times)`);
}

const loadAverage = () => loadavg().map((x) => x.toFixed(2)).join(" ");

main().catch((e) => {
  console.error(`bench.mjs: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});

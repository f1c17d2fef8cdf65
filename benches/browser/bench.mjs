// Chromium benchmark: the npm package's web entry in headless Debian Chromium (playwright-core),
// the mainnet-params chain walked cold through `CertificateVerifier` with its default pool of Web
// Workers against mithril-lite inline in the same page (page.mjs), rounds interleaved in the
// page. Prints the absolute figures and the scaling ratio inline / workers.
//
// Serves, on 127.0.0.1 only: /pkg/ (the npm package: src/ and dist/web/), /bench/ (page.mjs and
// benches/wasm/chains.mjs), /chain/mainnet-params/ (the fixture's files) and / (the page).
//
// Usage: node benches/browser/bench.mjs      (scripts/bench.sh installs playwright-core here
// with npm ci and builds pkg/dist/web first)
// Environment: BENCH_ROUNDS (default 15), BENCH_WARMUP (default 2), CHROMIUM (default
// /usr/bin/chromium).

import { createServer } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir, loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..', '..');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const count = (name, fallback) => {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got ${raw}`);
  return n;
};
const ROUNDS = Math.max(1, count('BENCH_ROUNDS', 15));
const WARMUP = count('BENCH_WARMUP', 2);

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

/** URL path -> file, or undefined. Only the folders the page needs, no `..`. */
function resolveFile(urlPath) {
  const parts = urlPath.split('/').filter(Boolean);
  if (parts.some((p) => p === '..' || p.startsWith('.'))) return undefined;
  const [head, ...rest] = parts;
  if (head === 'pkg' && (rest[0] === 'src' || (rest[0] === 'dist' && rest[1] === 'web'))) {
    return path.join(ROOT, 'pkg', ...rest);
  }
  if (head === 'bench' && rest.length === 1 && rest[0] === 'page.mjs') return path.join(HERE, 'page.mjs');
  if (head === 'bench' && rest.length === 1 && rest[0] === 'chains.mjs') {
    return path.join(ROOT, 'benches', 'wasm', 'chains.mjs');
  }
  if (head === 'chain' && rest[0] === 'mainnet-params' && rest.length === 2) {
    return path.join(ROOT, 'tests', 'fixtures', 'reference-chains', 'mainnet-params', rest[1]);
  }
  return undefined;
}

const PAGE = `<!doctype html><meta charset="utf-8"><title>mithril-lite bench</title>
<script type="module" src="/bench/page.mjs"></script>`;

function startServer() {
  const server = createServer(async (req, res) => {
    const urlPath = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (urlPath === '/') {
      res.writeHead(200, { 'content-type': TYPES['.html'] });
      return res.end(PAGE);
    }
    const file = resolveFile(urlPath);
    try {
      if (!file) throw new Error('no route');
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end(`not found: ${urlPath}`);
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

/** The pool as `poolStats()` described it after the last walk, where the package has it. */
const workers = (s) =>
  s ? `${s.mode}: ${s.size} worker${s.size === 1 ? '' : 's'}, ${s.workersUsed} used` : 'no poolStats()';
const fmt = (ms) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));
const range = ([a, b]) => `${fmt(a)}-${fmt(b)} ms`;

async function main() {
  const server = await startServer();
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  const profile = await mkdtemp(path.join(tmpdir(), 'mithril-lite-bench-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(() => window.benchReady === true || undefined, null, { timeout: 30_000 }).catch(() => {
      throw new Error(`the bench page did not load: ${errors.join('; ') || 'no error reported'}`);
    });
    const r = await page.evaluate((options) => window.runBench(options), { rounds: ROUNDS, warmup: WARMUP });
    const browser = r.userAgent.match(/(Headless)?Chrome\/[\d.]+/)?.[0] ?? 'Chromium';
    console.log(
      `Chromium: ${browser}, navigator.hardwareConcurrency ${r.hardwareConcurrency}; rounds ${ROUNDS}, ` +
        `warm-up ${WARMUP}; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`,
    );
    const name = `Chromium, mainnet-params chain (${r.certificates} certificates to genesis), cold`;
    console.log(
      `${name}, mithril-lite inline (one thread, in the page): ${fmt(r.inline)} ms ` +
        `(median of ${ROUNDS} rounds; range ${range(r.inlineRange)})`,
    );
    if (r.hasPool) {
      console.log(
        `${name}, CertificateVerifier with its default Web Worker pool (${workers(r.poolStats)}): ${fmt(r.pooled)} ms; ` +
          `mithril-lite inline ${fmt(r.inline)} ms, inline/workers = ${(r.inline / r.pooled).toFixed(2)}x ` +
          `(target >= 1.8x on 2 cores; medians of ${ROUNDS} interleaved rounds; ranges ` +
          `${range(r.pooledRange)} and ${range(r.inlineRange)})`,
      );
    } else {
      console.log(
        `${name}, CertificateVerifier with Web Workers vs inline: not measured: no worker pool in ` +
          `this build of the npm package (CertificateVerifier has no close())`,
      );
    }
  } finally {
    await context?.close().catch(() => {});
    await rm(profile, { recursive: true, force: true });
    await new Promise((done) => server.close(() => done(undefined)));
  }
}

main().catch((e) => {
  console.error(`benches/browser/bench.mjs: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});

// The package as published, in a plain page (headless Chromium): `npm pack` in pkg/ (its
// prepack checks pkg/dist/web against the sources), the tarball `npm install`ed into an empty
// project, and a static HTML page there, with no bundler, that maps the bare name
// "mithril-lite" to the installed package's browser entry with an import map and verifies the
// devnet chain (genesis key beside the page) from www/server.mjs's aggregator. The project is
// served by a static server of this test (127.0.0.1, another origin than the aggregator's:
// CORS as a real page meets it).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createReadStream, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEVNET, ROOT, launchBrowser, startServer } from './harness.mjs';

const MIME = /** @type {Record<string, string>} */ ({
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.vkey': 'text/plain; charset=utf-8',
});

const tmp = mkdtempSync(path.join(tmpdir(), 'mithril-lite-tarball-page-'));
const project = path.join(tmp, 'app');

/** @type {Awaited<ReturnType<typeof startServer>>} */
let aggregator;
/** @type {Awaited<ReturnType<typeof launchBrowser>>} */
let browser;
/** @type {import('node:http').Server} */
let site;
/** Requests the static server answered: "status path". */
const served = /** @type {string[]} */ ([]);
/** @type {string[]} */
const problems = [];
/** @type {{filename: string, files: {path: string}[]}} */
let packed;

/** Serve `root` on 127.0.0.1 (GET only, nothing outside `root`). */
function serveStatic(/** @type {string} */ root) {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const file = path.join(root, decodeURIComponent(url.pathname));
    const inside = file.startsWith(root + path.sep);
    const type = MIME[path.extname(file)];
    let status = 404;
    if (req.method === 'GET' && inside && type) {
      try {
        if (statSync(file).isFile()) status = 200;
      } catch {
        // stays 404
      }
    }
    served.push(`${status} ${url.pathname}`);
    if (status !== 200) {
      res.writeHead(status).end();
      return;
    }
    res.writeHead(200, { 'content-type': type ?? 'application/octet-stream', 'cache-control': 'no-store' });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

before(async () => {
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', tmp], {
    cwd: path.join(ROOT, 'pkg'),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  [packed] = JSON.parse(out);
  mkdirSync(project);
  writeFileSync(path.join(project, 'package.json'), '{"name":"page","private":true}');
  // The page's trust root, from its own origin (the aggregator's CORS covers only the chain).
  writeFileSync(path.join(project, 'genesis.vkey'), readFileSync(path.join(ROOT, 'tests', 'fixtures', 'devnet', 'genesis.vkey')));
  // Offline: the package has no dependencies.
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--loglevel=error', path.join(tmp, packed.filename)], {
    cwd: project,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The browser entry the installed package declares.
  const manifest = JSON.parse(readFileSync(path.join(project, 'node_modules', 'mithril-lite', 'package.json'), 'utf8'));
  const entry = `./node_modules/mithril-lite/${manifest.exports['.'].browser.replace(/^\.\//, '')}`;
  writeFileSync(
    path.join(project, 'index.html'),
    `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>mithril-lite from its tarball</title>
    <link rel="icon" href="data:," />
    <script type="importmap">${JSON.stringify({ imports: { 'mithril-lite': entry } })}</script>
  </head>
  <body>
    <script type="module">
      import { init, CertificateVerifier, version } from 'mithril-lite';

      const aggregator = new URL(new URLSearchParams(location.search).get('aggregator'));
      try {
        await init();
        const key = await (await fetch('./genesis.vkey')).text();
        const verifier = new CertificateVerifier(key.trim(), { trustStore: null });
        const chain = await verifier.verifyLatest(new URL('/aggregator', aggregator).href);
        const stats = verifier.poolStats();
        await verifier.close();
        document.body.dataset.result = JSON.stringify({
          version: version(),
          hash: chain.hash,
          checked: chain.certificatesChecked,
          anchor: chain.anchor.kind,
          mode: stats.mode,
          jobs: stats.jobs,
        });
      } catch (e) {
        document.body.dataset.result = JSON.stringify({ error: String(e), code: e?.code });
      }
    </script>
  </body>
</html>
`,
  );
  site = /** @type {import('node:http').Server} */ (await serveStatic(project));
  aggregator = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await aggregator?.stop();
  await new Promise((done) => (site ? site.close(done) : done(undefined)));
  rmSync(tmp, { recursive: true, force: true });
});

test('the tarball has one .wasm', () => {
  const files = packed.files.map((f) => f.path);
  assert.deepEqual(
    files.filter((f) => f.endsWith('.wasm')),
    ['dist/web/mithril_lite_bg.wasm'],
  );
});

test('a plain page with an import map verifies the devnet chain with the installed package', async (t) => {
  const page = await browser.context.newPage();
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  const address = /** @type {import('node:net').AddressInfo} */ (site.address());
  const url = `http://127.0.0.1:${address.port}/index.html?aggregator=${encodeURIComponent(aggregator.url)}`;
  await page.goto(url);
  const handle = await page.waitForFunction(() => document.body.dataset.result, null, { timeout: 120_000 });
  const result = JSON.parse(String(await handle.jsonValue()));
  await page.close();

  assert.deepEqual(problems, []);
  assert.equal(result.error, undefined, JSON.stringify(result));
  assert.equal(result.hash, DEVNET.newest);
  assert.equal(result.anchor, 'genesis');
  assert.equal(result.checked, DEVNET.chainLength);
  // The STM checks ran on the package's Web Workers (src/worker-web.js from the tarball).
  assert.equal(result.mode, 'workers');
  assert.equal(result.jobs, DEVNET.chainLength - 1);

  // Everything came from the installed package, nothing was missing, and the one .wasm was
  // downloaded once (the page posts the compiled module to its workers).
  assert.deepEqual(
    served.filter((s) => !s.startsWith('200 ')),
    [],
    served.join('\n'),
  );
  assert.ok(served.includes('200 /node_modules/mithril-lite/src/web.js'), served.join('\n'));
  assert.ok(served.includes('200 /node_modules/mithril-lite/src/worker-web.js'), served.join('\n'));
  assert.deepEqual(
    served.filter((s) => s.endsWith('.wasm')),
    ['200 /node_modules/mithril-lite/dist/web/mithril_lite_bg.wasm'],
  );
  t.diagnostic(`${served.length} files served from the installed tarball; mithril-lite ${result.version}`);
});

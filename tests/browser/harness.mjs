// Shared helpers of the browser tests: the demo server as a child process, Debian's Chromium
// through playwright-core, paths and the devnet facts the tests assert, a served page with
// both (openServedPage) and the package loaded into a page (loadPackage).

import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const OUTPUT_DIR = path.join(ROOT, 'tests', 'output');
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** The devnet chain of tests/fixtures/devnet. */
export const DEVNET = {
  newest: '3e2956f8d42accfc4efbea02773737d745dfceff8013d96bc3db04aa506c65f3',
  newestEpoch: 25,
  genesis: '57c16dc2c25471a1c55d66d944eaa334a32e05f8e267860b43f4ed8d5c3a65ea',
  genesisEpoch: 15,
  /** Certificates from the newest back to genesis, both included. */
  chainLength: 12,
  /** A certificate off the newest one's chain: CardanoBlocksTransactions of epoch 23. */
  other: '05b960c3d620c762184069d1079b9e26cca41608abc44e26b134eecec17354c2',
};

/** Chromium flags for these machines (no network but 127.0.0.1, no GPU, no sandbox as root). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Delay of the slow aggregator's certificates in the tests (ms). */
export const SLOW_MS = 300;

/**
 * Start `node www/server.mjs` on a random port.
 * @returns {Promise<{url: string, lines: string[], stop: () => Promise<void>}>}
 */
export function startServer() {
  const child = spawn(
    process.execPath,
    [path.join(ROOT, 'www', 'server.mjs'), '--port', '0', '--slow-ms', String(SLOW_MS)],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  /** @type {string[]} */
  const lines = [];
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`www/server.mjs printed no URL within 10 s: ${stderr}`));
    }, 10_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`www/server.mjs exited with ${code}: ${stderr}`));
    });
    child.stdout.on('data', (d) => {
      buffer += d;
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        lines.push(buffer.slice(0, nl));
        buffer = buffer.slice(nl + 1);
      }
      const url = lines[0];
      if (url === undefined) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      if (!/^http:\/\/127\.0\.0\.1:\d+\/$/.test(url)) {
        child.kill();
        reject(new Error(`unexpected first line from www/server.mjs: ${url}`));
        return;
      }
      resolve({
        url,
        lines,
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}

/**
 * Launch Chromium with a fresh profile.
 * @param {{extensionDir?: string, viewport?: {width: number, height: number}}} [options]
 */
export async function launchBrowser(options = {}) {
  const userDataDir = await mkdtemp(path.join(tmpdir(), 'mithril-lite-chromium-'));
  const args = [...CHROMIUM_ARGS];
  if (options.extensionDir) {
    args.push(
      `--disable-extensions-except=${options.extensionDir}`,
      `--load-extension=${options.extensionDir}`,
    );
  }
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args,
    // playwright-core passes --disable-extensions by default.
    ignoreDefaultArgs: options.extensionDir ? ['--disable-extensions'] : undefined,
    viewport: options.viewport ?? { width: 1280, height: 900 },
  });
  return {
    context,
    async close() {
      await context.close().catch(() => {});
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

/** tests/output/, created. */
export async function outputDir() {
  await mkdir(OUTPUT_DIR, { recursive: true });
  return OUTPUT_DIR;
}

/**
 * Poll `probe` until it returns a truthy value.
 * @template T
 * @param {() => Promise<T>} probe
 * @param {{timeout?: number, interval?: number, what?: string}} [options]
 * @returns {Promise<T>}
 */
export async function waitFor(probe, options = {}) {
  const { timeout = 60_000, interval = 100, what = 'condition' } = options;
  const deadline = Date.now() + timeout;
  /** @type {unknown} */
  let last;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeout} ms waiting for ${what}${last ? `: ${last}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

/**
 * A new page of `browser` whose uncaught errors and console errors are collected in
 * `problems` (Chromium's own "Failed to load resource" lines are left out: the tests provoke
 * 404s on purpose).
 * @param {Awaited<ReturnType<typeof launchBrowser>>} browser
 * @param {string[]} problems
 */
export async function watchedPage(browser, problems) {
  const page = await browser.context.newPage();
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) {
      problems.push(`console error: ${m.text()}`);
    }
  });
  return page;
}

/**
 * A full-page screenshot into tests/output/NAME; returns its path relative to the working
 * directory (for the test's diagnostics).
 * @param {import('playwright-core').Page} page
 * @param {string} name
 */
export async function screenshot(page, name) {
  const file = path.join(await outputDir(), name);
  await page.screenshot({ path: file, fullPage: true });
  return path.relative(process.cwd(), file);
}


/**
 * The setup of a test file that drives one page: www/server.mjs, Chromium and a watched page
 * (problems collected in `problems`) opened on the server's root. `close()` ends them all.
 * @param {string[]} problems
 */
export async function openServedPage(problems) {
  const server = await startServer();
  /** @type {Awaited<ReturnType<typeof launchBrowser>> | undefined} */
  let browser;
  try {
    browser = await launchBrowser();
    const page = await watchedPage(browser, problems);
    await page.goto(server.url);
    const opened = browser;
    return {
      server,
      browser: opened,
      page,
      async close() {
        await opened.close();
        await server.stop();
      },
    };
  } catch (e) {
    // Nothing left running when the setup fails half-way.
    await browser?.close();
    await server.stop();
    throw e;
  }
}

/**
 * Load the package's browser entry into `page` (again after a reload), as the tests that
 * import it themselves use it: `window.lib` (the entry, initialized), `window.genesisKey` (the
 * devnet's), `window.newest` (the newest devnet certificate) and `window.source(name)` (a
 * CertificateSource over the server's aggregator `name`, logging the hashes asked in
 * `requested`).
 * @param {import('playwright-core').Page} page
 */
export async function loadPackage(page) {
  await page.evaluate(async (newest) => {
    const w = /** @type {any} */ (window);
    w.newest = newest;
    w.lib = await import('/node_modules/mithril-lite/src/web.js');
    await w.lib.init();
    w.genesisKey = (await (await fetch('/devnet/genesis.vkey')).text()).trim();
    w.source = (/** @type {string} */ name) => ({
      requested: /** @type {string[]} */ ([]),
      async getCertificate(/** @type {string} */ hash, /** @type {{signal: AbortSignal}} */ init) {
        this.requested.push(hash);
        const r = await fetch(`/${name}/certificate/${hash}`, { signal: init.signal });
        if (!r.ok) throw new Error(`HTTP ${r.status}`);
        return r.text();
      },
    });
  }, DEVNET.newest);
}

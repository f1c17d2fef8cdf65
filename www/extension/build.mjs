#!/usr/bin/env node
// Prepare the mithril-lite demo extension for loading (unpacked):
//
//   vendor/mithril-lite/   the package files the service worker needs: package.json, src/ and
//                          dist/web/ (the wasm-pack `web` output: JS glue and the .wasm)
//   config.json            the aggregator to verify from and the devnet genesis key
//
// Both are build outputs (gitignored). The service worker imports the package's browser entry,
// package.json exports["."].browser, below vendor/mithril-lite/; this script checks that the
// import still names it.
//
// Usage: node www/extension/build.mjs [--out DIR] [--aggregator URL]
//   --out DIR         write a complete extension into DIR (default: in place, www/extension/)
//   --aggregator URL  default http://127.0.0.1:8080/aggregator (node www/server.mjs --port 8080)

import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..', '..');
const PKG = path.join(ROOT, 'pkg');
const GENESIS_KEY = path.join(ROOT, 'tests', 'fixtures', 'devnet', 'genesis.vkey');
export const DEFAULT_AGGREGATOR = 'http://127.0.0.1:8080/aggregator';
/** Where the package goes inside the extension. */
export const VENDOR_DIR = 'vendor/mithril-lite';
/** The extension's own files (copied when building elsewhere). */
const OWN_FILES = ['manifest.json', 'service-worker.js', 'popup.html', 'popup.js', 'popup.css'];
/** The package files the extension carries. */
const PACKAGE_PARTS = ['package.json', 'src', 'dist/web'];

/** The package's browser entry, e.g. "./src/web.js", from its exports map. */
export async function browserEntry() {
  const manifest = JSON.parse(await fs.readFile(path.join(PKG, 'package.json'), 'utf8'));
  const dot = manifest.exports?.['.'];
  const entry = typeof dot === 'string' ? dot : (dot?.browser ?? dot?.default);
  if (typeof entry !== 'string' || !entry.startsWith('./')) {
    throw new Error('pkg/package.json: exports["."].browser is not a "./" path');
  }
  return entry;
}

/**
 * @param {{out?: string, aggregator?: string}} [options]
 * @returns {Promise<{dir: string, entry: string, config: {aggregator: string, genesisKey: string}}>}
 */
export async function buildExtension(options = {}) {
  const dir = path.resolve(options.out ?? HERE);
  const aggregator = options.aggregator ?? DEFAULT_AGGREGATOR;
  const url = new URL(aggregator);
  if (url.protocol !== 'http:' || url.hostname !== '127.0.0.1') {
    throw new Error(`--aggregator must be an http://127.0.0.1 URL (host_permissions): ${aggregator}`);
  }

  const wasm = path.join(PKG, 'dist', 'web', 'mithril_lite_bg.wasm');
  await fs.access(wasm).catch(() => {
    throw new Error(`${path.relative(ROOT, wasm)} is missing: run scripts/build-wasm.sh first`);
  });

  // The service worker must import exactly the package's browser entry.
  const entry = await browserEntry();
  const expected = `./${VENDOR_DIR}/${entry.slice(2)}`;
  const worker = await fs.readFile(path.join(HERE, 'service-worker.js'), 'utf8');
  const imports = [...worker.matchAll(/\bfrom\s+['"]([^'"]+)['"]/g)].map((m) => m[1]);
  if (imports.length !== 1 || imports[0] !== expected) {
    throw new Error(`service-worker.js must import only '${expected}', found ${JSON.stringify(imports)}`);
  }

  await fs.mkdir(dir, { recursive: true });
  if (dir !== HERE) {
    for (const f of OWN_FILES) await fs.copyFile(path.join(HERE, f), path.join(dir, f));
  }
  const vendor = path.join(dir, VENDOR_DIR);
  await fs.rm(vendor, { recursive: true, force: true });
  for (const part of PACKAGE_PARTS) {
    await fs.cp(path.join(PKG, part), path.join(vendor, part), { recursive: true });
  }
  await fs.access(path.join(vendor, entry)).catch(() => {
    throw new Error(`the package's browser entry ${entry} was not copied`);
  });

  const genesisKey = (await fs.readFile(GENESIS_KEY, 'utf8')).trim();
  const config = { aggregator: url.href.replace(/\/+$/, ''), genesisKey };
  await fs.writeFile(path.join(dir, 'config.json'), JSON.stringify(config, null, 2) + '\n');
  return { dir, entry, config };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  /** @type {{out?: string, aggregator?: string}} */
  const options = {};
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if ((a === '--out' || a === '--aggregator') && args[i + 1] !== undefined) {
      options[a === '--out' ? 'out' : 'aggregator'] = args[++i];
    } else {
      console.error(`usage: node www/extension/build.mjs [--out DIR] [--aggregator URL] (bad argument: ${a})`);
      process.exit(2);
    }
  }
  try {
    const { dir, entry, config } = await buildExtension(options);
    console.log(
      `extension: ${path.relative(process.cwd(), dir) || '.'} (package entry ${VENDOR_DIR}/${entry.slice(2)}, aggregator ${config.aggregator})`,
    );
  } catch (e) {
    console.error(`extension build: ${/** @type {Error} */ (e).message}`);
    process.exit(1);
  }
}

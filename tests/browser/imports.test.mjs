// Node-side checks (no browser): the demo page and the extension reach the npm package only
// through its exports-map browser entry.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './harness.mjs';
import { PKG, importSpecifiers, packageEntry, packageGraph, stripComments } from './specifiers.mjs';

const WWW = path.join(ROOT, 'www');
const PACKAGE_URL = '/node_modules/mithril-lite/';
const VENDOR = './vendor/mithril-lite/';

/** Browser-side sources of www/ (not the node scripts, not build outputs). */
function browserModules() {
  /** @type {string[]} */
  const out = [];
  /** @param {string} dir */
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'vendor' && entry.name !== 'node_modules') walk(file);
      } else if (/\.(m?js)$/.test(entry.name) && !['server.mjs', 'build.mjs'].includes(entry.name)) {
        out.push(file);
      }
    }
  };
  walk(WWW);
  return out.sort();
}

/** @param {string} html */
function importMaps(html) {
  return [...html.matchAll(/<script\b[^>]*type=["']importmap["'][^>]*>([\s\S]*?)<\/script>/gi)].map(
    (m) => JSON.parse(m[1]),
  );
}

test("the package's exports map has a browser entry that exists", () => {
  const { manifest, entry } = packageEntry();
  assert.equal(manifest.name, 'mithril-lite');
  assert.equal(typeof entry, 'string', 'exports["."].browser');
  assert.match(entry, /^\.\/[\w./-]+\.js$/);
  assert.ok(existsSync(path.join(PKG, entry)), `pkg/${entry} exists`);
  assert.equal(manifest.exports['./package.json'], './package.json');
});

test("the browser entry reaches the web wasm output and no node or bundler code", () => {
  const { entry } = packageEntry();
  const graph = [...packageGraph(entry)];
  assert.ok(graph.includes('dist/web/mithril_lite.js'), `graph: ${graph.join(', ')}`);
  assert.ok(graph.includes('dist/web/mithril_lite_bg.wasm'), `graph: ${graph.join(', ')}`);
  for (const f of graph) {
    assert.doesNotMatch(f, /(^|\/)(node\.js|bundler\.js)$|dist\/(nodejs|bundler)\//, f);
  }
});

test('index.html maps the bare name "mithril-lite" to the browser entry, and nothing else of the package', () => {
  const { entry } = packageEntry();
  const html = readFileSync(path.join(WWW, 'index.html'), 'utf8');
  const maps = importMaps(html);
  assert.equal(maps.length, 1, 'one import map');
  const imports = maps[0].imports ?? {};
  assert.deepEqual(Object.keys(maps[0]), ['imports'], 'no scopes');
  assert.deepEqual(imports, { 'mithril-lite': PACKAGE_URL + entry.slice(2) });
  // No module script of the page points into the package directly.
  for (const m of html.matchAll(/<script\b[^>]*\bsrc=["']([^"']+)["']/gi)) {
    assert.ok(!m[1].includes('node_modules') && !m[1].includes('mithril_lite'), m[1]);
  }
});

test('page modules import the package by its name only; the service worker by the vendored browser entry', () => {
  const { entry } = packageEntry();
  const modules = browserModules();
  const rel = (/** @type {string} */ f) => path.relative(WWW, f);
  assert.deepEqual(modules.map(rel), [
    'app.js',
    path.join('extension', 'popup.js'),
    path.join('extension', 'service-worker.js'),
  ]);
  /** @type {Record<string, string[]>} */
  const found = {};
  for (const file of modules) {
    const code = readFileSync(file, 'utf8');
    const specifiers = importSpecifiers(code).map((s) => s.specifier);
    found[rel(file)] = specifiers;
    // No path into the package's files other than through the entry.
    assert.doesNotMatch(stripComments(code), /dist\/(web|bundler|nodejs)|mithril_lite(_bg)?\.(js|wasm)|\/pkg\//, rel(file));
  }
  assert.deepEqual(found['app.js'], ['mithril-lite']);
  assert.deepEqual(found[path.join('extension', 'popup.js')], []);
  assert.deepEqual(found[path.join('extension', 'service-worker.js')], [VENDOR + entry.slice(2)]);
});

test('the extension manifest: MV3 module service worker, wasm-unsafe-eval CSP, storage, 127.0.0.1 only', () => {
  const manifest = JSON.parse(readFileSync(path.join(WWW, 'extension', 'manifest.json'), 'utf8'));
  assert.equal(manifest.manifest_version, 3);
  assert.deepEqual(manifest.background, { service_worker: 'service-worker.js', type: 'module' });
  assert.equal(
    manifest.content_security_policy.extension_pages,
    "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'",
  );
  assert.deepEqual(manifest.permissions, ['storage']);
  assert.deepEqual(manifest.host_permissions, ['http://127.0.0.1/*']);
  assert.equal(manifest.action.default_popup, 'popup.html');
});

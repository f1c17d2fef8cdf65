// Static reading of ES module sources: the specifiers a module imports, and the files of the
// npm package reachable from its browser entry. Used by the node-side import checks and by the
// demo test (which compares what the page really requested with what the entry reaches).

import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './harness.mjs';

export const PKG = path.join(ROOT, 'pkg');

/**
 * The code without its comments (good enough for our own sources: no '//' or '/*' in strings
 * other than URLs with a scheme, which are kept).
 * @param {string} code
 */
export function stripComments(code) {
  return code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:\\'"`])\/\/.*$/gm, '$1');
}

/**
 * Every module specifier `code` names: static imports and re-exports, dynamic imports with a
 * literal, and `new URL(literal, import.meta.url)` assets.
 * @param {string} code
 * @returns {{kind: 'static' | 'dynamic' | 'asset', specifier: string}[]}
 */
export function importSpecifiers(code) {
  const src = stripComments(code);
  /** @type {{kind: 'static' | 'dynamic' | 'asset', specifier: string}[]} */
  const out = [];
  const patterns = /** @type {const} */ ([
    ['static', /(?:^|[;\s])import\s+(?:[\w$*{}\s,]+?\s+from\s+)?['"]([^'"]+)['"]/g],
    ['static', /(?:^|[;\s])export\s+(?:\*(?:\s+as\s+[\w$]+)?|\{[^}]*\})\s*from\s+['"]([^'"]+)['"]/g],
    ['dynamic', /\bimport\s*\(\s*['"`]([^'"`]+)['"`]\s*\)/g],
    ['asset', /\bnew\s+URL\(\s*['"]([^'"]+)['"]\s*,\s*import\.meta\.url\s*\)/g],
  ]);
  for (const [kind, re] of patterns) {
    for (const m of src.matchAll(re)) out.push({ kind, specifier: m[1] });
  }
  // Dynamic imports of anything but a literal cannot be checked statically.
  if (/\bimport\s*\(\s*[^'"`\s)]/.test(src)) out.push({ kind: 'dynamic', specifier: '<computed>' });
  return out;
}

/** The package manifest and its browser entry ("./src/web.js"). */
export function packageEntry() {
  const manifest = JSON.parse(readFileSync(path.join(PKG, 'package.json'), 'utf8'));
  const dot = manifest.exports?.['.'];
  const entry = typeof dot === 'string' ? dot : dot?.browser;
  return { manifest, entry: /** @type {string} */ (entry) };
}

/**
 * The package files (paths relative to pkg/, "src/web.js") reachable from `entry` through
 * relative imports and import.meta.url assets.
 * @param {string} entry e.g. "./src/web.js"
 */
export function packageGraph(entry) {
  /** @type {Set<string>} */
  const seen = new Set();
  const queue = [path.posix.normalize(entry)];
  while (queue.length > 0) {
    const rel = /** @type {string} */ (queue.shift());
    if (seen.has(rel)) continue;
    seen.add(rel);
    const file = path.join(PKG, rel);
    if (!rel.endsWith('.js') || !existsSync(file)) continue;
    for (const { specifier } of importSpecifiers(readFileSync(file, 'utf8'))) {
      if (!specifier.startsWith('./') && !specifier.startsWith('../')) continue;
      queue.push(path.posix.normalize(path.posix.join(path.posix.dirname(rel), specifier)));
    }
  }
  return seen;
}

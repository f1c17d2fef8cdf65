// The package as users get it: its exports map from node ESM (through node_modules and from a
// packed tarball installed elsewhere), the web entry (instantiated from bytes in node), and
// TypeScript declarations that match the runtime exports and type-check under --strict.

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { DEVNET, ROOT, loadDevnet, mapSource } from './helpers.mjs';

const PKG = join(ROOT, 'pkg');
const HERE = join(ROOT, 'tests', 'node');
const devnet = loadDevnet();

/**
 * Whether node `version` satisfies pkg/package.json's engines, `^20.19.0 || >=22.12.0`.
 * @param {string} version
 */
function satisfiesEngines(version) {
  const [major, minor] = version.split('.').map(Number);
  return (major === 20 && minor >= 19) || (major === 22 && minor >= 12) || major > 22;
}

/** Names the declarations export as values (classes and functions). */
function declaredValues() {
  const dts = readFileSync(join(PKG, 'index.d.ts'), 'utf8');
  return [...dts.matchAll(/^export declare (?:class|function) (\w+)/gm)].map((m) => m[1]).sort();
}

describe('package', () => {
  test('the node entry (exports map, "node" condition) exports what index.d.ts declares', async () => {
    const mod = await import('mithril-lite');
    assert.deepEqual(Object.keys(mod).sort(), declaredValues());
    for (const sub of ['mithril-lite/node']) {
      const m = await import(sub);
      assert.deepEqual(Object.keys(m).sort(), declaredValues());
    }
    const pkg = JSON.parse(readFileSync(join(PKG, 'package.json'), 'utf8'));
    assert.equal(pkg.name, 'mithril-lite');
    assert.equal(pkg.type, 'module');
    assert.equal(pkg.dependencies, undefined, 'no runtime dependencies');
    assert.equal(pkg.exports['.'].node, './src/node.js');
    assert.equal(pkg.exports['.'].browser, './src/web.js');
    assert.equal(pkg.exports['./bundler'].default, './src/bundler.js');
    // One .wasm for every entry: only dist/web/ ships.
    assert.deepEqual(pkg.files.filter((/** @type {string} */ f) => f.startsWith('dist')), ['dist/web/']);
  });

  test('the web entry works in node once init() is given the .wasm bytes', () => {
    // In a process of its own: in this one the node entry has already started the package's
    // one instance (the entries share it), so nothing would be left to initialise.
    const script = [
      "import assert from 'node:assert/strict';",
      "import { readFileSync } from 'node:fs';",
      "import * as web from 'mithril-lite/web';",
      `import { loadDevnet, mapSource } from ${JSON.stringify(new URL('./helpers.mjs', import.meta.url).href)};`,
      'const devnet = loadDevnet();',
      "assert.throws(() => new web.CertificateVerifier(devnet.genesisKey), (e) => e.code === 'not_initialized');",
      `const bytes = readFileSync(${JSON.stringify(join(PKG, 'dist', 'web', 'mithril_lite_bg.wasm'))});`,
      'await Promise.all([web.init(bytes), web.init(bytes)]); // once, shared',
      'const verifier = await web.CertificateVerifier.create(devnet.genesisKey, { trustStore: null });',
      'const chain = await verifier.verifyChain(devnet.latest, mapSource(devnet.certificates));',
      'await verifier.close();',
      'console.log(JSON.stringify({ exports: Object.keys(web).sort(), hash: chain.hash, anchor: chain.anchor.kind }));',
    ].join('\n');
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: HERE,
      encoding: 'utf8',
    });
    const result = JSON.parse(out.trim().split('\n').pop() ?? '');
    assert.deepEqual(result, { exports: declaredValues(), hash: devnet.latest, anchor: 'genesis' });
  });

  test('the shipped module has no fault injection (a test-only cargo feature)', () => {
    const glue = readFileSync(join(PKG, 'dist', 'web', 'mithril_lite.js'), 'utf8');
    assert.ok(glue.includes('__wbg_reset_state'), 'built with --experimental-reset-state-function');
    assert.ok(!/testPanic|fault injection/i.test(glue));
    const wasm = readFileSync(join(PKG, 'dist', 'web', 'mithril_lite_bg.wasm'));
    assert.ok(!wasm.includes('fault injection'));
  });

  test('every entry file and the one .wasm exist', () => {
    for (const f of [
      'src/node.js',
      'src/web.js',
      'src/bundler.js',
      'src/verifier.js',
      'src/drive.js',
      'src/latest.js',
      'src/options.js',
      'src/verified.js',
      'src/types.js',
      'src/instance.js',
      'dist/web/mithril_lite.js',
      'dist/web/mithril_lite_bg.wasm',
    ]) {
      assert.ok(existsSync(join(PKG, f)), f);
    }
  });

  test("src/'s modules import one way: no import cycle among them", () => {
    const dir = join(PKG, 'src');
    /** @type {Map<string, string[]>} */
    const graph = new Map();
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.js'))) {
      const text = readFileSync(join(dir, file), 'utf8');
      // Static imports and re-exports of sibling files (JSDoc import() types are not loads).
      const deps = [...text.matchAll(/^(?:import|export)\b[^;']*'\.\/([\w.-]+\.js)'/gm)].map((m) => m[1]);
      graph.set(file, deps);
    }
    assert.ok(graph.get('node.js')?.includes('verifier.js'), 'the import scan finds the entries\' imports');
    /** @type {Set<string>} */
    const done = new Set();
    /** @param {string} file @param {string[]} path */
    const visit = (file, path) => {
      assert.ok(!path.includes(file), `import cycle: ${[...path, file].join(' -> ')}`);
      if (done.has(file)) return;
      for (const dep of graph.get(file) ?? []) visit(dep, [...path, file]);
      done.add(file);
    };
    for (const file of graph.keys()) visit(file, []);
  });

  test('package.json: license, repository, homepage, bugs, engines, no install scripts', () => {
    const pkg = JSON.parse(readFileSync(join(PKG, 'package.json'), 'utf8'));
    assert.equal(pkg.license, 'Apache-2.0');
    // The package's copy of the license is the repository's (prepack refuses otherwise too).
    assert.ok(readFileSync(join(PKG, 'LICENSE')).equals(readFileSync(join(ROOT, 'LICENSE'))), 'pkg/LICENSE = LICENSE');
    assert.ok(pkg.files.includes('LICENSE'));
    assert.deepEqual(pkg.repository, {
      type: 'git',
      url: 'git+https://github.com/mithril-lite/mithril-lite.git',
      directory: 'pkg',
    });
    assert.match(pkg.homepage, /^https:\/\/github\.com\/mithril-lite\/mithril-lite\b/);
    assert.equal(pkg.bugs.url, 'https://github.com/mithril-lite/mithril-lite/issues');
    // Only the pack-time check: nothing runs in the user's install.
    assert.deepEqual(pkg.scripts, { prepack: 'node scripts/prepack.mjs' });
    // The versions where both import and require(esm) work without a flag (the tarball test
    // below checks both); the node running the tests must be one of them.
    assert.equal(pkg.engines.node, '^20.19.0 || >=22.12.0');
    assert.ok(satisfiesEngines(process.versions.node), `node ${process.versions.node} is outside engines`);
    assert.ok(!satisfiesEngines('20.18.3') && !satisfiesEngines('22.11.0') && !satisfiesEngines('21.7.3'));
    assert.ok(satisfiesEngines('20.19.0') && satisfiesEngines('22.12.0') && satisfiesEngines('24.1.0'));
  });

  test('npm pack, installed into an empty project: node ESM import and CommonJS require', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'mithril-lite-pack-'));
    try {
      // `npm pack` runs prepack, which checks pkg/dist/web against the sources.
      const out = execFileSync('npm', ['pack', '--json', '--pack-destination', tmp], {
        cwd: PKG,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const [info] = JSON.parse(out);
      const files = info.files.map((/** @type {{path: string}} */ f) => f.path).sort();
      for (const f of [
        'package.json',
        'README.md',
        'LICENSE',
        'index.d.ts',
        'src/node.js',
        'src/web.js',
        'src/bundler.js',
        'src/instance.js',
        'src/worker-node.js',
        'src/worker-web.js',
        'dist/web/mithril_lite.js',
        'dist/web/mithril_lite_bg.wasm',
      ]) {
        assert.ok(files.includes(f), `${f} is in the tarball: ${files.join(', ')}`);
      }
      // One .wasm in the package, whatever the entries.
      const modules = files.filter((/** @type {string} */ f) => f.endsWith('.wasm'));
      assert.deepEqual(modules, ['dist/web/mithril_lite_bg.wasm']);
      // Nothing of the repository's tooling: the build stamp and the pack scripts stay home.
      for (const f of files) assert.match(f, /^(src\/|dist\/web\/|index\.d\.ts$|README\.md$|LICENSE$|package\.json$)/);
      console.log(`# npm pack: ${files.length} files, ${info.size} bytes packed, ${info.unpackedSize} unpacked`);

      // A real `npm install` of the tarball into an empty project (offline: the package has no
      // dependencies).
      const project = join(tmp, 'app');
      mkdirSync(project);
      writeFileSync(join(project, 'package.json'), '{"name":"app","private":true}');
      execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--loglevel=error', join(tmp, info.filename)], {
        cwd: project,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const installed = JSON.parse(readFileSync(join(project, 'node_modules', 'mithril-lite', 'package.json'), 'utf8'));
      assert.equal(installed.version, info.version);

      writeFileSync(join(project, 'certificates.json'), JSON.stringify(Object.fromEntries(devnet.certificates)));
      const genesisKey = JSON.stringify(devnet.genesisKey);
      const latest = JSON.stringify(devnet.latest);
      // The same walk from both module systems: decode the genesis key, verify the chain.
      const walk = [
        "const certificates = JSON.parse(readFileSync('./certificates.json', 'utf8'));",
        `const key = decodeGenesisKey(${genesisKey});`,
        `const verifier = new CertificateVerifier(${genesisKey});`,
        `const chain = await verifier.verifyChain(${latest}, { getCertificate: async (h) => certificates[h] });`,
        'await verifier.close();',
        'console.log(JSON.stringify({ version: version(), key, hash: chain.hash, anchor: chain.anchor.kind }));',
      ];
      writeFileSync(
        join(project, 'main.mjs'),
        [
          "import { readFileSync } from 'node:fs';",
          "import { CertificateVerifier, decodeGenesisKey, version } from 'mithril-lite';",
          ...walk,
        ].join('\n'),
      );
      writeFileSync(
        join(project, 'main.cjs'),
        [
          "const { readFileSync } = require('node:fs');",
          "const { CertificateVerifier, decodeGenesisKey, version } = require('mithril-lite');",
          '(async () => {',
          ...walk,
          '})().catch((e) => { console.error(e); process.exit(1); });',
        ].join('\n'),
      );
      const esm = JSON.parse(execFileSync(process.execPath, ['main.mjs'], { cwd: project, encoding: 'utf8' }));
      assert.match(esm.version, /^\d+\.\d+\.\d+/);
      assert.match(esm.key, /^[0-9a-f]{64}$/);
      const expected = { version: esm.version, key: esm.key, hash: devnet.latest, anchor: 'genesis' };
      assert.deepEqual(esm, expected);

      // require(esm): unflagged from node 20.19 and 22.12, the versions engines names. The
      // package is ES modules only; on a node without it, require() must fail with node's
      // documented ERR_REQUIRE_ESM (pkg/README.md says to use import()).
      const cjs = spawnSync(process.execPath, ['main.cjs'], { cwd: project, encoding: 'utf8' });
      if (process.features.require_module) {
        assert.equal(cjs.status, 0, cjs.stderr);
        assert.deepEqual(JSON.parse(cjs.stdout), expected);
        // The bundler entry's top-level await: not for require(), as pkg/README.md says.
        const bundler = spawnSync(process.execPath, ['-e', "require('mithril-lite/bundler')"], {
          cwd: project,
          encoding: 'utf8',
        });
        assert.notEqual(bundler.status, 0);
        assert.match(bundler.stderr, /ERR_REQUIRE_ASYNC_MODULE/);
      } else {
        assert.notEqual(cjs.status, 0);
        assert.match(cjs.stderr, /ERR_REQUIRE_ESM/);
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  for (const [project, what] of [
    ['tsconfig.dom.json', 'type-checks with tsc --strict in a browser project (DOM types, no @types/node)'],
    ['tsconfig.node.json', 'type-checks with tsc --strict in a Node.js project (@types/node, no DOM types)'],
    // surface.ts: the same exports, members and parameter counts on both sides, and the
    // implementation's JSDoc types fulfil the declarations.
    ['tsconfig.surface.json', "agrees with the implementation's JSDoc types (pkg/src, checkJs)"],
  ]) {
    test(`index.d.ts ${what}`, () => {
      const tsc = join(HERE, 'node_modules', '.bin', 'tsc');
      assert.ok(existsSync(tsc), 'npm ci in tests/node installs typescript');
      try {
        execFileSync(tsc, ['-p', join(HERE, 'types', project)], {
          cwd: HERE,
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
        });
      } catch (e) {
        const err = /** @type {{stdout?: string, stderr?: string}} */ (e);
        assert.fail(`tsc -p ${project} failed:\n${err.stdout}${err.stderr}`);
      }
    });
  }
});

// The package as users get it: its exports map from node ESM (through node_modules and from a
// packed tarball installed elsewhere), the web entry (instantiated from bytes in node), and
// TypeScript declarations that match the runtime exports and type-check under --strict.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { DEVNET, ROOT, loadDevnet, mapSource } from './helpers.mjs';

const PKG = join(ROOT, 'pkg');
const HERE = join(ROOT, 'tests', 'node');
const devnet = loadDevnet();

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
      'src/driver.js',
      'src/instance.js',
      'dist/web/mithril_lite.js',
      'dist/web/mithril_lite_bg.wasm',
    ]) {
      assert.ok(existsSync(join(PKG, f)), f);
    }
  });

  test('npm pack, installed into a fresh project: import {CertificateVerifier} from "mithril-lite"', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'mithril-lite-pack-'));
    try {
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
        'index.d.ts',
        'src/node.js',
        'src/web.js',
        'src/bundler.js',
        'src/instance.js',
        'dist/web/mithril_lite.js',
        'dist/web/mithril_lite_bg.wasm',
      ]) {
        assert.ok(files.includes(f), `${f} is in the tarball: ${files.join(', ')}`);
      }
      // One .wasm in the package, whatever the entries.
      const modules = files.filter((/** @type {string} */ f) => f.endsWith('.wasm'));
      assert.deepEqual(modules, ['dist/web/mithril_lite_bg.wasm']);
      assert.ok(!files.some((/** @type {string} */ f) => f.startsWith('tests/') || f.includes('node_modules')));
      console.log(`# npm pack: ${files.length} files, ${info.size} bytes packed, ${info.unpackedSize} unpacked`);

      // Install by unpacking: offline, exactly what npm would place in node_modules.
      const project = join(tmp, 'app');
      const target = join(project, 'node_modules', 'mithril-lite');
      mkdirSync(target, { recursive: true });
      execFileSync('tar', ['-xzf', join(tmp, info.filename), '-C', target, '--strip-components=1']);
      writeFileSync(join(project, 'package.json'), '{"type":"module","private":true}');
      const certs = join(project, 'certificates.json');
      writeFileSync(certs, JSON.stringify(Object.fromEntries(devnet.certificates)));
      writeFileSync(
        join(project, 'main.mjs'),
        [
          "import { readFileSync } from 'node:fs';",
          "import { CertificateVerifier, version } from 'mithril-lite';",
          "const certificates = JSON.parse(readFileSync('./certificates.json', 'utf8'));",
          `const verifier = new CertificateVerifier(${JSON.stringify(devnet.genesisKey)});`,
          `const chain = await verifier.verifyChain(${JSON.stringify(devnet.latest)}, {`,
          '  getCertificate: async (hash) => certificates[hash],',
          '});',
          'console.log(JSON.stringify({ version: version(), hash: chain.hash, anchor: chain.anchor.kind }));',
        ].join('\n'),
      );
      const result = JSON.parse(execFileSync(process.execPath, ['main.mjs'], { cwd: project, encoding: 'utf8' }));
      assert.deepEqual(result, { version: result.version, hash: devnet.latest, anchor: 'genesis' });
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  for (const [project, what] of [
    ['tsconfig.dom.json', 'a browser project (DOM types, no @types/node)'],
    ['tsconfig.node.json', 'a Node.js project (@types/node, no DOM types)'],
  ]) {
    test(`index.d.ts type-checks with tsc --strict in ${what}`, () => {
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

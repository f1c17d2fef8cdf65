// pkg/scripts/prepack.mjs (package.json "prepack", run by `npm pack` and `npm publish`) in a
// small copy of the repository: it refuses a missing, stale or altered pkg/dist/web and a
// pkg/LICENSE that differs from the root's, lets the build of the current sources through
// (with one .wasm in the listing), and runs scripts/build-wasm.sh when
// MITHRIL_LITE_BUILD_WASM=1 (here a stand-in that copies the real module and stamps it as
// the real script does).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

import { ROOT } from './helpers.mjs';

const PKG = join(ROOT, 'pkg');
const repo = mkdtempSync(join(tmpdir(), 'mithril-lite-prepack-'));
after(() => rmSync(repo, { recursive: true, force: true }));

// The repository as far as packing goes: the build's inputs (stand-ins), the license, and
// the package without its build.
writeFileSync(join(repo, 'Cargo.toml'), '[package]\nname = "mithril-lite"\n');
writeFileSync(join(repo, 'Cargo.lock'), 'version = 4\n');
mkdirSync(join(repo, 'src'));
writeFileSync(join(repo, 'src', 'lib.rs'), '// the sources\n');
cpSync(join(ROOT, 'LICENSE'), join(repo, 'LICENSE'));
for (const f of ['package.json', 'README.md', 'LICENSE', 'index.d.ts', 'src', 'scripts']) {
  cpSync(join(PKG, f), join(repo, 'pkg', f), { recursive: true });
}
mkdirSync(join(repo, 'scripts'));
writeFileSync(
  join(repo, 'scripts', 'build-wasm.sh'),
  [
    '# Stand-in for the build: the real module, stamped as scripts/build-wasm.sh stamps it.',
    'set -eu',
    'rm -rf pkg/dist/web && mkdir -p pkg/dist',
    `cp -r ${JSON.stringify(join(PKG, 'dist', 'web'))} pkg/dist/web`,
    'echo "stand-in build-wasm: profile $WASM_PROFILE"',
    'node pkg/scripts/wasm-stamp.mjs write pkg/dist/web wasm "$WASM_PROFILE"',
    '',
  ].join('\n'),
);

/**
 * `npm pack --dry-run --json` in the copy's pkg/ (prepack runs).
 * @param {Record<string, string>} [env]
 */
function pack(env = {}) {
  const run = spawnSync('npm', ['pack', '--dry-run', '--json'], {
    cwd: join(repo, 'pkg'),
    encoding: 'utf8',
    env: { ...process.env, MITHRIL_LITE_BUILD_WASM: '', ...env },
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** The prepack script alone, as npm runs it: where only its verdict matters, no npm start-up. */
function prepack() {
  const run = spawnSync(process.execPath, ['scripts/prepack.mjs'], {
    cwd: join(repo, 'pkg'),
    encoding: 'utf8',
    env: { ...process.env, MITHRIL_LITE_BUILD_WASM: '' },
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** @param {{status: number | null, stdout: string, stderr: string}} run */
function packedFiles(run) {
  assert.equal(run.status, 0, run.stderr);
  const [info] = JSON.parse(run.stdout);
  return info.files.map((/** @type {{path: string}} */ f) => f.path).sort();
}

/**
 * @param {{status: number | null, stderr: string}} run
 * @param {RegExp} why
 */
function assertRefused(run, why) {
  assert.notEqual(run.status, 0, 'npm pack must fail');
  assert.match(run.stderr, /mithril-lite prepack: refusing to pack/);
  assert.match(run.stderr, why);
  assert.match(run.stderr, /scripts\/build-wasm\.sh/, 'says how to build');
}

/** Stamp the copy's pkg/dist/web as a build of the current inputs, as scripts/build-wasm.sh does. */
function stamp(profile = 'wasm-release') {
  const script = join(repo, 'pkg', 'scripts', 'wasm-stamp.mjs');
  return spawnSync(process.execPath, [script, 'write', join(repo, 'pkg', 'dist', 'web'), 'wasm', profile]).status;
}

test('no pkg/dist/web (a fresh clone): refused', () => {
  assertRefused(pack(), /pkg\/dist\/web is missing/);
});

test('a pkg/dist/web that no build stamped: refused', () => {
  cpSync(join(PKG, 'dist', 'web'), join(repo, 'pkg', 'dist', 'web'), { recursive: true });
  assertRefused(prepack(), /web\.stamp\.json is missing/);
});

test('the stamped build of the current sources: packed, with one .wasm and no stamp', () => {
  assert.equal(stamp(), 0);
  const files = packedFiles(pack());
  assert.deepEqual(
    files.filter((f) => f.endsWith('.wasm')),
    ['dist/web/mithril_lite_bg.wasm'],
  );
  assert.ok(files.includes('LICENSE'));
  assert.ok(!files.some((f) => f.includes('stamp') || f.startsWith('scripts/')), files.join(', '));
});

test('a Rust source, Cargo.lock or the build script changed since: refused as stale', () => {
  for (const input of [join('src', 'lib.rs'), 'Cargo.lock', join('scripts', 'build-wasm.sh')]) {
    assert.equal(stamp(), 0);
    assert.equal(prepack().status, 0);
    appendFileSync(join(repo, input), '\n');
    assertRefused(prepack(), /pkg\/dist\/web is stale/);
  }
  // A new source file counts too.
  assert.equal(stamp(), 0);
  writeFileSync(join(repo, 'src', 'new.rs'), '');
  assertRefused(prepack(), /stale/);
});

test('a module changed after the build: refused', () => {
  assert.equal(stamp(), 0);
  appendFileSync(join(repo, 'pkg', 'dist', 'web', 'mithril_lite_bg.wasm'), Buffer.from([0]));
  assertRefused(prepack(), /not what scripts\/build-wasm\.sh wrote/);
});

test('MITHRIL_LITE_BUILD_WASM=1 runs scripts/build-wasm.sh first (wasm-release), then packs', () => {
  const run = pack({ MITHRIL_LITE_BUILD_WASM: '1' });
  assert.match(run.stderr, /stand-in build-wasm: profile wasm-release/);
  // The build's output goes to stderr: stdout stays npm's JSON.
  assert.ok(packedFiles(run).includes('dist/web/mithril_lite_bg.wasm'));
});

test('a build of another profile: refused', () => {
  assert.equal(stamp('release'), 0);
  assertRefused(prepack(), /profile release, not wasm-release/);
});

test('a pkg/LICENSE that differs from the root LICENSE: refused', () => {
  assert.equal(stamp(), 0);
  assert.equal(prepack().status, 0);
  appendFileSync(join(repo, 'pkg', 'LICENSE'), 'extra\n');
  assertRefused(prepack(), /pkg\/LICENSE is missing or differs/);
});

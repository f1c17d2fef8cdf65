#!/usr/bin/env node
// `npm pack` and `npm publish` run this first (package.json "prepack"). The tarball must carry
// the one .wasm built from the sources being packed: refuse (exit 1) when pkg/dist/web is
// missing, stale, or not what scripts/build-wasm.sh wrote (see wasm-stamp.mjs), unless
// MITHRIL_LITE_BUILD_WASM=1 asks for the build here first. Also refuse a pkg/LICENSE that
// differs from the repository's.
//
// Messages go to stderr: `npm pack --json` prints its JSON on stdout.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { ROOT, checkStamp, inputsDigest } from './wasm-stamp.mjs';

const PKG = join(ROOT, 'pkg');
const OUT = join(PKG, 'dist', 'web');
const BUILD = join(ROOT, 'scripts', 'build-wasm.sh');
// What scripts/build-wasm.sh builds by default: the shipped module, never the test-only
// fault-injection variant or another profile.
const WANT = { features: 'wasm', profile: 'wasm-release' };

/** @param {string[]} problems */
function refuse(problems) {
  const lines = problems.map((p) => `  - ${p}`).join('\n');
  process.stderr.write(
    `mithril-lite prepack: refusing to pack:\n${lines}\n` +
      'Build the module from these sources with scripts/build-wasm.sh (scripts/setup.sh --wasm\n' +
      'installs its tools), or pack with MITHRIL_LITE_BUILD_WASM=1 to run it from here.\n',
  );
  process.exit(1);
}

if (!existsSync(join(ROOT, 'Cargo.toml')) || !existsSync(BUILD)) {
  refuse([`${ROOT} is not a mithril-lite checkout: the package is packed from the repository's pkg/`]);
}

if (process.env.MITHRIL_LITE_BUILD_WASM === '1') {
  process.stderr.write('mithril-lite prepack: MITHRIL_LITE_BUILD_WASM=1: running scripts/build-wasm.sh\n');
  // Its stdout to our stderr, for the same reason as above.
  const run = spawnSync('bash', [BUILD], {
    cwd: ROOT,
    stdio: ['ignore', 2, 2],
    env: { ...process.env, WASM_PROFILE: WANT.profile },
  });
  if (run.status !== 0) refuse([`scripts/build-wasm.sh failed (${run.error ?? `exit ${run.status}`})`]);
}

const problems = checkStamp(ROOT, OUT, WANT);
const license = join(PKG, 'LICENSE');
if (!existsSync(license) || !readFileSync(license).equals(readFileSync(join(ROOT, 'LICENSE')))) {
  problems.push('pkg/LICENSE is missing or differs from the repository root LICENSE (copy it)');
}
if (problems.length > 0) refuse(problems);
process.stderr.write(`mithril-lite prepack: pkg/dist/web matches the sources (inputs ${inputsDigest(ROOT).slice(0, 12)})\n`);

#!/usr/bin/env node
// The record of what a wasm build was made from, so that `npm pack` / `npm publish`
// (scripts/prepack.mjs) can refuse a pkg/dist/web that no longer matches the sources.
//
// scripts/build-wasm.sh takes the inputs' digest before it builds and writes the stamp after:
//
//   node pkg/scripts/wasm-stamp.mjs inputs                                 (prints the digest)
//   node pkg/scripts/wasm-stamp.mjs write OUT_DIR FEATURES PROFILE [INPUTS]
//
// The stamp is OUT_DIR.stamp.json (pkg/dist/web.stamp.json: beside dist/web/, so not in the
// package's "files"). It holds a SHA-256 over the build's inputs (Cargo.toml, Cargo.lock,
// scripts/build-wasm.sh, every file under src/), the cargo features and profile, and a SHA-256
// of each output file. Contents, not modification times: a fresh clone gives every file the
// checkout's time, and a copied dist/ keeps whatever time it had.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (pkg/scripts/../..). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** What scripts/build-wasm.sh reads besides its tools (whose versions Cargo.toml pins). */
const INPUT_FILES = ['Cargo.toml', 'Cargo.lock', 'scripts/build-wasm.sh'];
const INPUT_DIRS = ['src'];

/** @param {string | Buffer} data */
const sha256 = (data) => createHash('sha256').update(data).digest('hex');

/**
 * Every file under `dir`, as paths relative to `base` with '/' separators, sorted.
 * @param {string} base
 * @param {string} dir
 * @returns {string[]}
 */
function filesUnder(base, dir) {
  /** @type {string[]} */
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(base, file));
    else out.push(relative(base, file).split(sep).join('/'));
  }
  return out.sort();
}

/**
 * One digest over the build's inputs: each file's path and content hash, in path order (a
 * renamed, added or removed file changes it too).
 * @param {string} root
 */
export function inputsDigest(root) {
  const files = [...INPUT_FILES, ...INPUT_DIRS.flatMap((d) => filesUnder(root, join(root, d)))].sort();
  const lines = files.map((f) => `${f}\0${sha256(readFileSync(join(root, f)))}\n`);
  return sha256(lines.join(''));
}

/**
 * The content hash of each file of a build output directory, by relative path.
 * @param {string} dir
 * @returns {Record<string, string>}
 */
export function outputDigests(dir) {
  return Object.fromEntries(filesUnder(dir, dir).map((f) => [f, sha256(readFileSync(join(dir, f)))]));
}

/** @param {string} outDir */
export const stampPath = (outDir) => `${resolve(outDir)}.stamp.json`;

/**
 * @param {string} root
 * @param {string} outDir
 * @param {string} features
 * @param {string} profile
 * @param {string} [inputs] the inputs' digest taken before the build (default: now)
 */
export function writeStamp(root, outDir, features, profile, inputs = inputsDigest(root)) {
  const stamp = { inputs, features, profile, outputs: outputDigests(outDir) };
  writeFileSync(stampPath(outDir), `${JSON.stringify(stamp, null, 2)}\n`);
  return stamp;
}

/**
 * Why `outDir` is not the build of the current sources with these features and profile, as
 * one message per problem; empty when it is.
 * @param {string} root
 * @param {string} outDir
 * @param {{features: string, profile: string}} want
 * @returns {string[]}
 */
export function checkStamp(root, outDir, want) {
  const at = relative(root, outDir) || '.';
  if (!existsSync(outDir)) return [`${at} is missing`];
  const file = stampPath(outDir);
  if (!existsSync(file)) return [`${relative(root, file)} is missing (${at} was not written by scripts/build-wasm.sh)`];
  /** @type {{inputs?: unknown, features?: unknown, profile?: unknown, outputs?: unknown}} */
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    return [`${relative(root, file)} is not JSON: ${e}`];
  }
  const problems = [];
  if (stamp.inputs !== inputsDigest(root)) {
    problems.push(`${at} is stale: src/, Cargo.toml, Cargo.lock or scripts/build-wasm.sh changed since it was built`);
  }
  if (stamp.features !== want.features) {
    problems.push(`${at} was built with features ${stamp.features}, not ${want.features}`);
  }
  if (stamp.profile !== want.profile) {
    problems.push(`${at} was built with profile ${stamp.profile}, not ${want.profile}`);
  }
  if (JSON.stringify(stamp.outputs) !== JSON.stringify(outputDigests(outDir))) {
    problems.push(`${at} is not what scripts/build-wasm.sh wrote (a file was changed, added or removed since)`);
  }
  return problems;
}

// CLI: `inputs`, or `write OUT_DIR FEATURES PROFILE [INPUTS]`.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [command, outDir, features, profile, inputs] = process.argv.slice(2);
  if (command === 'inputs' && !outDir) {
    process.stdout.write(`${inputsDigest(ROOT)}\n`);
  } else if (command === 'write' && outDir && features && profile && (!inputs || /^[0-9a-f]{64}$/.test(inputs))) {
    const stamp = writeStamp(ROOT, resolve(outDir), features, profile, inputs || undefined);
    process.stdout.write(`wasm-stamp: ${relative(ROOT, stampPath(outDir))} (inputs ${stamp.inputs.slice(0, 12)})\n`);
  } else {
    process.stderr.write('usage: node pkg/scripts/wasm-stamp.mjs inputs | write OUT_DIR FEATURES PROFILE [INPUTS]\n');
    process.exit(2);
  }
}

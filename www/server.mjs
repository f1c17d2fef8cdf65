#!/usr/bin/env node
// Static server of the mithril-lite browser demo (node >= 18, no dependencies), on 127.0.0.1 only.
//
//   /                                   www/ (index.html, app.js, style.css, extension/...)
//   /node_modules/mithril-lite/...      the npm package in pkg/, limited to what it publishes
//                                       (package.json and its "files"), .wasm as application/wasm
//   /devnet/genesis.vkey                the devnet genesis verification key (the demo's trust root)
//   /aggregator/certificates            tests/fixtures/devnet/certificates-list.json
//   /aggregator/certificate/{hash}      one certificate of tests/fixtures/devnet/certificates.json,
//                                       byte for byte as it is written there
//   /broken-aggregator/...              the same chain with one certificate tampered: one hex digit
//                                       of the signed_message of the middle certificate of the
//                                       newest certificate's chain
//   /slow-aggregator/...                the genuine chain, each certificate delayed (--slow-ms,
//                                       default 400 ms): time to press Cancel
//   /{aggregator}/proof/v2/cardano-transaction?transaction_hashes=a,b
//   /{aggregator}/proof/cardano-transaction?transaction_hashes=a,b
//                                       transaction proofs (v2, v1) of ctx-proofs-v2.json and
//                                       ctx-proofs.json, under each aggregator above; see
//                                       proofAnswer for hashes the fixtures hold no proof of
//   /forged-proof-aggregator/...        genuine certificates, each transaction proof with one
//                                       digit changed (v2: the first item's block_number, v1:
//                                       latest_block_number), which the verifier refuses
//
// Certificates are never JSON.parse'd and re-serialised: their stakes exceed 2^53 and the
// certificate hash covers them. Each value of certificates.json is cut out of the file's text by
// scanning it (strings and brackets), keyed by its 64-hex-digit hash.
//
// Usage: node www/server.mjs [--port N] [--slow-ms N] [--log]    (or PORT=N; default 0: random)
// The first line printed is the base URL, e.g. http://127.0.0.1:41234/

import { createServer } from 'node:http';
import { readFileSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const WWW = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.dirname(WWW);
const PKG = path.join(ROOT, 'pkg');
const FIXTURES = path.join(ROOT, 'tests', 'fixtures', 'devnet');
const PACKAGE_MOUNT = '/node_modules/mithril-lite/';
const HOST = '127.0.0.1';
const HASH = /^[0-9a-f]{64}$/;

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.ts': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.vkey': 'text/plain; charset=utf-8',
};

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, HEAD, OPTIONS',
  'access-control-allow-headers': 'accept, content-type',
  'access-control-max-age': '600',
};

// ---------------------------------------------------------------------------------------------
// certificates.json, value by value, as text

/**
 * Index of the first non-whitespace character at or after `i`.
 * @param {string} text
 * @param {number} i
 */
function skipSpace(text, i) {
  while (i < text.length && ' \t\r\n'.includes(text[i])) i++;
  return i;
}

/**
 * End (exclusive) of the JSON string starting at `i` (text[i] is the opening quote).
 * @param {string} text
 * @param {number} i
 */
function stringEnd(text, i) {
  for (let j = i + 1; j < text.length; j++) {
    const c = text[j];
    if (c === '\\') j++;
    else if (c === '"') return j + 1;
    else if (c < ' ') break;
  }
  throw new SyntaxError(`unterminated string at offset ${i}`);
}

/**
 * End (exclusive) of the JSON value starting at `i`: strings are skipped whole, brackets are
 * matched, anything else (numbers, literals) runs up to the next delimiter.
 * @param {string} text
 * @param {number} i
 */
function valueEnd(text, i) {
  const c = text[i];
  if (c === '"') return stringEnd(text, i);
  if (c === '{' || c === '[') {
    const stack = [];
    for (let j = i; j < text.length; j++) {
      const d = text[j];
      if (d === '"') j = stringEnd(text, j) - 1;
      else if (d === '{' || d === '[') stack.push(d === '{' ? '}' : ']');
      else if (d === '}' || d === ']') {
        if (stack.pop() !== d) throw new SyntaxError(`unbalanced '${d}' at offset ${j}`);
        if (stack.length === 0) return j + 1;
      }
    }
    throw new SyntaxError(`unterminated value at offset ${i}`);
  }
  let j = i;
  while (j < text.length && !',}] \t\r\n'.includes(text[j])) j++;
  if (j === i) throw new SyntaxError(`value expected at offset ${i}`);
  return j;
}

/**
 * The members of a top-level JSON object as [key, exact value text] pairs.
 * @param {string} text
 * @returns {Array<[string, string]>}
 */
export function objectMembers(text) {
  let i = skipSpace(text, 0);
  if (text[i] !== '{') throw new SyntaxError('a JSON object was expected');
  i = skipSpace(text, i + 1);
  /** @type {Array<[string, string]>} */
  const members = [];
  if (text[i] === '}') return members;
  for (;;) {
    if (text[i] !== '"') throw new SyntaxError(`a key was expected at offset ${i}`);
    const keyEnd = stringEnd(text, i);
    const key = JSON.parse(text.slice(i, keyEnd)); // a key is a string: no number involved
    i = skipSpace(text, keyEnd);
    if (text[i] !== ':') throw new SyntaxError(`':' expected at offset ${i}`);
    i = skipSpace(text, i + 1);
    const end = valueEnd(text, i);
    members.push([key, text.slice(i, end)]);
    i = skipSpace(text, end);
    if (text[i] === ',') i = skipSpace(text, i + 1);
    else if (text[i] === '}') break;
    else throw new SyntaxError(`',' or '}' expected at offset ${i}`);
  }
  if (skipSpace(text, i + 1) !== text.length) throw new SyntaxError('trailing data after the object');
  return members;
}

/**
 * A top-level string field of a certificate's text (certificates nest no field of that name).
 * @param {string} certificate
 * @param {string} field
 */
function stringField(certificate, field) {
  const m = new RegExp(`"${field}"\\s*:\\s*"([^"]*)"`).exec(certificate);
  return m ? { value: m[1], offset: m.index + m[0].length - m[1].length - 1 } : undefined;
}

/**
 * The devnet fixtures: the certificate list, each certificate's text, and the tampered copy.
 * @param {string} dir
 */
export function loadFixtures(dir = FIXTURES) {
  const list = readFileSync(path.join(dir, 'certificates-list.json'));
  const genesisKey = readFileSync(path.join(dir, 'genesis.vkey'), 'utf8').trim();
  /** @type {Map<string, string>} */
  const certificates = new Map();
  for (const [key, value] of objectMembers(readFileSync(path.join(dir, 'certificates.json'), 'utf8'))) {
    if (!HASH.test(key)) throw new Error(`certificates.json: key ${key} is not a 64-hex-digit hash`);
    if (!value.startsWith('{')) throw new Error(`certificates.json: ${key} is not an object`);
    certificates.set(key, value);
  }
  // The newest certificate: the first hash of the list (read without parsing its numbers).
  const newest = /"hash"\s*:\s*"([0-9a-f]{64})"/.exec(list.toString('utf8'))?.[1];
  if (!newest || !certificates.has(newest)) {
    throw new Error('certificates-list.json: its first hash is not in certificates.json');
  }
  // Its chain, newest first, up to the genesis certificate (whose previous_hash is empty).
  const chain = [];
  for (let h = newest; h && certificates.has(h) && !chain.includes(h); ) {
    chain.push(h);
    h = stringField(/** @type {string} */ (certificates.get(h)), 'previous_hash')?.value ?? '';
  }
  // Tamper the middle certificate: flip the low bit of the first hex digit of its signed_message.
  const tamperedHash = chain[Math.floor(chain.length / 2)];
  const original = /** @type {string} */ (certificates.get(tamperedHash));
  const signed = stringField(original, 'signed_message');
  if (!signed || !/^[0-9a-f]+$/.test(signed.value)) {
    throw new Error(`certificate ${tamperedHash} has no hex signed_message`);
  }
  const at = signed.offset;
  const flipped = (parseInt(original[at], 16) ^ 1).toString(16);
  const broken = new Map(certificates);
  broken.set(tamperedHash, original.slice(0, at) + flipped + original.slice(at + 1));
  return {
    list,
    genesisKey,
    proofsV2: loadProofs(path.join(dir, 'ctx-proofs-v2.json')),
    proofsV1: loadProofs(path.join(dir, 'ctx-proofs.json')),
    certificates,
    broken,
    newest,
    chain,
    tampered: { hash: tamperedHash, field: 'signed_message', from: original[at], to: flipped },
  };
}

// ---------------------------------------------------------------------------------------------
// Transaction proofs, as text

/**
 * The proofs of a ctx-proofs file: the exact text of each, keyed by its transaction hash.
 * @param {string} file
 */
function loadProofs(file) {
  /** @type {Map<string, string>} */
  const proofs = new Map();
  for (const [key, value] of objectMembers(readFileSync(file, 'utf8'))) {
    if (!HASH.test(key)) throw new Error(`${path.basename(file)}: key ${key} is not a hash`);
    proofs.set(key, value);
  }
  if (proofs.size === 0) throw new Error(`${path.basename(file)} holds no proof`);
  return proofs;
}

/**
 * `text` with the top-level value of `field` replaced by `replacement` (JSON text), the rest
 * left as it is (block numbers are never re-serialised).
 * @param {string} text
 * @param {string} field
 * @param {string} replacement
 */
function replaceValue(text, field, replacement) {
  const m = new RegExp(`"${field}"\\s*:\\s*`).exec(text);
  if (!m) throw new Error(`no ${field} in a proof`);
  const at = m.index + m[0].length;
  return text.slice(0, at) + replacement + text.slice(valueEnd(text, at));
}

/**
 * `text` with the low bit of the last digit of the first number of `field` flipped: one
 * character changed, the length kept (8 and 9 swap, as 0 and 1 do).
 * @param {string} text
 * @param {string} field
 */
export function flipNumber(text, field) {
  const m = new RegExp(`"${field}"\\s*:\\s*(\\d+)`).exec(text);
  if (!m) throw new Error(`no number ${field} in a proof`);
  const at = m.index + m[0].length - 1;
  return text.slice(0, at) + String(Number(text[at]) ^ 1) + text.slice(at + 1);
}

/**
 * The answer of a proof route to `?transaction_hashes=...`. The fixtures hold one proof per
 * transaction, whereas an aggregator proves every requested hash it knows in one body. So:
 * one hash with a proof gets that proof, byte for byte; otherwise the proof of the first
 * requested hash that has one (else the file's first proof, which proves none of them) is
 * sent with `non_certified_transactions` listing the requested hashes it does not prove,
 * as an aggregator lists the transactions it could not certify.
 * @param {Map<string, string>} proofs
 * @param {string[]} requested lower case
 * @param {(text: string) => string} [alter] applied last (the forged aggregator)
 */
export function proofAnswer(proofs, requested, alter = (t) => t) {
  const key = requested.find((h) => proofs.has(h)) ?? /** @type {string} */ (proofs.keys().next().value);
  const text = /** @type {string} */ (proofs.get(key));
  if (requested.length === 1 && requested[0] === key) return alter(text);
  const others = [...new Set(requested.filter((h) => h !== key))];
  return alter(replaceValue(text, 'non_certified_transactions', JSON.stringify(others)));
}

// ---------------------------------------------------------------------------------------------
// Files

/** The package files a page may load: package.json and the entries of its "files". */
function packageAllowList() {
  const manifest = JSON.parse(readFileSync(path.join(PKG, 'package.json'), 'utf8'));
  const files = Array.isArray(manifest.files) ? manifest.files : [];
  return ['package.json', ...files].map((f) => path.posix.normalize(String(f).replace(/^\.\//, '')));
}

/**
 * The file `rel` (a decoded URL path below a mount) names inside `base`, or undefined when it
 * would leave it.
 * @param {string} base
 * @param {string} rel
 */
function inside(base, rel) {
  const file = path.resolve(base, '.' + path.posix.normalize('/' + rel));
  return file === base || file.startsWith(base + path.sep) ? file : undefined;
}

/**
 * @param {string} file
 * @returns {Promise<{body: Buffer, type: string} | undefined>}
 */
async function readStatic(file) {
  try {
    let stat = await fs.stat(file);
    if (stat.isDirectory()) {
      file = path.join(file, 'index.html');
      stat = await fs.stat(file);
    }
    if (!stat.isFile()) return undefined;
    const body = await fs.readFile(file);
    const ext = file.endsWith('.d.ts') ? '.ts' : path.extname(file);
    return { body, type: MIME[ext] ?? 'application/octet-stream' };
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Server

/**
 * Start the server.
 * @param {{port?: number, slowMs?: number, log?: (line: string) => void}} [options]
 * @returns {Promise<{url: string, port: number, fixtures: ReturnType<typeof loadFixtures>, close: () => Promise<void>}>}
 */
export async function startServer(options = {}) {
  const fixtures = loadFixtures();
  const allowed = packageAllowList();
  const slowMs = options.slowMs ?? 400;
  const log = options.log;
  /** @type {Record<string, {certificates: Map<string, string>, delay: number, forged?: boolean}>} */
  const aggregators = {
    aggregator: { certificates: fixtures.certificates, delay: 0 },
    'broken-aggregator': { certificates: fixtures.broken, delay: 0 },
    'slow-aggregator': { certificates: fixtures.certificates, delay: slowMs },
    'forged-proof-aggregator': { certificates: fixtures.certificates, delay: 0, forged: true },
  };
  // Proof routes below an aggregator: the fixture proofs, and the one digit the forged
  // aggregator changes in them (v2: the block of the first item, so that its leaf is not in
  // the proof; v1 items name no block: the latest block number the certificate signed).
  const proofRoutes = {
    'proof/v2/cardano-transaction': { proofs: fixtures.proofsV2, forge: (/** @type {string} */ t) => flipNumber(t, 'block_number') },
    'proof/cardano-transaction': { proofs: fixtures.proofsV1, forge: (/** @type {string} */ t) => flipNumber(t, 'latest_block_number') },
  };

  const server = createServer(async (req, res) => {
    const started = Date.now();
    /** @param {number} status @param {Record<string, string>} headers @param {string | Buffer} body */
    const send = (status, headers, body) => {
      const buf = typeof body === 'string' ? Buffer.from(body) : body;
      res.writeHead(status, {
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        'content-length': String(buf.length),
        ...headers,
      });
      res.end(req.method === 'HEAD' ? undefined : buf);
      log?.(`${req.method} ${req.url} ${status} ${buf.length}B ${Date.now() - started}ms`);
    };
    const text = 'text/plain; charset=utf-8';
    const json = MIME['.json'];

    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    } catch {
      return send(400, { 'content-type': text }, 'bad request\n');
    }
    if (pathname.includes('\0')) return send(400, { 'content-type': text }, 'bad request\n');
    const [, first = '', ...rest] = pathname.split('/');
    const aggregator = Object.hasOwn(aggregators, first) ? aggregators[first] : undefined;

    if (aggregator && req.method === 'OPTIONS') {
      res.writeHead(204, { ...CORS, 'cache-control': 'no-store' });
      res.end();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return send(405, { allow: 'GET, HEAD', 'content-type': text }, 'method not allowed\n');
    }

    if (aggregator) {
      const cors = { ...CORS, 'content-type': json };
      const notFound = () =>
        send(404, cors, JSON.stringify({ label: 'not_found', message: `no route ${pathname}` }));
      if (rest.length === 1 && rest[0] === 'certificates') return send(200, cors, fixtures.list);
      if (rest.length === 2 && rest[0] === 'certificate') {
        const body = aggregator.certificates.get(rest[1]);
        if (body === undefined) return notFound();
        if (aggregator.delay > 0) {
          await new Promise((resolve) => setTimeout(resolve, aggregator.delay));
          if (req.destroyed) return; // the client gave up (e.g. an aborted verification)
        }
        return send(200, cors, body);
      }
      const route = rest.join('/');
      if (Object.hasOwn(proofRoutes, route)) {
        const { proofs, forge } = proofRoutes[/** @type {keyof typeof proofRoutes} */ (route)];
        const query = new URL(req.url ?? '/', 'http://localhost').searchParams.get('transaction_hashes');
        const requested = (query ?? '').split(',').map((h) => h.trim().toLowerCase()).filter((h) => h !== '');
        if (requested.length === 0) {
          return send(400, cors, JSON.stringify({ label: 'bad_request', message: 'transaction_hashes is required' }));
        }
        return send(200, cors, proofAnswer(proofs, requested, aggregator.forged ? forge : undefined));
      }
      return notFound();
    }

    if (pathname === '/devnet/genesis.vkey') {
      return send(200, { 'content-type': text }, fixtures.genesisKey + '\n');
    }

    if (pathname.startsWith(PACKAGE_MOUNT)) {
      const rel = pathname.slice(PACKAGE_MOUNT.length);
      const normal = path.posix.normalize('/' + rel).slice(1);
      const published = allowed.some((entry) =>
        entry.endsWith('/') ? normal.startsWith(entry) : normal === entry || normal.startsWith(entry + '/'),
      );
      const file = published ? inside(PKG, rel) : undefined;
      const found = file && (await readStatic(file));
      if (!found) return send(404, { 'content-type': text }, `not in the package: ${rel}\n`);
      return send(200, { 'content-type': found.type }, found.body);
    }

    const file = inside(WWW, pathname);
    const found = file && (await readStatic(file));
    if (!found) return send(404, { 'content-type': text }, `not found: ${pathname}\n`);
    return send(200, { 'content-type': found.type }, found.body);
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, HOST, () => resolve(undefined));
  });
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://${HOST}:${address.port}/`,
    port: address.port,
    fixtures,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/** @param {string[]} argv */
function parseArgs(argv) {
  /** @type {{port: number, slowMs: number | undefined, log: boolean}} */
  const out = { port: Number(process.env.PORT ?? 0), slowMs: undefined, log: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || !/^\d+$/.test(v)) usage(`${a} needs a number`);
      return Number(v);
    };
    if (a === '--port' || a === '-p') out.port = value();
    else if (a === '--slow-ms') out.slowMs = value();
    else if (a === '--log') out.log = true;
    else if (a === '--help' || a === '-h') usage();
    else if (/^\d+$/.test(a)) out.port = Number(a);
    else usage(`unknown argument ${a}`);
  }
  if (!Number.isInteger(out.port) || out.port < 0 || out.port > 65535) usage('bad port');
  return out;
}

/** @param {string} [error] */
function usage(error) {
  if (error) console.error(`server: ${error}`);
  console.error('usage: node www/server.mjs [--port N | N] [--slow-ms N] [--log]   (env PORT; default 0: random)');
  process.exit(error ? 2 : 0);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const args = parseArgs(process.argv.slice(2));
  const { url, fixtures, close } = await startServer({
    port: args.port,
    slowMs: args.slowMs,
    log: args.log ? (line) => console.log(line) : undefined,
  });
  console.log(url);
  console.log(`  demo:              ${url}`);
  console.log(`  aggregator:        ${url}aggregator  (${fixtures.certificates.size} certificates, newest ${fixtures.newest})`);
  console.log(`  broken aggregator: ${url}broken-aggregator  (certificate ${fixtures.tampered.hash}: ${fixtures.tampered.field} altered)`);
  console.log(`  slow aggregator:   ${url}slow-aggregator`);
  console.log(`  forged proofs:     ${url}forged-proof-aggregator  (${fixtures.proofsV2.size} transaction proofs, one digit changed)`);
  console.log(`  package:           ${url}node_modules/mithril-lite/`);
  const stop = () => close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

// Node-side checks of www/server.mjs: the local aggregator serves the devnet certificates byte
// for byte, the broken one alters exactly one hex digit, the package is served with the right
// MIME types and only what it publishes.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEVNET, ROOT, SLOW_MS, startServer } from './harness.mjs';

const FIXTURES = path.join(ROOT, 'tests', 'fixtures', 'devnet');
const certificatesText = readFileSync(path.join(FIXTURES, 'certificates.json'), 'utf8');
// Hashes only: parsing the whole file is fine for reading its keys and hash strings.
const certificates = JSON.parse(certificatesText);
const hashes = Object.keys(certificates);

/** @type {Awaited<ReturnType<typeof startServer>>} */
let server;
before(async () => {
  server = await startServer();
});
after(async () => {
  await server?.stop();
});

/** @param {string} p */
const get = (p, init = {}) => fetch(new URL(p, server.url), init);

test('GET /aggregator/certificates is certificates-list.json byte for byte', async () => {
  const res = await get('/aggregator/certificates');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  assert.equal(res.headers.get('access-control-allow-origin'), '*');
  const body = Buffer.from(await res.arrayBuffer());
  assert.ok(body.equals(readFileSync(path.join(FIXTURES, 'certificates-list.json'))));
});

test('GET /aggregator/certificate/{hash} is the exact text of each certificate', async () => {
  assert.equal(hashes.length, 43);
  for (const hash of hashes) {
    const res = await get(`/aggregator/certificate/${hash}`);
    assert.equal(res.status, 200, hash);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    const text = await res.text();
    assert.ok(text.startsWith('{') && text.endsWith('}'), hash);
    // Cut out of the file as it is: the key, then exactly this text.
    assert.ok(certificatesText.includes(`"${hash}": ${text}`), `${hash} is not verbatim`);
    assert.equal(JSON.parse(text).hash, hash);
  }
  // Stakes above 2^53 survive (a parse + stringify would have rounded them).
  const newest = await (await get(`/aggregator/certificate/${DEVNET.newest}`)).text();
  assert.ok(newest.length > 1000);
});

test('unknown certificates and routes are 404; CORS preflight is answered', async () => {
  for (const p of [
    `/aggregator/certificate/${'0'.repeat(64)}`,
    '/aggregator/certificate/xyz',
    '/aggregator/nothing',
    '/broken-aggregator/certificate/',
  ]) {
    const res = await get(p);
    assert.equal(res.status, 404, p);
    assert.equal(res.headers.get('access-control-allow-origin'), '*', p);
    await res.arrayBuffer();
  }
  const pre = await get('/aggregator/certificates', { method: 'OPTIONS' });
  assert.equal(pre.status, 204);
  assert.match(pre.headers.get('access-control-allow-methods') ?? '', /GET/);
});

test('the broken aggregator alters one hex digit of one signed_message on the newest chain', async () => {
  const changed = [];
  for (const hash of hashes) {
    const good = await (await get(`/aggregator/certificate/${hash}`)).text();
    const bad = await (await get(`/broken-aggregator/certificate/${hash}`)).text();
    if (good !== bad) changed.push({ hash, good, bad });
  }
  assert.equal(changed.length, 1, 'exactly one certificate differs');
  const [{ hash, good, bad }] = changed;
  assert.equal(good.length, bad.length);
  const diffs = [...good].flatMap((c, i) => (c === bad[i] ? [] : [i]));
  assert.equal(diffs.length, 1, 'one character differs');
  assert.match(bad[diffs[0]], /[0-9a-f]/);
  const field = /"signed_message"\s*:\s*"([0-9a-f]+)"/.exec(good);
  assert.ok(field);
  const start = /** @type {number} */ (field.index) + field[0].length - field[1].length - 1;
  assert.ok(diffs[0] >= start && diffs[0] < start + field[1].length, 'inside signed_message');
  // On the newest certificate's chain, neither its first nor its genesis certificate.
  const chain = [];
  for (let h = DEVNET.newest; h; h = certificates[h]?.previous_hash) chain.push(h);
  assert.equal(chain.length, DEVNET.chainLength);
  assert.ok(chain.indexOf(hash) > 0 && chain.indexOf(hash) < chain.length - 1, hash);
  assert.ok(server.lines.some((l) => l.includes(hash)), 'the server names it at start');
});

test('the slow aggregator delays each certificate', async () => {
  const t0 = Date.now();
  const res = await get(`/slow-aggregator/certificate/${DEVNET.genesis}`);
  assert.equal(res.status, 200);
  await res.text();
  assert.ok(Date.now() - t0 >= SLOW_MS - 20, `${Date.now() - t0} ms`);
});

test('the package is served from /node_modules/mithril-lite/ with its MIME types, published files only', async () => {
  const wasm = await get('/node_modules/mithril-lite/dist/web/mithril_lite_bg.wasm');
  assert.equal(wasm.status, 200);
  assert.equal(wasm.headers.get('content-type'), 'application/wasm');
  const bytes = new Uint8Array(await wasm.arrayBuffer());
  assert.deepEqual([...bytes.slice(0, 4)], [0x00, 0x61, 0x73, 0x6d], 'wasm magic');
  const js = await get('/node_modules/mithril-lite/src/web.js');
  assert.equal(js.status, 200);
  assert.match(js.headers.get('content-type') ?? '', /^text\/javascript/);
  await js.text();
  const manifest = await get('/node_modules/mithril-lite/package.json');
  assert.equal((await manifest.json()).name, 'mithril-lite');
  for (const p of [
    '/node_modules/mithril-lite/',
    '/node_modules/mithril-lite/src/..%2f..%2fCargo.toml',
    '/node_modules/mithril-lite/../Cargo.toml',
    '/node_modules/mithril-lite/node_modules/x.js',
    '/..%2fCargo.toml',
    '/%2e%2e/%2e%2e/etc/passwd',
  ]) {
    const res = await get(p);
    assert.equal(res.status, 404, p);
    await res.arrayBuffer();
  }
});

test('pages and the genesis key are served', async () => {
  const index = await get('/');
  assert.equal(index.status, 200);
  assert.match(index.headers.get('content-type') ?? '', /^text\/html/);
  assert.match(await index.text(), /<script type="importmap">/);
  const key = await (await get('/devnet/genesis.vkey')).text();
  assert.equal(key.trim(), readFileSync(path.join(FIXTURES, 'genesis.vkey'), 'utf8').trim());
  const css = await get('/style.css');
  assert.match(css.headers.get('content-type') ?? '', /^text\/css/);
  await css.text();
});

// Node-side checks of www/server.mjs: the local aggregator serves the devnet certificates and
// transaction proofs byte for byte, the broken one alters exactly one hex digit of a
// certificate, the forged-proof one one digit of each proof, the package is served with the
// right MIME types and only what it publishes.

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

test('proof routes: one known hash gets its fixture proof byte for byte, v2 and v1', async () => {
  for (const [route, file] of [
    ['proof/v2/cardano-transaction', 'ctx-proofs-v2.json'],
    ['proof/cardano-transaction', 'ctx-proofs.json'],
  ]) {
    const fileText = readFileSync(path.join(FIXTURES, file), 'utf8');
    const transactions = Object.keys(JSON.parse(fileText));
    assert.equal(transactions.length, 4, file);
    for (const tx of transactions) {
      for (const aggregator of ['aggregator', 'broken-aggregator', 'slow-aggregator']) {
        const res = await get(`/${aggregator}/${route}?transaction_hashes=${tx}`);
        assert.equal(res.status, 200);
        assert.equal(res.headers.get('access-control-allow-origin'), '*');
        const text = await res.text();
        assert.ok(fileText.includes(`"${tx}": ${text}`), `${aggregator}/${route} ${tx} is not verbatim`);
      }
    }
  }
});

test('proof routes: hashes without a proof are listed in non_certified_transactions', async () => {
  const proofs = JSON.parse(readFileSync(path.join(FIXTURES, 'ctx-proofs-v2.json'), 'utf8'));
  const [first, second] = Object.keys(proofs);
  const unknown = 'ab'.repeat(32);
  const ask = async (/** @type {string} */ list) => {
    const res = await get(`/aggregator/proof/v2/cardano-transaction?transaction_hashes=${list}`);
    assert.equal(res.status, 200, list);
    return JSON.parse(await res.text());
  };
  // Only unknown hashes: the file's first proof, proving none of them.
  const none = await ask(unknown);
  assert.equal(none.certificate_hash, proofs[first].certificate_hash);
  assert.deepEqual(none.certified_transactions, proofs[first].certified_transactions);
  assert.deepEqual(none.non_certified_transactions, [unknown]);
  // A known hash first (upper case is the same hash): its proof; the others not certified.
  const mixed = await ask(`${second.toUpperCase()},${unknown},${first}`);
  assert.deepEqual(mixed.certified_transactions, proofs[second].certified_transactions);
  assert.deepEqual(mixed.non_certified_transactions, [unknown, first]);
  const missing = await get('/aggregator/proof/v2/cardano-transaction');
  assert.equal(missing.status, 400);
  await missing.arrayBuffer();
});

test('the forged-proof aggregator changes one digit of each proof, certificates untouched', async () => {
  const proofs = JSON.parse(readFileSync(path.join(FIXTURES, 'ctx-proofs-v2.json'), 'utf8'));
  for (const [route, number] of [
    ['proof/v2/cardano-transaction', 'block_number'],
    ['proof/cardano-transaction', 'latest_block_number'],
  ]) {
    for (const tx of Object.keys(proofs)) {
      const query = `${route}?transaction_hashes=${tx}`;
      const good = await (await get(`/aggregator/${query}`)).text();
      const bad = await (await get(`/forged-proof-aggregator/${query}`)).text();
      assert.equal(good.length, bad.length);
      const diffs = [...good].flatMap((c, i) => (c === bad[i] ? [] : [i]));
      assert.equal(diffs.length, 1, query);
      assert.match(bad[diffs[0]], /[0-9]/);
      const field = new RegExp(`"${number}"\\s*:\\s*\\d*$`);
      assert.match(good.slice(0, diffs[0] + 1), field, `${query}: the digit is in ${number}`);
    }
  }
  for (const hash of hashes) {
    const good = await (await get(`/aggregator/certificate/${hash}`)).text();
    assert.equal(await (await get(`/forged-proof-aggregator/certificate/${hash}`)).text(), good);
  }
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

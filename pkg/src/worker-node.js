// The check pool's worker in Node.js (worker_threads): instantiates the package's one .wasm
// (dist/web/, read from disk) and answers each `{id, job}` with `{id, outcome}` (the outcome's
// bytes) or, when the wasm call throws, `{id, failure, trapped}` (`trapped`: the instance
// trapped, src/instance.js); the pool then replaces this worker, so the next job runs on a
// fresh instance in a fresh worker.

import { readFileSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';

import { binding, replacements, start } from './instance.js';

start(new WebAssembly.Module(readFileSync(new URL('../dist/web/mithril_lite_bg.wasm', import.meta.url))));
const wasm = binding();

const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);
port.on('message', (/** @type {{id: number, job: Uint8Array}} */ message) => {
  const { id, job } = message;
  let outcome;
  const before = replacements();
  try {
    outcome = wasm.runCheckJob(job);
  } catch (e) {
    const failure = e instanceof Error ? e.message : String(e);
    port.postMessage({ id, failure, trapped: replacements() !== before });
    return;
  }
  port.postMessage({ id, outcome }, [/** @type {ArrayBuffer} */ (outcome.buffer)]);
});

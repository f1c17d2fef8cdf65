// The check pool's worker in Node.js (worker_threads): loads the package's nodejs wasm output
// and answers each `{id, job}` with `{id, outcome}` (the outcome's bytes) or, when the wasm
// call throws (a trap: this instance may be broken), `{id, failure}`; the pool then replaces
// this worker.

import { parentPort } from 'node:worker_threads';

import * as generated from '../dist/nodejs/mithril_lite.js';

const wasm = /** @type {{runCheckJob(job: Uint8Array): Uint8Array}} */ (
  typeof (/** @type {{runCheckJob?: unknown}} */ (generated).runCheckJob) === 'function'
    ? generated
    : /** @type {{default: unknown}} */ (generated).default
);

const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);
port.on('message', (/** @type {{id: number, job: Uint8Array}} */ message) => {
  const { id, job } = message;
  let outcome;
  try {
    outcome = wasm.runCheckJob(job);
  } catch (e) {
    port.postMessage({ id, failure: e instanceof Error ? e.message : String(e) });
    return;
  }
  port.postMessage({ id, outcome }, [/** @type {ArrayBuffer} */ (outcome.buffer)]);
});

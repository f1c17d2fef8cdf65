// The failing part of dying-worker.mjs: evaluated before the package's worker (static imports
// run in order), so its listener sees each job first. It fails the worker's second job as
// `workerData.mode` says: "exit" (the thread ends, as after an out-of-memory kill), "trap" (it
// reports the job failed, as after a wasm trap), or "exit-first" (it dies on its first job: a
// worker that can never work).

import { parentPort, workerData } from 'node:worker_threads';

const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);
const mode = /** @type {{mode: string}} */ (workerData).mode;
let jobs = 0;

port.on('message', (/** @type {{id: number}} */ message) => {
  jobs++;
  if (mode === 'exit-first' || (mode === 'exit' && jobs === 2)) process.exit(7);
  if (mode === 'trap' && jobs === 2) {
    port.postMessage({ id: message.id, failure: 'RuntimeError: unreachable (test)' });
    // The real worker answers too: the pool has replaced this worker by then and ignores it.
  }
});

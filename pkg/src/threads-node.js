// Node.js workers for the check pool: worker_threads running worker-node.js, which loads the
// package's nodejs wasm output itself (the .wasm is read from disk, no bytes to post).

import { availableParallelism, cpus } from 'node:os';
import { Worker } from 'node:worker_threads';

import { describe } from './sources.js';

/**
 * The default pool size: `MITHRIL_LITE_WORKERS` when it is a non-negative integer (0: inline;
 * for servers and CI that size their threads), else one worker per core but one (the
 * caller's thread), at least 1.
 */
export function defaultWorkers() {
  const set = process.env.MITHRIL_LITE_WORKERS;
  if (set !== undefined && /^[0-9]{1,4}$/.test(set.trim())) return Number(set.trim());
  const cores = typeof availableParallelism === 'function' ? availableParallelism() : cpus().length;
  return Math.max(1, cores - 1);
}

/**
 * A spawn function for WorkerPool.
 * @param {URL} [script] the worker's entry (tests pass their own, which loads worker-node.js)
 * @param {import('node:worker_threads').WorkerOptions} [options] e.g. `workerData` for it
 * @returns {import('./pool.js').Spawn}
 */
export function nodeSpawner(script = new URL('./worker-node.js', import.meta.url), options = {}) {
  return (events) => {
    const worker = new Worker(script, options);
    let ended = false;
    /** @param {string} detail */
    const died = (detail) => {
      if (ended) return;
      ended = true;
      events.died(detail);
    };
    worker.on('message', (data) => events.message(data));
    worker.on('messageerror', (e) => died(`unreadable message: ${describe(e)}`));
    worker.on('error', (e) => died(describe(e)));
    worker.on('exit', (code) => died(`the worker exited (code ${code})`));
    // An idle worker must not keep the process alive: ref only while it has a job.
    worker.unref();
    return {
      post: (message) => worker.postMessage(message),
      terminate: () => {
        ended = true;
        return worker.terminate();
      },
      busy: (busy) => (busy ? worker.ref() : worker.unref()),
    };
  };
}

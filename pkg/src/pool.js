// A pool of workers that run STM check jobs (bytes in, outcome bytes out). It knows nothing of
// certificates: the walk hands out the job bytes and judges the outcome bytes. The platform
// (node worker_threads, Web Workers) comes in as a `spawn` function (threads-node.js,
// threads-web.js), so this file is the same on every host.
//
// Workers start lazily (one per queued job, up to `size`), are reused, and are terminated by
// close(). A job whose signal aborts leaves the queue at once or, if a worker is running it,
// that worker is terminated (a running wasm call cannot be interrupted otherwise) and replaced
// when work comes. A worker that dies or fails a job rejects that job with a WorkerError (the
// caller retries it inline) and is replaced the same way.

import { abortError, usageError } from './errors.js';
import { describe } from './sources.js';

/**
 * What a platform's worker looks like to the pool.
 * @typedef {{
 *   post(message: {id: number, job: Uint8Array}): void,
 *   terminate(): Promise<unknown> | void,
 *   busy(busy: boolean): void,
 * }} WorkerHandle
 *   `busy`: node keeps the process alive only while a worker has work (ref/unref).
 * @typedef {{
 *   message(data: unknown): void,
 *   died(detail: string): void,
 * }} WorkerEvents
 * @typedef {(events: WorkerEvents) => WorkerHandle} Spawn
 *   Start one worker; it answers `{id, outcome: Uint8Array}` or `{id, failure: string, trapped:
 *   boolean}` to each `{id, job}`, and calls `died` at most once if it ends by itself.
 * @typedef {{
 *   job: Uint8Array,
 *   resolve: (outcome: Uint8Array) => void,
 *   reject: (error: Error) => void,
 *   signal: AbortSignal | undefined,
 *   onAbort: () => void,
 *   slot: Slot | undefined,
 * }} Task
 * @typedef {{handle: WorkerHandle, task: Task | undefined, jobId: number, jobs: number, gone: boolean}} Slot
 *   `jobId`: the id of the job it runs; `jobs`: how many it completed.
 * @typedef {{
 *   size: number, workersAlive: number, workersStarted: number, workersUsed: number,
 *   workersDied: number, workersStopped: number, busy: number, queued: number,
 *   jobsCompleted: number,
 * }} PoolStats
 *   `workersDied`: died or failed a job; `workersStopped`: terminated with an aborted job.
 */

/** Consecutive workers dying before their first job that make the pool give up. */
const MAX_STARTUP_DEATHS = 2;

/**
 * The rejection of a job its worker could not run (it died, trapped, or could not start).
 * @param {string} detail
 */
export function workerError(detail) {
  const err = new Error(`mithril-lite: check worker failed: ${detail}`);
  err.name = 'WorkerError';
  return err;
}

export class WorkerPool {
  /** @type {Spawn} */
  #spawn;
  /** @type {number} */
  #size;
  /** @type {Set<Slot>} */
  #slots = new Set();
  /** @type {Task[]} */
  #queue = [];
  /** Terminations not yet finished (close() waits for them). @type {Set<Promise<unknown>>} */
  #exits = new Set();
  #closed = false;
  /** Why the pool stopped starting workers, if it did. @type {string | undefined} */
  #broken;
  #startupDeaths = 0;
  #nextId = 1;
  #stats = { workersStarted: 0, workersUsed: 0, workersDied: 0, workersStopped: 0, jobsCompleted: 0 };

  /**
   * @param {Spawn} spawn
   * @param {number} size the most workers running at once (>= 1)
   */
  constructor(spawn, size) {
    this.#spawn = spawn;
    this.#size = Math.max(1, Math.floor(size));
  }

  /** The most workers running at once. */
  get size() {
    return this.#size;
  }

  /** Jobs this pool can run at once (the driver keeps twice as many certificates in flight). */
  get concurrency() {
    return this.#size;
  }

  /** @returns {PoolStats} */
  stats() {
    let busy = 0;
    for (const s of this.#slots) if (s.task) busy++;
    return {
      size: this.#size,
      workersAlive: this.#slots.size,
      busy,
      queued: this.#queue.length,
      ...this.#stats,
    };
  }

  /**
   * Run one job. Resolves to the outcome bytes; rejects with an AbortError when `signal`
   * aborts, with a WorkerError when no worker could run it, with a UsageError once closed.
   * @param {Uint8Array} job
   * @param {{signal?: AbortSignal}} [options]
   * @returns {Promise<Uint8Array>}
   */
  run(job, options = {}) {
    const signal = options.signal;
    if (this.#closed) {
      return Promise.reject(usageError('closed', 'mithril-lite: the worker pool is closed'));
    }
    if (signal?.aborted) return Promise.reject(abortError(signal.reason));
    if (this.#broken !== undefined) return Promise.reject(workerError(this.#broken));
    return new Promise((resolve, reject) => {
      /** @type {Task} */
      const task = { job, resolve, reject, signal, onAbort: () => {}, slot: undefined };
      task.onAbort = () => {
        const slot = task.slot;
        if (slot) {
          this.#stats.workersStopped++;
          this.#retire(slot);
        }
        else this.#dequeue(task);
        this.#settle(task);
        reject(abortError(signal?.reason));
        // After the other jobs this signal aborts have left too: a freed worker must not pick
        // one of them up first.
        queueMicrotask(() => this.#pump());
      };
      signal?.addEventListener('abort', task.onAbort, { once: true });
      this.#queue.push(task);
      this.#pump();
    });
  }

  /** Terminate every worker; queued and running jobs reject. Resolves once all have exited. */
  async close() {
    if (!this.#closed) {
      this.#closed = true;
      const closed = usageError('closed', 'mithril-lite: the worker pool was closed');
      for (const task of this.#queue.splice(0)) {
        this.#settle(task);
        task.reject(closed);
      }
      for (const slot of [...this.#slots]) {
        const task = slot.task;
        this.#retire(slot);
        if (task) {
          this.#settle(task);
          task.reject(closed);
        }
      }
    }
    await Promise.all([...this.#exits]);
  }

  /** Hand queued jobs to idle workers, starting workers up to the size. */
  #pump() {
    while (this.#queue.length > 0 && !this.#closed) {
      let slot;
      for (const s of this.#slots) {
        if (!s.task) {
          slot = s;
          break;
        }
      }
      if (!slot) {
        if (this.#slots.size >= this.#size) return;
        if (this.#broken !== undefined) {
          this.#failQueued(this.#broken);
          return;
        }
        slot = this.#start();
        if (!slot) continue; // could not start: the queue was failed, or retry another way
      }
      const task = /** @type {Task} */ (this.#queue.shift());
      task.slot = slot;
      slot.task = task;
      if (slot.jobs === 0) this.#stats.workersUsed++;
      slot.handle.busy(true);
      slot.jobId = this.#nextId++;
      try {
        slot.handle.post({ id: slot.jobId, job: task.job });
      } catch (e) {
        this.#fail(slot, `could not post the job: ${describe(e)}`);
      }
    }
  }

  /** @returns {Slot | undefined} */
  #start() {
    /** @type {Slot} */
    const slot = {
      handle: /** @type {WorkerHandle} */ (/** @type {unknown} */ (undefined)),
      task: undefined,
      jobId: 0,
      jobs: 0,
      gone: false,
    };
    try {
      slot.handle = this.#spawn({
        message: (data) => this.#message(slot, data),
        died: (detail) => {
          if (!slot.gone) this.#fail(slot, detail);
        },
      });
    } catch (e) {
      // No worker can be created here (CSP, missing script...): every job goes inline.
      this.#broken = `could not start a worker: ${describe(e)}`;
      this.#failQueued(this.#broken);
      return undefined;
    }
    this.#stats.workersStarted++;
    this.#slots.add(slot);
    return slot;
  }

  /**
   * @param {Slot} slot
   * @param {unknown} data
   */
  #message(slot, data) {
    if (slot.gone) return;
    const m = /** @type {{id?: unknown, outcome?: unknown, failure?: unknown, trapped?: unknown}} */ (
      data ?? {}
    );
    const task = slot.task;
    if (!task || m.id !== slot.jobId) {
      this.#fail(slot, 'the worker answered a job it was not given');
      return;
    }
    if (!(m.outcome instanceof Uint8Array)) {
      // A job that trapped the worker's instance says nothing of whether workers can start.
      this.#fail(
        slot,
        typeof m.failure === 'string' ? m.failure : 'the worker sent no outcome',
        m.trapped === true,
      );
      return;
    }
    slot.task = undefined;
    slot.jobs++;
    this.#startupDeaths = 0;
    this.#stats.jobsCompleted++;
    slot.handle.busy(false);
    this.#settle(task);
    task.resolve(m.outcome);
    this.#pump();
  }

  /**
   * The worker died or misbehaved: it goes, its job rejects, and a new worker takes the queue.
   * @param {Slot} slot
   * @param {string} detail
   * @param {boolean} [trapped] its job trapped the wasm: the worker did start
   */
  #fail(slot, detail, trapped = false) {
    const task = slot.task;
    this.#stats.workersDied++;
    if (!trapped && slot.jobs === 0 && ++this.#startupDeaths >= MAX_STARTUP_DEATHS) {
      this.#broken = `workers die before their first job (${detail})`;
    }
    this.#retire(slot);
    if (task) {
      this.#settle(task);
      task.reject(workerError(detail));
    }
    if (this.#broken !== undefined && this.#slots.size === 0) this.#failQueued(this.#broken);
    this.#pump();
  }

  /** @param {string} detail */
  #failQueued(detail) {
    for (const task of this.#queue.splice(0)) {
      this.#settle(task);
      task.reject(workerError(detail));
    }
  }

  /**
   * Take a worker out of the pool and terminate it.
   * @param {Slot} slot
   */
  #retire(slot) {
    if (slot.gone) return;
    slot.gone = true;
    slot.task = undefined;
    this.#slots.delete(slot);
    let exit;
    try {
      exit = Promise.resolve(slot.handle.terminate()).catch(() => {});
    } catch {
      exit = Promise.resolve();
    }
    this.#exits.add(exit);
    exit.then(() => this.#exits.delete(exit));
  }

  /** @param {Task} task */
  #dequeue(task) {
    const i = this.#queue.indexOf(task);
    if (i >= 0) this.#queue.splice(i, 1);
  }

  /**
   * The task leaves the pool's hands: no abort listener stays behind.
   * @param {Task} task
   */
  #settle(task) {
    task.signal?.removeEventListener('abort', task.onAbort);
    task.slot = undefined;
  }
}

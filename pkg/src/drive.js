// The walk loops: fetch certificates, feed them to the wasm Walk, run its STM checks (in this
// thread, or as jobs on a worker pool or a host's executor), report progress and honour the
// abort signal. What they fetch and check next, and every verdict, is the Walk's.

import { abortError, internalError, throwIfAborted } from './errors.js';
import { describe } from './sources.js';

/**
 * @typedef {import('./types.js').CertificateFetcher} CertificateFetcher
 * @typedef {import('./types.js').CheckExecutor} CheckExecutor
 * @typedef {import('./types.js').JobRunner} JobRunner
 * @typedef {import('./types.js').ProgressListener} ProgressListener
 * @typedef {import('./types.js').WasmChain} WasmChain
 * @typedef {import('./types.js').WasmWalk} WasmWalk
 */

/**
 * The walk loop. After feeding certificate n it starts fetching n+1 (which step() names at
 * once) and only then runs n's STM check, so the download overlaps the verification.
 * @param {WasmWalk} walk
 * @param {CertificateFetcher} fetcher
 * @param {AbortSignal} fetchSignal
 * @param {Promise<never>} aborted
 * @param {AbortSignal | undefined} signal
 * @param {ProgressListener} emit
 * @param {(() => void) | undefined} tick
 * @returns {Promise<WasmChain>}
 */
export async function drive(walk, fetcher, fetchSignal, aborted, signal, emit, tick) {
  /** @type {{hash: string, promise: Promise<import('./sources.js').Fetched>} | undefined} */
  let inflight;
  /** STM checks handed out, oldest first. @type {{id: number, index: number}[]} */
  const checks = [];
  const { report, feedFetched } = progressReporter(walk, emit, tick);
  /**
   * @template T
   * @param {Promise<T>} p
   */
  const race = (p) => Promise.race([p, aborted]);

  for (;;) {
    throwIfAborted(signal);
    const step = walk.step();
    if (step.kind === 'done') {
      if (step.error) throw step.error;
      report();
      return /** @type {WasmChain} */ (step.result);
    }
    if (step.kind === 'fetch' && inflight?.hash !== step.hash) {
      inflight = { hash: step.hash, promise: fetchOne(fetcher, step.hash, fetchSignal) };
    }
    if (checks.length > 0) {
      // Let the fetch just started go out (and abort events arrive) before the thread blocks
      // on a check.
      await race(yieldToEventLoop());
      throwIfAborted(signal);
      const check = /** @type {{id: number, index: number}} */ (checks.shift());
      walk.runCheck(check.id);
      report();
      continue;
    }
    if (!inflight) {
      throw new Error('mithril-lite: the walk awaits a check the driver does not hold');
    }
    const { hash, promise } = inflight;
    const got = await race(promise);
    inflight = undefined;
    throwIfAborted(signal);
    const fed = feedFetched(hash, got);
    if (fed) checks.push(fed);
  }
}

/**
 * The walk loop with the checks run elsewhere (a worker pool or a host's executor). Fetching
 * goes on while jobs run, as long as fewer than `runner.maxInFlight` checks are outstanding;
 * outcomes are recorded in whatever order they arrive (the walk orders the verdict). A job
 * whose executor fails is retried once inline; if that fails too, the walk fails with
 * `internal_error`.
 *
 * The executor gets at most `runner.concurrency` jobs at a time; the others wait here, and
 * with `runner.assist` this thread runs a waiting one itself whenever it would otherwise only
 * wait. When the executor has room for several jobs and nothing else is out, a check's point
 * decoding (most of its cost) is split over it (`splitCheck` / `joinCheck`): the warm path,
 * one new certificate to check, then uses every worker.
 * @param {WasmWalk} walk
 * @param {CertificateFetcher} fetcher
 * @param {AbortSignal} workSignal aborted with the caller's signal and when the walk ends
 * @param {Promise<never>} aborted
 * @param {AbortSignal | undefined} signal
 * @param {ProgressListener} emit
 * @param {JobRunner} runner
 * @param {(() => void) | undefined} tick
 * @returns {Promise<WasmChain>}
 */
export async function drivePooled(walk, fetcher, workSignal, aborted, signal, emit, runner, tick) {
  /**
   * @typedef {{kind: 'fetched', got: import('./sources.js').Fetched}} Fetched
   * @typedef {{kind: 'checked', id: number, job: Uint8Array, outcome?: unknown, error?: unknown, joined?: boolean}} Checked
   */
  /** @type {{hash: string, promise: Promise<Fetched>} | undefined} */
  let inflight;
  /** Jobs out, by check id. @type {Map<number, {index: number, promise: Promise<Checked>}>} */
  const jobs = new Map();
  /** Checks fed and not yet given to the executor, oldest first. @type {{id: number, index: number}[]} */
  const waiting = [];
  const { report, feedFetched } = progressReporter(walk, emit, tick);
  /**
   * Run check `id` split: its point decoding in parts over the executor, then the rest.
   * @param {number} id
   * @param {number} index
   */
  const dispatchSplit = (id, index) => {
    const parts = walk.splitCheck(id, runner.concurrency);
    // A small certificate comes back whole: nothing to spread.
    if (parts.length < 2) {
      dispatch(id, index);
      return;
    }
    const job = walk.checkJob(id);
    runner.counts.jobs += parts.length + 1;
    runner.counts.split++;
    const run = async () => {
      const outcomes = await Promise.all(
        parts.map((part) => Promise.resolve(runner.executor.run(part, { signal: workSignal }))),
      );
      const bytes = outcomes.map(outcomeBytes);
      if (bytes.some((b) => b === undefined)) throw new Error('the executor resolved to no bytes');
      // Completes the check itself when a part failed (the first bad point is the verdict).
      const rest = walk.joinCheck(id, /** @type {Uint8Array[]} */ (bytes));
      if (rest === undefined) return /** @type {Checked} */ ({ kind: 'checked', id, job, joined: true });
      const outcome = await runner.executor.run(rest, { signal: workSignal });
      return /** @type {Checked} */ ({ kind: 'checked', id, job, outcome });
    };
    const promise = run().catch(
      (error) => /** @type {Checked} */ ({ kind: 'checked', id, job, error: error ?? 'rejected' }),
    );
    jobs.set(id, { index, promise });
  };
  /**
   * Give check `id` to the executor now, or keep it waiting while the executor is full.
   * @param {number} id
   * @param {number} index
   */
  const offer = (id, index) => {
    if (runner.assist && jobs.size >= runner.concurrency) {
      // Kept here for this thread to take when it would otherwise wait.
      waiting.push({ id, index });
    } else if (runner.concurrency > 1 && jobs.size === 0 && waiting.length === 0) {
      dispatchSplit(id, index);
    } else {
      dispatch(id, index);
    }
  };
  /**
   * @param {number} id
   * @param {number} index
   */
  const dispatch = (id, index) => {
    const job = walk.checkJob(id);
    /** @type {Promise<Uint8Array | ArrayBuffer>} */
    let running;
    try {
      running = Promise.resolve(runner.executor.run(job, { signal: workSignal }));
    } catch (e) {
      running = Promise.reject(e);
    }
    runner.counts.jobs++;
    const promise = running.then(
      (outcome) => /** @type {Checked} */ ({ kind: 'checked', id, job, outcome }),
      (error) => /** @type {Checked} */ ({ kind: 'checked', id, job, error: error ?? 'rejected' }),
    );
    jobs.set(id, { index, promise });
  };
  /** @param {Checked} done */
  const complete = (done) => {
    jobs.delete(done.id);
    const next = waiting.shift();
    if (next) dispatch(next.id, next.index);
    if (done.joined) {
      report();
      return;
    }
    let outcome = outcomeBytes(done.outcome);
    if (!outcome) {
      const failure =
        done.error !== undefined ? describe(done.error) : 'the executor resolved to no bytes';
      runner.counts.inlineRetries++;
      try {
        outcome = runner.inline(done.job);
      } catch (e) {
        const detail = `the check's executor failed (${failure}) and so did its inline retry (${describe(e)})`;
        try {
          walk.failCheck(done.id, detail);
        } catch {
          throw internalError(detail);
        }
      }
    }
    if (outcome) walk.completeCheck(done.id, outcome);
    report();
  };

  for (;;) {
    throwIfAborted(signal);
    const step = walk.step();
    if (step.kind === 'done') {
      if (step.error) throw step.error;
      report();
      return /** @type {WasmChain} */ (step.result);
    }
    if (
      step.kind === 'fetch' &&
      inflight?.hash !== step.hash &&
      jobs.size + waiting.length < runner.maxInFlight
    ) {
      const promise = fetchOne(fetcher, step.hash, workSignal).then(
        (got) => /** @type {Fetched} */ ({ kind: 'fetched', got }),
      );
      promise.catch(() => {}); // an AbortError nobody races for any more
      inflight = { hash: step.hash, promise };
    }
    if (runner.assist && waiting.length > 0) {
      // This thread would only wait: it runs the oldest waiting check itself (the fetch
      // started above goes on meanwhile).
      const { id, index } = /** @type {{id: number, index: number}} */ (waiting.shift());
      runner.counts.jobs++;
      runner.counts.mainThread++;
      walk.completeCheck(id, runner.inline(walk.checkJob(id)));
      report();
      // Let timers (an abort), fetches and workers' answers in before the next check.
      await macrotask();
      continue;
    }
    /** @type {Promise<Fetched | Checked>[]} */
    const waits = [...jobs.values()].map((j) => j.promise);
    if (inflight) waits.push(inflight.promise);
    if (waits.length === 0) {
      throw new Error('mithril-lite: the walk awaits a check the driver does not hold');
    }
    const event = await Promise.race([...waits, aborted]);
    throwIfAborted(signal);
    if (event.kind === 'checked') {
      complete(event);
      continue;
    }
    const hash = /** @type {{hash: string}} */ (inflight).hash;
    inflight = undefined;
    const got = event.got;
    const fed = feedFetched(hash, got);
    // Feeding can settle a batch of pairing equations, and with it earlier certificates.
    if (got.ok) report();
    if (fed) offer(fed.id, fed.index);
  }
}

/**
 * The `certificate-verified` events of one walk, in chain order, as the core counts them
 * (`Walk.progress().certificatesChecked`: every check of the certificate passed but, at most,
 * its pairing equation, which waits for its batch: progress, not a verdict). It keeps the hash
 * and epoch of each certificate fed, by index, for the events; `feedFetched` feeds them.
 * @param {WasmWalk} walk
 * @param {ProgressListener} emit
 * @param {(() => void) | undefined} tick called at each report: saves the walk's progress when due
 */
function progressReporter(walk, emit, tick) {
  /** @type {{hash: string, epoch: number | undefined}[]} */
  const certs = [];
  let reported = 0;
  const report = () => {
    tick?.();
    const progress = walk.progress();
    const verified = Math.min(progress.certificatesChecked, certs.length);
    while (reported < verified) {
      const c = certs[reported];
      emit({ type: 'certificate-verified', hash: c.hash, index: reported, epoch: c.epoch, progress });
      reported++;
    }
  };
  /**
   * Give the walk what fetching `hash` got: a failure (the walk's verdict then), or the body,
   * fed and reported. Returns the STM check it handed out, with the certificate's index.
   * @param {string} hash
   * @param {import('./sources.js').Fetched} got
   * @returns {{id: number, index: number} | undefined}
   */
  const feedFetched = (hash, got) => {
    if (!got.ok) {
      walk.fetchFailed(hash, got.detail);
      return undefined;
    }
    const fedBefore = walk.certificatesFed();
    const id = walk.feed(hash, got.body);
    const progress = walk.progress();
    const epoch = progress.certificatesFetched > fedBefore ? progress.currentEpoch : undefined;
    const index = certs.length;
    certs.push({ hash, epoch });
    emit({ type: 'certificate-fetched', hash, index, epoch, bytes: got.body.byteLength, progress });
    return id === undefined ? undefined : { id, index };
  };
  return { report, feedFetched };
}

/** A turn of the event loop (setImmediate where it exists: no 4 ms clamp). */
function macrotask() {
  return new Promise((resolve) =>
    typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0),
  );
}

/**
 * An executor's answer as bytes, or undefined if it is not bytes.
 * @param {unknown} value
 */
function outcomeBytes(value) {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  return undefined;
}

/**
 * How many jobs an executor runs at once: its `concurrency` if it says, else 2.
 * @param {CheckExecutor | undefined} executor
 */
export function executorConcurrency(executor) {
  const n = executor?.concurrency;
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? n : 2;
}

/**
 * Start one fetch. The promise rejects only with an AbortError, and never goes unhandled.
 * @param {CertificateFetcher} fetcher
 * @param {string} hash
 * @param {AbortSignal} signal
 */
function fetchOne(fetcher, hash, signal) {
  const promise = fetcher(hash, signal).catch((e) => {
    if (signal.aborted) throw abortError(signal.reason);
    return /** @type {import('./sources.js').Fetched} */ ({ ok: false, detail: describe(e) });
  });
  promise.catch(() => {});
  return promise;
}

/** Resolve after the host's event loop had a turn (macrotask). */
function yieldToEventLoop() {
  const g = /** @type {{setImmediate?: (f: () => void) => unknown}} */ (globalThis);
  if (typeof g.setImmediate === 'function') {
    const setImmediate = g.setImmediate;
    return new Promise((resolve) => setImmediate(() => resolve(undefined)));
  }
  if (typeof MessageChannel === 'function') {
    return new Promise((resolve) => {
      const { port1, port2 } = new MessageChannel();
      port1.onmessage = () => {
        port1.close();
        resolve(undefined);
      };
      port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}

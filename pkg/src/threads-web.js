// Web Workers for the check pool (pages, extension pages, dedicated workers). Each worker runs
// worker-web.js and instantiates the same wasm module: the compiled WebAssembly.Module the
// page already has is posted to it (no second download or compile), or a URL of the .wasm.
// An MV3 extension service worker has no Worker constructor: the verifier then checks inline.

/** Whether this global scope can start workers (false in service workers). */
export function workersAvailable() {
  return typeof Worker === 'function';
}

/** The default pool size: one worker per logical core but one (the page's), at least 1. */
export function defaultWorkers() {
  const n = globalThis.navigator?.hardwareConcurrency;
  return Math.max(1, (typeof n === 'number' && Number.isSafeInteger(n) ? n : 2) - 1);
}

/**
 * A spawn function for WorkerPool.
 * @param {() => WebAssembly.Module | URL | string} wasm what each new worker instantiates
 * @returns {import('./pool.js').Spawn}
 */
export function webSpawner(wasm) {
  return (events) => {
    // The literal `new Worker(new URL(...), {type: 'module'})` is what bundlers (Vite,
    // webpack 5) recognise to bundle and emit the worker script.
    const worker = new Worker(new URL('./worker-web.js', import.meta.url), { type: 'module' });
    let ended = false;
    /** @param {string} detail */
    const died = (detail) => {
      if (ended) return;
      ended = true;
      events.died(detail);
    };
    worker.onmessage = (e) => events.message(e.data);
    worker.onmessageerror = () => died('unreadable message from the worker');
    worker.onerror = (e) => {
      e.preventDefault();
      died(e.message || 'the worker failed to load or threw');
    };
    const source = wasm();
    worker.postMessage({ init: source instanceof URL ? source.href : source });
    return {
      post: (message) => worker.postMessage(message),
      terminate: () => {
        ended = true;
        worker.terminate();
      },
      busy: () => {},
    };
  };
}

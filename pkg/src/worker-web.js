// The check pool's worker in browsers (a module Web Worker). The first message, `{init}`, is
// the wasm to instantiate: a compiled WebAssembly.Module (synchronous) or the .wasm's URL.
// Then each `{id, job}` gets `{id, outcome}` (the outcome's bytes) or, when the wasm call
// throws (a trap: this instance may be broken) or the wasm could not load, `{id, failure}`;
// the pool then replaces this worker.

import initWasm, { initSync, runCheckJob } from '../dist/web/mithril_lite.js';

const scope = /** @type {{
 *   onmessage: ((e: MessageEvent) => void) | null,
 *   postMessage(message: unknown, transfer?: Transferable[]): void,
 * }} */ (/** @type {unknown} */ (globalThis));

/** @type {Promise<unknown>} */
let ready = Promise.reject(new Error('no wasm was given to the worker'));
ready.catch(() => {});

/** @param {unknown} e */
const text = (e) => (e instanceof Error ? e.message : String(e));

scope.onmessage = async (/** @type {MessageEvent} */ e) => {
  const message = /** @type {{init?: WebAssembly.Module | string, id: number, job: Uint8Array}} */ (
    e.data
  );
  if (message.init !== undefined) {
    const wasm = message.init;
    ready =
      wasm instanceof WebAssembly.Module
        ? new Promise((resolve) => resolve(initSync({ module: wasm })))
        : initWasm({ module_or_path: wasm });
    ready.catch(() => {});
    return;
  }
  const { id, job } = message;
  try {
    await ready;
  } catch (err) {
    scope.postMessage({ id, failure: `the worker could not load the wasm: ${text(err)}` });
    return;
  }
  let outcome;
  try {
    outcome = runCheckJob(job);
  } catch (err) {
    scope.postMessage({ id, failure: text(err) });
    return;
  }
  scope.postMessage({ id, outcome }, [/** @type {ArrayBuffer} */ (outcome.buffer)]);
};

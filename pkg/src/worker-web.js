// The check pool's worker in browsers (a module Web Worker). The first message, `{init}`, is
// the wasm to instantiate: a compiled WebAssembly.Module (synchronous) or the .wasm's URL (the
// package's one module, dist/web/). Then each `{id, job}` gets `{id, outcome}` (the outcome's
// bytes) or, when the wasm call throws or the wasm could not load, `{id, failure, trapped}`
// (`trapped`: the instance trapped, src/instance.js); the pool then replaces this worker, so
// the next job runs on a fresh instance in a fresh worker.

import { binding, compile, replacements, start } from './instance.js';

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
        ? new Promise((resolve) => resolve(start(wasm)))
        : compile(wasm).then(start);
    ready.catch(() => {});
    return;
  }
  const { id, job } = message;
  try {
    await ready;
  } catch (err) {
    scope.postMessage({ id, failure: `the worker could not load the wasm: ${text(err)}`, trapped: false });
    return;
  }
  let outcome;
  const before = replacements();
  try {
    outcome = binding().runCheckJob(job);
  } catch (err) {
    scope.postMessage({ id, failure: text(err), trapped: replacements() !== before });
    return;
  }
  scope.postMessage({ id, outcome }, [/** @type {ArrayBuffer} */ (outcome.buffer)]);
};

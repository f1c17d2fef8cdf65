// The wasm instance every call of the package runs on, in this thread, and its replacement
// after a trap. One place for every entry (node.js, web.js, bundler.js) and for the check
// pool's workers (worker-node.js, worker-web.js): they all load the one module in dist/web/.
//
// A trap (a Rust panic, which is an `unreachable` under panic = "abort"; an out-of-memory; a
// stack overflow) leaves the instance's memory in an unknown state: it is never used again.
// Every call into wasm goes through `guarded`: a trap replaces the instance with a fresh one of
// the same compiled module (the glue's `__wbg_reset_state`, scripts/build-wasm.sh) and the call
// throws a MithrilVerificationError `internal_error` (numericCode 98, the core's
// Error::Internal); the next call runs on the fresh instance. Objects the wasm made (a Walk, a
// KeyCache, a VerifiedCertificateHandle) are handed out wrapped: once their instance is gone,
// their methods throw the same `internal_error` and `free()` does nothing (freeing their
// pointer in the new instance's memory would corrupt it).

import * as glue from '../dist/web/mithril_lite.js';
import { internalError, useNumericCodes } from './errors.js';

/** The compiled module, once started. @type {WebAssembly.Module | undefined} */
let compiled;
/** Which instance is current: 0 before the first, then one more per replacement. */
let generation = 0;
/** Instances replaced after a trap. */
let replaced = 0;
/** Why the last replacement failed, while no fresh instance could be made. @type {string | undefined} */
let unreplaced;
/** Wrapped object -> the object and the instance it belongs to. @type {WeakMap<object, {target: object, generation: number}>} */
const owners = new WeakMap();
/** @type {import('./types.js').WasmBinding | undefined} */
let guardedBinding;

/**
 * Compile what a host gave (or a promise of it): a URL (or string, or Request), a Response or
 * anything with arrayBuffer(), bytes, or an already compiled module.
 * @param {unknown} input
 * @returns {Promise<WebAssembly.Module>}
 */
export async function compile(input) {
  let source = await input;
  if (source instanceof WebAssembly.Module) return source;
  if (
    typeof source === 'string' ||
    source instanceof URL ||
    (typeof Request === 'function' && source instanceof Request)
  ) {
    source = await fetch(/** @type {string | URL | Request} */ (source));
  }
  if (typeof Response === 'function' && source instanceof Response) {
    const response = source;
    if (!response.ok) {
      throw new Error(`failed to fetch the wasm: HTTP ${response.status} from ${response.url}`);
    }
    // Streaming compilation needs the application/wasm MIME type; otherwise read the bytes.
    if (
      typeof WebAssembly.compileStreaming === 'function' &&
      (response.headers.get('content-type') ?? '').split(';')[0].trim() === 'application/wasm'
    ) {
      return WebAssembly.compileStreaming(response);
    }
    return WebAssembly.compile(await response.arrayBuffer());
  }
  const body = /** @type {{arrayBuffer?: unknown}} */ (source);
  if (body !== null && typeof body === 'object' && typeof body.arrayBuffer === 'function') {
    return WebAssembly.compile(await /** @type {{arrayBuffer(): Promise<ArrayBuffer>}} */ (body).arrayBuffer());
  }
  return WebAssembly.compile(/** @type {BufferSource} */ (source));
}

/**
 * Instantiate the compiled module synchronously (Node.js, workers). Once only: later calls do
 * nothing.
 * @param {WebAssembly.Module} module
 */
export function start(module) {
  if (compiled) return;
  glue.initSync({ module });
  started(module);
}

/**
 * Instantiate the compiled module asynchronously (a page's thread). Once only.
 * @param {WebAssembly.Module} module
 */
export async function startAsync(module) {
  if (compiled) return;
  await glue.default({ module_or_path: module });
  if (!compiled) started(module);
}

/** @param {WebAssembly.Module} module */
function started(module) {
  compiled = module;
  generation = 1;
  // Read once, while the instance is sound: internal_error's number is needed after a trap.
  useNumericCodes(glue.errorCodes());
}

/** Whether an instance is running (start() or startAsync() finished). */
export function isStarted() {
  return compiled !== undefined;
}

/** The compiled module (for workers), once started. */
export function compiledModule() {
  return compiled;
}

/** How many instances were replaced after a trap (tests, diagnostics). */
export function replacements() {
  return replaced;
}

/**
 * Whether `handle` (a wrapped wasm object) belongs to the current instance.
 * @param {object} handle
 */
export function isLive(handle) {
  return owners.get(handle)?.generation === generation;
}

/**
 * The wasm exports, every call guarded (see the top of this file). Call after start().
 * @returns {import('./types.js').WasmBinding}
 */
export function binding() {
  if (!guardedBinding) {
    /** @type {Record<string, unknown>} */
    const out = { isLive };
    for (const [name, value] of Object.entries(glue)) {
      if (typeof value !== 'function' || name === 'default' || name === 'initSync' || name.startsWith('__wbg')) {
        continue;
      }
      const fn = /** @type {Function} */ (value);
      out[name] =
        typeof fn.prototype?.free === 'function'
          ? // A class: `new binding.Walk(...)` returns the wrapped object (a function's
            // returned object replaces the one `new` made).
            function (/** @type {unknown[]} */ ...args) {
              return guarded(() => Reflect.construct(fn, args.map(unwrap)));
            }
          : (/** @type {unknown[]} */ ...args) => guarded(() => fn(...args.map(unwrap)));
    }
    guardedBinding = /** @type {import('./types.js').WasmBinding} */ (/** @type {unknown} */ (out));
  }
  return guardedBinding;
}

/**
 * Run a call into wasm on the current instance. A trap replaces the instance and throws an
 * `internal_error`; a wasm object in the result is wrapped.
 * @template T
 * @param {() => T} call
 * @returns {T}
 */
function guarded(call) {
  // The last replacement failed: the trapped instance is still the glue's, never call it.
  if (unreplaced !== undefined && !reset()) {
    throw internalError(
      `mithril-lite: the wasm module trapped and no fresh instance could be made (${unreplaced})`,
    );
  }
  let result;
  try {
    result = call();
  } catch (e) {
    if (isTrap(e)) {
      replace();
      throw internalError(
        `mithril-lite: the wasm module trapped (${describeTrap(e)}); the call failed and the ` +
          'next one runs on a fresh instance',
      );
    }
    throw e;
  }
  return /** @type {T} */ (wrap(result));
}

/** Give up the trapped instance: a fresh one of the same module takes its place. */
function replace() {
  replaced++;
  generation++;
  // Objects of the old instance are refused from now on (owners' generation), before anything
  // can reach the new one.
  reset();
}

/**
 * Make the glue's instance a fresh one. Returns whether it worked; if not (e.g. no memory for
 * a new instance), every call refuses until a later attempt works.
 */
function reset() {
  try {
    glue.__wbg_reset_state();
    unreplaced = undefined;
    return true;
  } catch (e) {
    unreplaced = describeTrap(e);
    return false;
  }
}

/**
 * Whether a call into wasm threw because the instance trapped (then its memory may be
 * corrupt), rather than a JavaScript error the binding threw on purpose.
 * @param {unknown} e
 */
function isTrap(e) {
  if (e instanceof WebAssembly.RuntimeError) return true;
  // A stack overflow inside wasm: V8 and JavaScriptCore throw a RangeError, Firefox an
  // InternalError ("too much recursion").
  const err = /** @type {{name?: unknown, message?: unknown}} */ (e);
  const message = typeof err?.message === 'string' ? err.message : '';
  if (e instanceof RangeError && /call stack/i.test(message)) return true;
  return err?.name === 'InternalError' && /recursion/i.test(message);
}

/** @param {unknown} e */
function describeTrap(e) {
  const err = /** @type {{name?: unknown, message?: unknown}} */ (e);
  return `${String(err?.name ?? 'Error')}: ${String(err?.message ?? e)}`;
}

/**
 * A wasm object (it has a `__wbg_ptr`) wrapped so that it serves only while its instance is
 * current; anything else as it is.
 * @param {unknown} value
 */
function wrap(value) {
  if (value === null || typeof value !== 'object' || !('__wbg_ptr' in value)) return value;
  const target = value;
  const born = generation;
  const proxy = new Proxy(target, {
    get(t, key) {
      if (typeof key === 'symbol') return Reflect.get(t, key, t);
      if (born !== generation) {
        // Freeing it now would free a pointer of the new instance: nothing to do.
        if (key === 'free') return () => {};
        throw stale();
      }
      // Guarded: a getter (a handle's `hash`) calls into wasm.
      const member = guarded(() => Reflect.get(t, key, t));
      if (typeof member !== 'function') return member;
      return (/** @type {unknown[]} */ ...args) => {
        if (born !== generation) throw stale();
        return guarded(() => member.apply(t, args.map(unwrap)));
      };
    },
  });
  owners.set(proxy, { target, generation: born });
  return proxy;
}

/**
 * The wasm object behind a wrapped one, for passing it back into wasm; refused if its
 * instance is gone.
 * @param {unknown} value
 */
function unwrap(value) {
  if (value === null || typeof value !== 'object') return value;
  const owner = owners.get(value);
  if (!owner) return value;
  if (owner.generation !== generation) throw stale();
  return owner.target;
}

function stale() {
  return internalError(
    'mithril-lite: this object belonged to a wasm instance that trapped and was replaced; ' +
      'it cannot be used any more',
  );
}

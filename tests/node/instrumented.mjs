// The package's shared driver around the real wasm binding, with every Walk instrumented: a log
// of the calls the driver makes, and a count of walks created and freed.

import { readFileSync } from 'node:fs';

import { createApi } from '../../pkg/src/verifier.js';
import * as wasm from '../../pkg/dist/web/mithril_lite.js';
import { start } from '../../pkg/src/instance.js';

// The package's one module (dist/web/), instantiated here if the package has not yet.
start(new WebAssembly.Module(readFileSync(new URL('../../pkg/dist/web/mithril_lite_bg.wasm', import.meta.url))));

/**
 * @param {string[]} [log] receives "feed <hash>", "check-start <index>", "check-end <index>"
 */
export function instrumentedApi(log = []) {
  // handles/handlesFreed: the verified-certificate handles proof checks run against.
  const counts = { created: 0, freed: 0, handles: 0, handlesFreed: 0 };
  class Walk extends wasm.Walk {
    /** @type {Map<number, number>} check id -> certificate index */
    #index = new Map();
    /** @param {ConstructorParameters<typeof wasm.Walk>} args */
    constructor(...args) {
      super(...args);
      counts.created++;
    }
    /**
     * @param {string} hash
     * @param {Uint8Array} body
     */
    feed(hash, body) {
      const index = this.certificatesFed();
      log.push(`feed ${hash}`);
      const id = super.feed(hash, body);
      if (id !== undefined) this.#index.set(id, index);
      return id;
    }
    /** @param {number} id */
    runCheck(id) {
      log.push(`check-start ${this.#index.get(id)}`);
      super.runCheck(id);
      log.push(`check-end ${this.#index.get(id)}`);
    }
    free() {
      counts.freed++;
      super.free();
    }
    verifiedCertificate() {
      const handle = super.verifiedCertificate();
      if (handle) {
        counts.handles++;
        const free = handle.free.bind(handle);
        handle.free = () => {
          counts.handlesFreed++;
          free();
        };
      }
      return handle;
    }
  }
  const binding = { ...wasm, Walk };
  const api = createApi({ current: () => binding, init: async () => {} });
  return { api, counts, log };
}

// The public API every entry (node, web, bundler) builds around its own way of loading the
// wasm: createApi and its CertificateVerifier class. The class keeps a verifier's state
// (genesis key, trust store, pool, key cache) and wires each call to the walk loops (drive.js);
// it holds no verification logic: the wasm Walk decides every verdict.

import { abortPromise, throwIfAborted, usageError } from './errors.js';
import { bodyBytes, hashList, listQuery } from './proofs.js';
import { WorkerPool } from './pool.js';
import { aggregatorBase, describe, fetchBody, resolveFetch, toFetcher } from './sources.js';
import { MemoryTrustStore, isTrustStore, storedValue, trustKey } from './trust.js';
import { lookUpNetwork, networkOptions } from './networks.js';
import { drive, drivePooled, executorConcurrency } from './drive.js';
import { latestHash } from './latest.js';
import { callOptions, positiveInteger, proofVersion, requestHash, requestHashes } from './options.js';
import { verifiedChain } from './verified.js';

/**
 * @typedef {import('./types.js').BindingLoader} BindingLoader
 * @typedef {import('./types.js').Checkpoint} Checkpoint
 * @typedef {import('./types.js').CheckExecutor} CheckExecutor
 * @typedef {import('./types.js').CertificateFetcher} CertificateFetcher
 * @typedef {import('./types.js').FetchFunction} FetchFunction
 * @typedef {import('./types.js').JobRunner} JobRunner
 * @typedef {import('./types.js').Limits} Limits
 * @typedef {import('./types.js').NetworkInfo} NetworkInfo
 * @typedef {import('./types.js').ProgressListener} ProgressListener
 * @typedef {import('./types.js').Threads} Threads
 * @typedef {import('./types.js').TrustRead} TrustRead
 * @typedef {import('./types.js').TrustStore} TrustStore
 * @typedef {import('./types.js').VerifyCallOptions} VerifyCallOptions
 * @typedef {import('./types.js').WasmBinding} WasmBinding
 * @typedef {import('./types.js').WasmCertificate} WasmCertificate
 * @typedef {import('./types.js').WasmChain} WasmChain
 * @typedef {import('./types.js').WasmKeyCache} WasmKeyCache
 */
/**
 * @template R
 * @typedef {import('./types.js').ProofKind<R>} ProofKind
 */

/**
 * `Symbol.asyncDispose` where the host has it (Node 20+, recent browsers); elsewhere a
 * registered symbol of the same name, so the method exists either way.
 */
// Declared (not cast) as the well-known symbol's type: the method below is then typed as
// `[Symbol.asyncDispose]`, which index.d.ts declares, rather than an anonymous symbol key.
/** @type {typeof Symbol.asyncDispose} */
const asyncDispose = /** @type {typeof Symbol.asyncDispose} */ (
  /** @type {{asyncDispose?: symbol}} */ (Symbol).asyncDispose ?? Symbol.for('Symbol.asyncDispose')
);

/**
 * Pools of verifiers that were dropped without close(): their workers are terminated once the
 * verifier is garbage-collected (the pool holds no reference to its verifier).
 */
const abandoned =
  typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry((/** @type {WorkerPool} */ pool) => void pool.close())
    : undefined;


/** The brand of a CertificateVerifier of any entry (a registered symbol: one per program). */
const VERIFIER_BRAND = Symbol.for('mithril-lite.CertificateVerifier');

/**
 * Build the public API around a loaded (or loadable) wasm binding.
 * @param {BindingLoader} binding
 * @param {Threads} [threads] how to start check workers; without it, checks run inline
 */
export function createApi(binding, threads) {
  class CertificateVerifier {
    /**
     * Every entry of the package makes this class around its own way of loading the module:
     * verifiers carry one brand, so `instanceof` holds whichever entry made them.
     * @param {unknown} value
     */
    static [Symbol.hasInstance](value) {
      return typeof value === 'object' && value !== null && VERIFIER_BRAND in value;
    }

    /** @type {string} */
    #genesisKey;
    /** @type {number | undefined} */
    #maxChainLength;
    /** @type {number | undefined} */
    #maxCertificateBytes;
    /** @type {number} */
    #maxCheckpoints;
    /** @type {TrustStore | undefined} */
    #store;
    /** @type {FetchFunction | undefined} */
    #fetch;
    /** Store writes, one at a time. @type {Promise<void>} */
    #writes = Promise.resolve();
    /** Worker pool size; 0: checks run inline. @type {number} */
    #workers = 0;
    /** The host's executor, if it gave one. @type {CheckExecutor | undefined} */
    #hostExecutor;
    /** @type {number | undefined} */
    #maxInFlight;
    /** The package's pool, started by the first walk that needs it. @type {WorkerPool | undefined} */
    #pool;
    /** Aborts the walks in flight when the verifier is closed. */
    #closing = new AbortController();
    #closed = false;
    #counts = { jobs: 0, inlineRetries: 0, mainThread: 0, split: 0 };
    /** Whether this thread also runs checks when the executor is busy. @type {boolean} */
    #mainThreadChecks = false;
    /** Signer keys earlier walks validated (the core's cache). @type {WasmKeyCache | undefined} */
    #keyCache;
    /** The network of forNetwork(), whose aggregator is the default source. @type {NetworkInfo | null} */
    #network = null;
    /** Whether the genesis key came from the network's preset. */
    #presetKey = false;

    /**
     * @param {string} genesisVerificationKey JSON-hex (the `genesis.vkey` file) or raw hex
     * @param {{maxChainLength?: number, maxCertificateBytes?: number, maxCheckpoints?: number,
     *   trustStore?: TrustStore | null | false, fetch?: FetchFunction, workers?: number,
     *   executor?: CheckExecutor | null, maxInFlight?: number, mainThreadChecks?: boolean}} [options]
     */
    constructor(genesisVerificationKey, options) {
      const wasm = binding.current();
      Object.defineProperty(this, VERIFIER_BRAND, { value: true });
      if (typeof genesisVerificationKey !== 'string') {
        throw usageError('invalid_argument', 'the genesis verification key must be a string');
      }
      options ??= {};
      if (typeof options !== 'object') {
        throw usageError('invalid_options', 'options must be an object');
      }
      // Throws a MithrilVerificationError with code invalid_genesis_key.
      this.#genesisKey = wasm.decodeGenesisKey(genesisVerificationKey.trim());
      this.#maxChainLength = positiveInteger(options.maxChainLength, 'maxChainLength');
      this.#maxCertificateBytes = positiveInteger(
        options.maxCertificateBytes,
        'maxCertificateBytes',
      );
      // The core's default bound (chain::trust::DEFAULT_MAX_CHECKPOINTS).
      this.#maxCheckpoints =
        positiveInteger(options.maxCheckpoints, 'maxCheckpoints') ??
        wasm.defaultLimits().maxCheckpoints;
      const store = options.trustStore;
      if (store === undefined) this.#store = new MemoryTrustStore();
      else if (store === null || store === false) this.#store = undefined;
      else if (isTrustStore(store)) this.#store = store;
      else {
        throw usageError(
          'invalid_options',
          'options.trustStore must have async get(key) and set(key, value), or be null',
        );
      }
      if (options.fetch !== undefined && typeof options.fetch !== 'function') {
        throw usageError('invalid_options', 'options.fetch must be a function');
      }
      this.#fetch = options.fetch;
      const executor = options.executor;
      if (executor !== undefined && executor !== null) {
        if (
          (typeof executor !== 'object' && typeof executor !== 'function') ||
          typeof executor.run !== 'function'
        ) {
          throw usageError('invalid_options', 'options.executor must have run(job, {signal})');
        }
        if (options.workers !== undefined && options.workers !== null) {
          throw usageError('invalid_options', 'options.workers and options.executor exclude each other');
        }
        this.#hostExecutor = executor;
      }
      const workers = options.workers;
      if (
        workers !== undefined &&
        workers !== null &&
        (typeof workers !== 'number' || !Number.isSafeInteger(workers) || workers < 0)
      ) {
        throw usageError('invalid_options', 'options.workers must be a non-negative integer');
      }
      // Where no worker can start (an MV3 service worker, or a host without threads), the
      // checks run inline whatever was asked.
      if (!this.#hostExecutor && threads?.available()) {
        this.#workers = workers ?? threads.defaultWorkers();
      }
      this.#maxInFlight = positiveInteger(options.maxInFlight, 'maxInFlight');
      const assist = options.mainThreadChecks;
      if (assist !== undefined && assist !== null && typeof assist !== 'boolean') {
        throw usageError('invalid_options', 'options.mainThreadChecks must be a boolean');
      }
      // Node has no UI to keep responsive: its thread takes checks when the package's workers
      // are busy, so a 2-core machine checks on both cores. A page's thread does not, nor does
      // any thread beside a host's executor, by default.
      this.#mainThreadChecks =
        assist ?? (!this.#hostExecutor && (threads?.mainThreadChecks ?? false));
    }

    /**
     * Load the wasm module if needed (web entry), then construct.
     * @param {string} genesisVerificationKey
     * @param {ConstructorParameters<typeof CertificateVerifier>[1]} [options]
     */
    static async create(genesisVerificationKey, options) {
      await binding.init();
      return new CertificateVerifier(genesisVerificationKey, options);
    }

    /**
     * A verifier of a public network (`mainnet`, `preprod`, `preview`, or a Mithril name such as
     * `release-mainnet`) from the core's table: its published genesis key, and its aggregator as
     * the default source of every verify method. `options.genesisVerificationKey`, if given,
     * wins over the preset key (`genesisKeySource` says which was used). An unknown name throws
     * a TypeError with code `invalid_argument`.
     * @param {string} name
     * @param {ConstructorParameters<typeof CertificateVerifier>[1] & {genesisVerificationKey?: string}} [options]
     */
    static async forNetwork(name, options) {
      await binding.init();
      const net = lookUpNetwork(binding.current(), name);
      const { genesisVerificationKey, rest } = networkOptions(options);
      const verifier = new CertificateVerifier(
        genesisVerificationKey ?? net.genesisVerificationKey,
        rest,
      );
      verifier.#network = net;
      verifier.#presetKey = genesisVerificationKey === undefined;
      return verifier;
    }

    /** The network of `forNetwork()` (`{name, mithrilName, genesisVerificationKey, aggregator}`), else null. */
    get network() {
      return this.#network;
    }

    /**
     * The network's aggregator URL: the source the verify methods use when given none
     * (undefined without a network).
     */
    get aggregator() {
      return this.#network?.aggregator;
    }

    /**
     * Where the genesis key came from: `'network'` (the preset of `forNetwork`) or
     * `'explicit'` (given by the caller: `create`, the constructor, or `forNetwork` with
     * `options.genesisVerificationKey`).
     * @returns {'network' | 'explicit'}
     */
    get genesisKeySource() {
      return this.#presetKey ? 'network' : 'explicit';
    }

    /**
     * The source a call gave, or the network's aggregator when it gave none.
     * @template T
     * @param {T} source
     * @returns {T | string}
     */
    #sourceOr(source) {
      if ((source === undefined || source === null) && this.#network) return this.#network.aggregator;
      return source;
    }

    /** Raw hex of the genesis verification key. */
    get genesisKeyHex() {
      return this.#genesisKey;
    }

    /** The key under which this genesis key's checkpoints are stored. */
    get trustKey() {
      return trustKey(this.#genesisKey);
    }

    /**
     * How the STM checks run: `mode` "inline", "workers" (the package's pool) or "executor"
     * (the host's), the pool's size and workers, and job counts since construction.
     */
    poolStats() {
      const pool = this.#pool?.stats();
      /** @type {'inline' | 'workers' | 'executor'} */
      const mode = this.#hostExecutor ? 'executor' : this.#workers > 0 ? 'workers' : 'inline';
      return {
        mode,
        size: mode === 'workers' ? this.#workers : mode === 'executor' ? executorConcurrency(this.#hostExecutor) : 0,
        workersAlive: pool?.workersAlive ?? 0,
        workersStarted: pool?.workersStarted ?? 0,
        workersUsed: pool?.workersUsed ?? 0,
        workersDied: pool?.workersDied ?? 0,
        workersStopped: pool?.workersStopped ?? 0,
        busy: pool?.busy ?? 0,
        queued: pool?.queued ?? 0,
        jobs: this.#counts.jobs,
        inlineRetries: this.#counts.inlineRetries,
        mainThreadChecks: this.#counts.mainThread,
        splitChecks: this.#counts.split,
        cachedKeys: this.#liveKeyCache()?.size() ?? 0,
      };
    }

    /**
     * Stop: walks in flight reject with an AbortError, the pool's workers are terminated (a
     * host's executor is the host's to close), and later calls throw a UsageError `closed`.
     * Resolves once the workers have exited.
     */
    async close() {
      if (!this.#closed) {
        this.#closed = true;
        this.#closing.abort(usageError('closed', 'mithril-lite: the verifier was closed'));
      }
      if (this.#pool) abandoned?.unregister(this.#pool);
      await this.#pool?.close();
      this.#keyCache?.free();
      this.#keyCache = undefined;
    }

    /** `await using verifier = ...`: the same as close(). */
    [asyncDispose]() {
      return this.close();
    }

    /**
     * The key cache, if it belongs to the current wasm instance: one made before a trap
     * replaced the instance is dropped (its keys went with the old memory).
     */
    #liveKeyCache() {
      const cache = this.#keyCache;
      if (cache && binding.current().isLive?.(cache) === false) this.#keyCache = undefined;
      return this.#keyCache;
    }

    #checkOpen() {
      if (this.#closed) throw usageError('closed', 'mithril-lite: the verifier was closed');
    }

    /**
     * Where this walk's checks go: undefined for inline, else the runner (the pool starts
     * here, once).
     * @returns {JobRunner | undefined}
     */
    #jobRunner() {
      /** @type {CheckExecutor | undefined} */
      let executor = this.#hostExecutor;
      if (!executor && this.#workers > 0 && threads) {
        if (!this.#pool) {
          this.#pool = new WorkerPool(threads.spawner(), this.#workers);
          abandoned?.register(this, this.#pool, this.#pool);
        }
        executor = this.#pool;
      }
      if (!executor) return undefined;
      const concurrency = executorConcurrency(executor);
      const assist = this.#mainThreadChecks;
      return {
        executor,
        concurrency,
        // Two certificates per job slot: one checking, one fetched and queued behind it.
        maxInFlight: this.#maxInFlight ?? 2 * (concurrency + (assist ? 1 : 0)),
        assist,
        inline: (job) => binding.current().runCheckJob(job),
        counts: this.#counts,
      };
    }

    /**
     * Verify the chain from `certificateHash` back to genesis (or to a trusted checkpoint).
     * @param {string} certificateHash
     * @param {string | URL | {getCertificate(hash: string, init: {signal: AbortSignal}): Promise<unknown>}} [source]
     *   the network's aggregator when undefined (forNetwork)
     * @param {{onProgress?: ProgressListener, signal?: AbortSignal}} [opts]
     */
    async verifyChain(certificateHash, source, opts = {}) {
      this.#checkOpen();
      const { onProgress, signal } = callOptions(opts);
      if (typeof certificateHash !== 'string' || certificateHash.length === 0) {
        throw usageError('invalid_argument', 'certificateHash must be a non-empty string');
      }
      const fetcher = this.#certificateFetcher(this.#sourceOr(source));
      return this.#verify(certificateHash, fetcher, onProgress, signal);
    }

    /**
     * Verify the newest certificate the aggregator lists (`{url}/certificates`, first entry).
     * @param {string | URL} [aggregatorUrl] the network's aggregator when undefined (forNetwork)
     * @param {{onProgress?: ProgressListener, signal?: AbortSignal}} [opts]
     */
    async verifyLatest(aggregatorUrl, opts = {}) {
      this.#checkOpen();
      const { signal } = callOptions(opts);
      aggregatorUrl = this.#sourceOr(aggregatorUrl);
      if (typeof aggregatorUrl !== 'string' && !(aggregatorUrl instanceof URL)) {
        throw usageError('invalid_argument', 'aggregatorUrl must be a string or a URL');
      }
      const base = aggregatorBase(String(aggregatorUrl));
      const hash = await latestHash(base, resolveFetch(this.#fetch), signal, binding.current());
      return this.verifyChain(hash, base, opts);
    }

    /** The checkpoints stored for this genesis key (validated, newest first). */
    async trustedCheckpoints() {
      return (await this.#readTrust()).checkpoints;
    }

    /** Forget every checkpoint stored for this genesis key. */
    async clearTrust() {
      const store = this.#store;
      if (!store) return;
      const key = this.trustKey;
      await this.#serialize(async () => {
        // Without delete(): empty bytes, which read as nothing stored.
        if (typeof store.delete === 'function') await store.delete(key);
        else await store.set(key, new Uint8Array(0));
      });
    }

    /** @returns {Promise<TrustRead>} */
    async #readTrust() {
      if (!this.#store) return { checkpoints: [] };
      let value;
      try {
        value = await this.#store.get(this.trustKey);
      } catch {
        return { checkpoints: [] }; // an unreadable store only costs a longer walk
      }
      const stored = storedValue(value);
      if (stored.kind === 'nothing') return { checkpoints: [] };
      if (stored.kind === 'legacy') return { checkpoints: stored.checkpoints };
      if (stored.kind === 'invalid') {
        return { checkpoints: [], ignored: { code: 'checkpoint_malformed', message: stored.detail } };
      }
      try {
        // The core validates: format, checksum, genesis key.
        const checkpoints = binding.current().readCheckpoints(stored.bytes, this.#genesisKey);
        // The bytes too: the walk resumes over their pending segments (Walk.resumeFrom).
        return { checkpoints, bytes: stored.bytes };
      } catch (e) {
        const err = /** @type {{code?: unknown, message?: unknown}} */ (e);
        const code = typeof err?.code === 'string' ? err.code : 'checkpoint_malformed';
        return { checkpoints: [], ignored: { code, message: describe(e) } };
      }
    }

    /**
     * @template T
     * @param {() => Promise<T>} task
     * @returns {Promise<T>}
     */
    #serialize(task) {
      const run = this.#writes.then(task, task);
      this.#writes = run.then(
        () => {},
        () => {},
      );
      return run;
    }

    /**
     * Record a verified walk's checkpoints (`fresh`, from `Walk.verifiedCheckpoints`): the core
     * merges them into the stored bytes (stored bytes it refuses are replaced, never merged)
     * and evicts; the result is written in one set(). Resolves to whether they were stored.
     * @param {Uint8Array | undefined} fresh
     */
    async #commit(fresh) {
      const store = this.#store;
      if (!store || !fresh) return false;
      const key = this.trustKey;
      // The wasm takes a u32: larger bounds are the same as no bound.
      const max = Math.min(this.#maxCheckpoints, 0xffffffff);
      try {
        await this.#serialize(async () => {
          // A failing read fails the commit: never overwrite checkpoints we could not read.
          const stored = storedValue(await store.get(key));
          const bytes = stored.kind === 'bytes' ? stored.bytes : undefined;
          await store.set(key, binding.current().mergeCheckpoints(bytes, fresh, max));
        });
        return true;
      } catch {
        return false;
      }
    }

    /**
     * @param {string} hash
     * @param {CertificateFetcher} fetcher
     * @param {ProgressListener | undefined} onProgress
     * @param {AbortSignal | undefined} signal
     */
    async #verify(hash, fetcher, onProgress, signal) {
      const { chain, certificate } = await this.#walk(hash, fetcher, onProgress, signal, false);
      certificate?.free();
      return chain;
    }

    /**
     * The walk behind every verification. With `keep`, also the verified certificate as a
     * wasm handle (the caller frees it) for the proof checks.
     * @param {string} hash
     * @param {CertificateFetcher} fetcher
     * @param {ProgressListener | undefined} onProgress
     * @param {AbortSignal | undefined} callerSignal
     * @param {boolean} keep
     * @returns {Promise<{chain: ReturnType<typeof verifiedChain>, certificate: WasmCertificate | undefined}>}
     */
    async #walk(hash, fetcher, onProgress, callerSignal, keep) {
      this.#checkOpen();
      const wasm = binding.current();
      // One signal for the caller's abort and close().
      const stop = new AbortController();
      const stopCaller = () => stop.abort(callerSignal?.reason);
      const stopClosing = () => stop.abort(this.#closing.signal.reason);
      if (callerSignal?.aborted) stopCaller();
      else callerSignal?.addEventListener('abort', stopCaller, { once: true });
      this.#closing.signal.addEventListener('abort', stopClosing, { once: true });
      try {
        return await this.#walkUntil(hash, fetcher, onProgress, stop.signal, keep, wasm);
      } finally {
        callerSignal?.removeEventListener('abort', stopCaller);
        this.#closing.signal.removeEventListener('abort', stopClosing);
      }
    }

    /**
     * @param {string} hash
     * @param {CertificateFetcher} fetcher
     * @param {ProgressListener | undefined} onProgress
     * @param {AbortSignal} signal
     * @param {boolean} keep
     * @param {WasmBinding} wasm
     * @returns {Promise<{chain: ReturnType<typeof verifiedChain>, certificate: WasmCertificate | undefined}>}
     */
    async #walkUntil(hash, fetcher, onProgress, signal, keep, wasm) {
      throwIfAborted(signal);
      const trusted = await this.#readTrust();
      throwIfAborted(signal);
      /** @type {ProgressListener} */
      const emit = onProgress ?? (() => {});
      // Never trusted: this walk goes back to genesis, and the next verified one replaces it.
      if (trusted.ignored) emit({ type: 'trust-ignored', key: this.trustKey, ...trusted.ignored });

      // With their epochs: the walk's progress then knows where it will end.
      /** @type {{maxChainLength?: number, maxCertificateBytes?: number, trusted: (string | Checkpoint)[]}} */
      const walkOptions = {
        trusted: trusted.checkpoints.map((c) =>
          Number.isSafeInteger(c.epoch) && c.epoch >= 0 ? { hash: c.hash, epoch: c.epoch } : c.hash,
        ),
      };
      if (this.#maxChainLength !== undefined) walkOptions.maxChainLength = this.#maxChainLength;
      if (this.#maxCertificateBytes !== undefined) {
        walkOptions.maxCertificateBytes = this.#maxCertificateBytes;
      }
      const runner = this.#jobRunner();
      const walk = new wasm.Walk(this.#genesisKey, hash, walkOptions);
      // Certificates an interrupted walk checked (pending, not trust): skipped, not re-checked.
      if (trusted.bytes) walk.resumeFrom(trusted.bytes);
      // The walk's progress goes to the store as it goes, when the core says it is due.
      let lastSave = Date.now();
      const tick = this.#store
        ? () => {
            const bytes = walk.pendingCheckpoints(Date.now() - lastSave);
            if (!bytes) return;
            lastSave = Date.now();
            void this.#commit(bytes);
          }
        : undefined;
      // Keys earlier walks validated: a new certificate of a known epoch skips their
      // decompression and subgroup checks (the warm path).
      const keyCache = this.#liveKeyCache() ?? new wasm.KeyCache(this.#genesisKey);
      this.#keyCache = keyCache;
      walk.useKeyCache(keyCache);
      // Fetches and check jobs get their own signal: aborted with the caller's, and when the
      // walk ends while a fetch or job it no longer needs is in flight (a pool drops it from
      // its queue, or terminates the worker running it).
      const fetches = new AbortController();
      const relay = () => fetches.abort(signal?.reason);
      signal?.addEventListener('abort', relay, { once: true });
      const aborted = abortPromise(signal);
      /** @type {WasmChain} */
      let chain;
      /** @type {WasmCertificate | undefined} */
      let certificate;
      /** This walk's chain as checkpoint bytes, made by the core from the walk itself. */
      /** @type {Uint8Array | undefined} */
      let fresh;
      try {
        chain = runner
          ? await drivePooled(walk, fetcher, fetches.signal, aborted.promise, signal, emit, runner, tick)
          : await drive(walk, fetcher, fetches.signal, aborted.promise, signal, emit, tick);
        if (keep) certificate = walk.verifiedCertificate();
        if (this.#store) fresh = walk.verifiedCheckpoints();
      } catch (error) {
        /** @type {Uint8Array | undefined} */
        let pending;
        try {
          // Interrupted (the caller's abort, close()): what it checked is kept. A verdict of
          // failure keeps only what was saved on the way.
          if (this.#store && signal.aborted) pending = walk.pendingCheckpoints(Infinity);
        } catch {
          // A module that trapped: nothing to save.
        }
        // What an interrupted walk checked stays pending (never trust). Its fetches and jobs
        // were aborted with the signal already.
        if (pending) await this.#commit(pending);
        throw error;
      } finally {
        fetches.abort();
        signal?.removeEventListener('abort', relay);
        aborted.dispose();
        // What the walk validated, whatever its verdict (a validated key stays valid).
        try {
          this.#keyCache?.absorb(walk);
        } catch {
          // A module that trapped: the walk's own error says what happened.
        }
        walk.free();
      }
      try {
        if (keep && !certificate) {
          throw new Error('mithril-lite: the walk succeeded but holds no verified certificate');
        }
        emit({
          type: 'chain-verified',
          hash: chain.certificate.hash,
          certificatesChecked: chain.certificatesChecked,
          anchor: { kind: chain.anchorKind, hash: chain.anchorHash },
        });
        // The commit point: an abort before it leaves the store untouched; after it, the
        // result stands.
        throwIfAborted(signal);
      } catch (e) {
        certificate?.free();
        throw e;
      }
      const trustStored = await this.#commit(fresh);
      return { chain: verifiedChain(chain, trustStored), certificate };
    }

    /**
     * The path every proof method takes: the body (given, or fetched at `kind.route(request)`
     * from the aggregator `source`), the chain of the certificate it names (as verifyChain),
     * then `kind.check` against that certificate in wasm. The check is synchronous: nothing
     * can interrupt it once the trust commit is done.
     * @param {unknown} input the body (text or bytes) or a request object
     * @param {unknown} source
     * @param {unknown} opts
     * @template R
     * @param {ProofKind<R>} kind
     */
    async #verifyProof(input, source, opts, kind) {
      this.#checkOpen();
      const { onProgress, signal } = callOptions(opts);
      source = this.#sourceOr(source);
      const fetcher = this.#certificateFetcher(source);
      throwIfAborted(signal);
      const body =
        bodyBytes(input) ?? (await this.#fetchProof(input, source, signal, onProgress, kind));
      // The core reads what the body names (and refuses what its check would refuse first).
      const envelope = binding.current().readProofEnvelope(body, kind.what);
      const certificateHash = envelope.certificateHash;
      const walked = await this.#walk(certificateHash, fetcher, onProgress, signal, true);
      const certificate = /** @type {WasmCertificate} */ (walked.certificate);
      try {
        return { ...kind.check(certificate, body, envelope), certificate: walked.chain };
      } finally {
        certificate.free();
      }
    }

    /** @param {unknown} source */
    #certificateFetcher(source) {
      // The core's bound when the host set none: a body above it is refused by the walk
      // (input_too_large), so reading stops one byte past it.
      return toFetcher(source, {
        fetch: this.#fetch,
        maxBytes: this.#maxCertificateBytes ?? binding.current().defaultLimits().maxCertificateBytes,
      });
    }

    /**
     * Fetch the body a request object names from the aggregator `source`.
     * @param {unknown} request
     * @param {unknown} source
     * @param {AbortSignal | undefined} signal
     * @param {ProgressListener | undefined} onProgress
     * @param {ProofKind<unknown>} kind
     * @returns {Promise<Uint8Array>}
     */
    async #fetchProof(request, source, signal, onProgress, kind) {
      if (typeof request !== 'object' || request === null) {
        throw usageError('invalid_argument', 'expected the body (text or bytes) or a request');
      }
      const route = kind.route(/** @type {Record<string, unknown>} */ (request));
      if (typeof source !== 'string' && !(source instanceof URL)) {
        throw usageError(
          'invalid_argument',
          'fetching a proof or artifact needs an aggregator URL as source (or pass its body)',
        );
      }
      const url = `${aggregatorBase(String(source))}${route}`;
      const bytes = await fetchBody(
        url,
        binding.current().defaultLimits().maxProofBytes,
        resolveFetch(this.#fetch),
        signal,
        kind.unavailable,
      );
      throwIfAborted(signal);
      onProgress?.({ type: 'proof-fetched', url, bytes: bytes.byteLength });
      return bytes;
    }

    /**
     * Verify a Cardano transactions proof (v1 `/proof/cardano-transaction` or v2
     * `/proof/v2/cardano-transaction`) and the chain of the certificate it names.
     * @param {unknown} proof the body (text or bytes), or `{transactions: string[]}` to fetch it
     * @param {unknown} [source]
     * @param {{transactions?: string[], version?: 1 | 2} & VerifyCallOptions} [opts]
     */
    async verifyTransactionProof(proof, source, opts = {}) {
      const explicit = proofVersion(opts);
      let requested = hashList(opts?.transactions, 'options.transactions');
      return this.#verifyProof(proof, source, opts, {
        what: 'transactions proof',
        unavailable: 'proof_unavailable',
        route: (r) => {
          const hashes = requestHashes(r.transactions, 'proof.transactions');
          requested ??= hashes;
          const path = explicit === 1 ? '/proof/cardano-transaction' : '/proof/v2/cardano-transaction';
          return path + listQuery('transaction_hashes', hashes);
        },
        check: (certificate, body, envelope) => {
          const version = explicit ?? envelope.transactionsVersion;
          // One literal per branch: the result is then typed as one version or the other.
          return version === 1
            ? { version: /** @type {1} */ (1), ...certificate.verifyTransactionsProofV1(body, requested) }
            : { version: /** @type {2} */ (2), ...certificate.verifyTransactionsProofV2(body, requested) };
        },
      });
    }

    /**
     * Verify a Cardano blocks proof (`/proof/v2/cardano-block`) and its certificate's chain.
     * @param {unknown} proof the body (text or bytes), or `{blocks: string[]}` to fetch it
     * @param {unknown} [source]
     * @param {{blocks?: string[]} & VerifyCallOptions} [opts]
     */
    async verifyBlockProof(proof, source, opts = {}) {
      let requested = hashList(opts?.blocks, 'options.blocks');
      return this.#verifyProof(proof, source, opts, {
        what: 'blocks proof',
        unavailable: 'proof_unavailable',
        route: (r) => {
          const hashes = requestHashes(r.blocks, 'proof.blocks');
          requested ??= hashes;
          return '/proof/v2/cardano-block' + listQuery('block_hashes', hashes);
        },
        check: (certificate, body) => certificate.verifyBlocksProof(body, requested),
      });
    }

    /**
     * Verify a Mithril stake distribution artifact: the AVK of its signers is the one its
     * certificate signed as next AVK.
     * @param {unknown} artifact the body (text or bytes), or `{hash}` to fetch it
     * @param {unknown} [source]
     * @param {VerifyCallOptions} [opts]
     */
    async verifyMithrilStakeDistribution(artifact, source, opts = {}) {
      /** @type {string | undefined} the hash a request asked for (the core checks the answer) */
      let asked;
      return this.#verifyProof(artifact, source, opts, {
        what: 'mithril stake distribution',
        unavailable: 'artifact_unavailable',
        route: (r) => {
          asked = requestHash(r);
          return `/artifact/mithril-stake-distribution/${asked}`;
        },
        check: (certificate, body) => certificate.verifyMithrilStakeDistribution(body, asked),
      });
    }

    /**
     * Verify a Cardano stake distribution artifact: its Merkle root is the signed one.
     * @param {unknown} artifact the body (text or bytes), or `{hash}` / `{epoch}` to fetch it
     * @param {unknown} [source]
     * @param {VerifyCallOptions} [opts]
     */
    async verifyCardanoStakeDistribution(artifact, source, opts = {}) {
      // What a request asked for: the core checks the aggregator answered that artifact.
      /** @type {string | undefined} */
      let askedHash;
      /** @type {number | undefined} */
      let askedEpoch;
      return this.#verifyProof(artifact, source, opts, {
        what: 'cardano stake distribution',
        unavailable: 'artifact_unavailable',
        route: (r) => {
          if (r.epoch === undefined) {
            askedHash = requestHash(r);
            return `/artifact/cardano-stake-distribution/${askedHash}`;
          }
          if (typeof r.epoch !== 'number' || !Number.isSafeInteger(r.epoch) || r.epoch < 0) {
            throw usageError('invalid_argument', 'artifact.epoch must be a non-negative integer');
          }
          askedEpoch = r.epoch;
          return `/artifact/cardano-stake-distribution/epoch/${r.epoch}`;
        },
        check: (certificate, body) =>
          certificate.verifyCardanoStakeDistribution(body, askedHash, askedEpoch),
      });
    }

    /**
     * Verify a Cardano database artifact: its beacon and Merkle root are the signed ones and,
     * with `digests` (the immutable files' digests list), the digests lead to that root.
     * @param {unknown} artifact the body (text or bytes), or `{hash}` to fetch it
     * @param {unknown} [source]
     * @param {{digests?: string | Uint8Array | ArrayBuffer} & VerifyCallOptions} [opts]
     */
    async verifyCardanoDatabase(artifact, source, opts = {}) {
      const given = opts?.digests;
      const digests = given === undefined || given === null ? undefined : bodyBytes(given);
      if (given !== undefined && given !== null && !digests) {
        throw usageError('invalid_options', 'options.digests must be the digests list (text or bytes)');
      }
      /** @type {string | undefined} the hash a request asked for (the core checks the answer) */
      let asked;
      return this.#verifyProof(artifact, source, opts, {
        what: 'cardano database',
        unavailable: 'artifact_unavailable',
        route: (r) => {
          asked = requestHash(r);
          return `/artifact/cardano-database/${asked}`;
        },
        check: (certificate, body) => certificate.verifyCardanoDatabase(body, digests, asked),
      });
    }
  }

  return {
    CertificateVerifier,
    /** @param {string} text */
    decodeGenesisKey: (text) => binding.current().decodeGenesisKey(text),
    version: () => binding.current().version(),
    /** The core's default limits (every WalkConfig field and the checkpoint bound). */
    defaultLimits: () => /** @type {Limits} */ (binding.current().defaultLimits()),
    /**
     * Run one STM check job (bytes from the walk) in this thread: what a host's own worker
     * calls to serve a CheckExecutor. Returns the outcome's bytes; never throws for bad bytes.
     * @param {Uint8Array} job
     */
    runCheckJob: (job) => {
      if (!(job instanceof Uint8Array)) {
        throw usageError('invalid_argument', 'runCheckJob takes the job as a Uint8Array');
      }
      return binding.current().runCheckJob(job);
    },
    /** @param {unknown} [input] */
    init: (input) => binding.init(input),
    /** The public networks, from the core's table (mainnet first). */
    networks: () => binding.current().networks(),
  };
}

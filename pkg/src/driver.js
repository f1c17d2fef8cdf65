// The async driver shared by every entry (node, web, bundler): it fetches certificates, feeds
// them to the wasm Walk, runs the STM checks (inline, or as jobs on a worker pool or a host's
// executor), reports progress, honours AbortSignals and keeps trust checkpoints. It holds no
// verification logic: the Walk decides every verdict.

import {
  abortError,
  abortPromise,
  aggregatorError,
  internalError,
  throwIfAborted,
  usageError,
} from './errors.js';
import {
  bodyBytes,
  fetchBody,
  hashList,
  listQuery,
} from './proofs.js';
import { WorkerPool } from './pool.js';
import { aggregatorBase, readBody, resolveFetch, toFetcher, describe } from './sources.js';
import { MemoryTrustStore, isTrustStore, storedValue, trustKey } from './trust.js';
import { lookUpNetwork, networkOptions } from './networks.js';

/**
 * `Symbol.asyncDispose` where the host has it (Node 20+, recent browsers); elsewhere a
 * registered symbol of the same name, so the method exists either way.
 */
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

const HASH = /^[0-9a-f]{64}$/;
/** The brand of a CertificateVerifier of any entry (a registered symbol: one per program). */
const VERIFIER_BRAND = Symbol.for('mithril-lite.CertificateVerifier');

/**
 * @typedef {{
 *   step(): {kind: 'fetch', hash: string} | {kind: 'verify'} | {kind: 'done', result?: WasmChain, error?: Error},
 *   verifiedCheckpoints(): Uint8Array | undefined,
 *   resumeFrom(stored: Uint8Array): void,
 *   pendingCheckpoints(elapsedMs: number): Uint8Array | undefined,
 *   feed(hash: string, body: Uint8Array): number | undefined,
 *   runCheck(id: number): void,
 *   checkJob(id: number): Uint8Array,
 *   completeCheck(id: number, outcome: Uint8Array): void,
 *   failCheck(id: number, detail: string): void,
 *   splitCheck(id: number, parts: number): Uint8Array[],
 *   joinCheck(id: number, outcomes: Uint8Array[]): Uint8Array | undefined,
 *   useKeyCache(cache: WasmKeyCache): void,
 *   hasFailed(): boolean,
 *   fetchFailed(hash: string, detail: string): void,
 *   certificatesFed(): number,
 *   currentEpoch(): number | undefined,
 *   progress(): WalkProgress,
 *   verifiedCertificate(): WasmCertificate | undefined,
 *   free(): void,
 * }} WasmWalk
 * @typedef {{
 *   readonly hash: string,
 *   verifyTransactionsProofV1(body: Uint8Array, requested?: string[]): object,
 *   verifyTransactionsProofV2(body: Uint8Array, requested?: string[]): object,
 *   verifyBlocksProof(body: Uint8Array, requested?: string[]): object,
 *   verifyMithrilStakeDistribution(body: Uint8Array): object,
 *   verifyCardanoStakeDistribution(body: Uint8Array): object,
 *   verifyCardanoDatabase(body: Uint8Array, digests?: Uint8Array): object,
 *   free(): void,
 * }} WasmCertificate
 * @typedef {{
 *   what: string,
 *   unavailable: 'proof_unavailable' | 'artifact_unavailable',
 *   route: (request: Record<string, unknown>) => string,
 *   check: (certificate: WasmCertificate, body: Uint8Array, envelope: ProofEnvelope) => object,
 * }} ProofKind
 *   What a proof method verifies: `route` is the aggregator path of a request object (it
 *   throws a usage error for a bad request), `check` the wasm check of the body.
 * @typedef {{certificateHash: string, transactionsVersion: 1 | 2}} ProofEnvelope
 *   What a body names before it is verified, read by the core (`readProofEnvelope`).
 * @typedef {{onProgress?: ProgressListener, signal?: AbortSignal}} VerifyCallOptions
 * @typedef {{
 *   size(): number,
 *   absorb(walk: WasmWalk): void,
 *   free(): void,
 * }} WasmKeyCache
 *   The core's per-epoch cache of validated signer keys (src/wasm/key_cache.rs).
 * @typedef {{
 *   Walk: new (key: string, hash: string, options: object) => WasmWalk,
 *   KeyCache: new (key: string) => WasmKeyCache,
 *   networks(): NetworkInfo[],
 *   network(name: string): NetworkInfo | undefined,
 *   decodeGenesisKey(text: string): string,
 *   defaultLimits(): Limits,
 *   readProofEnvelope(body: Uint8Array, what: string): {certificateHash: string, transactionsVersion: 1 | 2},
 *   listHashes(body: Uint8Array): string[] | undefined,
 *   readCheckpoints(bytes: Uint8Array, genesisKey: string): Checkpoint[],
 *   mergeCheckpoints(stored: Uint8Array | undefined, fresh: Uint8Array, max: number): Uint8Array,
 *   runCheckJob(job: Uint8Array): Uint8Array,
 *   version(): string,
 *   isLive?(handle: object): boolean,
 * }} WasmBinding
 *   The wasm exports (src/instance.js guards them). `isLive`: whether a handle (a key cache)
 *   belongs to the current instance (not to one replaced after a trap); absent: always.
 * @typedef {{
 *   current(): WasmBinding,
 *   init(input?: unknown): Promise<void>,
 * }} BindingLoader
 * @typedef {{hash: string, epoch: number, aggregateVerificationKey: string}} Link
 * @typedef {import('./trust.js').Checkpoint} Checkpoint
 * @typedef {import('./networks.js').NetworkInfo} NetworkInfo
 * @typedef {{checkpoints: Checkpoint[], bytes?: Uint8Array, ignored?: {code: string, message: string}}} TrustRead
 *   What the store holds for this genesis key (`bytes`: the stored bytes, once the core read
 *   them); `ignored`: why a stored value is not trusted.
 * @typedef {{
 *   certificate: {
 *     hash: string, previousHash: string, epoch: number, signedEntityType: object,
 *     signedEntityTypeName: string, protocolMessage: [string, string][], signedMessage: string,
 *     aggregateVerificationKey: string, parameters: {m: number, k: number, phi_f: number},
 *     isGenesis: boolean,
 *   },
 *   certificatesChecked: number, anchorKind: 'genesis' | 'trusted', anchorHash: string,
 *   links: Link[],
 * }} WasmChain
 * @typedef {import('./sources.js').CertificateFetcher} CertificateFetcher
 * @typedef {import('./sources.js').FetchFunction} FetchFunction
 * @typedef {{get(key: string): Promise<unknown>, set(key: string, value: unknown): Promise<void>, delete?(key: string): Promise<void>}} TrustStore
 * @typedef {(event: object) => void} ProgressListener
 * @typedef {{
 *   certificatesFetched: number, certificatesChecked: number, certificatesVerified: number,
 *   pendingChecks: number, anchorVerified: boolean, currentEpoch?: number, startEpoch?: number,
 *   checkedEpoch?: number, verifiedEpoch?: number, anchorEpoch?: number, fraction?: number,
 * }} WalkProgress
 *   The core's progress view of a walk (src/chain/progress.rs): the driver only passes it on.
 * @typedef {{
 *   maxChainLength: number, maxCertificateBytes: number, pairingBatch: number,
 *   maxSignaturesPerCertificate: number, maxIndicesPerCertificate: number,
 *   maxIndicesPerSignature: number, maxCheckpoints: number, maxProofBytes: number,
 *   maxListBytes: number,
 * }} Limits
 *   The core's default limits (WalkConfig, the checkpoint and proof body bounds), from
 *   `defaultLimits()`.
 * @typedef {{
 *   run(job: Uint8Array, init: {signal: AbortSignal}): Promise<Uint8Array | ArrayBuffer>,
 *   concurrency?: number,
 * }} CheckExecutor
 *   Runs one STM check job (bytes) somewhere and resolves to its outcome (bytes): the package's
 *   WorkerPool, or a host's own (e.g. a wallet's existing worker calling `runCheckJob`).
 * @typedef {{
 *   available(): boolean,
 *   defaultWorkers(): number,
 *   spawner(): import('./pool.js').Spawn,
 *   mainThreadChecks?: boolean,
 * }} Threads
 *   How an entry starts workers (threads-node.js, threads-web.js).
 * @typedef {{
 *   executor: CheckExecutor,
 *   concurrency: number,
 *   maxInFlight: number,
 *   assist: boolean,
 *   inline(job: Uint8Array): Uint8Array,
 *   counts: {jobs: number, inlineRetries: number, mainThread: number, split: number},
 * }} JobRunner
 */

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
     * @returns {Promise<{chain: ReturnType<typeof result>, certificate: WasmCertificate | undefined}>}
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
     * @returns {Promise<{chain: ReturnType<typeof result>, certificate: WasmCertificate | undefined}>}
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
      return { chain: result(chain, trustStored), certificate };
    }

    /**
     * The path every proof method takes: the body (given, or fetched at `kind.route(request)`
     * from the aggregator `source`), the chain of the certificate it names (as verifyChain),
     * then `kind.check` against that certificate in wasm. The check is synchronous: nothing
     * can interrupt it once the trust commit is done.
     * @param {unknown} input the body (text or bytes) or a request object
     * @param {unknown} source
     * @param {unknown} opts
     * @param {ProofKind} kind
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
     * @param {ProofKind} kind
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
     * @param {unknown} source
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
          const items =
            version === 1
              ? certificate.verifyTransactionsProofV1(body, requested)
              : certificate.verifyTransactionsProofV2(body, requested);
          return { version, ...items };
        },
      });
    }

    /**
     * Verify a Cardano blocks proof (`/proof/v2/cardano-block`) and its certificate's chain.
     * @param {unknown} proof the body (text or bytes), or `{blocks: string[]}` to fetch it
     * @param {unknown} source
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
     * @param {unknown} source
     * @param {VerifyCallOptions} [opts]
     */
    async verifyMithrilStakeDistribution(artifact, source, opts = {}) {
      return this.#verifyProof(artifact, source, opts, {
        what: 'mithril stake distribution',
        unavailable: 'artifact_unavailable',
        route: (r) => `/artifact/mithril-stake-distribution/${requestHash(r)}`,
        check: (certificate, body) => certificate.verifyMithrilStakeDistribution(body),
      });
    }

    /**
     * Verify a Cardano stake distribution artifact: its Merkle root is the signed one.
     * @param {unknown} artifact the body (text or bytes), or `{hash}` / `{epoch}` to fetch it
     * @param {unknown} source
     * @param {VerifyCallOptions} [opts]
     */
    async verifyCardanoStakeDistribution(artifact, source, opts = {}) {
      return this.#verifyProof(artifact, source, opts, {
        what: 'cardano stake distribution',
        unavailable: 'artifact_unavailable',
        route: (r) => {
          if (r.epoch === undefined) {
            return `/artifact/cardano-stake-distribution/${requestHash(r)}`;
          }
          if (typeof r.epoch !== 'number' || !Number.isSafeInteger(r.epoch) || r.epoch < 0) {
            throw usageError('invalid_argument', 'artifact.epoch must be a non-negative integer');
          }
          return `/artifact/cardano-stake-distribution/epoch/${r.epoch}`;
        },
        check: (certificate, body) => certificate.verifyCardanoStakeDistribution(body),
      });
    }

    /**
     * Verify a Cardano database artifact: its beacon and Merkle root are the signed ones and,
     * with `digests` (the immutable files' digests list), the digests lead to that root.
     * @param {unknown} artifact the body (text or bytes), or `{hash}` to fetch it
     * @param {unknown} source
     * @param {{digests?: string | Uint8Array | ArrayBuffer} & VerifyCallOptions} [opts]
     */
    async verifyCardanoDatabase(artifact, source, opts = {}) {
      const given = opts?.digests;
      const digests = given === undefined || given === null ? undefined : bodyBytes(given);
      if (given !== undefined && given !== null && !digests) {
        throw usageError('invalid_options', 'options.digests must be the digests list (text or bytes)');
      }
      return this.#verifyProof(artifact, source, opts, {
        what: 'cardano database',
        unavailable: 'artifact_unavailable',
        route: (r) => `/artifact/cardano-database/${requestHash(r)}`,
        check: (certificate, body) => certificate.verifyCardanoDatabase(body, digests),
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
async function drive(walk, fetcher, fetchSignal, aborted, signal, emit, tick) {
  /** @type {{hash: string, promise: Promise<import('./sources.js').Fetched>} | undefined} */
  let inflight;
  /** STM checks handed out, oldest first. @type {{id: number, index: number}[]} */
  const checks = [];
  const { certs, report } = progressReporter(walk, emit, tick);
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
    if (!got.ok) {
      walk.fetchFailed(hash, got.detail);
      continue;
    }
    const fedBefore = walk.certificatesFed();
    const id = walk.feed(hash, got.body);
    const progress = walk.progress();
    const epoch = progress.certificatesFetched > fedBefore ? progress.currentEpoch : undefined;
    const index = certs.length;
    certs.push({ hash, epoch });
    emit({ type: 'certificate-fetched', hash, index, epoch, bytes: got.body.byteLength, progress });
    if (id !== undefined) checks.push({ id, index });
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
async function drivePooled(walk, fetcher, workSignal, aborted, signal, emit, runner, tick) {
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
  const { certs, report } = progressReporter(walk, emit, tick);
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
    if (!got.ok) {
      walk.fetchFailed(hash, got.detail);
      continue;
    }
    const fedBefore = walk.certificatesFed();
    const id = walk.feed(hash, got.body);
    const progress = walk.progress();
    const epoch = progress.certificatesFetched > fedBefore ? progress.currentEpoch : undefined;
    const index = certs.length;
    certs.push({ hash, epoch });
    emit({ type: 'certificate-fetched', hash, index, epoch, bytes: got.body.byteLength, progress });
    // Feeding can settle a batch of pairing equations, and with it earlier certificates.
    report();
    if (id !== undefined) offer(id, index);
  }
}

/**
 * The `certificate-verified` events of one walk, in chain order, as the core counts them
 * (`Walk.progress().certificatesChecked`: every check of the certificate passed but, at most,
 * its pairing equation, which waits for its batch: progress, not a verdict). `certs` holds the
 * hash and epoch of each certificate fed, by index, for the events.
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
  return { certs, report };
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
function executorConcurrency(executor) {
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

/**
 * The first hash of the aggregator's certificate list, read by the core (`listHashes`).
 * @param {string} base
 * @param {FetchFunction} fetchImpl
 * @param {AbortSignal | undefined} signal
 * @param {WasmBinding} wasm
 */
async function latestHash(base, fetchImpl, signal, wasm) {
  const maxBytes = wasm.defaultLimits().maxListBytes;
  throwIfAborted(signal);
  const url = `${base}/certificates`;
  const aborted = abortPromise(signal);
  /** @type {Uint8Array} */
  let bytes;
  try {
    /** @type {import('./sources.js').FetchResponse} */
    let response;
    try {
      /** @type {{signal?: AbortSignal, headers: Record<string, string>}} */
      const init = { headers: { accept: 'application/json' } };
      if (signal) init.signal = signal;
      response = await Promise.race([fetchImpl(url, init), aborted.promise]);
    } catch (e) {
      throwIfAborted(signal);
      throw aggregatorError(
        'certificate_list_unavailable',
        `network error fetching ${url}: ${describe(e)}`,
        { url, error: e },
      );
    }
    if (!response.ok) {
      throw aggregatorError(
        'certificate_list_unavailable',
        `HTTP ${response.status} from ${url}`,
        { url, status: response.status },
      );
    }
    try {
      bytes = await Promise.race([readBody(response, maxBytes + 1), aborted.promise]);
    } catch (e) {
      throwIfAborted(signal);
      throw aggregatorError('certificate_list_unavailable', `error reading ${url}: ${describe(e)}`, {
        url,
        error: e,
      });
    }
  } finally {
    aborted.dispose();
  }
  throwIfAborted(signal);
  if (bytes.byteLength > maxBytes) {
    throw aggregatorError('certificate_list_malformed', `${url}: larger than ${maxBytes} bytes`, {
      url,
    });
  }
  const hashes = wasm.listHashes(bytes);
  if (!hashes) {
    throw aggregatorError(
      'certificate_list_malformed',
      `${url}: not a JSON array of certificates with a "hash"`,
      { url },
    );
  }
  if (hashes.length === 0) {
    throw aggregatorError('certificate_list_empty', `${url}: the aggregator lists no certificate`, {
      url,
    });
  }
  if (!HASH.test(hashes[0])) {
    throw aggregatorError('certificate_list_malformed', `${url}: the first hash is not 64 hex digits`, {
      url,
    });
  }
  return hashes[0];
}

/**
 * @param {unknown} opts
 * @returns {{onProgress: ProgressListener | undefined, signal: AbortSignal | undefined}}
 */
function callOptions(opts) {
  if (opts === undefined || opts === null) return { onProgress: undefined, signal: undefined };
  if (typeof opts !== 'object') throw usageError('invalid_options', 'options must be an object');
  const { onProgress, signal } = /** @type {{onProgress?: unknown, signal?: unknown}} */ (opts);
  if (onProgress !== undefined && typeof onProgress !== 'function') {
    throw usageError('invalid_options', 'onProgress must be a function');
  }
  if (
    signal !== undefined &&
    (typeof signal !== 'object' ||
      signal === null ||
      typeof (/** @type {{aborted?: unknown}} */ (signal).aborted) !== 'boolean' ||
      typeof (/** @type {{addEventListener?: unknown}} */ (signal).addEventListener) !==
        'function')
  ) {
    throw usageError('invalid_options', 'signal must be an AbortSignal');
  }
  return {
    onProgress: /** @type {ProgressListener | undefined} */ (onProgress),
    signal: /** @type {AbortSignal | undefined} */ (signal),
  };
}

/**
 * `options.version` of a transactions proof: 1, 2, or undefined (detected from the body; v2
 * when fetching).
 * @param {unknown} opts
 * @returns {1 | 2 | undefined}
 */
function proofVersion(opts) {
  const version = /** @type {{version?: unknown} | undefined} */ (opts)?.version;
  if (version === undefined || version === null) return undefined;
  if (version !== 1 && version !== 2) {
    throw usageError('invalid_options', 'options.version must be 1 or 2');
  }
  return version;
}

/**
 * The hashes of a fetch request: a non-empty array of strings.
 * @param {unknown} value
 * @param {string} name
 * @returns {string[]}
 */
function requestHashes(value, name) {
  const hashes = hashList(value, name);
  if (!hashes || hashes.length === 0) {
    throw usageError('invalid_argument', `${name} must be a non-empty array of hash strings`);
  }
  return hashes;
}

/**
 * The `hash` of an artifact request, URL-encoded.
 * @param {Record<string, unknown>} request
 */
function requestHash(request) {
  if (typeof request.hash !== 'string' || request.hash.length === 0) {
    throw usageError('invalid_argument', 'the artifact request needs a `hash` string');
  }
  return encodeURIComponent(request.hash);
}

/**
 * @param {unknown} value
 * @param {string} name
 * @returns {number | undefined}
 */
function positiveInteger(value, name) {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw usageError('invalid_options', `options.${name} must be a positive integer`);
  }
  return value;
}

/**
 * The verified chain as the public result.
 * @param {WasmChain} chain
 * @param {boolean} trustStored
 */
function result(chain, trustStored) {
  const c = chain.certificate;
  return {
    hash: c.hash,
    previousHash: c.previousHash,
    epoch: c.epoch,
    signedEntityType: c.signedEntityType,
    signedEntityTypeName: c.signedEntityTypeName,
    // Own data properties only (Object.fromEntries defines them), whatever the part names.
    protocolMessage: Object.fromEntries(c.protocolMessage),
    protocolMessageParts: c.protocolMessage,
    signedMessage: c.signedMessage,
    aggregateVerificationKey: c.aggregateVerificationKey,
    parameters: c.parameters,
    isGenesis: c.isGenesis,
    certificatesChecked: chain.certificatesChecked,
    anchor: { kind: chain.anchorKind, hash: chain.anchorHash },
    links: chain.links,
    trustStored,
  };
}

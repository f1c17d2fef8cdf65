// The JSDoc types the driver's files share: the wasm binding's shape (walks, certificates, key
// caches), the verifier's inputs (sources, stores, executors) and the walk's own records. Types
// only: nothing imports this file at run time.

/**
 * What a wasm proof check returns: the public result without what the driver adds (the chain
 * it walked and, for a transactions proof, the version). The shape is the core's (src/wasm):
 * declared here, checked at run time by tests/node/proofs.test.mjs.
 * @template T
 * @typedef {Omit<T, 'certificate' | 'version'>} ProofVerdict
 */

/**
 * What a proof method verifies: `route` is the aggregator path of a request object (it throws
 * a usage error for a bad request), `check` the wasm check of the body, whose result `R` the
 * method returns with the verified chain.
 * @template R
 * @typedef {{
 *   what: string,
 *   unavailable: 'proof_unavailable' | 'artifact_unavailable',
 *   route: (request: Record<string, unknown>) => string,
 *   check: (certificate: WasmCertificate, body: Uint8Array, envelope: ProofEnvelope) => R,
 * }} ProofKind
 */

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
 *   verifyTransactionsProofV1(body: Uint8Array, requested?: string[]): ProofVerdict<import('../index.js').TransactionProofV1Result>,
 *   verifyTransactionsProofV2(body: Uint8Array, requested?: string[]): ProofVerdict<import('../index.js').TransactionProofV2Result>,
 *   verifyBlocksProof(body: Uint8Array, requested?: string[]): ProofVerdict<import('../index.js').BlockProofResult>,
 *   verifyMithrilStakeDistribution(body: Uint8Array, askedHash?: string): ProofVerdict<import('../index.js').MithrilStakeDistributionResult>,
 *   verifyCardanoStakeDistribution(body: Uint8Array, askedHash?: string, askedEpoch?: number): ProofVerdict<import('../index.js').CardanoStakeDistributionResult>,
 *   verifyCardanoDatabase(body: Uint8Array, digests?: Uint8Array, askedHash?: string): ProofVerdict<import('../index.js').CardanoDatabaseResult>,
 *   free(): void,
 * }} WasmCertificate
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
 *   newestListedHash(body: Uint8Array): string,
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
 *     hash: string, previousHash: string, epoch: number,
 *     signedEntityType: import('../index.js').SignedEntityType,
 *     signedEntityTypeName: import('../index.js').SignedEntityTypeName, protocolMessage: [string, string][], signedMessage: string,
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

export {};

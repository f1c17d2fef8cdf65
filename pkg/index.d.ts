/// <reference lib="esnext.disposable" />
// Type declarations of mithril-lite (every entry: node, web, bundler).

/** Protocol parameters of a certificate. */
export interface ProtocolParameters {
  /** Lottery indices. */
  m: number;
  /** Quorum: distinct winning indices needed. */
  k: number;
  /** Lottery difficulty f in phi(w) = 1 - (1 - f)^w. */
  phi_f: number;
}

/** What a certificate certifies (externally tagged, as on the wire). */
export type SignedEntityType =
  | { MithrilStakeDistribution: number }
  | { CardanoStakeDistribution: number }
  | { CardanoImmutableFilesFull: { epoch: number; immutable_file_number: number } }
  | { CardanoDatabase: { epoch: number; immutable_file_number: number } }
  | { CardanoTransactions: [epoch: number, blockNumber: number] }
  | { CardanoBlocksTransactions: [epoch: number, blockNumber: number, offset: number] };

export type SignedEntityTypeName =
  | 'MithrilStakeDistribution'
  | 'CardanoStakeDistribution'
  | 'CardanoImmutableFilesFull'
  | 'CardanoDatabase'
  | 'CardanoTransactions'
  | 'CardanoBlocksTransactions';

/** A certificate a successful walk visited. */
export interface ChainLink {
  hash: string;
  epoch: number;
  /** JSON-hex of the aggregate verification key (its total stake may exceed 2^53: kept as text). */
  aggregateVerificationKey: string;
}

/** A stored trust checkpoint: this certificate and its chain back to genesis were verified
 * under this verifier's genesis key by this library. (No aggregate verification key: walks
 * never used it; a walk's `links` still carry it.) */
export interface Checkpoint {
  hash: string;
  epoch: number;
}

/** Where a successful walk ended. */
export interface Anchor {
  /** "genesis": verified with the genesis key; "trusted": a checkpoint of an earlier walk. */
  kind: 'genesis' | 'trusted';
  hash: string;
}

/** The result of a successful verification: the starting certificate, verified. */
export interface VerifiedChain {
  hash: string;
  previousHash: string;
  epoch: number;
  signedEntityType: SignedEntityType;
  signedEntityTypeName: SignedEntityTypeName;
  /** The signed protocol message parts, part name to value (e.g. `snapshot_digest`). */
  protocolMessage: Record<string, string>;
  /** The same parts as [name, value] pairs, in hashing order. */
  protocolMessageParts: Array<[string, string]>;
  /** Hash of the protocol message: what the signers signed. */
  signedMessage: string;
  /** JSON-hex of the aggregate verification key the certificate was verified with. */
  aggregateVerificationKey: string;
  parameters: ProtocolParameters;
  isGenesis: boolean;
  /** Certificates checked, the starting one and the anchor included. */
  certificatesChecked: number;
  anchor: Anchor;
  /** The certificates visited, newest first. */
  links: ChainLink[];
  /** Whether the visited certificates were recorded as checkpoints in the trust store. */
  trustStored: boolean;
}

/** Stable codes of verification errors (see the crate's README for the full table). */
export type VerificationErrorCode =
  | 'input_too_large'
  | 'invalid_hex'
  | 'invalid_json'
  | 'certificate_malformed'
  | 'invalid_genesis_key'
  | 'unexpected_certificate'
  | 'certificate_unavailable'
  | 'chain_too_long'
  | 'unsupported_hash_scheme'
  | 'limit_exceeded'
  | 'chain_infinite_loop'
  | 'certificate_hash_mismatch'
  | 'certificate_protocol_message_mismatch'
  | 'genesis_signature_invalid'
  | 'certificate_epoch_mismatch'
  | 'chain_missing_epoch'
  | 'chain_previous_hash_mismatch'
  | 'chain_avk_mismatch'
  | 'chain_parameters_mismatch'
  | 'chain_genesis_anchor_mismatch'
  | 'stm_malformed'
  | 'stm_invalid_point'
  | 'stm_unsupported_proof'
  | 'stm_invalid_parameters'
  | 'stm_index_out_of_range'
  | 'stm_lottery_lost'
  | 'stm_index_not_unique'
  | 'stm_quorum_not_reached'
  | 'stm_batch_path_invalid'
  | 'stm_signature_invalid'
  | 'stm_lottery_budget_exceeded'
  | 'internal_error'
  | ProofErrorCode;

/** Stable codes of proof and artifact verdicts (the core's `ProofError::code`). `input_too_large`
 * (100) is shared with the chain codes. */
export type ProofErrorCode =
  | 'input_too_large'
  /** 400: the body does not decode (JSON, hex, bincode), or names no certificate. */
  | 'proof_malformed'
  /** 401: an inconsistent Merkle proof (leaf height, two leaves at one position, size, sibling
   * count, a sub-proof not among the master proof's leaves). */
  | 'proof_invalid'
  /** 402: the proof's leaves and siblings do not lead to its announced root. */
  | 'proof_root_mismatch'
  /** 403: an item the aggregator lists as certified is not a leaf of the proof. */
  | 'item_not_certified'
  /** 404: the body certifies nothing. */
  | 'proof_nothing_certified'
  /** 405: the body names another certificate than the one it was checked against. */
  | 'proof_certificate_mismatch'
  /** 406: with the body's root, block numbers, offset (or stake distribution root, database
   * root), the certificate's protocol message no longer hashes to its signed message. */
  | 'proof_message_mismatch'
  /** 407: a signer's key or proof of possession is invalid. */
  | 'signer_key_invalid'
  /** 408: a stake distribution cannot be registered (empty, duplicate key, zero stake). */
  | 'stake_distribution_invalid'
  /** 409: the artifact's AVK, epoch or beacon is not what the certificate signed. */
  | 'artifact_mismatch'
  /** 410: a certified artifact, but not the one asked for (another hash or epoch). */
  | 'artifact_not_requested';

/** The verifier's verdict when a chain, a proof or an artifact does not verify. `instanceof`
 * holds for every such error, whichever entry of the package (or copy of it) made it. */
export declare class MithrilVerificationError extends Error {
  constructor(
    message: string,
    fields: { code: VerificationErrorCode; numericCode: number; cause?: MithrilVerificationError['cause'] },
  );
  /** True for a MithrilVerificationError made by any entry or copy of the package (by name and
   * code), and for the wasm's verdicts. */
  static [Symbol.hasInstance](value: unknown): boolean;
  name: 'MithrilVerificationError';
  code: VerificationErrorCode;
  /** Stable numeric code (100s: input and fetch, 200s: STM, 300s: certificate and chain rules,
   * 400s: proofs and artifacts). */
  numericCode: number;
  cause: {
    /** The certificate concerned (for a proof: the one it names or was checked against). */
    certificate?: string;
    /** item_not_certified: the item that is not a leaf of the proof. */
    item?: string;
    /** proof_message_mismatch: the protocol-message parts whose value differs. */
    parts?: string[];
  };
}

/** What an aborted call rejects with. */
export interface AbortError extends Error {
  name: 'AbortError';
  code: 'aborted';
  /** The signal's reason. */
  cause: unknown;
}

/** verifyLatest could not learn the newest certificate from the aggregator, or a proof or
 * artifact requested by hash could not be fetched. */
export declare class AggregatorError extends Error {
  constructor(message: string, fields: { code: AggregatorError['code']; cause: AggregatorError['cause'] });
  /** True for an AggregatorError made by any entry or copy of the package (by name and code). */
  static [Symbol.hasInstance](value: unknown): boolean;
  name: 'AggregatorError';
  code:
    | 'certificate_list_unavailable'
    | 'certificate_list_malformed'
    | 'certificate_list_empty'
    | 'proof_unavailable'
    | 'artifact_unavailable';
  cause: { url: string; status?: number; error?: unknown };
}

/** A bad argument or option, or the web entry used before `init()`. */
export interface UsageError extends TypeError {
  name: 'TypeError';
  code: 'invalid_argument' | 'invalid_options' | 'not_initialized' | 'closed';
}

/** How far a walk has come, as the core counts it (the same view the CLI and the C ABI
 * show). */
export interface WalkProgress {
  /** Certificates fetched and read so far. */
  certificatesFetched: number;
  /** Certificates checked, counted from the starting one: verified, or verified but for a
   * pairing equation waiting for its batch (what `certificate-verified` events follow). */
  certificatesChecked: number;
  /** Certificates verified, counted from the starting one: every check that concerns them
   * passed, their multi-signature's pairing equation included (equations are checked in
   * batches, so this can stay behind `certificatesChecked` until the end of a short walk). */
  certificatesVerified: number;
  /** Multi-signature checks handed out and not yet completed. */
  pendingChecks: number;
  /** The anchor and every certificate before it are verified. */
  anchorVerified: boolean;
  /** Epoch of the certificate read last. */
  currentEpoch?: number;
  /** Epoch of the starting certificate. */
  startEpoch?: number;
  /** Epoch of the last (oldest) checked certificate. */
  checkedEpoch?: number;
  /** Epoch of the last (oldest) verified certificate. */
  verifiedEpoch?: number;
  /** Where the walk is expected to end: the newest trusted checkpoint at or before the
   * starting epoch, or the anchor's epoch once read. Absent for a walk to genesis until
   * genesis is read. */
  anchorEpoch?: number;
  /** Share of the walk done, 0 to 1, by checked epochs towards `anchorEpoch` (absent without
   * it); 1 once the anchor is verified. */
  fraction?: number;
}

/** Progress of a verification. The chain's length is unknown until its anchor is reached:
 * epochs count down towards the genesis epoch (or the newest trusted checkpoint). */
export type ProgressEvent =
  | {
      /** A certificate was downloaded and fed to the walk (its cheap checks ran). */
      type: 'certificate-fetched';
      hash: string;
      /** Position in the walk: 0 is the starting certificate. */
      index: number;
      /** Undefined if the certificate did not parse. */
      epoch: number | undefined;
      bytes: number;
      /** The walk's progress right after this certificate was fed. */
      progress: WalkProgress;
    }
  | {
      /** Every check of this certificate and of those before it passed, but at most a pairing
       * equation waiting for its batch (progress, not a verdict: the promise is). */
      type: 'certificate-verified';
      hash: string;
      index: number;
      epoch: number | undefined;
      /** The walk's progress when this certificate counted as verified. */
      progress: WalkProgress;
    }
  | {
      /** The whole chain verified (emitted before checkpoints are stored). */
      type: 'chain-verified';
      hash: string;
      certificatesChecked: number;
      anchor: Anchor;
    }
  | {
      /** The store's value for this genesis key is not trusted (corrupted bytes, another
       * genesis key, not checkpoints): the walk goes back to genesis, and a verified walk
       * replaces the value. Emitted before the first fetch. */
      type: 'trust-ignored';
      /** The store key. */
      key: string;
      /** `checkpoint_malformed`, `checkpoint_unsupported_version` or
       * `checkpoint_genesis_key_mismatch`. */
      code: string;
      message: string;
    }
  | {
      /** A proof or artifact requested by hash was downloaded (before its chain is walked). */
      type: 'proof-fetched';
      url: string;
      bytes: number;
    };

export type ProgressListener = (event: ProgressEvent) => void;

export interface VerifyOptions {
  /** Called synchronously on each event; an exception it throws rejects the verification. */
  onProgress?: ProgressListener;
  /** Aborting rejects with an AbortError (code "aborted"), cancels the fetch in flight and
   * leaves the trust store untouched. */
  signal?: AbortSignal;
}

/** What `getCertificate` may resolve to. Text or bytes are passed on exactly; a Response or
 * Blob is read; any other object is JSON.stringify'd, which is lossy for stakes above 2^53
 * (the certificate hash check then fails): hand over the certificate's text. `null` or
 * `undefined` mean "not found". */
export type CertificateBody =
  | string
  | Uint8Array
  | ArrayBuffer
  | ArrayBufferView
  | { arrayBuffer(): Promise<ArrayBuffer>; ok?: boolean; status?: number }
  | object
  | null
  | undefined;

/** A source of certificates other than an aggregator URL. A rejection counts as "not found"
 * (the walk reports certificate_unavailable). */
export interface CertificateSource {
  getCertificate(hash: string, init: { signal: AbortSignal }): Promise<CertificateBody>;
}

/** The subset of `fetch` the verifier uses. */
export type FetchLike = (
  input: string,
  init?: { signal?: AbortSignal; headers?: Record<string, string> },
) => Promise<FetchResponseLike>;

export interface FetchResponseLike {
  ok: boolean;
  status: number;
  body?: ReadableStream<Uint8Array> | null;
  arrayBuffer?(): Promise<ArrayBuffer>;
  text?(): Promise<string>;
}

/** A proof or artifact body as the aggregator served it: its text, or its bytes. Never a
 * JSON.parse'd object (block numbers and stakes can exceed 2^53). */
export type ProofBody = string | Uint8Array | ArrayBuffer | ArrayBufferView;

/** What the proof and artifact methods verify a body against: an aggregator base URL (needed
 * when the body is fetched by request) or a CertificateSource (with a body given). */
export type ProofSource = string | URL | CertificateSource;

/** A transaction as v2 proofs certify it, with its block. */
export interface CertifiedTransaction {
  transactionHash: string;
  blockHash: string;
  blockNumber: bigint;
  slotNumber: bigint;
}

/** A block as block proofs certify it. */
export interface CertifiedBlock {
  blockHash: string;
  blockNumber: bigint;
  slotNumber: bigint;
}

/** What every transaction or block proof result says. */
export interface CertifiedItemsBase {
  /** The certificate that signs the proof's root (its chain verified: see `certificate`). */
  certificateHash: string;
  /** Hex of the proof's Merkle root, as signed. */
  merkleRoot: string;
  /** The requested hashes the proof does not certify (nothing requested: the aggregator's own
   * `non_certified_*` list, which nothing can confirm). Lower case. */
  nonCertified: string[];
  /** The latest block number the certificate covers. */
  latestBlockNumber: bigint;
  /** The verified chain of the certificate. */
  certificate: VerifiedChain;
}

/** A v1 transactions proof, verified. Transactions are identified by hash only. */
export interface TransactionProofV1Result extends CertifiedItemsBase {
  version: 1;
  /** The requested transactions the proof certifies (all proven ones if none requested), in
   * request order. */
  certified: Array<{ transactionHash: string }>;
}

/** A v2 transactions proof, verified. */
export interface TransactionProofV2Result extends CertifiedItemsBase {
  version: 2;
  certified: CertifiedTransaction[];
  /** The certified block-number offset (the security parameter): the blocks up to
   * `latestBlockNumber` are final once the chain tip reaches `latestBlockNumber +
   * blockNumberOffset`. */
  blockNumberOffset: bigint;
}

export type TransactionProofResult = TransactionProofV1Result | TransactionProofV2Result;

/** A blocks proof, verified. */
export interface BlockProofResult extends CertifiedItemsBase {
  certified: CertifiedBlock[];
  /** As for v2 transaction proofs. */
  blockNumberOffset: bigint;
}

/** A signer of a Mithril stake distribution, in registration (signer index) order. */
export interface RegisteredSigner {
  /** The artifact's party id (not bound to the key by the AVK: the aggregator's word). */
  partyId: string;
  /** Hex of the compressed BLS verification key (96 bytes). */
  verificationKey: string;
  stake: bigint;
}

/** A Mithril stake distribution whose signers form the AVK its certificate signed. */
export interface MithrilStakeDistributionResult {
  /** The artifact's hash, as the aggregator names it (what is certified is the epoch and the
   * signers; a request by hash is refused with `artifact_not_requested` if it differs). */
  hash: string;
  epoch: number;
  certificateHash: string;
  /** JSON-hex of the AVK (= the certificate's signed `next_aggregate_verification_key`). */
  aggregateVerificationKey: string;
  signers: RegisteredSigner[];
  certificate: VerifiedChain;
}

/** A Cardano stake distribution whose Merkle root its certificate signed. */
export interface CardanoStakeDistributionResult {
  /** The artifact's hash, as the aggregator names it (what is certified is the epoch and the
   * Merkle root; a request by hash is refused with `artifact_not_requested` if it differs). */
  hash: string;
  epoch: number;
  certificateHash: string;
  merkleRoot: string;
  /** Stake per pool id, in pool-id order. */
  stakeDistribution: Map<string, bigint>;
  certificate: VerifiedChain;
}

/** A Cardano database artifact whose beacon and Merkle root its certificate signed. */
export interface CardanoDatabaseResult {
  /** The artifact's hash. */
  hash: string;
  certificateHash: string;
  merkleRoot: string;
  epoch: number;
  immutableFileNumber: number;
  /** "verified": the given digests lead to the signed root (check each file against its
   * digest); "not-included": no digests were given, the content is not checked. */
  digests: { status: 'verified'; immutableFiles: number } | { status: 'not-included' };
  certificate: VerifiedChain;
}

export interface TransactionProofOptions extends VerifyOptions {
  /** The transactions asked about; default: those of a fetch request, else every proven one. */
  transactions?: string[];
  /** The body's version (default: detected; a fetch request uses the v2 route). */
  version?: 1 | 2;
}

export interface BlockProofOptions extends VerifyOptions {
  /** The blocks asked about; default: those of a fetch request, else every proven one. */
  blocks?: string[];
}

export interface CardanoDatabaseOptions extends VerifyOptions {
  /** The immutable files' digests list (`[{immutable_file_name, digest}]` text or bytes). */
  digests?: ProofBody;
}

/** Where checkpoints persist: any object with these async methods. `set` is given the core's
 * checkpoint bytes (a Uint8Array: the format the CLI's `--trust FILE` and the C ABI keep);
 * `get` may return them as a Uint8Array, an ArrayBuffer or base64 text (for string-only
 * storage), or undefined. What is read back is validated by the core; anything else is ignored
 * (a `trust-ignored` event, a full walk). Whoever can write the store can make forged chains
 * pass: it is a trust root. */
export interface TrustStore {
  get(key: string): Promise<unknown>;
  set(key: string, value: Uint8Array): Promise<void>;
  delete?(key: string): Promise<void>;
}

export interface VerifierOptions {
  /** Most certificates one walk may visit (default 10,000). */
  maxChainLength?: number;
  /** Largest certificate body accepted, in bytes (default 8 MiB). */
  maxCertificateBytes?: number;
  /** Checkpoints kept per genesis key, newest epochs first (default 1,000). */
  maxCheckpoints?: number;
  /** Default: a MemoryTrustStore private to this verifier. `null` or `false`: no checkpoints. */
  trustStore?: TrustStore | null | false;
  /** The fetch used for aggregator URLs (default: globalThis.fetch). */
  fetch?: FetchLike;
  /**
   * Size of the worker pool that runs the STM checks: Web Workers in pages and extension
   * pages, worker_threads in Node.js. Default: `navigator.hardwareConcurrency - 1` /
   * `os.availableParallelism() - 1` (at least 1; Node.js: the `MITHRIL_LITE_WORKERS`
   * environment variable when set). `0`: checks run inline, in the caller's thread. Where no
   * worker can start (an MV3 extension service worker) checks run inline whatever is asked.
   * The pool starts with the first walk, is reused, and ends with `close()`.
   */
  workers?: number;
  /**
   * Run the STM checks with this instead of the package's pool (e.g. a wallet's own worker
   * calling `runCheckJob`). Excludes `workers`. Not closed by `close()`.
   */
  executor?: CheckExecutor | null;
  /**
   * Most certificates fetched whose STM check is not done yet (default: twice the pool size,
   * or twice the executor's `concurrency`); fetching pauses at this bound.
   */
  maxInFlight?: number;
  /**
   * Whether the caller's thread also runs checks while the pool or executor is busy
   * (default: `true` in Node.js, which has no UI to keep responsive, so both cores of a 2-core
   * machine check; `false` in pages and workers).
   */
  mainThreadChecks?: boolean;
}

/**
 * Runs STM check jobs somewhere else (a worker, a native thread...): `run` gets a job's bytes
 * (from the walk) and resolves to the bytes `runCheckJob(job)` returns there. A rejection (or
 * anything but bytes) makes the verifier retry that job once inline; if that fails too, the
 * walk fails with `internal_error`. `signal` aborts when the job is no longer wanted (the walk
 * was aborted, closed, or ended): drop it, or stop the thread running it.
 */
export interface CheckExecutor {
  run(job: Uint8Array, init: { signal: AbortSignal }): Promise<Uint8Array | ArrayBuffer>;
  /** Jobs it runs at once (default 2); sets the default `maxInFlight`. */
  readonly concurrency?: number;
}

/** How a verifier runs its STM checks, and what its pool did so far (`poolStats()`). */
export interface PoolStats {
  /** "inline": in the caller's thread; "workers": the package's pool; "executor": the host's. */
  mode: 'inline' | 'workers' | 'executor';
  /** Pool size (workers), the executor's concurrency, or 0 (inline). */
  size: number;
  /** Workers running now (idle or busy). */
  workersAlive: number;
  /** Workers started since the verifier was made (replacements included). */
  workersStarted: number;
  /** Workers that ran at least one job. */
  workersUsed: number;
  /** Workers that died or failed a job (each replaced when work comes). */
  workersDied: number;
  /** Workers terminated because the job they ran was aborted (replaced likewise). */
  workersStopped: number;
  /** Workers running a job now. */
  busy: number;
  /** Jobs waiting for a worker. */
  queued: number;
  /** Jobs handed to the pool or executor. */
  jobs: number;
  /** Jobs the pool or executor failed, rerun inline. */
  inlineRetries: number;
  /** Checks the caller's thread ran while the pool was busy (`mainThreadChecks`). */
  mainThreadChecks: number;
  /** Checks whose point decoding was split over the pool (one certificate, every worker). */
  splitChecks: number;
  /** Signer keys this verifier's walks validated and keep for later certificates of their
   * epochs (bounded: 4 epochs of at most 4,096 keys). */
  cachedKeys: number;
}

export declare class CertificateVerifier {
  /**
   * @param genesisVerificationKey JSON-hex (the content of a `genesis.vkey` file) or raw hex.
   * @throws MithrilVerificationError (code invalid_genesis_key) for a bad key, UsageError for
   *   bad options or (web entry) before `init()`.
   */
  constructor(genesisVerificationKey: string, options?: VerifierOptions);
  /** True for a verifier made by any entry of the package (they carry one brand). */
  static [Symbol.hasInstance](value: unknown): boolean;
  /** Load the wasm if needed (web entry), then construct. */
  static create(genesisVerificationKey: string, options?: VerifierOptions): Promise<CertificateVerifier>;
  /**
   * Load the wasm if needed, then construct a verifier of a public network (`mainnet`,
   * `preprod`, `preview`, or a Mithril name such as `release-mainnet`; ASCII case ignored) with
   * its published genesis key from the core's table; its aggregator becomes the default source
   * of every verify method. `options.genesisVerificationKey`, when given, wins over the preset
   * (`genesisKeySource` is then `'explicit'`).
   * @throws UsageError with code `invalid_argument` for an unknown name,
   *   MithrilVerificationError (code invalid_genesis_key) for a bad explicit key.
   */
  static forNetwork(name: NetworkName | (string & {}), options?: NetworkVerifierOptions): Promise<CertificateVerifier>;
  /** The network of `forNetwork`, or null (`create`, the constructor). */
  readonly network: Readonly<MithrilNetwork> | null;
  /** The network's aggregator URL (the default source), or undefined without a network. */
  readonly aggregator: string | undefined;
  /** Where `genesisKeyHex` came from: the network's preset, or the caller. */
  readonly genesisKeySource: 'network' | 'explicit';
  /** Raw hex of the genesis verification key. */
  readonly genesisKeyHex: string;
  /** The store key of this genesis key's checkpoints: `mithril-lite/trust/<raw hex>`. */
  readonly trustKey: string;
  /**
   * Verify the chain from `certificateHash` back to genesis, or to a trusted checkpoint.
   * @param source an aggregator base URL (GET `{url}/certificate/{hash}`) or a CertificateSource;
   *   undefined: the network's aggregator (`forNetwork`; a UsageError without a network).
   * @throws MithrilVerificationError | AbortError | UsageError
   */
  verifyChain(
    certificateHash: string,
    source?: string | URL | CertificateSource,
    options?: VerifyOptions,
  ): Promise<VerifiedChain>;
  /** Verify the newest certificate the aggregator lists (`{url}/certificates`); without a URL,
   * the network's aggregator (`forNetwork`).
   * @throws MithrilVerificationError | AggregatorError | AbortError | UsageError */
  verifyLatest(aggregatorUrl?: string | URL, options?: VerifyOptions): Promise<VerifiedChain>;
  /**
   * Verify a Cardano transactions proof and the chain of the certificate it names: the Merkle
   * proof, that its items are among its leaves, and that the certificate's protocol message
   * with the proof's root and latest block number (v2: and offset) hashes to its signed
   * message.
   * @param proof the body (v1 `/proof/cardano-transaction` or v2
   *   `/proof/v2/cardano-transaction`), or `{ transactions }` to fetch it from `source` (an
   *   aggregator URL).
   * @throws MithrilVerificationError (chain or proof code) | AggregatorError | AbortError |
   *   UsageError
   */
  verifyTransactionProof(
    proof: ProofBody | { transactions: string[] },
    source?: ProofSource,
    options?: TransactionProofOptions,
  ): Promise<TransactionProofResult>;
  /** Verify a `/proof/v2/cardano-block` proof (body, or `{ blocks }` to fetch it) and its
   * certificate's chain. */
  verifyBlockProof(
    proof: ProofBody | { blocks: string[] },
    source?: ProofSource,
    options?: BlockProofOptions,
  ): Promise<BlockProofResult>;
  /** Verify a Mithril stake distribution artifact (body, or `{ hash }` to fetch
   * `/artifact/mithril-stake-distribution/{hash}`): the AVK rebuilt from its signers is the
   * one its certificate signed. A fetched artifact other than the one asked for is refused
   * (`artifact_not_requested`). */
  verifyMithrilStakeDistribution(
    artifact: ProofBody | { hash: string },
    source?: ProofSource,
    options?: VerifyOptions,
  ): Promise<MithrilStakeDistributionResult>;
  /** Verify a Cardano stake distribution artifact (body, or `{ hash }` / `{ epoch }` to fetch
   * it): its recomputed Merkle root is the signed one. A fetched artifact of another hash or
   * epoch than asked is refused (`artifact_not_requested`). */
  verifyCardanoStakeDistribution(
    artifact: ProofBody | { hash: string } | { epoch: number },
    source?: ProofSource,
    options?: VerifyOptions,
  ): Promise<CardanoStakeDistributionResult>;
  /** Verify a Cardano database artifact (body, or `{ hash }` to fetch it) and, with
   * `options.digests`, the immutable files' digests against the signed root. A fetched
   * artifact other than the one asked for is refused (`artifact_not_requested`). */
  verifyCardanoDatabase(
    artifact: ProofBody | { hash: string },
    source?: ProofSource,
    options?: CardanoDatabaseOptions,
  ): Promise<CardanoDatabaseResult>;
  /** The checkpoints stored for this genesis key, validated, newest first. */
  trustedCheckpoints(): Promise<Checkpoint[]>;
  /** Forget this genesis key's checkpoints. */
  clearTrust(): Promise<void>;
  /** How the STM checks run, and what the pool did so far. */
  poolStats(): PoolStats;
  /**
   * Terminate the pool's workers (walks in flight reject with an AbortError); later calls
   * throw a UsageError with code `closed`. A host's executor is left alone.
   */
  close(): Promise<void>;
  /** `await using verifier = new CertificateVerifier(...)`: calls `close()`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** Checkpoint bytes in memory (the default store). */
export declare class MemoryTrustStore implements TrustStore {
  get(key: string): Promise<unknown>;
  set(key: string, value: Uint8Array): Promise<void>;
  delete(key: string): Promise<void>;
}

/** The part of the Web Storage API LocalStorageTrustStore uses. */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** Checkpoint bytes in localStorage (pages only: workers have none, see IndexedDbTrustStore),
 * as base64 text. */
export declare class LocalStorageTrustStore implements TrustStore {
  /** @param storage default `globalThis.localStorage` */
  constructor(storage?: StorageLike);
  get(key: string): Promise<string | undefined>;
  set(key: string, value: Uint8Array): Promise<void>;
  delete(key: string): Promise<void>;
}

/** The part of a `chrome.storage` area (promise API) ChromeStorageTrustStore uses. */
export interface ChromeStorageAreaLike {
  get(keys: string): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string): Promise<void>;
}

/** Checkpoint bytes in `chrome.storage` as base64 text (an MV3 extension's service worker,
 * pages, offscreen documents; needs the "storage" permission). */
export declare class ChromeStorageTrustStore implements TrustStore {
  /** @param area default `chrome.storage.local` */
  constructor(area?: ChromeStorageAreaLike);
  get(key: string): Promise<unknown>;
  set(key: string, value: Uint8Array): Promise<void>;
  delete(key: string): Promise<void>;
}

/** The part of the IndexedDB API IndexedDbTrustStore uses (a browser's `indexedDB` has it). */
export interface IndexedDbFactoryLike {
  open(name: string, version?: number): object;
}

/** Options of IndexedDbTrustStore. */
export interface IndexedDbTrustStoreOptions {
  /** The database. Default "mithril-lite". */
  databaseName?: string;
  /** The object store, created (by a version upgrade) when missing. Default "trust". */
  objectStoreName?: string;
  /** Default `globalThis.indexedDB`; required where there is none (Node). */
  indexedDB?: IndexedDbFactoryLike;
}

/** Checkpoint bytes in IndexedDB as a Uint8Array, one record per key in one object store:
 * pages, dedicated and shared workers, extension pages and service workers. Each call is one
 * transaction; `set` is one put (an interrupted commit leaves the old value or the new one).
 * Failures reject with an Error naming the database, object store and key (`cause`: the
 * IndexedDB error); an upgrade blocked by a connection elsewhere fails calls until it is done.
 * @throws TypeError with code `invalid_options` without IndexedDB or with bad names */
export declare class IndexedDbTrustStore implements TrustStore {
  constructor(options?: IndexedDbTrustStoreOptions);
  readonly databaseName: string;
  readonly objectStoreName: string;
  get(key: string): Promise<unknown>;
  set(key: string, value: Uint8Array): Promise<void>;
  delete(key: string): Promise<void>;
  /** Close the connection; the next call opens it again. */
  close(): void;
}

/** The store key of a genesis key's checkpoints (raw hex key). */
export declare function trustKey(rawGenesisKeyHex: string): string;

/** The short names of the public networks the library knows. */
export type NetworkName = 'mainnet' | 'preprod' | 'preview';

/** A public Mithril network, from the core's table. */
export interface MithrilNetwork {
  /** Short name: `mainnet`, `preprod`, `preview`. */
  name: NetworkName;
  /** Mithril's name: `release-mainnet`, `release-preprod`, `pre-release-preview`. */
  mithrilName: string;
  /** The published genesis verification key, raw hex (64 characters). */
  genesisVerificationKey: string;
  /** The aggregator's base URL (`{aggregator}/certificate/{hash}`). */
  aggregator: string;
}

/** `forNetwork`'s options: the verifier's, and an explicit genesis key that wins over the
 * network's preset (JSON-hex or raw hex). */
export interface NetworkVerifierOptions extends VerifierOptions {
  genesisVerificationKey?: string;
}

/** The public networks the library knows, mainnet first (the core's table; after `init`, web
 * entry). */
export declare function networks(): MithrilNetwork[];

/** Validate a genesis verification key (JSON-hex or raw hex) and return its raw hex.
 * @throws MithrilVerificationError with code invalid_genesis_key */
export declare function decodeGenesisKey(text: string): string;

/** The version of the wasm verifier. */
export declare function version(): string;

/** The core's default limits: every field of its walk configuration, the checkpoint bound
 * (what `VerifierOptions` falls back to) and the proof body bound. */
export interface Limits {
  maxChainLength: number;
  maxCertificateBytes: number;
  pairingBatch: number;
  maxSignaturesPerCertificate: number;
  maxIndicesPerCertificate: number;
  maxIndicesPerSignature: number;
  maxCheckpoints: number;
  /** The largest proof or artifact body read, in bytes. */
  maxProofBytes: number;
  /** The largest certificate list read (`verifyLatest`), in bytes. */
  maxListBytes: number;
}

/** The core's default limits (after `init`, web entry). */
export declare function defaultLimits(): Limits;

/**
 * Run one STM check job (the bytes a CheckExecutor is given) in this thread and return the
 * outcome's bytes: what a host's own worker calls (after `init`, web entry). Never throws for
 * bad bytes: their outcome is an `internal_error` verdict.
 */
export declare function runCheckJob(job: Uint8Array): Uint8Array;

/** A compiled `WebAssembly.Module` (`never` where the environment's types lack WebAssembly). */
export type WasmModule = typeof globalThis extends {
  WebAssembly: { Module: abstract new (...args: never[]) => infer M };
}
  ? M
  : never;

/** The .wasm's bytes or compiled module, for `initSync`. */
export type WasmSyncInput = ArrayBuffer | ArrayBufferView | WasmModule;

/** What `init` can load the wasm from (web entry): a URL to fetch, a fetch `Response` (or a
 * promise of one), the bytes, or a compiled module. */
export type WasmInput =
  | string
  | URL
  | WasmSyncInput
  | { arrayBuffer(): Promise<ArrayBuffer> }
  | Promise<{ arrayBuffer(): Promise<ArrayBuffer> }>;

/** Web entry: fetch and instantiate the wasm once (later calls share the same promise).
 * Node and bundler entries: resolves at once. */
export declare function init(input?: WasmInput): Promise<void>;

/** Web entry: instantiate synchronously from the .wasm bytes or a compiled module.
 * Node and bundler entries: does nothing. */
export declare function initSync(module?: WasmSyncInput): void;

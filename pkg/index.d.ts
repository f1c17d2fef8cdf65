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

/** A certificate a successful walk visited (also what a trust checkpoint records). */
export interface ChainLink {
  hash: string;
  epoch: number;
  /** JSON-hex of the aggregate verification key (its total stake may exceed 2^53: kept as text). */
  aggregateVerificationKey: string;
}

/** A stored trust checkpoint. */
export type Checkpoint = ChainLink;

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
  | 'stm_signature_invalid';

/** The verifier's verdict when a chain does not verify (thrown by the wasm walk). */
export interface MithrilVerificationError extends Error {
  name: 'MithrilVerificationError';
  code: VerificationErrorCode;
  /** Stable numeric code (100s: input and fetch, 200s: STM, 300s: certificate and chain rules). */
  numericCode: number;
  cause: { certificate?: string };
}

/** What an aborted call rejects with. */
export interface AbortError extends Error {
  name: 'AbortError';
  code: 'aborted';
  /** The signal's reason. */
  cause: unknown;
}

/** verifyLatest could not learn the newest certificate from the aggregator. */
export interface AggregatorError extends Error {
  name: 'AggregatorError';
  code: 'certificate_list_unavailable' | 'certificate_list_malformed' | 'certificate_list_empty';
  cause: { url: string; status?: number; error?: unknown };
}

/** A bad argument or option, or the web entry used before `init()`. */
export interface UsageError extends TypeError {
  name: 'TypeError';
  code: 'invalid_argument' | 'invalid_options' | 'not_initialized';
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
    }
  | {
      /** Every check of this certificate has run (progress, not a verdict: the promise is). */
      type: 'certificate-verified';
      hash: string;
      index: number;
      epoch: number | undefined;
    }
  | {
      /** The whole chain verified (emitted before checkpoints are stored). */
      type: 'chain-verified';
      hash: string;
      certificatesChecked: number;
      anchor: Anchor;
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

/** Where checkpoints persist: any object with these async methods. Values are plain JSON-able
 * objects; what is read back is validated and anything malformed ignored. Whoever can write
 * the store can make forged chains pass: it is a trust root. */
export interface TrustStore {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
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
}

export declare class CertificateVerifier {
  /**
   * @param genesisVerificationKey JSON-hex (the content of a `genesis.vkey` file) or raw hex.
   * @throws MithrilVerificationError (code invalid_genesis_key) for a bad key, UsageError for
   *   bad options or (web entry) before `init()`.
   */
  constructor(genesisVerificationKey: string, options?: VerifierOptions);
  /** Load the wasm if needed (web entry), then construct. */
  static create(genesisVerificationKey: string, options?: VerifierOptions): Promise<CertificateVerifier>;
  /** Raw hex of the genesis verification key. */
  readonly genesisKeyHex: string;
  /** The store key of this genesis key's checkpoints: `mithril-lite/trust/<raw hex>`. */
  readonly trustKey: string;
  /**
   * Verify the chain from `certificateHash` back to genesis, or to a trusted checkpoint.
   * @param source an aggregator base URL (GET `{url}/certificate/{hash}`) or a CertificateSource.
   * @throws MithrilVerificationError | AbortError | UsageError
   */
  verifyChain(
    certificateHash: string,
    source: string | URL | CertificateSource,
    options?: VerifyOptions,
  ): Promise<VerifiedChain>;
  /** Verify the newest certificate the aggregator lists (`{url}/certificates`).
   * @throws MithrilVerificationError | AggregatorError | AbortError | UsageError */
  verifyLatest(aggregatorUrl: string | URL, options?: VerifyOptions): Promise<VerifiedChain>;
  /** The checkpoints stored for this genesis key, validated, newest first. */
  trustedCheckpoints(): Promise<Checkpoint[]>;
  /** Forget this genesis key's checkpoints. */
  clearTrust(): Promise<void>;
}

/** Checkpoints in memory (the default store). */
export declare class MemoryTrustStore implements TrustStore {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
}

/** The part of the Web Storage API LocalStorageTrustStore uses. */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** Checkpoints in localStorage (pages only: workers have none), as JSON text. */
export declare class LocalStorageTrustStore implements TrustStore {
  /** @param storage default `globalThis.localStorage` */
  constructor(storage?: StorageLike);
  get(key: string): Promise<string | undefined>;
  set(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
}

/** The part of a `chrome.storage` area (promise API) ChromeStorageTrustStore uses. */
export interface ChromeStorageAreaLike {
  get(keys: string): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string): Promise<void>;
}

/** Checkpoints in `chrome.storage` (an MV3 extension's service worker, pages, offscreen
 * documents; needs the "storage" permission). */
export declare class ChromeStorageTrustStore implements TrustStore {
  /** @param area default `chrome.storage.local` */
  constructor(area?: ChromeStorageAreaLike);
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
}

/** The store key of a genesis key's checkpoints (raw hex key). */
export declare function trustKey(rawGenesisKeyHex: string): string;

/** Validate a genesis verification key (JSON-hex or raw hex) and return its raw hex.
 * @throws MithrilVerificationError with code invalid_genesis_key */
export declare function decodeGenesisKey(text: string): string;

/** The version of the wasm verifier. */
export declare function version(): string;

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

// Compile-only usage of the public API (tsc --noEmit --strict): every export, every option,
// and a few misuses that must not type-check.

import {
  CertificateVerifier,
  ChromeStorageTrustStore,
  IndexedDbTrustStore,
  LocalStorageTrustStore,
  MemoryTrustStore,
  decodeGenesisKey,
  init,
  networks,
  initSync,
  trustKey,
  runCheckJob,
  version,
  type CheckExecutor,
  type MithrilNetwork,
  type NetworkName,
  type PoolStats,
  type AbortError,
  type AggregatorError,
  type BlockProofResult,
  type CardanoDatabaseResult,
  type CardanoStakeDistributionResult,
  type CertificateSource,
  type CertifiedTransaction,
  type Checkpoint,
  type MithrilStakeDistributionResult,
  type MithrilVerificationError,
  type ProofErrorCode,
  type ProgressEvent,
  type SignedEntityType,
  type TransactionProofResult,
  type TrustStore,
  type UsageError,
  type VerifiedChain,
  type VerificationErrorCode,
} from 'mithril-lite';
import * as bundler from 'mithril-lite/bundler';
import * as web from 'mithril-lite/web';

declare const genesisKeyText: string;
declare const certificates: Map<string, string>;

async function main(): Promise<void> {
  await init();
  await web.init(new URL('https://example.invalid/mithril_lite_bg.wasm'));
  web.initSync(new Uint8Array(8));
  initSync();
  const raw: string = decodeGenesisKey(genesisKeyText);
  const key: string = trustKey(raw);
  const v: string = version();

  const custom: TrustStore = {
    get: async (k: string): Promise<unknown> => k,
    set: async (_k: string, _value: unknown): Promise<void> => {},
  };
  const stores: TrustStore[] = [
    new MemoryTrustStore(),
    new LocalStorageTrustStore(),
    new LocalStorageTrustStore(sessionStorage),
    new ChromeStorageTrustStore({
      get: async (k: string) => ({ [k]: 1 }),
      set: async () => {},
      remove: async () => {},
    }),
    new IndexedDbTrustStore(),
    new IndexedDbTrustStore({ databaseName: 'app', objectStoreName: 'trust', indexedDB }),
    custom,
  ];

  const verifier = new CertificateVerifier(genesisKeyText, {
    maxChainLength: 500,
    maxCertificateBytes: 1 << 20,
    maxCheckpoints: 100,
    trustStore: stores[0],
    fetch: (input, init) => fetch(input, init),
  });
  const none = new CertificateVerifier(raw, { trustStore: null });
  const created: CertificateVerifier = await bundler.CertificateVerifier.create(raw);
  const hex: string = verifier.genesisKeyHex + verifier.trustKey + key + v;

  const source: CertificateSource = {
    getCertificate: async (hash: string, { signal }) => {
      signal.throwIfAborted();
      return certificates.get(hash);
    },
  };
  const controller = new AbortController();
  const onProgress = (e: ProgressEvent): void => {
    switch (e.type) {
      case 'certificate-fetched':
        console.log(e.index, e.hash, e.epoch, e.bytes);
        break;
      case 'certificate-verified':
        console.log(e.index, e.epoch ?? 'unparsed');
        break;
      case 'chain-verified':
        console.log(e.certificatesChecked, e.anchor.kind);
        break;
    }
  };
  const chain: VerifiedChain = await verifier.verifyChain('ab'.repeat(32), source, {
    onProgress,
    signal: controller.signal,
  });
  const fromUrl = await none.verifyChain(chain.previousHash, 'https://aggregator.example/api');
  const latest = await created.verifyLatest(new URL('https://aggregator.example/api'));

  const digest: string | undefined = chain.protocolMessage['snapshot_digest'];
  const parts: Array<[string, string]> = chain.protocolMessageParts;
  const set: SignedEntityType = chain.signedEntityType;
  if ('CardanoDatabase' in set) {
    const n: number = set.CardanoDatabase.immutable_file_number;
    console.log(n);
  }
  const anchorKind: 'genesis' | 'trusted' = latest.anchor.kind;
  const k: number = fromUrl.parameters.k + fromUrl.parameters.m + fromUrl.parameters.phi_f;
  const checkpoints: Checkpoint[] = await verifier.trustedCheckpoints();
  const stored: boolean = chain.trustStored && chain.isGenesis;
  await verifier.clearTrust();
  console.log(hex, digest, parts, anchorKind, k, checkpoints, stored, chain.links[0].aggregateVerificationKey);

  try {
    await verifier.verifyChain('x', source);
  } catch (e) {
    const err = e as MithrilVerificationError | AbortError | AggregatorError | UsageError;
    if (err.name === 'MithrilVerificationError') {
      const code: VerificationErrorCode = err.code;
      const cert: string | undefined = err.cause.certificate;
      console.log(code, err.numericCode, cert);
    } else if (err.name === 'AbortError') {
      const aborted: 'aborted' = err.code;
      console.log(aborted);
    } else if (err.name === 'AggregatorError') {
      console.log(err.cause.url, err.cause.status);
    }
  }

  // Light-wallet proofs: typed results, 64-bit integers as bigint.
  const txProof: TransactionProofResult = await verifier.verifyTransactionProof(
    { transactions: ['ab'.repeat(32)] },
    'https://aggregator.example/api',
    { onProgress, signal: controller.signal },
  );
  const latestBlock: bigint = txProof.latestBlockNumber;
  if (txProof.version === 2) {
    const offset: bigint = txProof.blockNumberOffset;
    const tx: CertifiedTransaction | undefined = txProof.certified[0];
    const final: boolean = tx !== undefined && tx.blockNumber + offset <= latestBlock;
    console.log(final);
  } else {
    const hashes: string[] = txProof.certified.map((t) => t.transactionHash);
    console.log(hashes);
  }
  const v1 = await verifier.verifyTransactionProof(new Uint8Array(2), source, {
    transactions: ['ab'],
    version: 1,
  });
  const blocks: BlockProofResult = await verifier.verifyBlockProof('{}', source, { blocks: ['ab'] });
  const blockNumber: bigint = blocks.certified[0].blockNumber + blocks.blockNumberOffset;
  const msd: MithrilStakeDistributionResult = await verifier.verifyMithrilStakeDistribution(
    { hash: 'ab' },
    'https://aggregator.example/api',
  );
  const signerStake: bigint = msd.signers[0].stake;
  const csd: CardanoStakeDistributionResult = await verifier.verifyCardanoStakeDistribution(
    { epoch: 12 },
    'https://aggregator.example/api',
  );
  const poolStake: bigint | undefined = csd.stakeDistribution.get('pool1');
  const db: CardanoDatabaseResult = await verifier.verifyCardanoDatabase('{}', source, {
    digests: '[]',
  });
  const files: number = db.digests.status === 'verified' ? db.digests.immutableFiles : 0;
  const chainOfProof: VerifiedChain = db.certificate;
  console.log(v1.certificate.epoch, blockNumber, signerStake, poolStake, files, chainOfProof);
  try {
    await verifier.verifyBlockProof('{}', source);
  } catch (e) {
    const err = e as MithrilVerificationError;
    const code: VerificationErrorCode = err.code;
    const proofCode: ProofErrorCode | undefined =
      code === 'proof_root_mismatch' || code === 'item_not_certified' ? code : undefined;
    console.log(proofCode, err.cause.item, err.cause.parts);
  }
  // @ts-expect-error a fetch request for blocks names blocks
  await verifier.verifyBlockProof({ transactions: ['ab'] }, source);
  // @ts-expect-error the version is 1 or 2
  await verifier.verifyTransactionProof('{}', source, { version: 3 });
  // @ts-expect-error never a parsed body
  await verifier.verifyMithrilStakeDistribution({ epoch: 1, signers: [] }, source);

  // @ts-expect-error the source must be a URL or have getCertificate
  await verifier.verifyChain('x', { get: async () => '' });
  // @ts-expect-error unknown option
  new CertificateVerifier(raw, { maxChain: 3 });
  // @ts-expect-error a store needs set
  new CertificateVerifier(raw, { trustStore: { get: async () => undefined } });
  // @ts-expect-error a database is named by a string
  new IndexedDbTrustStore({ databaseName: 1 });
  // @ts-expect-error events are typed
  onProgress({ type: 'certificate-fetched', hash: 'x' });

  // The check pool: a page's Web Workers, or a wallet's own worker as the executor.
  const pooled = new CertificateVerifier(raw, { workers: 2, maxInFlight: 4 });
  const stats: PoolStats = pooled.poolStats();
  console.log(stats.mode, stats.workersUsed, stats.busy);
  await pooled.close();
  const walletWorker = new Worker('wallet-worker.js', { type: 'module' });
  const executor: CheckExecutor = {
    concurrency: 1,
    run: (job, { signal }) =>
      new Promise<Uint8Array>((resolve, reject) => {
        walletWorker.onmessage = (e: MessageEvent<Uint8Array>) => resolve(e.data);
        signal.addEventListener('abort', () => reject(signal.reason));
        walletWorker.postMessage(job);
      }),
  };
  const own = new CertificateVerifier(raw, { executor });
  await own[Symbol.asyncDispose]();
  const outcome: Uint8Array = runCheckJob(new Uint8Array(0));
  void outcome;
  // @ts-expect-error workers is a number
  new CertificateVerifier(raw, { workers: 'auto' });
  // @ts-expect-error an executor has run(job, init)
  new CertificateVerifier(raw, { executor: { post: () => {} } });

  // Networks: the core's table, a verifier from a preset, an explicit key that wins.
  const known: MithrilNetwork[] = networks();
  const names: NetworkName[] = known.map((n) => n.name);
  const mainnet = await CertificateVerifier.forNetwork('mainnet', { workers: 1 });
  const pinned = await CertificateVerifier.forNetwork('release-preprod', {
    genesisVerificationKey: raw,
  });
  const keySource: 'network' | 'explicit' = pinned.genesisKeySource;
  const url: string | undefined = mainnet.aggregator ?? mainnet.network?.aggregator;
  const newest: VerifiedChain = await mainnet.verifyLatest();
  await mainnet.verifyChain(newest.hash, undefined, { signal: AbortSignal.timeout(1000) });
  await mainnet.verifyTransactionProof({ transactions: ['ab'] });
  console.log(names, keySource, url, web.networks().length, bundler.networks().length);
  // @ts-expect-error the explicit key is a string
  await CertificateVerifier.forNetwork('mainnet', { genesisVerificationKey: 1 });
  const net = mainnet.network;
  if (net) {
    // @ts-expect-error the network object is read-only
    net.name = 'preview';
  }
}

void main;

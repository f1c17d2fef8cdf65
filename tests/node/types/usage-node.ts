// Compile-only usage from a Node.js project whose types have no DOM (lib es2022 + @types/node):
// the declarations must not need DOM-only names.

import { readFile } from 'node:fs/promises';

import {
  CertificateVerifier,
  IndexedDbTrustStore,
  type CertificateSource,
  type TrustStore,
  type VerifiedChain,
} from 'mithril-lite';

const files: TrustStore = {
  get: async (key: string) => {
    try {
      return await readFile(`/tmp/${encodeURIComponent(key)}.json`, 'utf8');
    } catch {
      return undefined;
    }
  },
  set: async () => {},
};

// No DOM types needed: an IndexedDB implementation is any object with open().
export const injected = (factory: { open(name: string, version?: number): object }) =>
  new IndexedDbTrustStore({ indexedDB: factory, databaseName: 'node' });

export async function verify(genesisKey: string, hash: string): Promise<VerifiedChain> {
  const verifier = new CertificateVerifier(genesisKey, {
    trustStore: files,
    fetch: (url, init) => fetch(url, init),
  });
  const source: CertificateSource = {
    getCertificate: async (h) => readFile(`/tmp/certificates/${h}.json`, 'utf8'),
  };
  const chain = await verifier.verifyChain(hash, source, { signal: AbortSignal.timeout(60_000) });
  return chain.anchor.kind === 'trusted' ? chain : verifier.verifyLatest(new URL('https://aggregator.example'));
}

// The check pool: options, stats, close and asyncDispose; a host's executor.
import { runCheckJob, type CheckExecutor, type PoolStats } from 'mithril-lite';

export async function pooled(genesisKey: string, hash: string, source: CertificateSource): Promise<PoolStats> {
  const verifier = new CertificateVerifier(genesisKey, { workers: 3, maxInFlight: 6 });
  try {
    await verifier.verifyChain(hash, source);
    return verifier.poolStats();
  } finally {
    await verifier.close();
  }
}

export const sameThread: CheckExecutor = {
  concurrency: 1,
  run: async (job, { signal }) => {
    signal.throwIfAborted();
    return runCheckJob(job);
  },
};

export async function withExecutor(genesisKey: string): Promise<string> {
  const verifier = new CertificateVerifier(genesisKey, { executor: sameThread, workers: undefined });
  const mode: 'inline' | 'workers' | 'executor' = verifier.poolStats().mode;
  await verifier[Symbol.asyncDispose]();
  return mode;
}

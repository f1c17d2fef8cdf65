// The public networks for CertificateVerifier.forNetwork: the table is the core's
// (chain::NETWORKS, read through the wasm's network() / networks()); here only the argument
// checks and the split of the options.

import { usageError } from './errors.js';

/**
 * @typedef {{
 *   name: import('../index.js').NetworkName,
 *   mithrilName: string,
 *   genesisVerificationKey: string,
 *   aggregator: string,
 * }} NetworkInfo
 *   A public Mithril network: short name (`mainnet`), Mithril's name (`release-mainnet`), the
 *   published genesis verification key (raw hex) and the aggregator's base URL.
 */

/**
 * The network called `name` (frozen), or a TypeError with code `invalid_argument` naming the
 * known ones.
 * @param {{networks(): NetworkInfo[], network(name: string): NetworkInfo | undefined}} wasm
 * @param {unknown} name
 * @returns {Readonly<NetworkInfo>}
 */
export function lookUpNetwork(wasm, name) {
  if (typeof name !== 'string') {
    throw usageError('invalid_argument', 'the network name must be a string');
  }
  const found = wasm.network(name);
  if (!found) {
    const known = wasm.networks().map((n) => n.name);
    throw usageError(
      'invalid_argument',
      `unknown network ${JSON.stringify(name)} (known: ${known.join(', ')})`,
    );
  }
  return Object.freeze(found);
}

/**
 * forNetwork's options: the explicit genesis key (if any) apart from the constructor's options.
 * @template {object} T
 * @param {(T & {genesisVerificationKey?: unknown}) | undefined | null} options
 * @returns {{genesisVerificationKey: string | undefined, rest: T | undefined}}
 */
export function networkOptions(options) {
  if (options === undefined || options === null) {
    return { genesisVerificationKey: undefined, rest: undefined };
  }
  if (typeof options !== 'object') throw usageError('invalid_options', 'options must be an object');
  const { genesisVerificationKey, ...rest } = options;
  if (genesisVerificationKey === undefined || genesisVerificationKey === null) {
    return { genesisVerificationKey: undefined, rest: /** @type {T} */ (rest) };
  }
  if (typeof genesisVerificationKey !== 'string') {
    throw usageError('invalid_options', 'options.genesisVerificationKey must be a string');
  }
  return { genesisVerificationKey, rest: /** @type {T} */ (rest) };
}

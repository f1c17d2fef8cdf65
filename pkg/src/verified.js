// The public result of a verified chain, shaped from the walk's (the core's) record of it.

/**
 * @typedef {import('./types.js').WasmChain} WasmChain
 */

/**
 * The verified chain as the public result.
 * @param {WasmChain} chain
 * @param {boolean} trustStored
 */
export function verifiedChain(chain, trustStored) {
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

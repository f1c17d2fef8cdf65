//! Limits of a walk.

/// Tunables of a chain walk, with documented defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkConfig {
    /// Most certificates one walk may visit, the starting one and genesis included.
    /// Default 10,000: a chain walk visits one master certificate per epoch (Cardano mainnet
    /// has had about 200 Mithril epochs so far), plus the certificates of the starting epoch.
    pub max_chain_length: usize,
    /// Largest certificate body accepted, in bytes. Default 8 MiB: a mainnet certificate with
    /// a few hundred signers is well under 1 MiB.
    pub max_certificate_bytes: usize,
    /// Most pairing equations checked together ([`super::ChainWalk`] batches the last step of
    /// its certificates' STM checks: one final exponentiation per batch instead of one per
    /// certificate). Default 32; 0 or 1: each check job checks its own equation.
    pub pairing_batch: usize,
}

impl Default for WalkConfig {
    fn default() -> Self {
        WalkConfig {
            max_chain_length: 10_000,
            max_certificate_bytes: 8 * 1024 * 1024,
            pairing_batch: 32,
        }
    }
}

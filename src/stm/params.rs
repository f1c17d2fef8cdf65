//! STM protocol parameters.

use serde::{Deserialize, Serialize};

/// STM parameters: `m` lottery indices, quorum `k`, and `phi_f`, the f in phi(w) = 1 - (1 - f)^w.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize)]
pub struct Parameters {
    /// Number of lottery indices.
    pub m: u64,
    /// Quorum: minimum number of distinct winning indices.
    pub k: u64,
    /// Lottery difficulty.
    pub phi_f: f64,
}

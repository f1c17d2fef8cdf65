//! STM protocol parameters.

use alloc::format;
use serde::Deserialize;

use crate::StmError;

/// STM parameters: `m` lottery indices, quorum `k`, and `phi_f`, the f in phi(w) = 1 - (1 - f)^w.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
pub struct Parameters {
    /// Number of lottery indices.
    pub m: u64,
    /// Quorum: minimum number of distinct winning indices.
    pub k: u64,
    /// Lottery difficulty.
    pub phi_f: f64,
}

impl Parameters {
    /// Reject parameters the reference refuses: k = 0, m = 0, k > m, or phi_f outside (0, 1].
    pub fn validate(&self) -> Result<(), StmError> {
        let detail = if self.k == 0 {
            "k must be positive"
        } else if self.m == 0 {
            "m must be positive"
        } else if self.k > self.m {
            "k must not exceed m"
        } else if !(self.phi_f > 0.0 && self.phi_f <= 1.0) {
            "phi_f must be in (0, 1]"
        } else {
            return Ok(());
        };
        Err(StmError::InvalidParameters {
            detail: format!(
                "{detail} (k={}, m={}, phi_f={})",
                self.k, self.m, self.phi_f
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation() {
        let ok = Parameters {
            m: 100,
            k: 5,
            phi_f: 0.65,
        };
        assert!(ok.validate().is_ok());
        assert!(Parameters { k: 0, ..ok }.validate().is_err());
        assert!(Parameters { m: 0, ..ok }.validate().is_err());
        assert!(Parameters { k: 101, ..ok }.validate().is_err());
        assert!(Parameters { phi_f: 0.0, ..ok }.validate().is_err());
        assert!(Parameters { phi_f: 1.5, ..ok }.validate().is_err());
        assert!(Parameters {
            phi_f: f64::NAN,
            ..ok
        }
        .validate()
        .is_err());
        assert!(Parameters { phi_f: 1.0, ..ok }.validate().is_ok());
    }
}

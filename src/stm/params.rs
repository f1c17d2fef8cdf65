//! STM protocol parameters.

use crate::codec::json::{Fields, JsonReader, JsonResult};

/// STM parameters: `m` lottery indices, quorum `k`, and `phi_f`, the f in phi(w) = 1 - (1 - f)^w.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Parameters {
    /// Number of lottery indices.
    pub m: u64,
    /// Quorum: minimum number of distinct winning indices.
    pub k: u64,
    /// Lottery difficulty.
    pub phi_f: f64,
}

const FIELDS: Fields = Fields {
    names: &["m", "k", "phi_f"],
    optional: 0,
    defaulted: 0,
    flattened: false,
};

impl Parameters {
    /// Read the JSON form `{"m","k","phi_f"}` (or `[m, k, phi_f]`).
    pub fn read_json(r: &mut JsonReader<'_>) -> JsonResult<Self> {
        let mut p = Parameters {
            m: 0,
            k: 0,
            phi_f: 0.0,
        };
        r.record(&FIELDS, &mut |r, i| {
            match i {
                0 => p.m = r.u64()?,
                1 => p.k = r.u64()?,
                _ => p.phi_f = r.f64()?,
            }
            Ok(())
        })?;
        Ok(p)
    }
}

//! STM protocol parameters.

use serde::Deserialize;

/// STM parameters: `m` lottery indices, quorum `k`, and `phi_f`, the f in phi(w) = 1 - (1 - f)^w.
///
/// Its JSON form is mithril-stm's `Parameters` (`{"m","k","phi_f"}`, or the array in that
/// order). Certificates carry mithril-common's `ProtocolParameters` instead, whose fields are in
/// another order (`k, m, phi_f`): `certificate::metadata` reads that one.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
pub struct Parameters {
    /// Number of lottery indices.
    pub m: u64,
    /// Quorum: minimum number of distinct winning indices.
    pub k: u64,
    /// Lottery difficulty.
    pub phi_f: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn array_form_is_m_k_phi_f() {
        let p: Parameters = serde_json::from_str("[100,10,0.2]").unwrap();
        assert_eq!((p.m, p.k, p.phi_f), (100, 10, 0.2));
        let q: Parameters = serde_json::from_str(r#"{"k":10,"phi_f":0.2,"m":100}"#).unwrap();
        assert_eq!(p, q);
    }
}

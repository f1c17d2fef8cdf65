//! Certificate metadata and protocol parameters, with their hashes.

use alloc::string::String;
use alloc::vec::Vec;
use chrono::{DateTime, FixedOffset, Utc};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::codec::hex;
pub use crate::stm::Parameters as ProtocolParameters;

/// `phi_f` as the reference's U8F24 fixed-point value: round(phi_f * 2^24), ties to even,
/// wrapping outside the representable range (only reachable with invalid parameters, which
/// fail later anyway).
pub fn phi_f_fixed(phi_f: f64) -> u32 {
    let Some((negative, mantissa, exp)) = crate::codec::bigint::decompose(phi_f) else {
        return 0;
    };
    // value * 2^24 = mantissa * 2^shift
    let shift = exp + 24;
    let magnitude: u32 = if shift >= 0 {
        if shift >= 64 {
            0
        } else {
            (mantissa << shift) as u32
        }
    } else {
        let s = (-shift) as u32;
        if s > 53 {
            0
        } else {
            let whole = mantissa >> s;
            let rest = mantissa & ((1u64 << s) - 1);
            let half = 1u64 << (s - 1);
            let up = rest > half || (rest == half && whole & 1 == 1);
            (whole + u64::from(up)) as u32
        }
    };
    if negative {
        magnitude.wrapping_neg()
    } else {
        magnitude
    }
}

/// Hash of protocol parameters: SHA-256(k BE || m BE || U8F24(phi_f) BE), hex.
pub fn parameters_hash(p: &ProtocolParameters) -> String {
    let mut h = Sha256::new();
    h.update(p.k.to_be_bytes());
    h.update(p.m.to_be_bytes());
    h.update(phi_f_fixed(p.phi_f).to_be_bytes());
    hex::encode(&h.finalize())
}

/// Parameter equality as the reference defines it (phi_f compared in fixed point).
pub fn parameters_equal(a: &ProtocolParameters, b: &ProtocolParameters) -> bool {
    a.k == b.k && a.m == b.m && phi_f_fixed(a.phi_f) == phi_f_fixed(b.phi_f)
}

/// A signer listed in the metadata (the reference's `StakeDistributionParty`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct StakeParty {
    /// Pool id.
    pub party_id: String,
    /// Stake.
    pub stake: u64,
}

/// mithril-common's `ProtocolParameters`: the fields in its order, `k` before `m` (the array
/// form depends on it), unlike mithril-stm's `Parameters`.
#[derive(Deserialize)]
struct WireProtocolParameters {
    k: u64,
    m: u64,
    phi_f: f64,
}

/// The reference's `CertificateMetadataMessagePart`. The dates stay text here and are read with
/// chrono's parser by [`Metadata::from_wire`] (what chrono's `Deserialize` for `DateTime<Utc>`
/// does), so that a bad date is reported as a malformed certificate, not as bad JSON.
#[derive(Deserialize)]
pub(crate) struct WireMetadata {
    network: String,
    #[serde(rename = "version")]
    protocol_version: String,
    #[serde(rename = "parameters")]
    protocol_parameters: WireProtocolParameters,
    initiated_at: String,
    sealed_at: String,
    signers: Vec<StakeParty>,
}

/// Certificate metadata.
#[derive(Debug, Clone, PartialEq)]
pub struct Metadata {
    /// Cardano network name.
    pub network: String,
    /// Protocol version string.
    pub version: String,
    /// Protocol parameters.
    pub parameters: ProtocolParameters,
    /// When signature collection started, as on the wire (RFC 3339).
    pub initiated_at: String,
    /// When the certificate was sealed, as on the wire (RFC 3339).
    pub sealed_at: String,
    /// `initiated_at` in nanoseconds since the Unix epoch (0 if out of the i64 range).
    pub initiated_at_nanos: i64,
    /// `sealed_at` in nanoseconds since the Unix epoch (0 if out of the i64 range).
    pub sealed_at_nanos: i64,
    /// Signers, in wire order.
    pub signers: Vec<StakeParty>,
}

/// An RFC 3339 date as the reference reads it and hashes it: chrono's relaxed RFC 3339 parser
/// (`DateTime<FixedOffset>`'s `FromStr`, which chrono's `Deserialize` for `DateTime<Utc>`
/// calls), then `timestamp_nanos_opt().unwrap_or(0)`: instants outside the i64 nanosecond range
/// hash as 0, a rule of the hash.
fn timestamp_nanos(text: &str) -> Result<i64, String> {
    let date: DateTime<Utc> = text
        .parse::<DateTime<FixedOffset>>()
        .map_err(|e| alloc::format!("date {}: {e}", crate::error::Quoted(text)))?
        .with_timezone(&Utc);
    Ok(date.timestamp_nanos_opt().unwrap_or(0))
}

impl Metadata {
    pub(crate) fn from_wire(w: WireMetadata) -> Result<Self, String> {
        let p = w.protocol_parameters;
        Ok(Metadata {
            initiated_at_nanos: timestamp_nanos(&w.initiated_at)?,
            sealed_at_nanos: timestamp_nanos(&w.sealed_at)?,
            network: w.network,
            version: w.protocol_version,
            parameters: ProtocolParameters {
                m: p.m,
                k: p.k,
                phi_f: p.phi_f,
            },
            initiated_at: w.initiated_at,
            sealed_at: w.sealed_at,
            signers: w.signers,
        })
    }

    /// Metadata hash, hex.
    pub fn hash(&self) -> String {
        let mut h = Sha256::new();
        h.update(self.network.as_bytes());
        h.update(self.version.as_bytes());
        h.update(parameters_hash(&self.parameters).as_bytes());
        h.update(self.initiated_at_nanos.to_be_bytes());
        h.update(self.sealed_at_nanos.to_be_bytes());
        for party in &self.signers {
            let mut p = Sha256::new();
            p.update(party.party_id.as_bytes());
            p.update(party.stake.to_be_bytes());
            h.update(hex::encode(&p.finalize()).as_bytes());
        }
        hex::encode(&h.finalize())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_hash_vector() {
        // The protocol-parameters hash test vector of the wire format: (k=1000, m=100, phi_f=0.123).
        let p = ProtocolParameters {
            k: 1000,
            m: 100,
            phi_f: 0.123,
        };
        assert_eq!(
            parameters_hash(&p),
            "ace019657cd995b0dfbb1ce8721a1092715972c4ae0171cc636ab4a44e6e4279"
        );
    }

    #[test]
    fn fixed_point_rounding() {
        assert_eq!(phi_f_fixed(0.123), 2063598);
        assert_eq!(phi_f_fixed(1.0), 1 << 24);
        assert_eq!(phi_f_fixed(0.5), 1 << 23);
        // Ties go to even.
        assert_eq!(phi_f_fixed(0.5 / (1u64 << 24) as f64), 0);
        assert_eq!(phi_f_fixed(1.5 / (1u64 << 24) as f64), 2);
        assert_eq!(phi_f_fixed(2.5 / (1u64 << 24) as f64), 2);
        assert!(parameters_equal(
            &ProtocolParameters {
                k: 1,
                m: 2,
                phi_f: 0.2
            },
            &ProtocolParameters {
                k: 1,
                m: 2,
                phi_f: 0.2 + 1e-12
            }
        ));
    }

    #[test]
    fn dates_to_nanoseconds() {
        assert_eq!(
            timestamp_nanos("1970-01-01T00:00:01.000000002Z"),
            Ok(1_000_000_002)
        );
        assert_eq!(timestamp_nanos("1970-01-01T01:00:00+01:00"), Ok(0));
        // A fixture's date (devnet), and the same instant in other spellings chrono's relaxed
        // RFC 3339 reading accepts: lower-case separators, a space, an offset, more than nine
        // fractional digits (truncated).
        let t = 1_779_374_513_660_381_099;
        for text in [
            "2026-05-21T14:41:53.660381099Z",
            "2026-05-21t14:41:53.660381099z",
            "2026-05-21 14:41:53.660381099Z",
            "2026-05-21T16:41:53.660381099+02:00",
            "2026-05-21T14:41:53.6603810999Z",
        ] {
            assert_eq!(timestamp_nanos(text), Ok(t), "{text}");
        }
        // The last instants of the i64 nanosecond range, and past them: hashed as 0.
        assert_eq!(
            timestamp_nanos("2262-04-11T23:47:16.854775807Z"),
            Ok(i64::MAX)
        );
        assert_eq!(timestamp_nanos("2262-04-11T23:47:16.854775808Z"), Ok(0));
        assert_eq!(
            timestamp_nanos("1677-09-21T00:12:43.145224192Z"),
            Ok(i64::MIN)
        );
        assert_eq!(timestamp_nanos("1677-09-21T00:12:43.145224191Z"), Ok(0));
        assert_eq!(timestamp_nanos("2500-01-01T00:00:00Z"), Ok(0));
        // A leap second reads as the last nanoseconds of its minute's second 59.
        assert_eq!(
            timestamp_nanos("1969-12-31T23:59:60.5Z"),
            Ok(-1_000_000_000 + 1_500_000_000)
        );
        for bad in [
            "yesterday\n",
            "2026-05-21",
            "2026-05-21T14:41:53",
            "2026-02-30T00:00:00Z",
            "2026-05-21T24:00:00Z",
            "2026-05-21T14:41:53Zx",
            "",
        ] {
            let e = timestamp_nanos(bad).unwrap_err();
            assert!(e.starts_with("date \""), "{bad}: {e}");
        }
    }
}

//! Certificate metadata and protocol parameters, with their hashes.

use alloc::string::String;
use alloc::vec::Vec;
use sha2::{Digest, Sha256};

use crate::codec::hex;
use crate::codec::json::{Fields, JsonReader, JsonResult};
pub use crate::stm::Parameters as ProtocolParameters;

/// `phi_f` as the reference's U8F24 fixed-point value: round(phi_f * 2^24), ties to even,
/// wrapping outside the representable range (only reachable with invalid parameters, which
/// fail later anyway).
pub fn phi_f_fixed(phi_f: f64) -> u32 {
    let Some((negative, mantissa, exp)) = crate::codec::float::decompose(phi_f) else {
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

/// A signer listed in the metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StakeParty {
    /// Pool id.
    pub party_id: String,
    /// Stake.
    pub stake: u64,
}

#[derive(Default)]
pub(crate) struct WireMetadata {
    network: String,
    version: String,
    parameters: Option<ProtocolParameters>,
    initiated_at: String,
    sealed_at: String,
    signers: Vec<StakeParty>,
}

const METADATA_FIELDS: Fields = Fields {
    names: &[
        "network",
        "version",
        "parameters",
        "initiated_at",
        "sealed_at",
        "signers",
    ],
    optional: 0,
    defaulted: 0,
    flattened: false,
};

const PARTY_FIELDS: Fields = Fields {
    names: &["party_id", "stake"],
    optional: 0,
    defaulted: 0,
    flattened: false,
};

impl WireMetadata {
    pub(crate) fn read_json(r: &mut JsonReader<'_>) -> JsonResult<Self> {
        let mut w = WireMetadata::default();
        r.record(&METADATA_FIELDS, &mut |r, i| {
            match i {
                0 => w.network = r.string()?,
                1 => w.version = r.string()?,
                2 => w.parameters = Some(ProtocolParameters::read_json(r)?),
                3 => w.initiated_at = r.string()?,
                4 => w.sealed_at = r.string()?,
                _ => {
                    w.signers = r.vec(&mut |r| {
                        let mut party = StakeParty {
                            party_id: String::new(),
                            stake: 0,
                        };
                        r.record(&PARTY_FIELDS, &mut |r, i| {
                            match i {
                                0 => party.party_id = r.string()?,
                                _ => party.stake = r.u64()?,
                            }
                            Ok(())
                        })?;
                        Ok(party)
                    })?
                }
            }
            Ok(())
        })?;
        Ok(w)
    }
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

fn timestamp_nanos(text: &str) -> Result<i64, String> {
    // The reference reads the dates with chrono's relaxed RFC 3339 parser (which
    // codec::rfc3339 reproduces) and hashes `timestamp_nanos_opt().unwrap_or(0)`: the 0 for
    // instants outside the i64 range is a rule of the hash, so it lives here, not in the parser.
    let nanos = crate::codec::rfc3339::parse_nanos(text)
        .map_err(|reason| alloc::format!("date {}: {reason}", crate::error::Quoted(text)))?;
    Ok(nanos.unwrap_or(0))
}

impl Metadata {
    pub(crate) fn from_wire(w: WireMetadata) -> Result<Self, String> {
        Ok(Metadata {
            initiated_at_nanos: timestamp_nanos(&w.initiated_at)?,
            sealed_at_nanos: timestamp_nanos(&w.sealed_at)?,
            network: w.network,
            version: w.version,
            // Always set: the field is required.
            parameters: w.parameters.unwrap_or(ProtocolParameters {
                m: 0,
                k: 0,
                phi_f: 0.0,
            }),
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
        // Outside the i64 nanosecond range: hashed as 0.
        assert_eq!(timestamp_nanos("2500-01-01T00:00:00Z"), Ok(0));
        assert_eq!(
            timestamp_nanos("yesterday\n"),
            Err(String::from(
                "date \"yesterday\\u{a}\": unexpected character"
            ))
        );
    }
}

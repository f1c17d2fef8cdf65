//! Failures of the proofs layer, with stable codes.
//!
//! A type of its own rather than variants of the core [`Error`](crate::Error): the core error
//! sits below the proofs layer (codec to chain use it), and imports run one way. The two share
//! one code space: [`ProofError`] numbers are the 400 range (oversized input keeps the core's
//! `input_too_large`, 100), and the README's error table lists both, which a test checks.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

/// Why a proof or an artifact is not certified by the certificate it was checked against.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProofError {
    /// An input exceeds its size limit; nothing was parsed (same code as the core error).
    InputTooLarge {
        /// What the input is.
        what: &'static str,
        /// Its size in bytes.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// A proof or artifact does not decode (hex, JSON, bincode, nesting depth).
    Malformed {
        /// What was being decoded.
        what: &'static str,
        /// Why decoding failed.
        detail: String,
    },
    /// A Merkle proof is inconsistent: a leaf that is not at height 0, two different leaves at
    /// one position, an invalid tree size, missing or surplus sibling items, or a sub-proof
    /// whose root is not among the master proof's leaves.
    Invalid {
        /// What is wrong.
        detail: String,
    },
    /// The root recomputed from a proof's leaves and siblings is not the root it announces.
    RootMismatch {
        /// Hex of the recomputed root.
        computed: String,
        /// Hex of the announced root.
        claimed: String,
    },
    /// An item the aggregator lists as certified is not a leaf of the proof.
    ItemNotCertified {
        /// The item (transaction or block hash).
        item: String,
    },
    /// The body certifies nothing (no proof at all), so there is nothing to check.
    NothingCertified,
    /// The proof or artifact names another certificate than the one it is checked against.
    CertificateMismatch {
        /// The certificate the proof or artifact names.
        expected: String,
        /// The certificate it was checked against.
        got: String,
    },
    /// The certificate's protocol message, with the parts the proof or artifact vouches for,
    /// does not hash to the certificate's signed message.
    MessageMismatch {
        /// The certificate.
        certificate: String,
        /// The hash of the recomputed message.
        computed: String,
        /// The certificate's signed message.
        signed_message: String,
        /// The parts whose recomputed value differs from the signed one.
        parts: Vec<&'static str>,
    },
    /// A signer's verification key does not decode, is not a valid G2 point of the
    /// prime-order subgroup, or its proof of possession does not verify.
    SignerKeyInvalid {
        /// The signer.
        party_id: String,
        /// What is wrong.
        detail: String,
    },
    /// A stake distribution cannot be registered: empty, a key registered twice, zero or
    /// overflowing total stake.
    StakeDistributionInvalid {
        /// What is wrong.
        detail: String,
    },
    /// A field of an artifact disagrees with what the certificate signed (aggregate
    /// verification key, beacon, epoch).
    ArtifactMismatch {
        /// The certificate.
        certificate: String,
        /// The field.
        what: &'static str,
        /// The artifact's value (recomputed where it is derived).
        artifact: String,
        /// The certificate's value.
        signed: String,
    },
}

impl ProofError {
    /// Stable string code.
    pub fn code(&self) -> &'static str {
        match self {
            ProofError::InputTooLarge { .. } => "input_too_large",
            ProofError::Malformed { .. } => "proof_malformed",
            ProofError::Invalid { .. } => "proof_invalid",
            ProofError::RootMismatch { .. } => "proof_root_mismatch",
            ProofError::ItemNotCertified { .. } => "item_not_certified",
            ProofError::NothingCertified => "proof_nothing_certified",
            ProofError::CertificateMismatch { .. } => "proof_certificate_mismatch",
            ProofError::MessageMismatch { .. } => "proof_message_mismatch",
            ProofError::SignerKeyInvalid { .. } => "signer_key_invalid",
            ProofError::StakeDistributionInvalid { .. } => "stake_distribution_invalid",
            ProofError::ArtifactMismatch { .. } => "artifact_mismatch",
        }
    }

    /// Stable numeric code (for the C ABI): the 400 range, and 100 for oversized input as in
    /// the core error.
    pub fn numeric_code(&self) -> u32 {
        match self {
            ProofError::InputTooLarge { .. } => 100,
            ProofError::Malformed { .. } => 400,
            ProofError::Invalid { .. } => 401,
            ProofError::RootMismatch { .. } => 402,
            ProofError::ItemNotCertified { .. } => 403,
            ProofError::NothingCertified => 404,
            ProofError::CertificateMismatch { .. } => 405,
            ProofError::MessageMismatch { .. } => 406,
            ProofError::SignerKeyInvalid { .. } => 407,
            ProofError::StakeDistributionInvalid { .. } => 408,
            ProofError::ArtifactMismatch { .. } => 409,
        }
    }

    pub(crate) fn malformed(what: &'static str, detail: impl fmt::Display) -> ProofError {
        ProofError::Malformed {
            what,
            detail: alloc::format!("{detail}"),
        }
    }

    pub(crate) fn invalid(detail: impl fmt::Display) -> ProofError {
        ProofError::Invalid {
            detail: alloc::format!("{detail}"),
        }
    }
}

impl fmt::Display for ProofError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProofError::InputTooLarge { what, size, limit } => {
                write!(f, "{what} is {size} bytes, over the limit of {limit}")
            }
            ProofError::Malformed { what, detail } => {
                write!(f, "cannot decode the {what}: {detail}")
            }
            ProofError::Invalid { detail } => write!(f, "invalid Merkle proof: {detail}"),
            ProofError::RootMismatch { computed, claimed } => write!(
                f,
                "the Merkle proof leads to the root {computed}, not to its announced root {claimed}"
            ),
            ProofError::ItemNotCertified { item } => write!(
                f,
                "{item} is listed as certified but is not a leaf of the proof"
            ),
            ProofError::NothingCertified => write!(f, "the proof certifies no item"),
            ProofError::CertificateMismatch { expected, got } => write!(
                f,
                "the proof names certificate {expected} but was checked against {got}"
            ),
            ProofError::MessageMismatch {
                certificate,
                computed,
                signed_message,
                parts,
            } => {
                write!(
                    f,
                    "certificate {certificate}: with the proof's values the protocol message hashes to {computed}, not to the signed message {signed_message}"
                )?;
                if !parts.is_empty() {
                    write!(f, " (differing parts: {})", parts.join(", "))?;
                }
                Ok(())
            }
            ProofError::SignerKeyInvalid { party_id, detail } => {
                write!(f, "signer {party_id}: invalid verification key: {detail}")
            }
            ProofError::StakeDistributionInvalid { detail } => {
                write!(f, "invalid stake distribution: {detail}")
            }
            ProofError::ArtifactMismatch {
                certificate,
                what,
                artifact,
                signed,
            } => write!(
                f,
                "certificate {certificate} signed {what} {signed}, the artifact has {artifact}"
            ),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for ProofError {}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use alloc::string::ToString;
    use alloc::vec;

    /// One value of every variant; the match below fails to compile when one is added (the C
    /// ABI's code table test uses this list too).
    pub(crate) fn samples() -> Vec<ProofError> {
        let all = vec![
            ProofError::InputTooLarge {
                what: "proof",
                size: 2,
                limit: 1,
            },
            ProofError::malformed("proof", "x"),
            ProofError::invalid("x"),
            ProofError::RootMismatch {
                computed: "a".into(),
                claimed: "b".into(),
            },
            ProofError::ItemNotCertified { item: "t".into() },
            ProofError::NothingCertified,
            ProofError::CertificateMismatch {
                expected: "a".into(),
                got: "b".into(),
            },
            ProofError::MessageMismatch {
                certificate: "c".into(),
                computed: "a".into(),
                signed_message: "b".into(),
                parts: vec!["latest_block_number"],
            },
            ProofError::SignerKeyInvalid {
                party_id: "p".into(),
                detail: "d".into(),
            },
            ProofError::StakeDistributionInvalid { detail: "d".into() },
            ProofError::ArtifactMismatch {
                certificate: "c".into(),
                what: "epoch",
                artifact: "1".into(),
                signed: "2".into(),
            },
        ];
        for e in &all {
            match e {
                ProofError::InputTooLarge { .. }
                | ProofError::Malformed { .. }
                | ProofError::Invalid { .. }
                | ProofError::RootMismatch { .. }
                | ProofError::ItemNotCertified { .. }
                | ProofError::NothingCertified
                | ProofError::CertificateMismatch { .. }
                | ProofError::MessageMismatch { .. }
                | ProofError::SignerKeyInvalid { .. }
                | ProofError::StakeDistributionInvalid { .. }
                | ProofError::ArtifactMismatch { .. } => {}
            }
        }
        all
    }

    #[test]
    fn codes_are_unique_and_stable() {
        let all = samples();
        let mut codes: Vec<&str> = all.iter().map(ProofError::code).collect();
        let mut numbers: Vec<u32> = all.iter().map(ProofError::numeric_code).collect();
        codes.sort_unstable();
        codes.dedup();
        numbers.sort_unstable();
        numbers.dedup();
        assert_eq!(codes.len(), all.len());
        assert_eq!(numbers.len(), all.len());
        for e in &all {
            assert!(e
                .code()
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'_'));
            assert!(!e.to_string().is_empty());
        }
        assert!(all[7].to_string().contains("latest_block_number"));

        // Every code is in the README's error table, and only oversized input shares its
        // number with the core error (the 400 range is the proofs layer's own).
        let readme =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
        for e in &all {
            let row = alloc::format!("| `{}` | {} |", e.code(), e.numeric_code());
            assert!(readme.contains(&row), "README lacks the row {row}");
            match e {
                ProofError::InputTooLarge { .. } => assert_eq!(e.numeric_code(), 100),
                _ => assert!((400..500).contains(&e.numeric_code()), "{}", e.code()),
            }
        }
    }
}

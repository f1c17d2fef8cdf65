//! Failures of the proofs layer, with stable codes.
//!
//! A type of its own rather than variants of the core [`Error`](crate::Error): the core error
//! sits below the proofs layer (codec to chain use it), and imports run one way. The two share
//! one code space: [`ProofError`] numbers are the 400 range (oversized input keeps the core's
//! `input_too_large`, 100), and the README's error table lists both, which a test checks.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crate::error_table::error_table;

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
    /// The aggregator answered with a certified artifact other than the one asked for (another
    /// hash, or another epoch): valid, but not an answer to the question.
    NotRequested {
        /// What was asked by (`hash`, `epoch`).
        what: &'static str,
        /// The value asked for.
        requested: String,
        /// The artifact's value.
        answered: String,
    },
}

impl ProofError {
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

// Numbers: the 400 range, and 100 for oversized input as in the core error.
error_table! {
    ProofError {
        InputTooLarge { what, size, limit } => "input_too_large", 100,
            "{what} is {size} bytes, over the limit of {limit}";
        Malformed { what, detail } => "proof_malformed", 400, "cannot decode the {what}: {detail}";
        Invalid { detail } => "proof_invalid", 401, "invalid Merkle proof: {detail}";
        RootMismatch { computed, claimed } => "proof_root_mismatch", 402, (
            "the Merkle proof leads to the root {computed}, not to its announced root {claimed}"
        );
        ItemNotCertified { item } => "item_not_certified", 403,
            "{item} is listed as certified but is not a leaf of the proof";
        NothingCertified => "proof_nothing_certified", 404, "the proof certifies no item";
        CertificateMismatch { expected, got } => "proof_certificate_mismatch", 405,
            "the proof names certificate {expected} but was checked against {got}";
        MessageMismatch { certificate, computed, signed_message, parts } =>
            "proof_message_mismatch", 406, (|f| {
            write!(
                f,
                "certificate {certificate}: with the proof's values the protocol message hashes \
                 to {computed}, not to the signed message {signed_message}"
            )?;
            if !parts.is_empty() {
                write!(f, " (differing parts: {})", parts.join(", "))?;
            }
            Ok(())
        });
        SignerKeyInvalid { party_id, detail } => "signer_key_invalid", 407,
            "signer {party_id}: invalid verification key: {detail}";
        StakeDistributionInvalid { detail } => "stake_distribution_invalid", 408,
            "invalid stake distribution: {detail}";
        ArtifactMismatch { certificate, what, artifact, signed } => "artifact_mismatch", 409,
            "certificate {certificate} signed {what} {signed}, the artifact has {artifact}";
        NotRequested { what, requested, answered } => "artifact_not_requested", 410,
            "asked for the artifact of {what} {requested}, the aggregator answered one of {what} {answered}";
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
            ProofError::NotRequested {
                what: "epoch",
                requested: "1".into(),
                answered: "2".into(),
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
                | ProofError::ArtifactMismatch { .. }
                | ProofError::NotRequested { .. } => {}
            }
        }
        all
    }

    /// The samples reach every row; the rows themselves (uniqueness, ranges, the C header, the
    /// TypeScript unions, the README) are checked in tests/error_codes.rs.
    #[test]
    fn samples_reach_every_row() {
        let all = samples();
        assert_eq!(all.len(), ProofError::CODES.len());
        for (e, row) in all.iter().zip(ProofError::CODES) {
            assert_eq!((e.code(), e.numeric_code()), *row);
            assert!(!e.to_string().is_empty());
        }
        assert!(all[7].to_string().contains("latest_block_number"));
        // Only oversized input shares its number with the core error (the 400 range is the
        // proofs layer's own).
        for (code, number) in ProofError::CODES {
            match *code {
                "input_too_large" => assert_eq!(*number, 100),
                _ => assert!((400..500).contains(number), "{code}"),
            }
        }
    }
}

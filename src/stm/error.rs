//! Failures of the STM aggregate-signature check, with stable codes (the 200 range).
//!
//! Beside the STM code that reports them; the core [`Error`](crate::Error) wraps them as
//! `MultiSignature` and reports their codes unchanged. Also re-exported as
//! `mithril_lite::StmError` and `mithril_lite::error::StmError`.

use alloc::string::String;

use crate::error_table::error_table;

/// A failure of the STM aggregate-signature check, in the order the reference runs its checks.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StmError {
    /// The bytes do not decode to an aggregate signature or verification key.
    Malformed {
        /// What was being decoded.
        what: &'static str,
        /// Why decoding failed.
        detail: String,
    },
    /// A point is not a valid compressed BLS12-381 point of the prime-order subgroup (or is
    /// the point at infinity).
    InvalidPoint {
        /// `"signature"` (G1) or `"verification key"` (G2).
        what: &'static str,
        /// Position of the signature entry in the aggregate.
        entry: usize,
    },
    /// The aggregate is of a type this verifier does not implement (SNARK proofs).
    UnsupportedProof {
        /// The envelope's signature type tag.
        signature_type: u64,
    },
    /// The protocol parameters are out of range (k, m or phi_f), or the total stake is zero.
    InvalidParameters {
        /// What is wrong.
        detail: String,
    },
    /// A lottery index is greater than `m`.
    IndexOutOfRange {
        /// Signer index of the offending entry.
        signer_index: u64,
        /// The index.
        index: u64,
        /// The parameter `m`.
        m: u64,
    },
    /// A claimed lottery index was not won by its signature.
    LotteryLost {
        /// Signer index of the offending entry.
        signer_index: u64,
        /// The index.
        index: u64,
    },
    /// The same lottery index appears more than once.
    IndexNotUnique,
    /// Fewer distinct indices than the quorum `k`.
    NotEnoughIndices {
        /// Indices in the aggregate.
        got: u64,
        /// The quorum.
        k: u64,
    },
    /// The signers' registration entries are not members of the AVK's Merkle tree.
    BatchPathInvalid,
    /// The BLS aggregate signature does not verify.
    SignatureInvalid,
    /// The lottery of an entry whose registered stake exceeds the AVK's total stake needs more
    /// exact arithmetic than the budget allows ([`crate::stm::verify`]'s module documentation:
    /// such an entry cannot be in an honest AVK, and the cheaper checks passed). Fails closed.
    LotteryBudgetExceeded {
        /// Signer index of the offending entry.
        signer_index: u64,
        /// The index whose check would have exceeded the budget.
        index: u64,
    },
}

error_table! {
    StmError {
        Malformed { what, detail } => "stm_malformed", 200, "cannot decode the {what}: {detail}";
        InvalidPoint { what, entry } => "stm_invalid_point", 201, (
            "signature entry {entry}: the {what} is not a valid point of the BLS12-381 \
             prime-order subgroup"
        );
        UnsupportedProof { signature_type } => "stm_unsupported_proof", 202, (
            "aggregate signature type {signature_type} is not supported (only concatenation \
             proofs are)"
        );
        InvalidParameters { detail } => "stm_invalid_parameters", 203,
            "invalid protocol parameters: {detail}";
        IndexOutOfRange { signer_index, index, m } => "stm_index_out_of_range", 204,
            "signer {signer_index}: lottery index {index} is greater than m = {m}";
        LotteryLost { signer_index, index } => "stm_lottery_lost", 205,
            "signer {signer_index}: the lottery for index {index} was not won";
        IndexNotUnique => "stm_index_not_unique", 206, "a lottery index appears more than once";
        NotEnoughIndices { got, k } => "stm_quorum_not_reached", 207, (
            "quorum not reached: {got} distinct lottery indices, at least k = {k} required"
        );
        BatchPathInvalid => "stm_batch_path_invalid", 208, (
            "the signers' registration entries do not match the aggregate verification key's \
             Merkle root"
        );
        SignatureInvalid => "stm_signature_invalid", 209,
            "the BLS aggregate signature does not verify";
        LotteryBudgetExceeded { signer_index, index } => "stm_lottery_budget_exceeded", 210, (
            "signer {signer_index}: registered stake above the total stake, and the lottery \
             for index {index} is over the exact-arithmetic budget"
        );
    }
}

#[cfg(feature = "std")]
impl std::error::Error for StmError {}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use alloc::vec;
    use alloc::vec::Vec;

    /// One value of every STM variant; the match below fails to compile when one is added (the
    /// core error's samples wrap these).
    pub(crate) fn samples() -> Vec<StmError> {
        let all = vec![
            StmError::Malformed {
                what: "x",
                detail: "y".into(),
            },
            StmError::InvalidPoint {
                what: "signature",
                entry: 0,
            },
            StmError::UnsupportedProof { signature_type: 1 },
            StmError::InvalidParameters { detail: "d".into() },
            StmError::IndexOutOfRange {
                signer_index: 0,
                index: 9,
                m: 8,
            },
            StmError::LotteryLost {
                signer_index: 0,
                index: 1,
            },
            StmError::IndexNotUnique,
            StmError::NotEnoughIndices { got: 1, k: 2 },
            StmError::BatchPathInvalid,
            StmError::SignatureInvalid,
            StmError::LotteryBudgetExceeded {
                signer_index: 0,
                index: 1,
            },
        ];
        for e in &all {
            match e {
                StmError::Malformed { .. }
                | StmError::InvalidPoint { .. }
                | StmError::UnsupportedProof { .. }
                | StmError::InvalidParameters { .. }
                | StmError::IndexOutOfRange { .. }
                | StmError::LotteryLost { .. }
                | StmError::IndexNotUnique
                | StmError::NotEnoughIndices { .. }
                | StmError::BatchPathInvalid
                | StmError::SignatureInvalid
                | StmError::LotteryBudgetExceeded { .. } => {}
            }
        }
        all
    }

    #[test]
    fn every_row_has_a_sample() {
        let all = samples();
        assert_eq!(all.len(), StmError::CODES.len());
        for (e, row) in all.iter().zip(StmError::CODES) {
            assert_eq!((e.code(), e.numeric_code()), *row);
        }
    }
}

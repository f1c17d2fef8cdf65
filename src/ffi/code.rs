//! Result codes, the last error, and the library version.

use std::ffi::CStr;

/// What a call did: `MITHRIL_LITE_CODE_OK` (0), a status (`MITHRIL_LITE_CODE_DONE`,
/// `MITHRIL_LITE_CODE_AWAIT_CHECKS`), or why it failed.
///
/// Codes from 100 up are the Rust core's stable numeric codes, unchanged (`Error`,
/// `ProofError`, `CheckpointError`); codes below 100 are the binding's own (null pointers,
/// buffers, panics). `mithril_lite_code_name` gives the core's string code for each.
///
/// A plain C enum (`repr(C)`: 4 bytes on every supported platform) rather than a `uint32_t`
/// typedef, so that Swift imports it as one type whose constants compare with what the
/// functions return.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum mithril_lite_code {
    /// Success.
    Ok = 0,
    /// Status of `mithril_lite_walk_next_needed`: nothing more to fetch, the verdict is ready
    /// (`mithril_lite_walk_result`).
    Done = 1,
    /// Status of `mithril_lite_walk_next_needed` for a jobs-mode walk: nothing to fetch until
    /// checks handed out are completed (`mithril_lite_walk_complete`).
    AwaitChecks = 2,
    /// A required pointer argument is null.
    NullPointer = 10,
    /// A handle argument is not a live handle of the expected type (another type, or freed).
    InvalidHandle = 11,
    /// A string argument is not UTF-8.
    InvalidUtf8 = 12,
    /// The caller's buffer is too small; the needed length was stored.
    BufferTooSmall = 13,
    /// The call does not fit the object's state (feeding a finished walk, reading the result
    /// of an unfinished one, running a check twice, completing a check not run yet).
    InvalidState = 14,
    /// An argument is out of range (a zero limit, an item index past the end).
    InvalidArgument = 15,
    /// The value asked for does not exist for this result (a v1 proof has no block-number
    /// offset).
    NotAvailable = 16,
    /// `internal_error`: a bug in the binding (a core code it does not know), or the core's
    /// internal error (a check outcome whose bytes do not read back). Not expected; please
    /// report.
    Internal = 98,
    /// A panic was caught at the boundary (a bug; please report). Free the handles the call
    /// used: their state is unspecified.
    Panic = 99,
    /// `input_too_large`
    InputTooLarge = 100,
    /// `invalid_hex`
    InvalidHex = 101,
    /// `invalid_json`
    InvalidJson = 102,
    /// `certificate_malformed`
    CertificateMalformed = 103,
    /// `invalid_genesis_key`
    InvalidGenesisKey = 104,
    /// `unexpected_certificate`
    UnexpectedCertificate = 105,
    /// `certificate_unavailable`
    CertificateUnavailable = 106,
    /// `chain_too_long`
    ChainTooLong = 107,
    /// `unsupported_hash_scheme`
    UnsupportedHashScheme = 108,
    /// `limit_exceeded`
    LimitExceeded = 109,
    /// `stm_malformed`
    StmMalformed = 200,
    /// `stm_invalid_point`
    StmInvalidPoint = 201,
    /// `stm_unsupported_proof`
    StmUnsupportedProof = 202,
    /// `stm_invalid_parameters`
    StmInvalidParameters = 203,
    /// `stm_index_out_of_range`
    StmIndexOutOfRange = 204,
    /// `stm_lottery_lost`
    StmLotteryLost = 205,
    /// `stm_index_not_unique`
    StmIndexNotUnique = 206,
    /// `stm_quorum_not_reached`
    StmQuorumNotReached = 207,
    /// `stm_batch_path_invalid`
    StmBatchPathInvalid = 208,
    /// `stm_signature_invalid`
    StmSignatureInvalid = 209,
    /// `stm_lottery_budget_exceeded`
    StmLotteryBudgetExceeded = 210,
    /// `chain_infinite_loop`
    ChainInfiniteLoop = 300,
    /// `certificate_hash_mismatch`
    CertificateHashMismatch = 301,
    /// `certificate_protocol_message_mismatch`
    CertificateProtocolMessageMismatch = 302,
    /// `genesis_signature_invalid`
    GenesisSignatureInvalid = 303,
    /// `certificate_epoch_mismatch`
    CertificateEpochMismatch = 304,
    /// `chain_missing_epoch`
    ChainMissingEpoch = 305,
    /// `chain_previous_hash_mismatch`
    ChainPreviousHashMismatch = 306,
    /// `chain_avk_mismatch`
    ChainAvkMismatch = 307,
    /// `chain_parameters_mismatch`
    ChainParametersMismatch = 308,
    /// `chain_genesis_anchor_mismatch`
    ChainGenesisAnchorMismatch = 309,
    /// `proof_malformed`
    ProofMalformed = 400,
    /// `proof_invalid`
    ProofInvalid = 401,
    /// `proof_root_mismatch`
    ProofRootMismatch = 402,
    /// `item_not_certified`
    ItemNotCertified = 403,
    /// `proof_nothing_certified`
    ProofNothingCertified = 404,
    /// `proof_certificate_mismatch`
    ProofCertificateMismatch = 405,
    /// `proof_message_mismatch`
    ProofMessageMismatch = 406,
    /// `signer_key_invalid`
    SignerKeyInvalid = 407,
    /// `stake_distribution_invalid`
    StakeDistributionInvalid = 408,
    /// `artifact_mismatch`
    ArtifactMismatch = 409,
    /// `artifact_not_requested`
    ArtifactNotRequested = 410,
    /// `checkpoint_malformed`
    CheckpointMalformed = 500,
    /// `checkpoint_unsupported_version`
    CheckpointUnsupportedVersion = 501,
    /// `checkpoint_genesis_key_mismatch`
    CheckpointGenesisKeyMismatch = 502,
}

use mithril_lite_code as C;

/// Every code with its string code (NUL-terminated for C). The core's codes must appear here
/// with the core's strings: a unit test checks every core error.
const CODES: &[(C, &CStr)] = &[
    (C::Ok, c"ok"),
    (C::Done, c"done"),
    (C::AwaitChecks, c"await_checks"),
    (C::NullPointer, c"null_pointer"),
    (C::InvalidHandle, c"invalid_handle"),
    (C::InvalidUtf8, c"invalid_utf8"),
    (C::BufferTooSmall, c"buffer_too_small"),
    (C::InvalidState, c"invalid_state"),
    (C::InvalidArgument, c"invalid_argument"),
    (C::NotAvailable, c"not_available"),
    (C::Internal, c"internal_error"),
    (C::Panic, c"panic"),
    (C::InputTooLarge, c"input_too_large"),
    (C::InvalidHex, c"invalid_hex"),
    (C::InvalidJson, c"invalid_json"),
    (C::CertificateMalformed, c"certificate_malformed"),
    (C::InvalidGenesisKey, c"invalid_genesis_key"),
    (C::UnexpectedCertificate, c"unexpected_certificate"),
    (C::CertificateUnavailable, c"certificate_unavailable"),
    (C::ChainTooLong, c"chain_too_long"),
    (C::UnsupportedHashScheme, c"unsupported_hash_scheme"),
    (C::LimitExceeded, c"limit_exceeded"),
    (C::StmMalformed, c"stm_malformed"),
    (C::StmInvalidPoint, c"stm_invalid_point"),
    (C::StmUnsupportedProof, c"stm_unsupported_proof"),
    (C::StmInvalidParameters, c"stm_invalid_parameters"),
    (C::StmIndexOutOfRange, c"stm_index_out_of_range"),
    (C::StmLotteryLost, c"stm_lottery_lost"),
    (C::StmIndexNotUnique, c"stm_index_not_unique"),
    (C::StmQuorumNotReached, c"stm_quorum_not_reached"),
    (C::StmBatchPathInvalid, c"stm_batch_path_invalid"),
    (C::StmSignatureInvalid, c"stm_signature_invalid"),
    (C::StmLotteryBudgetExceeded, c"stm_lottery_budget_exceeded"),
    (C::ChainInfiniteLoop, c"chain_infinite_loop"),
    (C::CertificateHashMismatch, c"certificate_hash_mismatch"),
    (
        C::CertificateProtocolMessageMismatch,
        c"certificate_protocol_message_mismatch",
    ),
    (C::GenesisSignatureInvalid, c"genesis_signature_invalid"),
    (C::CertificateEpochMismatch, c"certificate_epoch_mismatch"),
    (C::ChainMissingEpoch, c"chain_missing_epoch"),
    (
        C::ChainPreviousHashMismatch,
        c"chain_previous_hash_mismatch",
    ),
    (C::ChainAvkMismatch, c"chain_avk_mismatch"),
    (C::ChainParametersMismatch, c"chain_parameters_mismatch"),
    (
        C::ChainGenesisAnchorMismatch,
        c"chain_genesis_anchor_mismatch",
    ),
    (C::ProofMalformed, c"proof_malformed"),
    (C::ProofInvalid, c"proof_invalid"),
    (C::ProofRootMismatch, c"proof_root_mismatch"),
    (C::ItemNotCertified, c"item_not_certified"),
    (C::ProofNothingCertified, c"proof_nothing_certified"),
    (C::ProofCertificateMismatch, c"proof_certificate_mismatch"),
    (C::ProofMessageMismatch, c"proof_message_mismatch"),
    (C::SignerKeyInvalid, c"signer_key_invalid"),
    (C::StakeDistributionInvalid, c"stake_distribution_invalid"),
    (C::ArtifactMismatch, c"artifact_mismatch"),
    (C::ArtifactNotRequested, c"artifact_not_requested"),
    (C::CheckpointMalformed, c"checkpoint_malformed"),
    (
        C::CheckpointUnsupportedVersion,
        c"checkpoint_unsupported_version",
    ),
    (
        C::CheckpointGenesisKeyMismatch,
        c"checkpoint_genesis_key_mismatch",
    ),
];

impl mithril_lite_code {
    /// The code with this number, if there is one.
    pub fn from_u32(n: u32) -> Option<Self> {
        CODES.iter().find(|(c, _)| *c as u32 == n).map(|(c, _)| *c)
    }

    /// The code for a core numeric code; [`mithril_lite_code::Internal`] if the binding does
    /// not know it (a unit test makes sure it knows them all).
    pub fn from_core(n: u32) -> Self {
        match Self::from_u32(n) {
            Some(c) if n >= 100 => c,
            _ => C::Internal,
        }
    }

    /// The string code (the core's, for codes from 100 up).
    pub fn name(self) -> &'static str {
        self.c_name().to_str().unwrap_or("internal_error")
    }

    pub(crate) fn c_name(self) -> &'static CStr {
        CODES
            .iter()
            .find(|(c, _)| *c == self)
            .map_or(c"internal_error", |(_, n)| *n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chain::CheckpointError;
    use crate::codec::CodecError;
    use crate::proofs::ProofError;
    use crate::{Error, StmError};

    /// Every core code: the code tables of the core's error enums.
    fn core_codes() -> Vec<(u32, &'static str)> {
        [
            Error::CODES,
            CodecError::CODES,
            StmError::CODES,
            ProofError::CODES,
            CheckpointError::CODES,
        ]
        .concat()
        .into_iter()
        .map(|(name, number)| (number, name))
        .collect()
    }

    #[test]
    fn every_core_code_is_in_the_c_enum_with_its_number_and_name() {
        let core = core_codes();
        for (number, name) in &core {
            let c = mithril_lite_code::from_core(*number);
            // The core's internal_error is the enum's Internal; any other code must be its own.
            assert!(
                c != C::Internal || *number == C::Internal as u32,
                "core code {number} ({name}) missing"
            );
            assert_eq!(c as u32, *number);
            assert_eq!(c.name(), *name, "code {number}");
            assert_eq!(c.c_name().to_str().unwrap(), *name);
        }
        // And the enum has nothing the core lacks from 100 up.
        for (c, _) in CODES {
            if (*c as u32) >= 100 {
                assert!(
                    core.iter().any(|(n, _)| *n == *c as u32),
                    "{c:?} is not a core code"
                );
            }
        }
        let mut numbers: Vec<u32> = CODES.iter().map(|(c, _)| *c as u32).collect();
        numbers.sort_unstable();
        numbers.dedup();
        assert_eq!(numbers.len(), CODES.len());
        assert_eq!(mithril_lite_code::from_u32(7), None);
    }
}

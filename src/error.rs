//! Typed errors with stable codes.
//!
//! Every failure the library can report is a variant of [`Error`] (or, for the STM layer on its
//! own, [`StmError`]). Each variant has a stable string code ([`Error::code`]) and a stable
//! numeric code ([`Error::numeric_code`]) that bindings pass through unchanged; the `Display`
//! message is for people and may be reworded.

use alloc::string::String;
use core::fmt;

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

impl StmError {
    /// Stable string code.
    pub fn code(&self) -> &'static str {
        match self {
            StmError::Malformed { .. } => "stm_malformed",
            StmError::InvalidPoint { .. } => "stm_invalid_point",
            StmError::UnsupportedProof { .. } => "stm_unsupported_proof",
            StmError::InvalidParameters { .. } => "stm_invalid_parameters",
            StmError::IndexOutOfRange { .. } => "stm_index_out_of_range",
            StmError::LotteryLost { .. } => "stm_lottery_lost",
            StmError::IndexNotUnique => "stm_index_not_unique",
            StmError::NotEnoughIndices { .. } => "stm_quorum_not_reached",
            StmError::BatchPathInvalid => "stm_batch_path_invalid",
            StmError::SignatureInvalid => "stm_signature_invalid",
            StmError::LotteryBudgetExceeded { .. } => "stm_lottery_budget_exceeded",
        }
    }

    /// Stable numeric code (for the C ABI).
    pub fn numeric_code(&self) -> u32 {
        match self {
            StmError::Malformed { .. } => 200,
            StmError::InvalidPoint { .. } => 201,
            StmError::UnsupportedProof { .. } => 202,
            StmError::InvalidParameters { .. } => 203,
            StmError::IndexOutOfRange { .. } => 204,
            StmError::LotteryLost { .. } => 205,
            StmError::IndexNotUnique => 206,
            StmError::NotEnoughIndices { .. } => 207,
            StmError::BatchPathInvalid => 208,
            StmError::SignatureInvalid => 209,
            StmError::LotteryBudgetExceeded { .. } => 210,
        }
    }
}

impl fmt::Display for StmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StmError::Malformed { what, detail } => write!(f, "cannot decode the {what}: {detail}"),
            StmError::InvalidPoint { what, entry } => write!(
                f,
                "signature entry {entry}: the {what} is not a valid point of the BLS12-381 prime-order subgroup"
            ),
            StmError::UnsupportedProof { signature_type } => write!(
                f,
                "aggregate signature type {signature_type} is not supported (only concatenation proofs are)"
            ),
            StmError::InvalidParameters { detail } => write!(f, "invalid protocol parameters: {detail}"),
            StmError::IndexOutOfRange { signer_index, index, m } => write!(
                f,
                "signer {signer_index}: lottery index {index} is greater than m = {m}"
            ),
            StmError::LotteryLost { signer_index, index } => write!(
                f,
                "signer {signer_index}: the lottery for index {index} was not won"
            ),
            StmError::IndexNotUnique => write!(f, "a lottery index appears more than once"),
            StmError::NotEnoughIndices { got, k } => write!(
                f,
                "quorum not reached: {got} distinct lottery indices, at least k = {k} required"
            ),
            StmError::BatchPathInvalid => write!(
                f,
                "the signers' registration entries do not match the aggregate verification key's Merkle root"
            ),
            StmError::SignatureInvalid => write!(f, "the BLS aggregate signature does not verify"),
            StmError::LotteryBudgetExceeded { signer_index, index } => write!(
                f,
                "signer {signer_index}: registered stake above the total stake, and the lottery \
                 for index {index} is over the exact-arithmetic budget"
            ),
        }
    }
}

/// Any failure reported by mithril-lite.
///
/// Variants that concern a certificate name it (`certificate` is its hash as requested or as
/// announced by the certificate). The order of the chain-rule variants is the order in which
/// the walk applies the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// An input exceeds a configured limit; nothing was parsed.
    InputTooLarge {
        /// What the input is.
        what: &'static str,
        /// Its size in bytes (or length for chains).
        size: usize,
        /// The configured limit.
        limit: usize,
    },
    /// A decoded certificate exceeds a configured count limit (signatures, lottery indices:
    /// [`crate::chain::WalkConfig`]); refused before its expensive checks.
    LimitExceeded {
        /// The certificate.
        certificate: String,
        /// What was counted.
        what: &'static str,
        /// The count.
        count: usize,
        /// The configured limit.
        limit: usize,
    },
    /// A field is not valid hexadecimal.
    InvalidHex {
        /// The field.
        what: &'static str,
    },
    /// A document is not the JSON this library expects.
    InvalidJson {
        /// What was being parsed.
        what: &'static str,
        /// The parser's explanation.
        detail: String,
    },
    /// A certificate (or a field of it) does not decode.
    CertificateMalformed {
        /// The certificate.
        certificate: String,
        /// What is wrong.
        detail: String,
    },
    /// The genesis verification key does not decode.
    InvalidGenesisKey {
        /// What is wrong.
        detail: String,
    },
    /// The host fed a certificate other than the one the walk asked for.
    UnexpectedCertificate {
        /// The hash the walk asked for.
        expected: String,
        /// The hash the host fed (or that the certificate announces).
        got: String,
    },
    /// The host could not provide a certificate the walk needs.
    CertificateUnavailable {
        /// The hash the walk asked for.
        certificate: String,
        /// The host's explanation.
        detail: String,
    },
    /// The walk exceeded the configured maximum chain length.
    ChainTooLong {
        /// The limit.
        limit: usize,
    },
    /// A certificate's `previous_hash` is its own hash (reference: CertificateChainInfiniteLoop).
    ChainInfiniteLoop {
        /// The certificate.
        certificate: String,
    },
    /// The recomputed certificate hash differs from its `hash` field.
    CertificateHashMismatch {
        /// The certificate as announced.
        certificate: String,
        /// The hash computed from its content.
        computed: String,
    },
    /// The hash of the protocol message differs from `signed_message`.
    ProtocolMessageMismatch {
        /// The certificate.
        certificate: String,
        /// The hash computed from the protocol message.
        computed: String,
        /// The certificate's `signed_message`.
        signed_message: String,
    },
    /// The multi-signature does not verify.
    MultiSignature {
        /// The certificate.
        certificate: String,
        /// Which STM check failed.
        error: StmError,
    },
    /// The genesis signature does not verify with the genesis verification key.
    GenesisSignatureInvalid {
        /// The genesis certificate.
        certificate: String,
    },
    /// The protocol message's `current_epoch` differs from the certificate's epoch.
    EpochMismatch {
        /// The certificate.
        certificate: String,
        /// The certificate's epoch.
        epoch: u64,
        /// The signed `current_epoch` part, if any.
        signed_epoch: Option<String>,
    },
    /// The previous certificate's epoch is more than one epoch away.
    ChainMissingEpoch {
        /// The certificate.
        certificate: String,
        /// Its epoch.
        epoch: u64,
        /// The previous certificate's epoch.
        previous_epoch: u64,
    },
    /// The previous certificate's hash differs from `previous_hash`.
    ChainPreviousHashMismatch {
        /// The certificate.
        certificate: String,
        /// Its `previous_hash`.
        expected: String,
        /// The previous certificate's hash.
        got: String,
    },
    /// The certificate's AVK is not the one its predecessor vouches for.
    ChainAvkMismatch {
        /// The certificate.
        certificate: String,
        /// The previous certificate.
        previous: String,
    },
    /// The certificate's protocol parameters are not the ones its predecessor vouches for.
    ChainParametersMismatch {
        /// The certificate.
        certificate: String,
        /// The previous certificate.
        previous: String,
    },
    /// A same-epoch link into a genesis certificate whose own AVK, parameters or previous hash
    /// are not the ones its Ed25519 signature covers (a rule the reference lacks).
    ChainGenesisAnchorMismatch {
        /// The genesis certificate.
        certificate: String,
        /// Which field disagrees.
        detail: &'static str,
    },
    /// The certificate uses a protocol-message hash scheme this verifier does not implement.
    UnsupportedHashScheme {
        /// The certificate.
        certificate: String,
        /// The scheme.
        scheme: String,
    },
    /// Something that cannot happen in a correct host did: a check job or outcome whose bytes
    /// do not read back, a worker that died twice on one job. Never a verdict on the input.
    Internal {
        /// What happened.
        detail: String,
    },
}

impl Error {
    /// Stable string code, e.g. `certificate_hash_mismatch` or `stm_lottery_lost`.
    pub fn code(&self) -> &'static str {
        match self {
            Error::InputTooLarge { .. } => "input_too_large",
            Error::LimitExceeded { .. } => "limit_exceeded",
            Error::InvalidHex { .. } => "invalid_hex",
            Error::InvalidJson { .. } => "invalid_json",
            Error::CertificateMalformed { .. } => "certificate_malformed",
            Error::InvalidGenesisKey { .. } => "invalid_genesis_key",
            Error::UnexpectedCertificate { .. } => "unexpected_certificate",
            Error::CertificateUnavailable { .. } => "certificate_unavailable",
            Error::ChainTooLong { .. } => "chain_too_long",
            Error::ChainInfiniteLoop { .. } => "chain_infinite_loop",
            Error::CertificateHashMismatch { .. } => "certificate_hash_mismatch",
            Error::ProtocolMessageMismatch { .. } => "certificate_protocol_message_mismatch",
            Error::MultiSignature { error, .. } => error.code(),
            Error::GenesisSignatureInvalid { .. } => "genesis_signature_invalid",
            Error::EpochMismatch { .. } => "certificate_epoch_mismatch",
            Error::ChainMissingEpoch { .. } => "chain_missing_epoch",
            Error::ChainPreviousHashMismatch { .. } => "chain_previous_hash_mismatch",
            Error::ChainAvkMismatch { .. } => "chain_avk_mismatch",
            Error::ChainParametersMismatch { .. } => "chain_parameters_mismatch",
            Error::ChainGenesisAnchorMismatch { .. } => "chain_genesis_anchor_mismatch",
            Error::UnsupportedHashScheme { .. } => "unsupported_hash_scheme",
            Error::Internal { .. } => "internal_error",
        }
    }

    /// Stable numeric code (for the C ABI); STM failures use the 200 range.
    pub fn numeric_code(&self) -> u32 {
        match self {
            Error::InputTooLarge { .. } => 100,
            Error::InvalidHex { .. } => 101,
            Error::InvalidJson { .. } => 102,
            Error::CertificateMalformed { .. } => 103,
            Error::InvalidGenesisKey { .. } => 104,
            Error::UnexpectedCertificate { .. } => 105,
            Error::CertificateUnavailable { .. } => 106,
            Error::ChainTooLong { .. } => 107,
            Error::UnsupportedHashScheme { .. } => 108,
            Error::LimitExceeded { .. } => 109,
            Error::Internal { .. } => 98,
            Error::ChainInfiniteLoop { .. } => 300,
            Error::CertificateHashMismatch { .. } => 301,
            Error::ProtocolMessageMismatch { .. } => 302,
            Error::MultiSignature { error, .. } => error.numeric_code(),
            Error::GenesisSignatureInvalid { .. } => 303,
            Error::EpochMismatch { .. } => 304,
            Error::ChainMissingEpoch { .. } => 305,
            Error::ChainPreviousHashMismatch { .. } => 306,
            Error::ChainAvkMismatch { .. } => 307,
            Error::ChainParametersMismatch { .. } => 308,
            Error::ChainGenesisAnchorMismatch { .. } => 309,
        }
    }

    /// The certificate the error concerns, when there is one.
    pub fn certificate(&self) -> Option<&str> {
        match self {
            Error::CertificateMalformed { certificate, .. }
            | Error::CertificateUnavailable { certificate, .. }
            | Error::ChainInfiniteLoop { certificate }
            | Error::CertificateHashMismatch { certificate, .. }
            | Error::ProtocolMessageMismatch { certificate, .. }
            | Error::MultiSignature { certificate, .. }
            | Error::GenesisSignatureInvalid { certificate }
            | Error::EpochMismatch { certificate, .. }
            | Error::ChainMissingEpoch { certificate, .. }
            | Error::ChainPreviousHashMismatch { certificate, .. }
            | Error::ChainAvkMismatch { certificate, .. }
            | Error::ChainParametersMismatch { certificate, .. }
            | Error::ChainGenesisAnchorMismatch { certificate, .. }
            | Error::UnsupportedHashScheme { certificate, .. }
            | Error::LimitExceeded { certificate, .. } => Some(certificate),
            Error::UnexpectedCertificate { expected, .. } => Some(expected),
            _ => None,
        }
    }

    /// Attach a certificate to a context-free decoding error.
    pub(crate) fn in_certificate(self, certificate: &str) -> Error {
        match self {
            Error::InvalidHex { what } => Error::CertificateMalformed {
                certificate: certificate.into(),
                detail: alloc::format!("{what} is not valid hex"),
            },
            Error::InvalidJson { what, detail } => Error::CertificateMalformed {
                certificate: certificate.into(),
                detail: alloc::format!("{what}: {detail}"),
            },
            other => other,
        }
    }
}

/// A string from the input, quoted for an error message: printable ASCII as is, anything else
/// as `\u{..}` escapes. Not `{:?}`: `str`'s Debug brings core's Unicode tables (about 8 KB)
/// into the wasm module.
pub(crate) struct Quoted<'a>(pub &'a str);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use fmt::Write;
        f.write_char('"')?;
        for c in self.0.chars() {
            match c {
                '"' | '\\' => {
                    f.write_char('\\')?;
                    f.write_char(c)?;
                }
                ' '..='~' => f.write_char(c)?,
                _ => write!(f, "\\u{{{:x}}}", c as u32)?,
            }
        }
        f.write_char('"')
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InputTooLarge { what, size, limit } => {
                write!(f, "{what} is {size} bytes, over the limit of {limit}")
            }
            Error::LimitExceeded {
                certificate,
                what,
                count,
                limit,
            } => write!(
                f,
                "certificate {certificate}: {count} {what}, over the limit of {limit}"
            ),
            Error::InvalidHex { what } => write!(f, "{what} is not valid hex"),
            Error::InvalidJson { what, detail } => write!(f, "{what} is not valid JSON: {detail}"),
            Error::CertificateMalformed { certificate, detail } => {
                write!(f, "certificate {certificate} is malformed: {detail}")
            }
            Error::InvalidGenesisKey { detail } => write!(f, "invalid genesis verification key: {detail}"),
            Error::UnexpectedCertificate { expected, got } => write!(
                f,
                "the walk asked for certificate {expected} but was given {got}"
            ),
            Error::CertificateUnavailable { certificate, detail } => {
                write!(f, "certificate {} could not be retrieved: {detail}", Quoted(certificate))
            }
            Error::ChainTooLong { limit } => write!(
                f,
                "the chain is longer than the configured limit of {limit} certificates"
            ),
            Error::ChainInfiniteLoop { certificate } => write!(
                f,
                "certificate {certificate} names itself as its previous certificate"
            ),
            Error::CertificateHashMismatch { certificate, computed } => write!(
                f,
                "certificate {certificate}: its content hashes to {computed}"
            ),
            Error::ProtocolMessageMismatch { certificate, computed, signed_message } => write!(
                f,
                "certificate {certificate}: the protocol message hashes to {computed}, not to the signed message {signed_message}"
            ),
            Error::MultiSignature { certificate, error } => {
                write!(f, "certificate {certificate}: multi-signature invalid: {error}")
            }
            Error::GenesisSignatureInvalid { certificate } => write!(
                f,
                "genesis certificate {certificate}: the Ed25519 signature does not verify with the genesis verification key"
            ),
            Error::EpochMismatch { certificate, epoch, signed_epoch } => match signed_epoch {
                Some(s) => write!(
                    f,
                    "certificate {certificate}: epoch {epoch} but the signed current_epoch is {s}"
                ),
                None => write!(
                    f,
                    "certificate {certificate}: epoch {epoch} but the protocol message has no current_epoch"
                ),
            },
            Error::ChainMissingEpoch { certificate, epoch, previous_epoch } => write!(
                f,
                "certificate {certificate} (epoch {epoch}) links to a certificate of epoch {previous_epoch}: epochs are missing"
            ),
            Error::ChainPreviousHashMismatch { certificate, expected, got } => write!(
                f,
                "certificate {certificate}: previous_hash is {expected} but the previous certificate is {got}"
            ),
            Error::ChainAvkMismatch { certificate, previous } => write!(
                f,
                "certificate {certificate}: its aggregate verification key is not the one certified by {previous}"
            ),
            Error::ChainParametersMismatch { certificate, previous } => write!(
                f,
                "certificate {certificate}: its protocol parameters are not the ones certified by {previous}"
            ),
            Error::ChainGenesisAnchorMismatch { certificate, detail } => write!(
                f,
                "genesis certificate {certificate}: {detail} is not covered by its genesis signature"
            ),
            Error::UnsupportedHashScheme { certificate, scheme } => write!(
                f,
                "certificate {certificate}: protocol-message hash scheme {} is not supported",
                Quoted(scheme)
            ),
            Error::Internal { detail } => write!(f, "internal error: {detail}"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for StmError {}

#[cfg(feature = "std")]
impl std::error::Error for Error {}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use alloc::vec;
    use alloc::vec::Vec;

    #[test]
    fn quoted_escapes_what_is_not_printable_ascii() {
        let q = |s: &str| alloc::format!("{}", Quoted(s));
        assert_eq!(q("md5"), "\"md5\"");
        assert_eq!(q("a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(q("\n\u{7f}é😀"), "\"\\u{a}\\u{7f}\\u{e9}\\u{1f600}\"");
        assert_eq!(q(""), "\"\"");
    }

    /// One value of every STM variant; the match below fails to compile when one is added.
    fn stm_samples() -> Vec<StmError> {
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

    /// One value of every variant, STM failures included; the matches fail to compile when a
    /// variant is added (the C ABI's code table test uses this list too).
    pub(crate) fn samples() -> Vec<Error> {
        let c = || String::from("c0ffee");
        let mut all = vec![
            Error::InputTooLarge {
                what: "certificate",
                size: 2,
                limit: 1,
            },
            Error::LimitExceeded {
                certificate: c(),
                what: "signatures",
                count: 2,
                limit: 1,
            },
            Error::InvalidHex { what: "x" },
            Error::InvalidJson {
                what: "x",
                detail: "y".into(),
            },
            Error::CertificateMalformed {
                certificate: c(),
                detail: "y".into(),
            },
            Error::InvalidGenesisKey { detail: "y".into() },
            Error::UnexpectedCertificate {
                expected: c(),
                got: "b".into(),
            },
            Error::CertificateUnavailable {
                certificate: c(),
                detail: "y".into(),
            },
            Error::ChainTooLong { limit: 1 },
            Error::ChainInfiniteLoop { certificate: c() },
            Error::CertificateHashMismatch {
                certificate: c(),
                computed: "b".into(),
            },
            Error::ProtocolMessageMismatch {
                certificate: c(),
                computed: "a".into(),
                signed_message: "b".into(),
            },
            Error::GenesisSignatureInvalid { certificate: c() },
            Error::EpochMismatch {
                certificate: c(),
                epoch: 1,
                signed_epoch: None,
            },
            Error::ChainMissingEpoch {
                certificate: c(),
                epoch: 3,
                previous_epoch: 1,
            },
            Error::ChainPreviousHashMismatch {
                certificate: c(),
                expected: "a".into(),
                got: "b".into(),
            },
            Error::ChainAvkMismatch {
                certificate: c(),
                previous: "p".into(),
            },
            Error::ChainParametersMismatch {
                certificate: c(),
                previous: "p".into(),
            },
            Error::ChainGenesisAnchorMismatch {
                certificate: c(),
                detail: "its previous_hash",
            },
            Error::UnsupportedHashScheme {
                certificate: c(),
                scheme: "rigid".into(),
            },
            Error::Internal { detail: "y".into() },
        ];
        for e in &all {
            match e {
                Error::InputTooLarge { .. }
                | Error::LimitExceeded { .. }
                | Error::InvalidHex { .. }
                | Error::InvalidJson { .. }
                | Error::CertificateMalformed { .. }
                | Error::InvalidGenesisKey { .. }
                | Error::UnexpectedCertificate { .. }
                | Error::CertificateUnavailable { .. }
                | Error::ChainTooLong { .. }
                | Error::ChainInfiniteLoop { .. }
                | Error::CertificateHashMismatch { .. }
                | Error::ProtocolMessageMismatch { .. }
                | Error::MultiSignature { .. }
                | Error::GenesisSignatureInvalid { .. }
                | Error::EpochMismatch { .. }
                | Error::ChainMissingEpoch { .. }
                | Error::ChainPreviousHashMismatch { .. }
                | Error::ChainAvkMismatch { .. }
                | Error::ChainParametersMismatch { .. }
                | Error::ChainGenesisAnchorMismatch { .. }
                | Error::UnsupportedHashScheme { .. }
                | Error::Internal { .. } => {}
            }
        }
        all.extend(
            stm_samples()
                .into_iter()
                .map(|error| Error::MultiSignature {
                    certificate: c(),
                    error,
                }),
        );
        all
    }

    #[test]
    fn codes_are_unique_stable_identifiers_and_documented() {
        let all = samples();
        let mut codes: Vec<&str> = all.iter().map(Error::code).collect();
        let mut numbers: Vec<u32> = all.iter().map(Error::numeric_code).collect();
        codes.sort_unstable();
        codes.dedup();
        numbers.sort_unstable();
        numbers.dedup();
        assert_eq!(codes.len(), all.len(), "string codes must be unique");
        assert_eq!(numbers.len(), all.len(), "numeric codes must be unique");
        let readme =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
        for e in &all {
            assert!(
                e.code()
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{}",
                e.code()
            );
            assert!(!e.to_string().is_empty());
            let row = alloc::format!("| `{}` | {} |", e.code(), e.numeric_code());
            assert!(readme.contains(&row), "README lacks the row {row}");
        }
        // Errors about a certificate name it.
        assert_eq!(
            Error::ChainInfiniteLoop {
                certificate: "h".into()
            }
            .certificate(),
            Some("h")
        );
        assert!(Error::ChainInfiniteLoop {
            certificate: "h".into()
        }
        .to_string()
        .contains('h'));
    }
}

//! Typed errors with stable codes.
//!
//! Every failure the library can report is a variant of [`Error`]. The layers below the
//! certificate declare their own beside their code, and [`Error`] wraps them with their codes
//! unchanged: [`CodecError`] (decoding: size limits, hex, JSON) and [`StmError`] (the
//! multi-signature check). Each variant has a stable string code ([`Error::code`]) and a stable
//! numeric code ([`Error::numeric_code`]) that bindings pass through unchanged; the `Display`
//! message is for people and may be reworded. The three come from one table per enum
//! (`error_table!`, a private macro module at the bottom of the crate).

use alloc::string::String;
use core::fmt;

pub use crate::codec::CodecError;
use crate::error_table::error_table;
pub use crate::stm::StmError;

/// Any failure reported by mithril-lite.
///
/// Variants that concern a certificate name it (`certificate` is its hash as requested or as
/// announced by the certificate). The order of the chain-rule variants is the order in which
/// the walk applies the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// A decoding failure: an input over its size limit, a field that is not hex, a document
    /// that is not the JSON expected (codes `input_too_large`, `invalid_hex`, `invalid_json`).
    Codec {
        /// The failure, with its own code.
        error: CodecError,
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
            Error::Codec {
                error: CodecError::InvalidHex { what },
            } => Error::CertificateMalformed {
                certificate: certificate.into(),
                detail: alloc::format!("{what} is not valid hex"),
            },
            Error::Codec {
                error: CodecError::InvalidJson { what, detail },
            } => Error::CertificateMalformed {
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

// Numbers: 98 for the internal error, the 100 range for input and fetch failures, the 300
// range for the certificate and chain rules (the STM failures keep their own 200 range).
error_table! {
    Error {
        LimitExceeded { certificate, what, count, limit } => "limit_exceeded", 109,
            "certificate {certificate}: {count} {what}, over the limit of {limit}";
        CertificateMalformed { certificate, detail } => "certificate_malformed", 103,
            "certificate {certificate} is malformed: {detail}";
        InvalidGenesisKey { detail } => "invalid_genesis_key", 104,
            "invalid genesis verification key: {detail}";
        UnexpectedCertificate { expected, got } => "unexpected_certificate", 105,
            "the walk asked for certificate {expected} but was given {got}";
        CertificateUnavailable { certificate, detail } => "certificate_unavailable", 106, (
            "certificate {} could not be retrieved: {detail}",
            Quoted(certificate)
        );
        ChainTooLong { limit } => "chain_too_long", 107,
            "the chain is longer than the configured limit of {limit} certificates";
        ChainInfiniteLoop { certificate } => "chain_infinite_loop", 300,
            "certificate {certificate} names itself as its previous certificate";
        CertificateHashMismatch { certificate, computed } => "certificate_hash_mismatch", 301,
            "certificate {certificate}: its content hashes to {computed}";
        ProtocolMessageMismatch { certificate, computed, signed_message } =>
            "certificate_protocol_message_mismatch", 302, (
            "certificate {certificate}: the protocol message hashes to {computed}, not to the \
             signed message {signed_message}"
        );
        GenesisSignatureInvalid { certificate } => "genesis_signature_invalid", 303, (
            "genesis certificate {certificate}: the Ed25519 signature does not verify with the \
             genesis verification key"
        );
        EpochMismatch { certificate, epoch, signed_epoch } => "certificate_epoch_mismatch", 304,
            (|f| match signed_epoch {
                Some(s) => write!(
                    f,
                    "certificate {certificate}: epoch {epoch} but the signed current_epoch is {s}"
                ),
                None => write!(
                    f,
                    "certificate {certificate}: epoch {epoch} but the protocol message has no \
                     current_epoch"
                ),
            });
        ChainMissingEpoch { certificate, epoch, previous_epoch } => "chain_missing_epoch", 305, (
            "certificate {certificate} (epoch {epoch}) links to a certificate of epoch \
             {previous_epoch}: epochs are missing"
        );
        ChainPreviousHashMismatch { certificate, expected, got } =>
            "chain_previous_hash_mismatch", 306, (
            "certificate {certificate}: previous_hash is {expected} but the previous certificate \
             is {got}"
        );
        ChainAvkMismatch { certificate, previous } => "chain_avk_mismatch", 307, (
            "certificate {certificate}: its aggregate verification key is not the one certified \
             by {previous}"
        );
        ChainParametersMismatch { certificate, previous } => "chain_parameters_mismatch", 308, (
            "certificate {certificate}: its protocol parameters are not the ones certified by \
             {previous}"
        );
        ChainGenesisAnchorMismatch { certificate, detail } => "chain_genesis_anchor_mismatch", 309,
            "genesis certificate {certificate}: {detail} is not covered by its genesis signature";
        UnsupportedHashScheme { certificate, scheme } => "unsupported_hash_scheme", 108, (
            "certificate {certificate}: protocol-message hash scheme {} is not supported",
            Quoted(scheme)
        );
        Internal { detail } => "internal_error", 98, "internal error: {detail}";
    }
    // A decoding or multi-signature failure reports the wrapped error's own code and number.
    delegate {
        Codec { error } => error, "{error}";
        MultiSignature { certificate, error } => error,
            "certificate {certificate}: multi-signature invalid: {error}";
    }
}

impl From<CodecError> for Error {
    fn from(error: CodecError) -> Self {
        Error::Codec { error }
    }
}

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

    /// One value of every variant, STM failures included; the matches fail to compile when a
    /// variant is added (the C ABI's code table test uses this list too).
    pub(crate) fn samples() -> Vec<Error> {
        let c = || String::from("c0ffee");
        let mut all = vec![
            Error::LimitExceeded {
                certificate: c(),
                what: "signatures",
                count: 2,
                limit: 1,
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
                Error::Codec { .. }
                | Error::LimitExceeded { .. }
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
            crate::codec::error::tests::samples()
                .into_iter()
                .map(Error::from),
        );
        all.extend(
            crate::stm::error::tests::samples()
                .into_iter()
                .map(|error| Error::MultiSignature {
                    certificate: c(),
                    error,
                }),
        );
        all
    }

    /// The samples reach every row of the tables, and nothing else: codes and numbers come
    /// from the rows (uniqueness, the C header, the TypeScript unions and the README are
    /// checked against the tables in tests/error_codes.rs).
    #[test]
    fn samples_reach_every_row() {
        let all = samples();
        let mut reached: Vec<(&str, u32)> =
            all.iter().map(|e| (e.code(), e.numeric_code())).collect();
        let mut rows: Vec<(&str, u32)> = Error::CODES
            .iter()
            .chain(CodecError::CODES)
            .chain(StmError::CODES)
            .copied()
            .collect();
        reached.sort_unstable();
        rows.sort_unstable();
        assert_eq!(reached, rows);
        for e in &all {
            assert!(!e.to_string().is_empty());
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

//! A light-wallet question answered end to end, blocking: the proofs equivalent of
//! [`ChainWalk::run`].
//!
//! The order is the same for every host: read which certificate the body names, verify that
//! certificate's chain, then check the body against it ([`Question::check`]). Hosts that walk
//! chains their own way (threads, trust files) pass their walk to [`Question::run_with`];
//! simple hosts give a walk factory and a fetch function to [`Question::run`].
//!
//! ```no_run
//! use mithril_lite::certificate::GenesisVerificationKey;
//! use mithril_lite::chain::{ChainWalk, WalkConfig};
//! use mithril_lite::proofs::{Answer, Question};
//!
//! # fn get(path: &str) -> Result<Vec<u8>, String> { unimplemented!() }
//! # let genesis_key_text = "";
//! let key = GenesisVerificationKey::decode(genesis_key_text).unwrap();
//! let tx = "1f0e...";
//! let body = get(&format!("/proof/v2/cardano-transaction?transaction_hashes={tx}")).unwrap();
//! let question = Question::Transactions { hashes: vec![tx.into()], version: None };
//! let outcome = question.run(
//!     &body,
//!     |hash| ChainWalk::new(hash, key.clone(), WalkConfig::default()),
//!     |hash| get(&format!("/certificate/{hash}")),
//! );
//! match outcome.result {
//!     Ok(Answer::TransactionsV2(items)) => println!("certified: {:?}", items.certified),
//!     Ok(_) => unreachable!("a v2 route answers a v2 proof or fails"),
//!     Err(e) => println!("not certified [{}]: {e}", e.code()),
//! }
//! ```
//!
//! [`ChainWalk::run`]: crate::chain::ChainWalk::run

use alloc::string::String;
use core::fmt;

use super::error::ProofError;
use super::question::{Answer, Question};
#[cfg(feature = "std")]
use crate::chain::ChainWalk;
use crate::chain::VerifiedChain;
use crate::error::Error;

/// Why a question got no answer: the chain of the certificate the body names did not verify,
/// or the body did not check against that certificate. Codes are the wrapped error's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuestionError {
    /// The certificate chain's verdict (`certificate chain: ...` in the message).
    Chain(Error),
    /// The body's verdict.
    Proof(ProofError),
}

impl QuestionError {
    /// The wrapped error's stable string code.
    pub fn code(&self) -> &'static str {
        match self {
            QuestionError::Chain(e) => e.code(),
            QuestionError::Proof(e) => e.code(),
        }
    }

    /// The wrapped error's stable number.
    pub fn numeric_code(&self) -> u32 {
        match self {
            QuestionError::Chain(e) => e.numeric_code(),
            QuestionError::Proof(e) => e.numeric_code(),
        }
    }
}

impl fmt::Display for QuestionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QuestionError::Chain(e) => write!(f, "certificate chain: {e}"),
            QuestionError::Proof(e) => e.fmt(f),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for QuestionError {}

/// Everything one question established, failed or not: hosts report the certificate and the
/// chain even when the body then fails.
#[derive(Debug, Clone)]
pub struct QuestionOutcome {
    /// The certificate the body names (`None`: it names none; `result` says why).
    pub certificate: Option<String>,
    /// That certificate's verified chain (`None` unless it verified).
    pub chain: Option<VerifiedChain>,
    /// The answer, or the first failure.
    pub result: Result<Answer, QuestionError>,
}

impl QuestionOutcome {
    /// The answer and the chain it stands on, or the failure.
    pub fn into_result(self) -> Result<(Answer, VerifiedChain), QuestionError> {
        match (self.result, self.chain) {
            (Ok(answer), Some(chain)) => Ok((answer, chain)),
            (Err(e), _) => Err(e),
            // Never built: an answer exists only once its chain verified.
            (Ok(_), None) => Err(QuestionError::Chain(Error::Internal {
                detail: String::from("an answer without a verified chain"),
            })),
        }
    }
}

impl Question {
    /// Answer the question about `body` with the host's own chain verification:
    /// `verify_chain(certificate_hash)` gives the chain's verdict, or `X` when the host could
    /// not get one (its I/O failed and it wants to stop; that is passed through).
    pub fn run_with<X>(
        &self,
        body: &[u8],
        verify_chain: impl FnOnce(&str) -> Result<Result<VerifiedChain, Error>, X>,
    ) -> Result<QuestionOutcome, X> {
        let certificate = match self.certificate_hash(body) {
            Ok(hash) => hash,
            Err(e) => {
                return Ok(QuestionOutcome {
                    certificate: None,
                    chain: None,
                    result: Err(QuestionError::Proof(e)),
                })
            }
        };
        let chain = match verify_chain(&certificate)? {
            Ok(chain) => chain,
            Err(e) => {
                return Ok(QuestionOutcome {
                    certificate: Some(certificate),
                    chain: None,
                    result: Err(QuestionError::Chain(e)),
                })
            }
        };
        let result = self
            .check(body, &chain.certificate)
            .map_err(QuestionError::Proof);
        Ok(QuestionOutcome {
            certificate: Some(certificate),
            chain: Some(chain),
            result,
        })
    }

    /// Answer the question about `body`, inline: `walk(certificate_hash)` starts the walk
    /// (genesis key, limits, checkpoints), which [`ChainWalk::run`] drives with `fetch`.
    #[cfg(feature = "std")]
    pub fn run<B, E, F>(
        &self,
        body: &[u8],
        walk: impl FnOnce(&str) -> ChainWalk,
        fetch: F,
    ) -> QuestionOutcome
    where
        B: AsRef<[u8]>,
        E: fmt::Display,
        F: FnMut(&str) -> Result<B, E>,
    {
        let outcome: Result<QuestionOutcome, core::convert::Infallible> =
            self.run_with(body, |hash| Ok(walk(hash).run(fetch)));
        match outcome {
            Ok(o) => o,
            Err(never) => match never {},
        }
    }
}

//! The STM check of one standard certificate as a self-contained job: everything expensive
//! about a certificate (decompressing and subgroup-checking its BLS points, the lottery, the
//! Merkle batch path, the aggregate) runs here, so a host can run it on any thread or worker
//! while the walk fetches on.
//!
//! A job owns its inputs and converts to plain bytes and back ([`MultiSignatureCheck::to_bytes`],
//! [`CheckOutcome::to_bytes`]) for hosts whose workers share no memory (Web Workers, another
//! process). The byte layout is mithril-lite's own, versioned by its magic; a job read back is
//! the same job, and a message that does not read back is refused with a typed error
//! ([`Error::Internal`]): a job's bytes only ever come from the walk that made them.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::codec::bytes::{ByteReader, ByteWriter, Truncated};
use crate::stm::aggregate_signature::{BatchPath, SignatureEntry};
use crate::stm::keys::decode_entry_points;
use crate::stm::verify::verify_up_to_pairing;
use crate::stm::{self, AggregateSignature, AggregateVerificationKey, PairingEquation, ScalarSeed};
use crate::{Error, StmError};

const JOB_MAGIC: &[u8; 4] = b"MLJ1";
const OUTCOME_MAGIC: &[u8; 4] = b"MLO1";

const FLAG_POINTS_ONLY: u8 = 1;
const FLAG_DEFER_PAIRING: u8 = 2;
const FLAG_COLLECT_KEYS: u8 = 4;

/// A self-contained STM check of one certificate: it owns its inputs, so a host may run it on
/// another thread or worker while the walk goes on.
#[derive(Debug, Clone, PartialEq)]
pub struct MultiSignatureCheck {
    certificate: String,
    message: Vec<u8>,
    avk: AggregateVerificationKey,
    params: stm::Parameters,
    signature: AggregateSignature,
    /// Only decode the points: an earlier check of the certificate already failed, and only a
    /// point that does not decode could still come before it in the reference's order.
    points_only: bool,
    /// Stop before the pairing equation and hand it back, for the walk to batch.
    defer_pairing: bool,
    /// Report the keys this check validated, for the walk's key cache.
    collect_keys: bool,
    /// Per entry, its key validated earlier (uncompressed), or `None`. Empty: none known.
    known_keys: Vec<Option<[u8; 192]>>,
}

impl MultiSignatureCheck {
    pub(crate) fn new(
        certificate: String,
        message: Vec<u8>,
        avk: AggregateVerificationKey,
        params: stm::Parameters,
        signature: AggregateSignature,
    ) -> Self {
        MultiSignatureCheck {
            certificate,
            message,
            avk,
            params,
            signature,
            points_only: false,
            defer_pairing: false,
            collect_keys: false,
            known_keys: Vec::new(),
        }
    }

    /// The certificate this check is for.
    pub fn certificate(&self) -> &str {
        &self.certificate
    }

    /// Number of lottery indices to check (a cost estimate for schedulers).
    pub fn index_count(&self) -> usize {
        self.signature.index_count()
    }

    /// Number of signature entries (two points each to decode).
    pub fn entry_count(&self) -> usize {
        self.signature.signatures.len()
    }

    /// Number of entries whose key an earlier check validated (the key cache's hits).
    pub fn known_key_count(&self) -> usize {
        self.known_keys.iter().filter(|k| k.is_some()).count()
    }

    /// The compressed keys of the entries, in entry order.
    pub(crate) fn entry_keys(&self) -> impl Iterator<Item = &[u8; 96]> + '_ {
        self.signature.signatures.iter().map(|e| &e.vk)
    }

    /// Keep only the point decoding (see the field's documentation).
    pub(crate) fn points_only(mut self) -> Self {
        self.points_only = true;
        self
    }

    /// Hand the pairing equation back instead of checking it.
    pub(crate) fn defer_pairing(mut self) -> Self {
        self.defer_pairing = true;
        self
    }

    /// Use keys validated earlier (`known`, aligned with the entries) and report the others.
    pub(crate) fn with_known_keys(mut self, known: Vec<Option<[u8; 192]>>) -> Self {
        self.collect_keys = true;
        self.known_keys = if known.iter().any(Option::is_some) {
            known
        } else {
            Vec::new()
        };
        self
    }

    /// Run the check with the given scalar seed.
    pub fn run(&self, seed: &ScalarSeed) -> CheckOutcome {
        let points = match decode_entry_points(&self.signature.signatures, &self.known_keys) {
            Ok(points) => points,
            // The reference decodes points when it reads the certificate: a bad one makes the
            // certificate malformed, not its signature invalid.
            Err(e) => {
                return CheckOutcome::failed(Error::CertificateMalformed {
                    certificate: self.certificate.clone(),
                    detail: format!("multi-signature: {e}"),
                })
            }
        };
        let validated_keys = if self.collect_keys {
            points
                .iter()
                .enumerate()
                .filter(|(i, _)| self.known_keys.get(*i).is_none_or(Option::is_none))
                .map(|(_, (_, vk))| (vk.to_bytes(), vk.to_uncompressed()))
                .collect()
        } else {
            Vec::new()
        };
        let result = if self.points_only {
            Ok(None)
        } else {
            match verify_up_to_pairing(
                &self.message,
                &self.avk,
                &self.params,
                &self.signature,
                &points,
                seed,
            ) {
                Ok(equation) if self.defer_pairing => Ok(Some(equation)),
                Ok(equation) if equation.holds() => Ok(None),
                Ok(_) => Err(self.stm_error(StmError::SignatureInvalid)),
                Err(error) => Err(self.stm_error(error)),
            }
        };
        CheckOutcome {
            result,
            validated_keys,
            certificate: self.certificate.clone(),
        }
    }

    fn stm_error(&self, error: StmError) -> Error {
        Error::MultiSignature {
            certificate: self.certificate.clone(),
            error,
        }
    }

    /// Run the check with a seed from the operating system.
    #[cfg(feature = "std")]
    pub fn run_random(&self) -> CheckOutcome {
        match ScalarSeed::random() {
            Ok(seed) => self.run(&seed),
            Err(e) => CheckOutcome::failed(self.stm_error(StmError::InvalidParameters {
                detail: format!("no randomness: {e}"),
            })),
        }
    }

    /// The job as bytes, for a worker that shares no memory with the walk.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = ByteWriter::new();
        w.raw(JOB_MAGIC);
        w.str(&self.certificate);
        w.bytes(&self.message);
        w.bytes(&self.avk.root);
        w.u64(self.avk.nr_leaves);
        w.u64(self.avk.total_stake);
        w.u64(self.params.m);
        w.u64(self.params.k);
        w.u64(self.params.phi_f.to_bits());
        let mut flags = 0;
        for (set, bit) in [
            (self.points_only, FLAG_POINTS_ONLY),
            (self.defer_pairing, FLAG_DEFER_PAIRING),
            (self.collect_keys, FLAG_COLLECT_KEYS),
        ] {
            if set {
                flags |= bit;
            }
        }
        w.u8(flags);
        w.u32(self.signature.signatures.len() as u32);
        for (i, e) in self.signature.signatures.iter().enumerate() {
            w.raw(&e.sigma);
            w.u64s(&e.indexes);
            w.u64(e.signer_index);
            w.raw(&e.vk);
            w.u64(e.stake);
            match self.known_keys.get(i).and_then(Option::as_ref) {
                Some(key) => {
                    w.u8(1);
                    w.raw(key);
                }
                None => w.u8(0),
            }
        }
        let path = &self.signature.batch_proof;
        w.u32(path.values.len() as u32);
        for v in &path.values {
            w.bytes(v);
        }
        w.u64s(&path.indices);
        w.finish()
    }

    /// Read a job written by [`MultiSignatureCheck::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        Self::read(bytes).map_err(|_| Error::Internal {
            detail: String::from("a check job's bytes do not read back"),
        })
    }

    fn read(bytes: &[u8]) -> Result<Self, Truncated> {
        let mut r = ByteReader::new(bytes);
        if r.take(4)? != JOB_MAGIC {
            return Err(Truncated);
        }
        let certificate = r.str()?;
        let message = r.bytes()?;
        let avk = AggregateVerificationKey {
            root: r.bytes()?,
            nr_leaves: r.u64()?,
            total_stake: r.u64()?,
        };
        let params = stm::Parameters {
            m: r.u64()?,
            k: r.u64()?,
            phi_f: f64::from_bits(r.u64()?),
        };
        let flags = r.u8()?;
        // Smallest entry: 48 + 4 + 8 + 96 + 8 + 1 bytes.
        let n = r.count(165)?;
        let mut signatures = Vec::with_capacity(n);
        let mut known_keys = Vec::with_capacity(n);
        for _ in 0..n {
            let sigma = r.array()?;
            let indexes = r.u64s()?;
            let signer_index = r.u64()?;
            let vk = r.array()?;
            let stake = r.u64()?;
            known_keys.push(match r.u8()? {
                0 => None,
                1 => Some(r.array()?),
                _ => return Err(Truncated),
            });
            signatures.push(SignatureEntry {
                sigma,
                indexes,
                signer_index,
                vk,
                stake,
            });
        }
        let values = (0..r.count(4)?)
            .map(|_| r.bytes())
            .collect::<Result<Vec<_>, _>>()?;
        let indices = r.u64s()?;
        if !r.is_empty()
            || flags & !(FLAG_POINTS_ONLY | FLAG_DEFER_PAIRING | FLAG_COLLECT_KEYS) != 0
        {
            return Err(Truncated);
        }
        if !known_keys.iter().any(Option::is_some) {
            known_keys.clear();
        }
        Ok(MultiSignatureCheck {
            certificate,
            message,
            avk,
            params,
            signature: AggregateSignature {
                signatures,
                batch_proof: BatchPath { values, indices },
            },
            points_only: flags & FLAG_POINTS_ONLY != 0,
            defer_pairing: flags & FLAG_DEFER_PAIRING != 0,
            collect_keys: flags & FLAG_COLLECT_KEYS != 0,
            known_keys,
        })
    }
}

/// What a [`MultiSignatureCheck`] found, for [`crate::chain::ChainWalk::complete`].
#[derive(Debug, Clone)]
pub struct CheckOutcome {
    /// `Ok(None)`: every check passed. `Ok(Some(_))`: every check passed but the pairing
    /// equation, which the walk checks (batched with others).
    pub(crate) result: Result<Option<PairingEquation>, Error>,
    /// Keys the check decompressed and subgroup-checked, compressed and uncompressed.
    pub(crate) validated_keys: Vec<([u8; 96], [u8; 192])>,
    /// The certificate checked ("" when unknown).
    certificate: String,
}

impl From<Result<(), Error>> for CheckOutcome {
    fn from(result: Result<(), Error>) -> Self {
        CheckOutcome {
            certificate: result
                .as_ref()
                .err()
                .and_then(Error::certificate)
                .map(String::from)
                .unwrap_or_default(),
            result: result.map(|()| None),
            validated_keys: Vec::new(),
        }
    }
}

impl CheckOutcome {
    fn failed(error: Error) -> Self {
        Err(error).into()
    }

    /// The failure, if the check failed. A check whose pairing equation was left to the walk
    /// has not failed (yet).
    pub fn error(&self) -> Option<&Error> {
        self.result.as_ref().err()
    }

    /// The check's verdict on its own, checking a pairing equation left for a batch (for
    /// hosts that run a check outside a walk).
    pub fn into_result(self) -> Result<(), Error> {
        match self.result {
            Ok(Some(equation)) if !equation.holds() => Err(Error::MultiSignature {
                certificate: self.certificate,
                error: StmError::SignatureInvalid,
            }),
            Ok(_) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// The outcome as bytes, for a worker that shares no memory with the walk.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = ByteWriter::new();
        w.raw(OUTCOME_MAGIC);
        w.str(&self.certificate);
        match &self.result {
            Ok(None) => w.u8(0),
            Ok(Some(equation)) => {
                w.u8(1);
                equation.write(&mut w);
            }
            Err(error) => {
                w.u8(2);
                write_error(&mut w, error);
            }
        }
        w.u32(self.validated_keys.len() as u32);
        for (compressed, uncompressed) in &self.validated_keys {
            w.raw(compressed);
            w.raw(uncompressed);
        }
        w.finish()
    }

    /// Read an outcome written by [`CheckOutcome::to_bytes`]. Bytes that do not read back
    /// (a broken executor, a worker that died mid-write) give a failed outcome with
    /// [`Error::Internal`]: never a pass.
    pub fn from_bytes(bytes: &[u8]) -> Self {
        Self::read(bytes).unwrap_or_else(|_| {
            CheckOutcome::failed(Error::Internal {
                detail: String::from("a check outcome's bytes do not read back"),
            })
        })
    }

    fn read(bytes: &[u8]) -> Result<Self, Truncated> {
        let mut r = ByteReader::new(bytes);
        if r.take(4)? != OUTCOME_MAGIC {
            return Err(Truncated);
        }
        let certificate = r.str()?;
        let result = match r.u8()? {
            0 => Ok(None),
            1 => Ok(Some(PairingEquation::read(&mut r)?)),
            2 => Err(read_error(&mut r)?),
            _ => return Err(Truncated),
        };
        let n = r.count(96 + 192)?;
        let validated_keys = (0..n)
            .map(|_| Ok((r.array()?, r.array()?)))
            .collect::<Result<Vec<_>, Truncated>>()?;
        if !r.is_empty() {
            return Err(Truncated);
        }
        Ok(CheckOutcome {
            result,
            validated_keys,
            certificate,
        })
    }
}

/// Run a job given as bytes ([`MultiSignatureCheck::to_bytes`]) with fresh OS randomness and
/// return its outcome as bytes: what a worker does. Never panics on bad bytes: a job that does
/// not read back gives an outcome with [`Error::Internal`].
#[cfg(feature = "std")]
pub fn run_check_job(job: &[u8]) -> Vec<u8> {
    match MultiSignatureCheck::from_bytes(job) {
        Ok(check) => check.run_random(),
        Err(error) => CheckOutcome::failed(error),
    }
    .to_bytes()
}

/// Read an outcome a worker returned ([`CheckOutcome::from_bytes`]).
pub fn decode_check_outcome(bytes: &[u8]) -> CheckOutcome {
    CheckOutcome::from_bytes(bytes)
}

// Errors a check can report: a malformed certificate (a point), an STM failure, an internal
// failure. Anything else a host puts in an outcome travels as an internal error with its text.
fn write_error(w: &mut ByteWriter, error: &Error) {
    match error {
        Error::CertificateMalformed {
            certificate,
            detail,
        } => {
            w.u8(0);
            w.str(certificate);
            w.str(detail);
        }
        Error::MultiSignature { certificate, error } => {
            w.u8(1);
            w.str(certificate);
            write_stm_error(w, error);
        }
        Error::Internal { detail } => {
            w.u8(2);
            w.str(detail);
        }
        other => {
            w.u8(2);
            w.str(&format!("{}: {other}", other.code()));
        }
    }
}

fn read_error(r: &mut ByteReader<'_>) -> Result<Error, Truncated> {
    Ok(match r.u8()? {
        0 => Error::CertificateMalformed {
            certificate: r.str()?,
            detail: r.str()?,
        },
        1 => Error::MultiSignature {
            certificate: r.str()?,
            error: read_stm_error(r)?,
        },
        2 => Error::Internal { detail: r.str()? },
        _ => return Err(Truncated),
    })
}

fn write_stm_error(w: &mut ByteWriter, error: &StmError) {
    match error {
        StmError::Malformed { detail, .. } => {
            w.u8(0);
            w.str(detail);
        }
        StmError::InvalidPoint { what, entry } => {
            w.u8(1);
            w.u8(u8::from(*what == "signature"));
            w.u64(*entry as u64);
        }
        StmError::UnsupportedProof { signature_type } => {
            w.u8(2);
            w.u64(*signature_type);
        }
        StmError::InvalidParameters { detail } => {
            w.u8(3);
            w.str(detail);
        }
        StmError::IndexOutOfRange {
            signer_index,
            index,
            m,
        } => {
            w.u8(4);
            w.u64(*signer_index);
            w.u64(*index);
            w.u64(*m);
        }
        StmError::LotteryLost {
            signer_index,
            index,
        } => {
            w.u8(5);
            w.u64(*signer_index);
            w.u64(*index);
        }
        StmError::IndexNotUnique => w.u8(6),
        StmError::NotEnoughIndices { got, k } => {
            w.u8(7);
            w.u64(*got);
            w.u64(*k);
        }
        StmError::BatchPathInvalid => w.u8(8),
        StmError::SignatureInvalid => w.u8(9),
    }
}

fn read_stm_error(r: &mut ByteReader<'_>) -> Result<StmError, Truncated> {
    Ok(match r.u8()? {
        0 => StmError::Malformed {
            what: "aggregate signature",
            detail: r.str()?,
        },
        1 => StmError::InvalidPoint {
            what: if r.u8()? == 1 {
                "signature"
            } else {
                "verification key"
            },
            entry: usize::try_from(r.u64()?).map_err(|_| Truncated)?,
        },
        2 => StmError::UnsupportedProof {
            signature_type: r.u64()?,
        },
        3 => StmError::InvalidParameters { detail: r.str()? },
        4 => StmError::IndexOutOfRange {
            signer_index: r.u64()?,
            index: r.u64()?,
            m: r.u64()?,
        },
        5 => StmError::LotteryLost {
            signer_index: r.u64()?,
            index: r.u64()?,
        },
        6 => StmError::IndexNotUnique,
        7 => StmError::NotEnoughIndices {
            got: r.u64()?,
            k: r.u64()?,
        },
        8 => StmError::BatchPathInvalid,
        9 => StmError::SignatureInvalid,
        _ => return Err(Truncated),
    })
}

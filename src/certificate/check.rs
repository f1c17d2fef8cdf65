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

use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::codec::bytes::{ByteReader, ByteWriter, Truncated};
use crate::stm::aggregate_signature::{BatchPath, SignatureEntry};
use crate::stm::keys::{decode_entry_points, KnownPoints};
use crate::stm::verify::{refuse_hostile, verify_up_to_pairing};
use crate::stm::{self, AggregateSignature, AggregateVerificationKey, PairingEquation, ScalarSeed};
use crate::{Error, StmError};

const JOB_MAGIC: &[u8; 4] = b"MLJ1";
const OUTCOME_MAGIC: &[u8; 4] = b"MLO1";

const FLAG_POINTS_ONLY: u8 = 1;
const FLAG_DEFER_PAIRING: u8 = 2;
const FLAG_COLLECT_KEYS: u8 = 4;
const FLAG_COLLECT_SIGS: u8 = 8;
const FLAGS: u8 = FLAG_POINTS_ONLY | FLAG_DEFER_PAIRING | FLAG_COLLECT_KEYS | FLAG_COLLECT_SIGS;

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
    /// Report the signatures this check validated (a part of a split check).
    collect_sigs: bool,
    /// Points validated earlier, by entry, and the position of the first entry (a part of a
    /// split check covers a range of the certificate's entries).
    known: KnownPoints,
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
            collect_sigs: false,
            known: KnownPoints::default(),
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
        self.known.keys.iter().filter(|k| k.is_some()).count()
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
        self.known.keys = if known.iter().any(Option::is_some) {
            known
        } else {
            Vec::new()
        };
        self
    }

    /// Split the point decoding, most of a large certificate's cost, into up to `parts`
    /// points-only checks over consecutive ranges of its entries, for a host that wants one
    /// certificate checked on several workers (the warm path: one new certificate to check).
    /// Run them anywhere, then give their outcomes, in order, to
    /// [`MultiSignatureCheck::join_points`]. Fewer parts come back for small certificates
    /// (at least 4 entries a part: one part, the whole decoding, below 8 entries).
    pub fn split_points(&self, parts: usize) -> Vec<MultiSignatureCheck> {
        // Below a few entries a part costs more in messages than it saves.
        const MIN_ENTRIES_PER_PART: usize = 4;
        let entries = &self.signature.signatures;
        let parts = parts.clamp(1, (entries.len() / MIN_ENTRIES_PER_PART).max(1));
        let size = entries.len().div_ceil(parts).max(1);
        entries
            .chunks(size)
            .enumerate()
            .map(|(c, chunk)| {
                let start = c * size;
                let range = start..start + chunk.len();
                // A range with no known key gets the canonical empty list, as `from_bytes`
                // gives it: a part reads back as the same part.
                let keys = self
                    .known
                    .keys
                    .get(range)
                    .filter(|keys| keys.iter().any(Option::is_some))
                    .map(<[_]>::to_vec);
                MultiSignatureCheck {
                    certificate: self.certificate.clone(),
                    message: Vec::new(),
                    avk: self.avk.clone(),
                    params: self.params,
                    signature: AggregateSignature {
                        signatures: chunk.to_vec(),
                        batch_proof: BatchPath::default(),
                    },
                    points_only: true,
                    defer_pairing: false,
                    collect_keys: true,
                    collect_sigs: true,
                    known: KnownPoints {
                        offset: self.known.offset + start,
                        sigs: Vec::new(),
                        keys: keys.unwrap_or_default(),
                    },
                }
            })
            .collect()
    }

    /// Fold back the outcomes of [`MultiSignatureCheck::split_points`] (in the parts' order):
    /// either this check with every point known, which then costs only the lottery, the path
    /// and the aggregate, or, when a part failed, the outcome to complete the walk with (the
    /// first failing part's: the reference's first bad point).
    pub fn join_points(mut self, outcomes: Vec<CheckOutcome>) -> JoinedPoints {
        let n = self.signature.signatures.len();
        let mut sigs: Vec<Option<[u8; 96]>> = Vec::with_capacity(n);
        let mut keys: Vec<Option<[u8; 192]>> = Vec::with_capacity(n);
        for outcome in outcomes {
            if outcome.result.is_err() {
                return JoinedPoints::Failed(outcome);
            }
            sigs.extend(outcome.validated_sigs.into_iter().map(|(_, u)| Some(u)));
            keys.extend(outcome.validated_keys.into_iter().map(|(_, u)| Some(u)));
        }
        if sigs.len() != n || keys.len() != n {
            return JoinedPoints::Failed(CheckOutcome::failed(Error::Internal {
                detail: String::from("the parts of a split check do not cover its entries"),
            }));
        }
        // Each point is still compared with its entry's bytes when the check rebuilds it.
        self.known.sigs = sigs;
        self.known.keys = keys;
        JoinedPoints::Ready(self)
    }

    /// Run the check with the given scalar seed.
    pub fn run(&self, seed: &ScalarSeed) -> CheckOutcome {
        // A hostile aggregate gets its cheap refusals before its points are decoded (see
        // `stm::verify`); a points-only job (a part of a split check has no batch path) does not.
        if !self.points_only {
            if let Err(error) = refuse_hostile(&self.avk, &self.params, &self.signature) {
                return CheckOutcome::failed(self.stm_error(error));
            }
        }
        let points = match decode_entry_points(&self.signature.signatures, &self.known) {
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
        // Every key, known before or not: a split check's parts hand all theirs back.
        let validated_keys = if self.collect_keys {
            points
                .iter()
                .enumerate()
                .map(|(i, (_, vk))| {
                    let known = self.known.keys.get(i).copied().flatten();
                    (vk.to_bytes(), known.unwrap_or_else(|| vk.to_uncompressed()))
                })
                .collect()
        } else {
            Vec::new()
        };
        let validated_sigs = if self.collect_sigs {
            points
                .iter()
                .map(|(sig, _)| (sig.to_bytes(), sig.to_uncompressed()))
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
                Ok(equation) if self.defer_pairing => Ok(Some(Box::new(equation))),
                Ok(equation) if equation.holds() => Ok(None),
                Ok(_) => Err(self.stm_error(StmError::SignatureInvalid)),
                Err(error) => Err(self.stm_error(error)),
            }
        };
        CheckOutcome {
            result,
            validated_keys,
            validated_sigs,
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
            (self.collect_sigs, FLAG_COLLECT_SIGS),
        ] {
            if set {
                flags |= bit;
            }
        }
        w.u8(flags);
        w.u64(self.known.offset as u64);
        w.u32(self.signature.signatures.len() as u32);
        for (i, e) in self.signature.signatures.iter().enumerate() {
            w.raw(&e.sigma);
            w.u64s(&e.indexes);
            w.u64(e.signer_index);
            w.raw(&e.vk);
            w.u64(e.stake);
            let sig = self.known.sigs.get(i).and_then(Option::as_ref);
            let key = self.known.keys.get(i).and_then(Option::as_ref);
            w.u8(u8::from(sig.is_some()) | u8::from(key.is_some()) << 1);
            if let Some(sig) = sig {
                w.raw(sig);
            }
            if let Some(key) = key {
                w.raw(key);
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
        let offset = usize::try_from(r.u64()?).map_err(|_| Truncated)?;
        // Smallest entry: 48 + 4 + 8 + 96 + 8 + 1 bytes.
        let n = r.count(165)?;
        // Entry positions (`offset + i`) name entries in errors: they must not overflow.
        // Found by fuzz/fuzz_targets/check_job.rs.
        offset.checked_add(n).ok_or(Truncated)?;
        let mut signatures = Vec::with_capacity(n);
        let mut known = KnownPoints {
            offset,
            sigs: Vec::with_capacity(n),
            keys: Vec::with_capacity(n),
        };
        for _ in 0..n {
            let sigma = r.array()?;
            let indexes = r.u64s()?;
            let signer_index = r.u64()?;
            let vk = r.array()?;
            let stake = r.u64()?;
            let present = r.u8()?;
            if present > 3 {
                return Err(Truncated);
            }
            known.sigs.push(if present & 1 != 0 {
                Some(r.array()?)
            } else {
                None
            });
            known.keys.push(if present & 2 != 0 {
                Some(r.array()?)
            } else {
                None
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
        if !r.is_empty() || flags & !FLAGS != 0 {
            return Err(Truncated);
        }
        // The canonical form of "nothing known" is empty (jobs compare equal after a round trip).
        if !known.sigs.iter().any(Option::is_some) {
            known.sigs.clear();
        }
        if !known.keys.iter().any(Option::is_some) {
            known.keys.clear();
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
            collect_sigs: flags & FLAG_COLLECT_SIGS != 0,
            known,
        })
    }
}

/// What [`MultiSignatureCheck::join_points`] gives back.
#[derive(Debug, Clone)]
pub enum JoinedPoints {
    /// The check, every point known: run it (cheap now) and complete the walk with its outcome.
    Ready(MultiSignatureCheck),
    /// A part failed: complete the walk with this outcome.
    Failed(CheckOutcome),
}

/// What a [`MultiSignatureCheck`] found, for [`crate::chain::ChainWalk::complete`].
#[derive(Debug, Clone)]
pub struct CheckOutcome {
    /// `Ok(None)`: every check passed. `Ok(Some(_))`: every check passed but the pairing
    /// equation, which the walk checks (batched with others).
    pub(crate) result: Result<Option<Box<PairingEquation>>, Error>,
    /// Keys the check decompressed and subgroup-checked, compressed and uncompressed.
    pub(crate) validated_keys: Vec<([u8; 96], [u8; 192])>,
    /// Signatures likewise (the parts of a split check).
    pub(crate) validated_sigs: Vec<([u8; 48], [u8; 96])>,
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
            validated_sigs: Vec::new(),
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
        w.u32(self.validated_sigs.len() as u32);
        for (compressed, uncompressed) in &self.validated_sigs {
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
            1 => Ok(Some(Box::new(PairingEquation::read(&mut r)?))),
            2 => Err(read_error(&mut r)?),
            _ => return Err(Truncated),
        };
        let n = r.count(96 + 192)?;
        let validated_keys = (0..n)
            .map(|_| Ok((r.array()?, r.array()?)))
            .collect::<Result<Vec<_>, Truncated>>()?;
        let n = r.count(48 + 96)?;
        let validated_sigs = (0..n)
            .map(|_| Ok((r.array()?, r.array()?)))
            .collect::<Result<Vec<_>, Truncated>>()?;
        if !r.is_empty() {
            return Err(Truncated);
        }
        Ok(CheckOutcome {
            result,
            validated_keys,
            validated_sigs,
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
        StmError::LotteryBudgetExceeded {
            signer_index,
            index,
        } => {
            w.u8(10);
            w.u64(*signer_index);
            w.u64(*index);
        }
    }
}

fn read_stm_error(r: &mut ByteReader<'_>) -> Result<StmError, Truncated> {
    Ok(match r.u8()? {
        0 => StmError::Malformed {
            what: "aggregate signature",
            detail: r.str()?,
        },
        1 => StmError::InvalidPoint {
            // Only the two bytes `write_stm_error` writes: anything else does not read back.
            what: match r.u8()? {
                1 => "signature",
                0 => "verification key",
                _ => return Err(Truncated),
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
        10 => StmError::LotteryBudgetExceeded {
            signer_index: r.u64()?,
            index: r.u64()?,
        },
        _ => return Err(Truncated),
    })
}

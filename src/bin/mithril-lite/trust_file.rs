//! `--trust FILE`: trust checkpoints kept between runs, in the core's byte format
//! (`mithril_lite::chain::trust`, the same bytes the C ABI exports), so a later run stops at a
//! certificate an earlier run verified back to genesis.
//!
//! Read once at start; a file that does not decode (corrupted: version 2 has a checksum), or
//! that holds checkpoints of another genesis key, is never trusted: it costs a full walk and a
//! warning, not a wrong verdict. The core keeps the newest `DEFAULT_MAX_CHECKPOINTS`.
//! Written after each fully verified walk, atomically (a temporary file in the same directory,
//! then a rename), so a kill leaves either the old file or the new one. A file of another
//! genesis key is left as it is.
//!
//! A walk's progress is saved in the same file as it goes, as a pending segment (never trust:
//! `mithril_lite::chain::trust`), when the core says a save is due (`WalkConfig`'s
//! `pending_save_certificates` / `pending_save_millis`: every 8 certificates or 2 seconds); a run
//! killed mid-walk loses at most that much, and the next run resumes. (Ctrl-C kills the run
//! like any signal: the CLI installs no handler.)

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use mithril_lite::certificate::GenesisVerificationKey;
use mithril_lite::chain::{
    ChainWalk, CheckpointError, PendingSegment, TrustCheckpoints, VerifiedChain,
};

/// The checkpoints of one run and where they are kept.
pub struct TrustFile {
    path: PathBuf,
    checkpoints: TrustCheckpoints,
    /// False when the file holds another genesis key's checkpoints (never overwritten).
    writable: bool,
}

impl TrustFile {
    /// Read `path` (a missing file is an empty set).
    pub fn load(path: &Path, key: &GenesisVerificationKey) -> TrustFile {
        let empty = TrustCheckpoints::new(key);
        let (checkpoints, writable) = match fs::read(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (empty, true),
            Err(e) => {
                warn(
                    path,
                    &format!("cannot be read ({e}); starting without checkpoints"),
                );
                (empty, true)
            }
            Ok(bytes) => match TrustCheckpoints::load(&bytes, key) {
                Ok(c) => (c, true),
                Err(CheckpointError::GenesisKeyMismatch) => {
                    warn(
                        path,
                        "holds checkpoints of another genesis key: not used, and left as it is",
                    );
                    (empty, false)
                }
                Err(e) => {
                    warn(
                        path,
                        &format!("is not a trust file ({e}): not used, and replaced after a verified walk"),
                    );
                    (empty, true)
                }
            },
        };
        TrustFile {
            path: path.to_path_buf(),
            checkpoints,
            writable,
        }
    }

    /// The trusted certificates as (hash, epoch).
    pub fn entries(&self) -> impl Iterator<Item = (String, u64)> + '_ {
        self.checkpoints.entries().map(|(h, e)| (h.to_string(), e))
    }

    /// The pending segments of interrupted walks, for the next walk to resume over.
    pub fn pending(&self) -> &[PendingSegment] {
        self.checkpoints.pending_segments()
    }

    /// Save `walk`'s pending segment (its progress so far) in the file. Errors are the
    /// file's; the walk goes on without them.
    pub fn save_pending(&mut self, walk: &mut ChainWalk) -> Result<(), String> {
        if !self.writable {
            return Ok(());
        }
        walk.save_pending(&mut self.checkpoints)
            .map_err(|e| format!("{}: {e}", self.path.display()))?;
        self.save()
    }

    /// Trust a fully verified chain and save the file. Errors are the file's (exit status 2).
    pub fn add(
        &mut self,
        chain: &VerifiedChain,
        key: &GenesisVerificationKey,
    ) -> Result<(), String> {
        if !self.writable {
            return Ok(());
        }
        self.checkpoints
            .add_chain(chain, key)
            .map_err(|e| format!("{}: {e}", self.path.display()))?;
        self.save()
    }

    fn save(&self) -> Result<(), String> {
        let fail = |e: std::io::Error| format!("{}: {e}", self.path.display());
        let name = self
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "trust".into());
        let tmp = self
            .path
            .with_file_name(format!(".{name}.{}.tmp", std::process::id()));
        let mut file = fs::File::create(&tmp).map_err(fail)?;
        file.write_all(&self.checkpoints.encode()).map_err(fail)?;
        file.sync_all().map_err(fail)?;
        drop(file);
        fs::rename(&tmp, &self.path).map_err(|e| {
            let _ = fs::remove_file(&tmp);
            fail(e)
        })
    }
}

fn warn(path: &Path, what: &str) {
    eprintln!("warning: trust file {} {what}", path.display());
}

//! Proof and artifact bodies for the light-wallet subcommands: from an aggregator's routes
//! (the routes the npm package's `proofs.js` / `verifier.js` use) or from a directory laid out
//! like `tests/fixtures/devnet` (`ctx-proofs-v2.json` and the like: id -> exact body).
//!
//! Bodies stay bytes: the core reads them (block numbers and stakes exceed 2^53). This module
//! reads only what it needs to know where to go next: a list's newest hash, an artifact's
//! epoch (the certificate a body names is the core's `proofs::read_envelope`).

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use mithril_lite::certificate;
use mithril_lite::proofs::MAX_BODY_BYTES;
use serde_json::value::RawValue;
use serde_json::Value;

use crate::source::{FetchError, HttpSource};

/// Largest directory file of bodies read (it holds many bodies).
const MAX_DIR_FILE_BYTES: u64 = 1 << 30;

/// Where bodies come from.
pub enum Bodies {
    /// An aggregator; bodies are read up to one byte past the core's limit, so an oversized
    /// body is the core's verdict (`input_too_large`), not a transport error.
    Aggregator(HttpSource),
    Dir(PathBuf),
}

impl Bodies {
    /// An aggregator at `base` (no trailing slash).
    pub fn aggregator(base: &str) -> Bodies {
        Bodies::Aggregator(HttpSource::new(base, MAX_BODY_BYTES))
    }
}

/// GET one route's body. Any failure, a 404 included, is a fetch error (exit status 2): the
/// aggregator did not answer the question, which says nothing about what is certified.
pub fn get(http: &HttpSource, route: &str) -> Result<Vec<u8>, String> {
    http.get(route, MAX_BODY_BYTES as u64).map_err(|e| match e {
        FetchError::NotFound(m) | FetchError::Io(m) => m,
    })
}

/// A directory file of bodies: id (lower case) -> exact body text.
pub fn read_map(dir: &Path, file: &str) -> Result<BTreeMap<String, String>, String> {
    let text = read_file(&dir.join(file))?;
    let map: BTreeMap<String, Box<RawValue>> = serde_json::from_str(&text).map_err(|e| {
        format!(
            "{}: not a JSON object of bodies: {e}",
            dir.join(file).display()
        )
    })?;
    Ok(map
        .into_iter()
        .map(|(id, body)| (id.to_ascii_lowercase(), body.get().to_string()))
        .collect())
}

fn read_file(path: &Path) -> Result<String, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut text = String::new();
    file.take(MAX_DIR_FILE_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    if text.len() as u64 > MAX_DIR_FILE_BYTES {
        return Err(format!(
            "{}: larger than {MAX_DIR_FILE_BYTES} bytes",
            path.display()
        ));
    }
    Ok(text)
}

/// The newest artifact's hash: the first `hash` of a list (aggregators list newest first),
/// read by the core (`certificate::newest_hash`).
pub fn newest_hash(list: &[u8], what: &str) -> Result<String, String> {
    certificate::newest_hash(list).map_err(|fault| format!("{what}: {fault}"))
}

/// The newest hash of a directory's list file.
pub fn newest_in_dir(dir: &Path, file: &str) -> Result<String, String> {
    let path = dir.join(file);
    newest_hash(read_file(&path)?.as_bytes(), &path.display().to_string())
}

/// A top-level field of a body, when the body is a JSON object.
fn field(body: &[u8], name: &str) -> Option<Value> {
    let value: Value = serde_json::from_slice(body).ok()?;
    value.get(name).cloned()
}

/// A stake distribution body's `epoch`, when it has one.
pub fn epoch(body: &[u8]) -> Option<u64> {
    field(body, "epoch").and_then(|v| v.as_u64())
}

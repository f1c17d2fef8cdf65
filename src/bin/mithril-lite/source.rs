//! Certificate sources: a fixture-style directory or a live aggregator.

use std::cell::Cell;
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use mithril_lite::certificate::{newest_hash, MAX_LIST_BYTES};
use serde::de::{Deserializer as _, IgnoredAny, MapAccess, Visitor};

/// Why a certificate could not be had.
pub enum FetchError {
    /// The source answered that there is no such certificate: a broken chain.
    NotFound(String),
    /// The source itself failed (I/O, network, an HTTP error, bad listing). For a
    /// certificate the walk still gets it (`certificate_unavailable`, as every host reports a
    /// failed fetch), and the run exits 2.
    Io(String),
}

pub trait Source {
    /// The exact body of `/certificate/{hash}`.
    fn certificate(&mut self, hash: &str) -> Result<Vec<u8>, FetchError>;
}

/// `certificates.json` of a directory: hash -> exact certificate JSON text.
///
/// The file is not read into memory. Loading streams it once, keeping only where each
/// certificate's text lies; [`Source::certificate`] then reads one certificate's text, at most
/// the certificate limit plus one byte: an oversized certificate costs that much memory, not
/// its size, and the walk refuses it (`input_too_large`) as it refuses an oversized HTTP body.
pub struct DirSource {
    path: PathBuf,
    /// Hash -> (offset, length) of its text in the file.
    spans: HashMap<String, (u64, u64)>,
    /// Most bytes read for one certificate: the walk's limit plus one.
    read_cap: u64,
}

/// Longest key of `certificates.json` read (a certificate hash is 64 characters).
const MAX_KEY_BYTES: u64 = 4096;

impl DirSource {
    /// Index `dir/certificates.json`; certificates are later read up to `max_certificate_bytes
    /// + 1` bytes each.
    pub fn load(dir: &Path, max_certificate_bytes: u64) -> Result<DirSource, String> {
        let path = dir.join("certificates.json");
        let file = File::open(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let position = Rc::new(Position::default());
        let reader = Counting {
            inner: BufReader::new(file),
            position: Rc::clone(&position),
        };
        let mut de = serde_json::Deserializer::from_reader(reader);
        let spans = de
            .deserialize_map(SpanVisitor {
                position: &position,
            })
            .and_then(|spans| de.end().map(|()| spans))
            .map_err(|e| format!("{}: not a JSON object of certificates: {e}", path.display()))?;
        Ok(DirSource {
            path,
            spans,
            read_cap: max_certificate_bytes.saturating_add(1),
        })
    }

    /// The certificate hashes the file lists.
    pub fn hashes(&self) -> impl Iterator<Item = &String> {
        self.spans.keys()
    }

    fn read_span(&self, offset: u64, len: u64) -> std::io::Result<Vec<u8>> {
        let mut file = File::open(&self.path)?;
        file.seek(SeekFrom::Start(offset))?;
        let mut reader = BufReader::new(file).take(len);
        // The span starts after the key: skip the colon and the whitespace around it.
        let mut first = [0u8; 1];
        loop {
            if reader.read(&mut first)? == 0 {
                return Ok(Vec::new());
            }
            if !matches!(first[0], b':' | b' ' | b'\t' | b'\n' | b'\r') {
                break;
            }
        }
        let mut body = first.to_vec();
        reader.take(self.read_cap - 1).read_to_end(&mut body)?;
        // A number's end is only seen at the byte after it, which the span then holds.
        if matches!(body[0], b'-' | b'0'..=b'9') {
            while body.last().is_some_and(|b| !b.is_ascii_digit()) {
                body.pop();
            }
        }
        Ok(body)
    }
}

impl Source for DirSource {
    fn certificate(&mut self, hash: &str) -> Result<Vec<u8>, FetchError> {
        let &(offset, len) = self.spans.get(hash).ok_or_else(|| {
            FetchError::NotFound(format!(
                "certificate {hash:?} not found in certificates.json"
            ))
        })?;
        self.read_span(offset, len)
            .map_err(|e| FetchError::Io(format!("{}: {e}", self.path.display())))
    }
}

/// Bytes the JSON reader has taken from the file, and a bound on them while a key is read.
#[derive(Default)]
struct Position {
    read: Cell<u64>,
    limit: Cell<Option<u64>>,
}

/// A reader that counts what serde_json takes (one byte at a time: its reader does not
/// buffer), so the map's visitor knows where each value starts and ends.
struct Counting<R> {
    inner: R,
    position: Rc<Position>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let at = self.position.read.get();
        if self.position.limit.get().is_some_and(|limit| at >= limit) {
            return Err(std::io::Error::other("a key is longer than 4096 bytes"));
        }
        let n = self.inner.read(buf)?;
        self.position.read.set(at + n as u64);
        Ok(n)
    }
}

struct SpanVisitor<'p> {
    position: &'p Position,
}

impl<'de> Visitor<'de> for SpanVisitor<'_> {
    type Value = HashMap<String, (u64, u64)>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON object of certificates")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut spans = HashMap::new();
        loop {
            self.position
                .limit
                .set(Some(self.position.read.get() + MAX_KEY_BYTES));
            let key: Option<String> = map.next_key()?;
            self.position.limit.set(None);
            let Some(key) = key else { break };
            // From the end of the key (the colon is read with the value); the value is skipped
            // without being kept: no string of it is buffered, whatever its length.
            let start = self.position.read.get();
            map.next_value::<IgnoredAny>()?;
            let end = self.position.read.get();
            spans.insert(key, (start, end - start));
        }
        Ok(spans)
    }
}

/// A live aggregator over HTTP(S).
pub struct HttpSource {
    base: String,
    agent: ureq::Agent,
    max_bytes: u64,
}

impl HttpSource {
    pub fn new(base: &str, max_bytes: usize) -> HttpSource {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(std::time::Duration::from_secs(60)))
            .build()
            .new_agent();
        HttpSource {
            base: base.to_string(),
            agent,
            max_bytes: max_bytes as u64,
        }
    }

    pub fn get(&self, path: &str, limit: u64) -> Result<Vec<u8>, FetchError> {
        let url = format!("{}{path}", self.base);
        let mut response = self
            .agent
            .get(&url)
            .call()
            .map_err(|e| FetchError::Io(format!("GET {url}: {e}")))?;
        let status = response.status().as_u16();
        if status == 404 {
            return Err(FetchError::NotFound(format!("GET {url}: 404 Not Found")));
        }
        if status != 200 {
            return Err(FetchError::Io(format!("GET {url}: HTTP {status}")));
        }
        // Read at most one byte past the limit: an oversized certificate is then a verdict
        // (input_too_large) from the walk, not a transport error.
        let mut body = Vec::new();
        response
            .body_mut()
            .as_reader()
            .take(limit + 1)
            .read_to_end(&mut body)
            .map_err(|e| FetchError::Io(format!("GET {url}: {e}")))?;
        Ok(body)
    }

    /// Hash of the newest certificate (`GET /certificates` lists newest first), read by the
    /// core (`certificate::newest_hash`: size bound, format, a hash).
    pub fn latest_hash(&self) -> Result<String, String> {
        let body = self
            .get("/certificates", MAX_LIST_BYTES as u64)
            .map_err(|e| match e {
                FetchError::NotFound(m) | FetchError::Io(m) => m,
            })?;
        newest_hash(&body).map_err(|fault| format!("GET {}/certificates: {fault}", self.base))
    }
}

impl Source for HttpSource {
    fn certificate(&mut self, hash: &str) -> Result<Vec<u8>, FetchError> {
        if hash.is_empty() || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            // Never put arbitrary text from a certificate into a URL path.
            return Err(FetchError::NotFound(format!(
                "{hash:?} is not a certificate hash"
            )));
        }
        self.get(&format!("/certificate/{hash}"), self.max_bytes)
    }
}

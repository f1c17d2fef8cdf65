//! Certificate sources: a fixture-style directory or a live aggregator.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use serde_json::value::RawValue;

/// Why a certificate could not be had.
pub enum FetchError {
    /// The source answered that there is no such certificate: a broken chain.
    NotFound(String),
    /// The source itself failed (I/O, network, bad listing): not a verdict.
    Io(String),
}

pub trait Source {
    /// The exact body of `/certificate/{hash}`.
    fn certificate(&mut self, hash: &str) -> Result<Vec<u8>, FetchError>;
}

/// `certificates.json` of a directory: hash -> exact certificate JSON text.
pub struct DirSource {
    pub certificates: HashMap<String, String>,
}

impl DirSource {
    pub fn load(dir: &Path, max_file_bytes: u64) -> Result<DirSource, String> {
        let path = dir.join("certificates.json");
        let file = std::fs::File::open(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut text = String::new();
        file.take(max_file_bytes + 1)
            .read_to_string(&mut text)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        if text.len() as u64 > max_file_bytes {
            return Err(format!(
                "{}: larger than {max_file_bytes} bytes",
                path.display()
            ));
        }
        // Raw values keep each certificate's exact text: stakes exceed 2^53.
        let map: HashMap<String, Box<RawValue>> = serde_json::from_str(&text)
            .map_err(|e| format!("{}: not a JSON object of certificates: {e}", path.display()))?;
        Ok(DirSource {
            certificates: map
                .into_iter()
                .map(|(k, v)| (k, v.get().to_string()))
                .collect(),
        })
    }
}

impl Source for DirSource {
    fn certificate(&mut self, hash: &str) -> Result<Vec<u8>, FetchError> {
        self.certificates
            .get(hash)
            .map(|c| c.as_bytes().to_vec())
            .ok_or_else(|| {
                FetchError::NotFound(format!(
                    "certificate {hash:?} not found in certificates.json"
                ))
            })
    }
}

/// Largest `/certificates` listing read (it has no signatures, so it stays small).
const LISTING_LIMIT: u64 = 16 * 1024 * 1024;

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

    /// Hash of the newest certificate (`GET /certificates` lists newest first).
    pub fn latest_hash(&self) -> Result<String, String> {
        let body = self
            .get("/certificates", LISTING_LIMIT)
            .map_err(|e| match e {
                FetchError::NotFound(m) | FetchError::Io(m) => m,
            })?;
        #[derive(serde::Deserialize)]
        struct Item {
            hash: String,
        }
        let list: Vec<Item> = serde_json::from_slice(&body)
            .map_err(|e| format!("GET {}/certificates: unexpected body: {e}", self.base))?;
        list.into_iter()
            .next()
            .map(|i| i.hash)
            .ok_or_else(|| "the aggregator lists no certificate".to_string())
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

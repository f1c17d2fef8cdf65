//! The aggregator's lists (`/certificates`, `/artifact/...s`, newest first): where a host that
//! is asked for "the newest certificate" (or artifact) starts.
//!
//! Only the `hash` of each entry is read; a list is not certified by anything, so what it says
//! matters only as the hash a host asks for next (and then verifies). Read once here, by serde,
//! for every host (the CLI, the npm package through the wasm): the size bound, the format, and
//! that the newest entry's hash is a hash (it goes into a URL path next).

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use serde::Deserialize;

/// Largest list body read (16 MiB): aggregators list a few dozen certificates.
pub const MAX_LIST_BYTES: usize = 16 << 20;

#[derive(Deserialize)]
struct ListEntry {
    hash: String,
}

/// The `hash` of every entry of a certificate list body, in list order (newest first), or
/// `None` when the body is larger than [`MAX_LIST_BYTES`] or is not a JSON array of objects
/// with a `hash` string.
pub fn list_hashes(body: &[u8]) -> Option<Vec<String>> {
    if body.len() > MAX_LIST_BYTES {
        return None;
    }
    let entries: Vec<ListEntry> = serde_json::from_slice(body).ok()?;
    Some(entries.into_iter().map(|e| e.hash).collect())
}

/// Why a list names no newest hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListFault {
    /// Larger than [`MAX_LIST_BYTES`].
    TooLarge,
    /// Not a JSON array of objects with a `hash` string.
    Malformed,
    /// An empty array: nothing is listed yet.
    Empty,
    /// The newest entry's `hash` is not 64 hex digits.
    NotAHash,
}

impl fmt::Display for ListFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ListFault::TooLarge => write!(f, "larger than {MAX_LIST_BYTES} bytes"),
            ListFault::Malformed => {
                f.write_str("not a JSON array of entries with a \"hash\" string")
            }
            ListFault::Empty => f.write_str("the list is empty"),
            ListFault::NotAHash => f.write_str("the newest entry's hash is not 64 hex digits"),
        }
    }
}

/// The newest entry's hash of a list body (its first entry), checked to be 64 hex digits.
pub fn newest_hash(body: &[u8]) -> Result<String, ListFault> {
    if body.len() > MAX_LIST_BYTES {
        return Err(ListFault::TooLarge);
    }
    let hashes = list_hashes(body).ok_or(ListFault::Malformed)?;
    let newest = hashes.into_iter().next().ok_or(ListFault::Empty)?;
    if newest.len() != 64 || !newest.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(ListFault::NotAHash);
    }
    Ok(newest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_hash_is_the_first_and_a_hash() {
        let h = "ab".repeat(32);
        let list = alloc::format!(r#"[{{"hash":"{h}"}},{{"hash":"x"}}]"#);
        assert_eq!(newest_hash(list.as_bytes()), Ok(h.clone()));
        assert_eq!(newest_hash(b"[]"), Err(ListFault::Empty));
        assert_eq!(newest_hash(b"{}"), Err(ListFault::Malformed));
        for bad in [
            "",
            "ab",
            &"g".repeat(64),
            &"a".repeat(65),
            "../certificates",
        ] {
            let list = alloc::format!(r#"[{{"hash":"{bad}"}}]"#);
            assert_eq!(
                newest_hash(list.as_bytes()),
                Err(ListFault::NotAHash),
                "{bad}"
            );
        }
        let mut big = alloc::vec![b' '; MAX_LIST_BYTES + 1];
        big[0] = b'[';
        assert_eq!(newest_hash(&big), Err(ListFault::TooLarge));
        assert!(!ListFault::NotAHash.to_string().is_empty());
    }

    #[test]
    fn reads_the_hashes_and_refuses_other_documents() {
        let list = br#"[{"hash":"ab","epoch":18446744073709551615},{"x":[1],"hash":"cd"}]"#;
        assert_eq!(
            list_hashes(list),
            Some(alloc::vec!["ab".into(), "cd".into()])
        );
        assert_eq!(list_hashes(b" [ ] "), Some(Vec::new()));
        for body in [
            &b"{}"[..],
            b"[{}]",
            b"[{\"hash\":1}]",
            b"[1]",
            b"[{\"hash\":\"ab\",\"hash\":\"cd\"}]",
            b"[] x",
        ] {
            assert_eq!(list_hashes(body), None, "{}", String::from_utf8_lossy(body));
        }
    }
}

//! The aggregator's certificate list (`/certificates`, newest first): where a host that is
//! asked for "the newest certificate" starts its walk.
//!
//! Only the `hash` of each entry is read; the list is not certified by anything, so what it
//! says matters only as the hash a walk starts from (the walk then verifies that certificate).
//! Read once here, by serde, for every host (the CLI, the npm package through the wasm).

use alloc::string::String;
use alloc::vec::Vec;

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

#[cfg(test)]
mod tests {
    use super::*;

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

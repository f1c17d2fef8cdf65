//! The genesis verification key and the Ed25519 signature of genesis certificates.

use alloc::string::String;
use core::fmt;

use ed25519_dalek::{Signature, VerifyingKey};
use serde::de::{Deserialize, Deserializer, Error as _, SeqAccess, Visitor};

use crate::codec::byte_array::ByteArray;
use crate::codec::hex;
use crate::Error;

/// The Ed25519 key that signs a network's genesis certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenesisVerificationKey(VerifyingKey);

/// A key file's JSON, read as ed25519-dalek's `VerifyingKey` reads itself: serde's bytes (in
/// JSON, a string's raw bytes) or a sequence of at least 32 integers, where more integers are
/// refused but the first element that is not a byte ends the count (serde_json then requires
/// the closing `]`). Whether the 32 bytes are a point is checked afterwards.
struct WireVerifyingKey([u8; 32]);

impl<'de> Deserialize<'de> for WireVerifyingKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = WireVerifyingKey;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an ed25519 verifying key")
            }

            fn visit_bytes<E: serde::de::Error>(self, bytes: &[u8]) -> Result<Self::Value, E> {
                bytes
                    .try_into()
                    .map(WireVerifyingKey)
                    .map_err(|_| E::invalid_length(bytes.len(), &"32 bytes"))
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut key = [0u8; 32];
                for (i, byte) in key.iter_mut().enumerate() {
                    *byte = seq
                        .next_element()?
                        .ok_or_else(|| A::Error::invalid_length(i, &"32 bytes"))?;
                }
                let mut more = 0;
                while let Ok(Some(_)) = seq.next_element::<u8>() {
                    more += 1;
                }
                if more > 0 {
                    return Err(A::Error::invalid_length(32 + more, &"32 bytes"));
                }
                Ok(WireVerifyingKey(key))
            }
        }
        deserializer.deserialize_bytes(KeyVisitor)
    }
}

impl GenesisVerificationKey {
    /// Decode a key file's content: JSON-hex (hex of the JSON array of the 32 key bytes, the
    /// `genesis.vkey` format) or the raw 32 bytes as 64 hex characters. Whitespace is trimmed.
    pub fn decode(text: &str) -> Result<Self, Error> {
        let text = text.trim();
        let bad = |detail: &str| Error::InvalidGenesisKey {
            detail: detail.into(),
        };
        let bytes: [u8; 32] = if text.len() == 64 {
            hex::decode_array(text.as_bytes()).ok_or_else(|| bad("64 characters but not hex"))?
        } else if text.starts_with('0') {
            return Err(bad(
                "dual (Ed25519 + Schnorr) genesis key bundles are not supported",
            ));
        } else {
            let json = hex::decode(text.as_bytes()).ok_or_else(|| bad("not hex"))?;
            serde_json::from_slice::<WireVerifyingKey>(&json)
                .map_err(|_| bad("not the JSON-hex of 32 bytes"))?
                .0
        };
        VerifyingKey::from_bytes(&bytes)
            .map(GenesisVerificationKey)
            .map_err(|_| bad("not a valid Ed25519 point"))
    }

    /// The raw key bytes.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    /// The raw key as hex.
    pub fn to_hex(&self) -> String {
        hex::encode(&self.to_bytes())
    }

    /// Strict Ed25519 verification (no small-order keys or malleable signatures), as the
    /// reference's `verify_strict`.
    pub fn verify(&self, message: &[u8], signature: &[u8; 64]) -> bool {
        self.0
            .verify_strict(message, &Signature::from_bytes(signature))
            .is_ok()
    }
}

/// Decode a genesis signature: bytes-hex of the 64 bytes (the text as it is: the reference
/// does not trim it), falling back to JSON-hex (trimmed, as the reference trims JSON-hex).
pub fn decode_signature(text: &str) -> Option<[u8; 64]> {
    if let Some(raw) = hex::decode(text.as_bytes()).filter(|raw| raw.len() == 64) {
        let mut sig = [0u8; 64];
        sig.copy_from_slice(&raw);
        return Some(sig);
    }
    let raw = hex::decode(text.trim().as_bytes())?;
    // ed25519's `Signature` reads a tuple of exactly 64 bytes.
    serde_json::from_slice::<ByteArray<64>>(&raw)
        .ok()
        .map(|s| s.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEVNET_JSON_HEX: &str = "5b33322c3235332c3138362c3230312c3137372c31312c3131372c3133352c3138372c3136372c3138312c3138382c32322c35392c3230362c3130352c3233312c3135302c3231352c33302c37382c3231322c37362c31362c3235322c3138302c37322c3133342c3133372c3234372c3136312c36385d";

    #[test]
    fn decodes_json_hex_and_raw_hex_alike() {
        let k = GenesisVerificationKey::decode(DEVNET_JSON_HEX).unwrap();
        let raw = k.to_hex();
        assert_eq!(GenesisVerificationKey::decode(&raw).unwrap(), k);
        assert_eq!(
            GenesisVerificationKey::decode(&alloc::format!(" {raw}\n")).unwrap(),
            k
        );
        // Mainnet's raw key decodes too.
        GenesisVerificationKey::decode(
            "bf428cb98a0bedcffa901b02bc1e0c519bcc0ab34b178ac4d9050e14394f27b0",
        )
        .unwrap();
        assert!(GenesisVerificationKey::decode("zz").is_err());
        assert!(GenesisVerificationKey::decode("5b315d").is_err());
    }

    #[test]
    fn key_json_reads_as_ed25519_dalek_reads_it() {
        let read = |json: &str| serde_json::from_str::<WireVerifyingKey>(json).map(|k| k.0);
        let bytes: alloc::vec::Vec<String> = (1..=32).map(|b: u8| alloc::format!("{b}")).collect();
        let list = bytes.join(",");
        let mut expected = [0u8; 32];
        for (i, b) in expected.iter_mut().enumerate() {
            *b = i as u8 + 1;
        }
        assert_eq!(read(&alloc::format!("[{list}]")).unwrap(), expected);
        // More bytes are refused; an element that is not a byte ends the count, and serde_json
        // then only asks for the closing bracket.
        assert!(read(&alloc::format!("[{list},1]")).is_err());
        assert_eq!(read(&alloc::format!("[{list},256]")).unwrap(), expected);
        assert_eq!(read(&alloc::format!("[{list},\"x\"]")).unwrap(), expected);
        assert!(read(&alloc::format!("[{list},256,1]")).is_err());
        assert!(read(&alloc::format!("[{list},[]]")).is_err());
        assert!(read(&alloc::format!("[{}]", bytes[..31].join(","))).is_err());
        // serde's bytes in JSON: a string's own bytes.
        assert_eq!(
            read("\"abcdefghijklmnopqrstuvwxyz012345\"").unwrap(),
            *b"abcdefghijklmnopqrstuvwxyz012345"
        );
        assert!(read("\"abc\"").is_err());
    }
}

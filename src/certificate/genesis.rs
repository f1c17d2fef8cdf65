//! The genesis verification key and the Ed25519 signature of genesis certificates.

use alloc::string::String;
use ed25519_dalek::{Signature, VerifyingKey};

use crate::codec::hex;
use crate::codec::json::JsonReader;
use crate::Error;

/// The Ed25519 key that signs a network's genesis certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenesisVerificationKey(VerifyingKey);

fn json_byte_array<const N: usize>(json: &[u8]) -> Option<[u8; N]> {
    JsonReader::parse(json, |r| r.byte_array()).ok()
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
            json_byte_array(&json).ok_or_else(|| bad("not the JSON-hex of 32 bytes"))?
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

/// Decode a genesis signature: bytes-hex of the 64 bytes, falling back to JSON-hex.
pub fn decode_signature(text: &str) -> Option<[u8; 64]> {
    let raw = hex::decode(text.trim().as_bytes())?;
    if raw.len() == 64 {
        let mut sig = [0u8; 64];
        sig.copy_from_slice(&raw);
        return Some(sig);
    }
    json_byte_array(&raw)
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
}

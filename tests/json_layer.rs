//! The core's JSON reader accepts and refuses exactly what serde_json with derived
//! `Deserialize` accepted for the certificate layout (the types the core used before it read
//! JSON itself, mirrored here): random edits of real certificates and hand-made layouts
//! (arrays for structs, duplicate and unknown fields, escapes, numbers) get the same verdict.
//! Only the JSON layer is compared: an error other than `invalid_json` means the document
//! parsed (a later check refused its content).

use std::collections::BTreeMap;

use mithril_lite::certificate::Certificate;
use mithril_lite::codec::CodecError;
use mithril_lite::Error;
use serde::de::{Deserializer, Error as _};
use serde::Deserialize;

/// The reference's `SignedEntityTypeMessage` reading: untagged (the whole value buffered), a
/// known type, a discontinued one, or anything else (refused later, for standard certificates
/// only: not the JSON layer's business).
#[allow(dead_code)]
#[derive(Deserialize)]
#[serde(untagged)]
enum SignedEntityTypeMessage {
    Known(SignedEntityType),
    Discontinued(Discontinued),
    Unknown(serde::de::IgnoredAny),
}

#[allow(dead_code)]
#[derive(Deserialize)]
enum Discontinued {
    CardanoImmutableFilesFull(serde::de::IgnoredAny),
}

#[allow(dead_code)]
#[derive(Deserialize)]
enum SignedEntityType {
    MithrilStakeDistribution(u64),
    CardanoStakeDistribution(u64),
    CardanoImmutableFilesFull {
        epoch: u64,
        immutable_file_number: u64,
    },
    CardanoDatabase {
        epoch: u64,
        immutable_file_number: u64,
    },
    CardanoTransactions(u64, u64),
    CardanoBlocksTransactions(u64, u64, u64),
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct Parameters {
    m: u64,
    k: u64,
    phi_f: f64,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct StakeParty {
    party_id: String,
    stake: u64,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct Metadata {
    network: String,
    version: String,
    parameters: Parameters,
    initiated_at: String,
    sealed_at: String,
    signers: Vec<StakeParty>,
}

const PART_KEYS: [&str; 12] = [
    "snapshot_digest",
    "cardano_transactions_merkle_root",
    "cardano_blocks_transactions_merkle_root",
    "next_aggregate_verification_key",
    "next_protocol_parameters",
    "current_epoch",
    "latest_block_number",
    "cardano_blocks_transactions_block_number_offset",
    "cardano_stake_distribution_epoch",
    "cardano_stake_distribution_merkle_root",
    "cardano_database_merkle_root",
    "next_aggregate_verification_key_snark",
];

fn parts<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, String>, D::Error> {
    // A map (object only), known keys only, the last of repeated keys wins.
    struct V;
    impl<'de> serde::de::Visitor<'de> for V {
        type Value = BTreeMap<String, String>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("parts")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut m: A,
        ) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some((k, v)) = m.next_entry::<String, String>()? {
                if !PART_KEYS.contains(&k.as_str()) {
                    return Err(A::Error::custom("unknown part"));
                }
                out.insert(k, v);
            }
            Ok(out)
        }
    }
    d.deserialize_map(V)
}

fn scheme<'de, D: Deserializer<'de>>(d: D) -> Result<u8, D::Error> {
    match String::deserialize(d)?.as_str() {
        "legacy" => Ok(0),
        "rigid" => Ok(1),
        _ => Err(D::Error::custom("unknown scheme")),
    }
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct ProtocolMessage {
    #[serde(deserialize_with = "parts")]
    message_parts: BTreeMap<String, String>,
    #[serde(default, deserialize_with = "scheme")]
    hash_scheme: u8,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct WireCertificate {
    hash: String,
    previous_hash: String,
    epoch: u64,
    signed_entity_type: SignedEntityTypeMessage,
    metadata: Metadata,
    protocol_message: ProtocolMessage,
    signed_message: String,
    aggregate_verification_key: String,
    #[serde(default)]
    ancillary_prover_data: Option<String>,
    #[serde(default)]
    ancillary_verifier_data: Option<String>,
    multi_signature: String,
    genesis_signature: String,
}

/// Whether each side's JSON layer accepts `doc`.
fn verdicts(doc: &[u8]) -> (bool, bool) {
    let serde_ok = serde_json::from_slice::<WireCertificate>(doc).is_ok();
    let core_ok = !matches!(
        Certificate::from_json(doc),
        Err(Error::Codec {
            error: CodecError::InvalidJson { .. }
        })
    );
    (serde_ok, core_ok)
}

fn certificates() -> Vec<String> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/devnet/certificates.json"
    );
    let map: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    map.values().map(|v| v.to_string()).collect()
}

/// xorshift64*: deterministic, dependency-free.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const PIECES: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"",
    "\\",
    "\\u",
    "\\uD83D",
    "\\uDE00",
    "0",
    "1",
    "-",
    ".",
    "e",
    "E",
    "+",
    "null",
    "true",
    " ",
    "\n",
    "\t",
    "\u{1}",
    "é",
    "01",
    "1.5",
    "-0",
    "1e2",
    "18446744073709551616",
    "18446744073709551615",
    "\"x\":1,",
    "\"hash\":\"a\",",
    "[]",
    "{}",
];

fn mutate(rng: &mut Rng, doc: &str) -> Vec<u8> {
    let mut b = doc.as_bytes().to_vec();
    for _ in 0..1 + rng.below(3) {
        if b.is_empty() {
            break;
        }
        let i = rng.below(b.len());
        match rng.below(4) {
            0 => {
                b.remove(i);
            }
            1 => {
                let piece = PIECES[rng.below(PIECES.len())];
                b.splice(i..i, piece.bytes());
            }
            2 => {
                let piece = PIECES[rng.below(PIECES.len())];
                let end = (i + 1 + rng.below(3)).min(b.len());
                b.splice(i..end, piece.bytes());
            }
            _ => b[i] = (rng.next() & 0x7f) as u8,
        }
    }
    b
}

#[test]
fn random_edits_get_the_same_verdict() {
    let certs = certificates();
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let mut accepted = 0;
    let cases = std::env::var("MITHRIL_LITE_DIFF_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000usize);
    for case in 0..cases {
        let doc = &certs[rng.below(certs.len())];
        let edited = mutate(&mut rng, doc);
        let (serde_ok, core_ok) = verdicts(&edited);
        assert_eq!(
            serde_ok,
            core_ok,
            "case {case}: serde_json {serde_ok}, core {core_ok}: {}",
            String::from_utf8_lossy(&edited)
        );
        accepted += usize::from(serde_ok);
    }
    // Some edits stay valid (whitespace, string contents, unknown keys): both sides saw them.
    assert!(accepted > cases / 50, "{accepted} of {cases} accepted");
}

#[test]
fn layouts_get_the_same_verdict() {
    let cert: serde_json::Value = serde_json::from_str(&certificates()[0]).unwrap();
    let mut docs: Vec<String> = Vec::new();
    let with = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut c = cert.clone();
        f(&mut c);
        c.to_string()
    };
    // Structs as arrays of their fields, in order.
    let fields = [
        "hash",
        "previous_hash",
        "epoch",
        "signed_entity_type",
        "metadata",
        "protocol_message",
        "signed_message",
        "aggregate_verification_key",
        "ancillary_prover_data",
        "ancillary_verifier_data",
        "multi_signature",
        "genesis_signature",
    ];
    let as_array = |c: &serde_json::Value, n: usize| {
        serde_json::Value::Array(
            fields[..n]
                .iter()
                .map(|f| c.get(*f).cloned().unwrap_or_default())
                .collect(),
        )
    };
    docs.push(as_array(&cert, 12).to_string());
    docs.push(as_array(&cert, 11).to_string());
    docs.push(with(&|c| {
        let m = c["metadata"].clone();
        c["metadata"] = serde_json::json!([
            m["network"],
            m["version"],
            [
                m["parameters"]["m"],
                m["parameters"]["k"],
                m["parameters"]["phi_f"]
            ],
            m["initiated_at"],
            m["sealed_at"],
            m["signers"]
        ]);
    }));
    docs.push(with(&|c| {
        c["protocol_message"] = serde_json::json!([c["protocol_message"]["message_parts"]])
    }));
    docs.push(with(&|c| {
        c["protocol_message"] = serde_json::json!([c["protocol_message"]["message_parts"], "rigid"])
    }));
    docs.push(with(&|c| {
        c["protocol_message"] = serde_json::json!([c["protocol_message"]["message_parts"], null])
    }));
    docs.push(with(&|c| {
        c["protocol_message"]["hash_scheme"] = serde_json::json!("legacy")
    }));
    docs.push(with(&|c| {
        c["protocol_message"]["hash_scheme"] = serde_json::json!(null)
    }));
    docs.push(with(&|c| {
        c["ancillary_prover_data"] = serde_json::json!(null)
    }));
    docs.push(with(&|c| {
        c["ancillary_prover_data"] = serde_json::json!("00")
    }));
    docs.push(with(&|c| c["ancillary_prover_data"] = serde_json::json!(1)));
    docs.push(with(&|c| {
        c["extra"] = serde_json::json!({"a": [1, {"b": null}], "c": -1.5e300})
    }));
    docs.push(with(&|c| c["epoch"] = serde_json::json!(-1)));
    docs.push(with(&|c| c["epoch"] = serde_json::json!(1.0)));
    docs.push(with(&|c| c["epoch"] = serde_json::json!(u64::MAX)));
    docs.push(with(&|c| {
        c["metadata"]["parameters"]["phi_f"] = serde_json::json!(1)
    }));
    docs.push(with(&|c| {
        c["metadata"]["parameters"]["phi_f"] = serde_json::json!(-1)
    }));
    docs.push(with(&|c| {
        c["metadata"]["parameters"]["phi_f"] = serde_json::json!("0.2")
    }));
    docs.push(with(&|c| {
        c["signed_entity_type"] = serde_json::json!({"CardanoDatabase": [1, 2]})
    }));
    docs.push(with(&|c| {
        c["signed_entity_type"] = serde_json::json!({"CardanoTransactions": [1]})
    }));
    docs.push(with(&|c| {
        c["signed_entity_type"] = serde_json::json!("CardanoTransactions")
    }));
    docs.push(with(&|c| {
        c["metadata"]["signers"] = serde_json::json!([["pool", 1]])
    }));
    let text = cert.to_string();
    // Duplicate fields, at each level; the protocol message's parts may repeat.
    docs.push(text.replacen("{\"hash\"", "{\"hash\":\"x\",\"hash\"", 1));
    docs.push(text.replacen("\"network\"", "\"network\":\"x\",\"network\"", 1));
    docs.push(text.replacen(
        "\"current_epoch\"",
        "\"current_epoch\":\"x\",\"current_epoch\"",
        1,
    ));
    docs.push(text.replacen(
        "\"current_epoch\"",
        "\"surprise\":\"x\",\"current_epoch\"",
        1,
    ));
    docs.push(text.replacen("\"network\"", "\"netw\\u006frk\"", 1));
    docs.push(text.replacen("\"network\"", "\"x\":\"\\uDE00\",\"network\"", 1));
    docs.push(text.replacen("\"network\"", "\"\\uDE00\":1,\"network\"", 1));
    docs.push(text.replacen("{\"hash\"", "{\"x\":\"\\q\",\"hash\"", 1));
    docs.push(text.clone() + " ");
    docs.push(text.clone() + "x");
    docs.push(format!(" \n{text}\t"));
    let deep = "[".repeat(200) + &"]".repeat(200);
    docs.push(text.replacen("{\"hash\"", &format!("{{\"x\":{deep},\"hash\""), 1));
    for doc in &docs {
        let (serde_ok, core_ok) = verdicts(doc.as_bytes());
        assert_eq!(
            serde_ok, core_ok,
            "serde_json {serde_ok}, core {core_ok}: {doc}"
        );
    }
}

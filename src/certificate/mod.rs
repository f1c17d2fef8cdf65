//! Mithril certificates as aggregators serve them (`/certificate/{hash}`): parsing, the
//! component hashes (parameters, metadata, protocol message, certificate), the per-certificate
//! integrity checks and the genesis Ed25519 signature; and the certificate list
//! (`/certificates`) a walk of the newest certificate starts from.

pub mod check;
pub mod genesis;
pub mod hashing;
pub mod integrity;
pub mod list;
pub mod metadata;
pub mod model;
pub mod protocol_message;
pub mod signed_entity;

#[cfg(feature = "std")]
pub use check::run_check_job;
pub use check::{decode_check_outcome, CheckOutcome, JoinedPoints, MultiSignatureCheck};
pub use genesis::GenesisVerificationKey;
pub use list::{list_hashes, newest_hash, ListFault, MAX_LIST_BYTES};
pub use metadata::{Metadata, ProtocolParameters};
pub use model::{Certificate, CertificateSignature};
pub use protocol_message::{PartKey, ProtocolMessage};
pub use signed_entity::SignedEntityType;

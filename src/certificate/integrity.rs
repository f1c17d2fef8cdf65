//! Checks of a single certificate on its own (no neighbour needed), one function per rule of
//! the reference's `verify_standard_certificate_integrity` / `verify_genesis_certificate`.
//! The STM check is [`super::MultiSignatureCheck`].

use alloc::string::{String, ToString};

use super::genesis::GenesisVerificationKey;
use super::model::{Certificate, CertificateSignature};
use super::protocol_message::{HashScheme, PartKey};
use crate::Error;

impl Certificate {
    /// A certificate must not name itself as its predecessor.
    pub fn check_not_self_linked(&self) -> Result<(), Error> {
        if self.hash == self.previous_hash {
            return Err(Error::ChainInfiniteLoop {
                certificate: self.hash.clone(),
            });
        }
        Ok(())
    }

    /// The recomputed hash must equal the announced one.
    pub fn check_hash(&self) -> Result<(), Error> {
        self.check_hash_scheme()?;
        let computed = self.compute_hash();
        if computed != self.hash {
            return Err(Error::CertificateHashMismatch {
                certificate: self.hash.clone(),
                computed,
            });
        }
        Ok(())
    }

    fn check_hash_scheme(&self) -> Result<(), Error> {
        match self.protocol_message.hash_scheme {
            HashScheme::Legacy => Ok(()),
            HashScheme::Rigid => Err(Error::UnsupportedHashScheme {
                certificate: self.hash.clone(),
                scheme: String::from("rigid"),
            }),
        }
    }

    /// The protocol message must hash to `signed_message`.
    pub fn check_protocol_message(&self) -> Result<(), Error> {
        self.check_hash_scheme()?;
        let computed = self.protocol_message.hash();
        if computed != self.signed_message {
            return Err(Error::ProtocolMessageMismatch {
                certificate: self.hash.clone(),
                computed,
                signed_message: self.signed_message.clone(),
            });
        }
        Ok(())
    }

    /// The signed `current_epoch` part must be the certificate's epoch in decimal.
    pub fn check_epoch_part(&self) -> Result<(), Error> {
        let signed = self.protocol_message.get(PartKey::CurrentEpoch);
        if signed == Some(self.epoch.to_string().as_str()) {
            return Ok(());
        }
        Err(Error::EpochMismatch {
            certificate: self.hash.clone(),
            epoch: self.epoch,
            signed_epoch: signed.map(String::from),
        })
    }

    /// The genesis signature must verify (Ed25519, strict) on the ASCII `signed_message`.
    pub fn check_genesis_signature(&self, key: &GenesisVerificationKey) -> Result<(), Error> {
        match &self.signature {
            CertificateSignature::Genesis(sig)
                if key.verify(self.signed_message.as_bytes(), sig) =>
            {
                Ok(())
            }
            _ => Err(Error::GenesisSignatureInvalid {
                certificate: self.hash.clone(),
            }),
        }
    }
}

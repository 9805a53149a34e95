//! The signed envelope: `{"signed": base64(payload), "signatures": [{"keyid", "sig"}]}`.
//!
//! The payload is carried as base64 of its exact bytes, so the signature covers bytes,
//! not a re-serialisation; no canonical JSON is needed.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use serde::{Deserialize, Serialize};

use super::TrustError;

/// A signed metadata file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Envelope {
    /// The payload bytes, base64 (standard alphabet, padded).
    pub signed: String,
    /// One signature per key.
    pub signatures: Vec<Signature>,
}

/// One ed25519 signature over the payload bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signature {
    /// Lower-case hex SHA-256 of the 32-byte public key.
    pub keyid: String,
    /// The 64-byte signature, base64.
    pub sig: String,
}

impl Envelope {
    /// Wraps payload bytes (signatures are added by the publisher).
    pub fn new(payload: &[u8]) -> Envelope {
        Envelope {
            signed: B64.encode(payload),
            signatures: Vec::new(),
        }
    }

    /// Parses an envelope file.
    pub fn parse(bytes: &[u8], role: &'static str) -> Result<Envelope, TrustError> {
        serde_json::from_slice(bytes).map_err(|e| TrustError::malformed(role, e))
    }

    /// The payload bytes.
    pub fn payload(&self, role: &'static str) -> Result<Vec<u8>, TrustError> {
        B64.decode(&self.signed)
            .map_err(|e| TrustError::malformed(role, format_args!("payload: {e}")))
    }

    /// The file bytes, pretty-printed for people who read sites.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = serde_json::to_vec_pretty(self).unwrap_or_default();
        out.push(b'\n');
        out
    }

    pub(crate) fn signature_bytes(sig: &Signature) -> Option<[u8; 64]> {
        B64.decode(&sig.sig).ok()?.try_into().ok()
    }

    /// Encodes a raw signature for [`Signature::sig`].
    pub fn encode_signature(bytes: &[u8; 64]) -> String {
        B64.encode(bytes)
    }
}

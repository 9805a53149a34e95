//! The client's checks, in TUF's order: root rotation, timestamp, manifest. Each function
//! takes the trusted state and a candidate file, and returns the verified payload or the
//! attack it detected. Nothing here touches the network, the disk or the clock: `now` is
//! the update's fixed start time, already protected against a clock stepped backwards.

use std::collections::BTreeSet;

use ed25519_dalek::{Signature as Ed25519Signature, VerifyingKey};
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use super::envelope::Envelope;
use super::metadata::{check_path, Manifest, Role, Root, Timestamp};
use super::TrustError;

/// What the client trusts between updates (persisted by the engine).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedState {
    /// The newest verified root.
    pub root: Root,
    /// The highest timestamp version seen.
    pub timestamp_version: Option<u64>,
    /// The highest manifest version seen.
    pub manifest_version: Option<u64>,
}

/// Parses a root and checks that it is internally consistent and signed by a threshold
/// of its own root keys: how a pinned root is loaded.
pub fn verify_pinned_root(bytes: &[u8]) -> Result<Root, TrustError> {
    let (envelope, payload) = open(bytes, "root")?;
    let root: Root = parse(&payload, "root")?;
    check_root_shape(&root)?;
    check_signatures(&envelope, &payload, &root, Role::Root)?;
    Ok(root)
}

/// A root rotation: version exactly one more, signed by a threshold of the old root's
/// root keys *and* of the new root's root keys.
pub fn verify_root_update(trusted: &Root, bytes: &[u8]) -> Result<Root, TrustError> {
    let (envelope, payload) = open(bytes, "root")?;
    let root: Root = parse(&payload, "root")?;
    check_root_shape(&root)?;
    if root.version != trusted.version + 1 {
        return Err(TrustError::RootVersion {
            found: root.version,
            trusted: trusted.version,
        });
    }
    check_signatures(&envelope, &payload, trusted, Role::Root)?;
    check_signatures(&envelope, &payload, &root, Role::Root)?;
    Ok(root)
}

/// The timestamp: signed by the timestamp role, not older than the trusted one, not
/// expired. An equal version means "nothing new"; the caller stops there.
pub fn verify_timestamp(
    state: &TrustedState,
    bytes: &[u8],
    now: u64,
) -> Result<Timestamp, TrustError> {
    let (envelope, payload) = open(bytes, "timestamp")?;
    check_signatures(&envelope, &payload, &state.root, Role::Timestamp)?;
    let timestamp: Timestamp = parse(&payload, "timestamp")?;
    expect_kind(&timestamp.kind, "timestamp")?;
    check_path(&timestamp.manifest.path, "timestamp")?;
    if let Some(trusted) = state.timestamp_version.filter(|t| timestamp.version < *t) {
        return Err(TrustError::Rollback {
            role: "timestamp",
            found: timestamp.version,
            trusted,
        });
    }
    if let Some(trusted) = state
        .manifest_version
        .filter(|m| timestamp.manifest.version < *m)
    {
        return Err(TrustError::Rollback {
            role: "manifest",
            found: timestamp.manifest.version,
            trusted,
        });
    }
    if timestamp.expires <= now {
        return Err(TrustError::Expired { role: "timestamp" });
    }
    Ok(timestamp)
}

/// The manifest: the exact length and hash the timestamp names (checked before parsing),
/// signed by the manifest role, the version the timestamp names, not older than trusted,
/// not expired, no list sequence number going down, only safe paths.
pub fn verify_manifest(
    state: &TrustedState,
    timestamp: &Timestamp,
    bytes: &[u8],
    installed_seq: impl Fn(&str) -> Option<u64>,
    now: u64,
) -> Result<Manifest, TrustError> {
    if bytes.len() as u64 != timestamp.manifest.length
        || sha256_hex(bytes) != timestamp.manifest.sha256
    {
        return Err(TrustError::Mismatch { what: "manifest" });
    }
    let (envelope, payload) = open(bytes, "manifest")?;
    check_signatures(&envelope, &payload, &state.root, Role::Manifest)?;
    let manifest: Manifest = parse(&payload, "manifest")?;
    expect_kind(&manifest.kind, "manifest")?;
    if manifest.version != timestamp.manifest.version {
        return Err(TrustError::MixAndMatch(
            "the manifest is not the version the timestamp names",
        ));
    }
    if let Some(trusted) = state.manifest_version.filter(|m| manifest.version < *m) {
        return Err(TrustError::Rollback {
            role: "manifest",
            found: manifest.version,
            trusted,
        });
    }
    if manifest.expires <= now {
        return Err(TrustError::Expired { role: "manifest" });
    }
    for (name, list) in &manifest.lists {
        if let Some(installed) = installed_seq(name).filter(|s| list.seq < *s) {
            return Err(TrustError::Rollback {
                role: "list",
                found: list.seq,
                trusted: installed,
            });
        }
        check_path(&list.snapshot.path, "manifest")?;
        for delta in &list.deltas {
            check_path(&delta.path, "manifest")?;
        }
        if let Some(text) = &list.lthash16 {
            crate::wire::LtHash16::from_hex(text).map_err(|_| {
                TrustError::malformed(
                    "manifest",
                    format_args!("list {name}: lthash16 is not 4096 lower-case hex digits"),
                )
            })?;
        }
        if list.sections.as_array().iter().sum::<u64>() != list.count {
            return Err(TrustError::malformed(
                "manifest",
                format_args!("list {name}: section counts do not add up"),
            ));
        }
    }
    Ok(manifest)
}

/// Lower-case hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The key id of a public key.
pub fn key_id(public_key: &[u8; 32]) -> String {
    sha256_hex(public_key)
}

fn open(bytes: &[u8], role: &'static str) -> Result<(Envelope, Vec<u8>), TrustError> {
    let envelope = Envelope::parse(bytes, role)?;
    let payload = envelope.payload(role)?;
    Ok((envelope, payload))
}

fn parse<T: DeserializeOwned>(payload: &[u8], role: &'static str) -> Result<T, TrustError> {
    serde_json::from_slice(payload).map_err(|e| TrustError::malformed(role, e))
}

fn expect_kind(kind: &str, role: &'static str) -> Result<(), TrustError> {
    if kind == role {
        Ok(())
    } else {
        Err(TrustError::malformed(
            role,
            format_args!("type is {kind:?}"),
        ))
    }
}

fn check_root_shape(root: &Root) -> Result<(), TrustError> {
    let bad = |detail: String| TrustError::malformed("root", detail);
    expect_kind(&root.kind, "root")?;
    if root.version == 0 {
        return Err(bad("version starts at 1".into()));
    }
    for (id, public) in &root.keys {
        let bytes: [u8; 32] = hex::decode(public)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| bad(format!("key {id} is not 32 bytes of hex")))?;
        VerifyingKey::from_bytes(&bytes)
            .map_err(|_| bad(format!("key {id} is not an ed25519 point")))?;
        if key_id(&bytes) != *id {
            return Err(bad(format!("key id {id} is not the SHA-256 of its key")));
        }
    }
    for role in [Role::Root, Role::Timestamp, Role::Manifest] {
        let keys = root.role(role);
        let distinct: BTreeSet<&String> = keys.keyids.iter().collect();
        if keys.threshold == 0 || keys.threshold as usize > distinct.len() {
            return Err(bad(format!(
                "{} threshold {} cannot be met",
                role.name(),
                keys.threshold
            )));
        }
        if let Some(missing) = keys.keyids.iter().find(|id| !root.keys.contains_key(*id)) {
            return Err(bad(format!("{} names unknown key {missing}", role.name())));
        }
    }
    Ok(())
}

/// Counts distinct keys of `role` with a valid strict signature over `payload`.
fn check_signatures(
    envelope: &Envelope,
    payload: &[u8],
    root: &Root,
    role: Role,
) -> Result<(), TrustError> {
    let keys = root.role(role);
    let mut valid = BTreeSet::new();
    for sig in &envelope.signatures {
        if !keys.keyids.contains(&sig.keyid) || valid.contains(&sig.keyid) {
            continue;
        }
        let Some(public) = root.keys.get(&sig.keyid).and_then(|h| hex::decode(h).ok()) else {
            continue;
        };
        let Some(key) = <[u8; 32]>::try_from(public)
            .ok()
            .and_then(|b| VerifyingKey::from_bytes(&b).ok())
        else {
            continue;
        };
        let Some(sig_bytes) = Envelope::signature_bytes(sig) else {
            continue;
        };
        if key
            .verify_strict(payload, &Ed25519Signature::from_bytes(&sig_bytes))
            .is_ok()
        {
            valid.insert(sig.keyid.clone());
        }
    }
    let threshold = keys.threshold as usize;
    if valid.len() < threshold {
        return Err(TrustError::Signatures {
            role: role.name(),
            valid: valid.len(),
            threshold,
        });
    }
    Ok(())
}

//! Keys: the key files, `keygen`, root rotation and signing.
//!
//! A key directory holds:
//! - `root-1.key` … `root-N.key`, `timestamp.key`, `manifest.key`: each the 32-byte
//!   ed25519 secret seed as lower-case hex and a newline, mode 0600;
//! - `root.json`: the newest signed root, and `<v>.root.json` for every root version,
//!   so that a build can publish the whole rotation chain;
//! - after a rotation, the replaced keys as `<name>.retired-v<old root version>`.
//!
//! Root keys belong offline; keep the timestamp and manifest keys where `build` runs.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use callguard_format::trust::{self, Envelope, Role, RoleKeys, Roles, Root, Signature};
use ed25519_dalek::{Signer as _, SigningKey};

use crate::site::{self, Site};
use crate::{Error, Result, DAY};

/// The newest root in a key directory.
pub const ROOT_FILE: &str = "root.json";
/// The online key that signs `timestamp.json`.
pub const TIMESTAMP_KEY: &str = "timestamp.key";
/// The key that signs manifests.
pub const MANIFEST_KEY: &str = "manifest.key";

/// The file name of root key `index` (from 1).
pub fn root_key_file(index: usize) -> String {
    format!("root-{index}.key")
}

/// An ed25519 signing key. It can be written once to a 0600 file and used to sign, but
/// never printed: `Debug` shows only the key id.
pub struct SecretKey {
    inner: SigningKey,
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SecretKey({})", self.key_id())
    }
}

impl SecretKey {
    /// A new key from the operating system's secure random number generator.
    pub fn generate() -> Result<SecretKey> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| Error::Random(e.to_string()))?;
        let key = SecretKey {
            inner: SigningKey::from_bytes(&seed),
        };
        wipe(&mut seed);
        Ok(key)
    }

    /// The 32-byte public key.
    pub fn public(&self) -> [u8; 32] {
        self.inner.verifying_key().to_bytes()
    }

    /// The key id roots list: the SHA-256 of the public key, lower-case hex.
    pub fn key_id(&self) -> String {
        trust::key_id(&self.public())
    }

    /// Signs the exact payload bytes of an envelope.
    pub fn sign(&self, payload: &[u8]) -> Signature {
        Signature {
            keyid: self.key_id(),
            sig: Envelope::encode_signature(&self.inner.sign(payload).to_bytes()),
        }
    }

    /// Reads a key file: 64 hex digits, optionally followed by a newline.
    pub fn read(path: &Path) -> Result<SecretKey> {
        let bad = |reason: &str| Error::KeyFile {
            path: path.to_owned(),
            reason: reason.to_owned(),
        };
        let mut text = fs::read(path).map_err(|e| bad(&e.to_string()))?;
        let mut seed = [0u8; 32];
        let body = text.strip_suffix(b"\n").unwrap_or(&text);
        let parsed = hex::decode_to_slice(body, &mut seed);
        wipe(&mut text);
        parsed.map_err(|_| bad("not 64 hexadecimal digits and a newline"))?;
        let key = SecretKey {
            inner: SigningKey::from_bytes(&seed),
        };
        wipe(&mut seed);
        Ok(key)
    }

    /// Writes the key to a new file with mode 0600; an existing file is never replaced.
    pub fn write_new(&self, path: &Path) -> Result<()> {
        let mut options = fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => Error::Exists(path.to_owned()),
            _ => Error::io(path, e),
        })?;
        let mut text = [0u8; 65];
        let written = hex::encode_to_slice(self.inner.to_bytes(), &mut text[..64])
            .map_err(|_| Error::KeyFile {
                path: path.to_owned(),
                reason: "could not encode the key".into(),
            })
            .and_then(|()| {
                text[64] = b'\n';
                file.write_all(&text)
                    .and_then(|()| file.sync_all())
                    .map_err(|e| Error::io(path, e))
            });
        wipe(&mut text);
        written
    }
}

/// Overwrites secret bytes before their memory is released.
fn wipe(bytes: &mut [u8]) {
    bytes.fill(0);
    std::hint::black_box(bytes);
}

/// An envelope around `payload`, signed by every key in `keys`.
pub fn sign_envelope(payload: &[u8], keys: &[&SecretKey]) -> Envelope {
    let mut envelope = Envelope::new(payload);
    envelope
        .signatures
        .extend(keys.iter().map(|key| key.sign(payload)));
    envelope
}

/// What `keygen` creates.
#[derive(Debug, Clone)]
pub struct KeygenOptions {
    /// Root keys to create (N).
    pub root_keys: usize,
    /// Root signatures required (T ≤ N).
    pub threshold: u32,
    /// The publisher's name, shown to people.
    pub publisher: String,
    /// Days until the root expires.
    pub root_expires_days: u64,
    /// The time the expiry counts from.
    pub now: u64,
}

impl Default for KeygenOptions {
    /// One root key, threshold one, ten years.
    fn default() -> Self {
        KeygenOptions {
            root_keys: 1,
            threshold: 1,
            publisher: "Callguard list publisher".into(),
            root_expires_days: 3650,
            now: crate::unix_now(),
        }
    }
}

/// Creates a key directory: N root keys, a timestamp key, a manifest key and the version
/// 1 root signed by all root keys. Refuses to touch a directory that already holds any of
/// these files.
pub fn keygen(dir: &Path, options: &KeygenOptions) -> Result<Root> {
    check_threshold(options.root_keys, options.threshold)?;
    let mut names: Vec<String> = (1..=options.root_keys).map(root_key_file).collect();
    names.extend([TIMESTAMP_KEY.into(), MANIFEST_KEY.into(), ROOT_FILE.into()]);
    names.push(site::root_version_path(1));
    if let Some(existing) = names.iter().map(|n| dir.join(n)).find(|p| p.exists()) {
        return Err(Error::Exists(existing));
    }
    create_private_dir(dir)?;

    let root_keys = (0..options.root_keys)
        .map(|_| SecretKey::generate())
        .collect::<Result<Vec<_>>>()?;
    let timestamp = SecretKey::generate()?;
    let manifest = SecretKey::generate()?;
    for (index, key) in root_keys.iter().enumerate() {
        key.write_new(&dir.join(root_key_file(index + 1)))?;
    }
    timestamp.write_new(&dir.join(TIMESTAMP_KEY))?;
    manifest.write_new(&dir.join(MANIFEST_KEY))?;

    let root = new_root(
        1,
        crate::expiry(options.now, options.root_expires_days, DAY),
        &options.publisher,
        (&root_keys, options.threshold),
        &timestamp,
        &manifest,
    );
    let signers: Vec<&SecretKey> = root_keys.iter().collect();
    let bytes = sign_envelope(&to_payload(&root)?, &signers).to_bytes();
    trust::verify_pinned_root(&bytes).map_err(|e| Error::trust("the new root", e))?;
    site::write_atomic(&dir.join(site::root_version_path(1)), &bytes)?;
    site::write_atomic(&dir.join(ROOT_FILE), &bytes)?;
    Ok(root)
}

fn check_threshold(keys: usize, threshold: u32) -> Result<()> {
    if keys == 0 || keys > 255 {
        return Err(Error::Usage("--root-keys must be 1 to 255".into()));
    }
    if threshold == 0 || threshold as usize > keys {
        return Err(Error::Usage(format!(
            "--threshold must be 1 to the number of root keys ({keys})"
        )));
    }
    Ok(())
}

fn create_private_dir(dir: &Path) -> Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|e| Error::io(dir, e))
}

/// The serde_json bytes of a payload: exactly what is signed.
pub fn to_payload(value: &impl serde::Serialize) -> Result<Vec<u8>> {
    serde_json::to_vec(value).map_err(|e| Error::Usage(format!("cannot serialise: {e}")))
}

fn role_keys(keys: &[&SecretKey], threshold: u32) -> RoleKeys {
    RoleKeys {
        keyids: keys.iter().map(|k| k.key_id()).collect(),
        threshold,
    }
}

fn new_root(
    version: u64,
    expires: u64,
    publisher: &str,
    (root_keys, threshold): (&[SecretKey], u32),
    timestamp: &SecretKey,
    manifest: &SecretKey,
) -> Root {
    let root_refs: Vec<&SecretKey> = root_keys.iter().collect();
    let mut keys = BTreeMap::new();
    for key in root_refs.iter().chain([&timestamp, &manifest]) {
        keys.insert(key.key_id(), hex::encode(key.public()));
    }
    Root {
        kind: "root".into(),
        version,
        expires,
        publisher: publisher.to_owned(),
        keys,
        roles: Roles {
            root: role_keys(&root_refs, threshold),
            timestamp: role_keys(&[timestamp], 1),
            manifest: role_keys(&[manifest], 1),
        },
    }
}

/// The keys `build` signs with, checked against the newest root of the key directory.
#[derive(Debug)]
pub struct PublisherKeys {
    dir: PathBuf,
    /// The newest root.
    pub root: Root,
    /// Its exact file bytes.
    pub root_bytes: Vec<u8>,
    timestamp: SecretKey,
    manifest: SecretKey,
}

impl PublisherKeys {
    /// Loads `root.json`, `timestamp.key` and `manifest.key`, and checks that each key is
    /// one its role in the root accepts, with a threshold of one.
    pub fn load(dir: &Path) -> Result<PublisherKeys> {
        let (root, root_bytes) = read_root(dir)?;
        let timestamp = role_key(dir, &root, Role::Timestamp, TIMESTAMP_KEY)?;
        let manifest = role_key(dir, &root, Role::Manifest, MANIFEST_KEY)?;
        Ok(PublisherKeys {
            dir: dir.to_owned(),
            root,
            root_bytes,
            timestamp,
            manifest,
        })
    }

    /// Signs a timestamp or manifest payload.
    pub fn sign(&self, role: Role, payload: &[u8]) -> Envelope {
        let key = match role {
            Role::Timestamp => &self.timestamp,
            _ => &self.manifest,
        };
        sign_envelope(payload, &[key])
    }

    /// Every root version of the key directory, oldest first, as `(version, bytes)`.
    /// The newest is always included, even from a directory that kept no history.
    pub fn root_chain(&self) -> Result<Vec<(u64, Vec<u8>)>> {
        let mut chain = Vec::new();
        for version in 1..self.root.version {
            let path = self.dir.join(site::root_version_path(version));
            match fs::read(&path) {
                Ok(bytes) => chain.push((version, bytes)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::io(path, e)),
            }
        }
        chain.push((self.root.version, self.root_bytes.clone()));
        Ok(chain)
    }
}

/// Reads and checks the key directory's newest root.
fn read_root(dir: &Path) -> Result<(Root, Vec<u8>)> {
    let path = dir.join(ROOT_FILE);
    let bytes = fs::read(&path).map_err(|e| Error::io(&path, e))?;
    let root = trust::verify_pinned_root(&bytes)
        .map_err(|e| Error::trust(path.display().to_string(), e))?;
    Ok((root, bytes))
}

fn role_key(dir: &Path, root: &Root, role: Role, file: &str) -> Result<SecretKey> {
    let key = SecretKey::read(&dir.join(file))?;
    let keys = root.role(role);
    if !keys.keyids.contains(&key.key_id()) {
        return Err(Error::Keys {
            dir: dir.to_owned(),
            reason: format!(
                "{file} is not a {} key of root version {}",
                role.name(),
                root.version
            ),
        });
    }
    if keys.threshold != 1 {
        return Err(Error::Keys {
            dir: dir.to_owned(),
            reason: format!(
                "the {} role needs {} signatures; build signs with one key",
                role.name(),
                keys.threshold
            ),
        });
    }
    Ok(key)
}

/// What `rotate` changes.
#[derive(Debug, Clone, Default)]
pub struct RotateOptions {
    /// New root keys: this many replace all the old ones.
    pub root_keys: Option<usize>,
    /// A new root threshold (with the new root keys, or for the old ones).
    pub threshold: Option<u32>,
    /// A new timestamp key.
    pub timestamp: bool,
    /// A new manifest key.
    pub manifest: bool,
    /// Days until the new root expires.
    pub root_expires_days: u64,
    /// The time the expiry counts from.
    pub now: u64,
}

/// What a rotation did.
#[derive(Debug, Clone)]
pub struct Rotation {
    /// The root it replaced.
    pub old_version: u64,
    /// The new root.
    pub root: Root,
    /// Key files that were replaced, and the names they were kept under.
    pub retired: Vec<(String, String)>,
}

/// Rotates keys: a root of version + 1 with new keys for the chosen roles, signed by the
/// old root keys (at least their threshold must be present) and by the new ones, so a
/// phone that pins the old root can follow. The replaced key files are kept, renamed;
/// the new root goes to the key directory and the site. The next `build` signs with the
/// new keys.
pub fn rotate(dir: &Path, site: &Site, options: &RotateOptions) -> Result<Rotation> {
    let (old_root, old_bytes) = read_root(dir)?;
    let old_signers = present_root_keys(dir, &old_root)?;
    let fresh = NewKeys::generate(options, &old_root)?;
    let root = fresh.next_root(&old_root, options);

    let mut signers: Vec<&SecretKey> = old_signers.iter().map(|(_, key)| key).collect();
    if let Some((keys, _)) = &fresh.root {
        signers.extend(keys.iter());
    }
    let bytes = sign_envelope(&to_payload(&root)?, &signers).to_bytes();
    trust::verify_root_update(&old_root, &bytes)
        .map_err(|e| Error::trust(format!("root version {}", root.version), e))?;

    // Nothing is written unless every immutable file can be.
    site::check_immutable(&dir.join(site::root_version_path(root.version)), &bytes)?;
    site.check_immutable(&site::root_version_path(old_root.version), &old_bytes)?;
    site.check_immutable(&site::root_version_path(root.version), &bytes)?;

    // New keys first, under temporary names, so that a failure leaves the old set usable.
    let files = fresh.files();
    for (name, key) in &files {
        key.write_new(&dir.join(format!("{name}.new")))?;
    }
    site::write_immutable(&dir.join(site::root_version_path(root.version)), &bytes)?;
    let mut retiring: Vec<String> = files.iter().map(|(name, _)| name.clone()).collect();
    if fresh.root.is_some() {
        retiring.extend(old_signers.iter().map(|(name, _)| name.clone()));
    }
    retiring.sort();
    retiring.dedup();
    let mut retired = Vec::new();
    for name in retiring.into_iter().filter(|n| dir.join(n).exists()) {
        let kept = format!("{name}.retired-v{}", old_root.version);
        rename_new(&dir.join(&name), &dir.join(&kept))?;
        retired.push((name, kept));
    }
    for (name, _) in &files {
        rename_new(&dir.join(format!("{name}.new")), &dir.join(name))?;
    }
    site::write_atomic(&dir.join(ROOT_FILE), &bytes)?;

    site.write_immutable(&site::root_version_path(old_root.version), &old_bytes)?;
    site.write_immutable(&site::root_version_path(root.version), &bytes)?;
    site.write(site::ROOT, &bytes)?;
    Ok(Rotation {
        old_version: old_root.version,
        root,
        retired,
    })
}

/// The keys a rotation creates.
struct NewKeys {
    root: Option<(Vec<SecretKey>, u32)>,
    timestamp: Option<SecretKey>,
    manifest: Option<SecretKey>,
}

impl NewKeys {
    fn generate(options: &RotateOptions, old: &Root) -> Result<NewKeys> {
        let root = match options.root_keys {
            Some(count) => {
                let threshold = options.threshold.unwrap_or(1);
                check_threshold(count, threshold)?;
                let keys = (0..count)
                    .map(|_| SecretKey::generate())
                    .collect::<Result<Vec<_>>>()?;
                Some((keys, threshold))
            }
            None => {
                if let Some(threshold) = options.threshold {
                    check_threshold(old.roles.root.keyids.len(), threshold)?;
                }
                None
            }
        };
        Ok(NewKeys {
            root,
            timestamp: options.timestamp.then(SecretKey::generate).transpose()?,
            manifest: options.manifest.then(SecretKey::generate).transpose()?,
        })
    }

    /// Each new key with the file name it takes.
    fn files(&self) -> Vec<(String, &SecretKey)> {
        let mut files = Vec::new();
        if let Some((keys, _)) = &self.root {
            files.extend(
                keys.iter()
                    .enumerate()
                    .map(|(i, k)| (root_key_file(i + 1), k)),
            );
        }
        files.extend(self.timestamp.iter().map(|k| (TIMESTAMP_KEY.to_owned(), k)));
        files.extend(self.manifest.iter().map(|k| (MANIFEST_KEY.to_owned(), k)));
        files
    }

    /// The old root with these keys in their roles, one version up.
    fn next_root(&self, old: &Root, options: &RotateOptions) -> Root {
        let mut root = old.clone();
        root.version = old.version + 1;
        root.expires = crate::expiry(options.now, options.root_expires_days, DAY);
        if let Some((keys, threshold)) = &self.root {
            let refs: Vec<&SecretKey> = keys.iter().collect();
            root.roles.root = role_keys(&refs, *threshold);
        } else if let Some(threshold) = options.threshold {
            root.roles.root.threshold = threshold;
        }
        if let Some(key) = &self.timestamp {
            root.roles.timestamp = role_keys(&[key], 1);
        }
        if let Some(key) = &self.manifest {
            root.roles.manifest = role_keys(&[key], 1);
        }
        // List exactly the keys the roles use: the new ones and the old ones kept.
        let fresh: BTreeMap<String, String> = self
            .files()
            .iter()
            .map(|(_, key)| (key.key_id(), hex::encode(key.public())))
            .collect();
        root.keys = [
            &root.roles.root,
            &root.roles.timestamp,
            &root.roles.manifest,
        ]
        .into_iter()
        .flat_map(|role| role.keyids.iter())
        .filter_map(|id| {
            let public = fresh.get(id).or_else(|| old.keys.get(id))?;
            Some((id.clone(), public.clone()))
        })
        .collect();
        root
    }
}

/// The root key files present (`root-<n>.key`) that the root's root role lists; at least
/// its threshold of them.
fn present_root_keys(dir: &Path, root: &Root) -> Result<Vec<(String, SecretKey)>> {
    let entries = fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    let mut found = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_root_key = name
            .strip_prefix("root-")
            .and_then(|rest| rest.strip_suffix(".key"))
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        if !is_root_key {
            continue;
        }
        let key = SecretKey::read(&entry.path())?;
        if root.roles.root.keyids.contains(&key.key_id()) {
            found.push((name, key));
        }
    }
    found.sort_by(|a, b| a.0.cmp(&b.0));
    if found.len() < root.roles.root.threshold as usize {
        return Err(Error::Keys {
            dir: dir.to_owned(),
            reason: format!(
                "{} root key file(s) of root version {} present, {} required to sign a rotation",
                found.len(),
                root.version,
                root.roles.root.threshold
            ),
        });
    }
    Ok(found)
}

/// Renames without ever replacing an existing file.
fn rename_new(from: &Path, to: &Path) -> Result<()> {
    if to.exists() {
        return Err(Error::Exists(to.to_owned()));
    }
    fs::rename(from, to).map_err(|e| Error::io(from, e))
}

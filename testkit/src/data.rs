//! The shared test data (`shared/data` beside the checkout).

use std::path::{Path, PathBuf};

/// The shared test data directory: the one named by `CALLGUARD_SHARED_DATA`, else the
/// first `shared/data` above the workspace. Tests that need it fail without it, so that
/// a checkout without the data cannot pass by testing nothing.
pub fn shared_data_dir() -> PathBuf {
    std::env::var_os("CALLGUARD_SHARED_DATA")
        .map(PathBuf::from)
        .or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .ancestors()
                .map(|dir| dir.join("shared").join("data"))
                .find(|dir| dir.is_dir())
        })
        .expect("shared/data not found beside the checkout; set CALLGUARD_SHARED_DATA")
}

/// A file of the shared test data; a missing file fails the test, never skips it.
pub fn shared_data(relative: &str) -> PathBuf {
    let path = shared_data_dir().join(relative);
    assert!(
        path.is_file(),
        "missing shared test data {}",
        path.display()
    );
    path
}

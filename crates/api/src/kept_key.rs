//! In development, with no `OMS_JWT_SECRET`, tokens are signed with a key
//! made at the first start and kept in the data directory (`jwt-secret`,
//! readable by its owner only), so a restart does not sign everybody out.
//! Production never comes here: it refuses to start without the setting.

use std::fs::{self, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

use crate::secret::Secret;

/// The file's name in the data directory.
pub const FILE: &str = "jwt-secret";

/// The key kept in `dir`, made and kept there first if there is none.
///
/// # Errors
/// A message naming the file: it cannot be read or written, or it holds
/// something too short to sign with.
pub fn kept_in(dir: &Path) -> Result<Secret, String> {
    let path = dir.join(FILE);
    match read(&path) {
        Err(e) if e.kind() == ErrorKind::NotFound => {}
        found => {
            return found
                .map_err(|e| cannot("read", &path, &e))
                .and_then(|key| usable(key, &path));
        }
    }
    fs::create_dir_all(dir).map_err(|e| cannot("create", &PathBuf::from(dir), &e))?;
    let key = Secret::random();
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(&path) {
        Ok(mut file) => {
            file.write_all(key.expose().as_bytes())
                .and_then(|()| file.sync_all())
                .map_err(|e| cannot("write", &path, &e))?;
            Ok(key)
        }
        // Another process starting at the same moment made it first.
        Err(e) if e.kind() == ErrorKind::AlreadyExists => read(&path)
            .map_err(|e| cannot("read", &path, &e))
            .and_then(|key| usable(key, &path)),
        Err(e) => Err(cannot("create", &path, &e)),
    }
}

fn read(path: &Path) -> std::io::Result<String> {
    fs::read_to_string(path).map(|text| text.trim().to_owned())
}

fn usable(key: String, path: &Path) -> Result<Secret, String> {
    if key.len() >= 32 {
        Ok(Secret::new(&key))
    } else {
        Err(format!(
            "{} holds no usable key (at least 32 characters): delete it to have a new one made, or set OMS_JWT_SECRET",
            path.display()
        ))
    }
}

fn cannot(what: &str, path: &Path, e: &std::io::Error) -> String {
    format!(
        "cannot {what} {}: {e} (or set OMS_JWT_SECRET)",
        path.display()
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("oms-kept-key-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn the_key_is_made_once_kept_for_its_owner_and_reused() {
        let dir = scratch("reused");
        let first = kept_in(&dir).unwrap();
        assert_eq!(first.expose().len(), 64);
        let again = kept_in(&dir).unwrap();
        assert_eq!(again, first, "a restart signs with the same key");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(dir.join(FILE)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "readable by its owner only");
        }
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_file_too_short_to_sign_with_is_refused_by_name() {
        let dir = scratch("short");
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join(FILE), "short").unwrap();
        let refused = kept_in(&dir).unwrap_err();
        assert!(
            refused.contains("jwt-secret holds no usable key"),
            "{refused}"
        );
        fs::remove_dir_all(dir).unwrap();
    }
}

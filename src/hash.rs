//! sha256 of files, streamed.

use crate::error::{Result, StanceError};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::Path;

/// The sha256 of a file as lowercase hex.
pub fn sha256_file(path: &Path) -> Result<String> {
    sha256_files(&[path])
}

/// The sha256 of several files read one after another (what `cat a b |
/// sha256sum` prints), as lowercase hex.
pub fn sha256_files(paths: &[&Path]) -> Result<String> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    for path in paths {
        let mut file = std::fs::File::open(path).map_err(|e| StanceError::io(path, e))?;
        loop {
            let n = file.read(&mut buf).map_err(|e| StanceError::io(path, e))?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
        }
    }
    Ok(hex(&hasher.finalize()))
}

/// The sha256 of bytes as lowercase hex.
pub fn sha256_bytes(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_digest() {
        assert_eq!(
            sha256_bytes(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}

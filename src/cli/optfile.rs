//! mosquitto's default options files (`$XDG_CONFIG_HOME/mosquitto_pub`, else
//! `~/.config/mosquitto_pub`), read before argv when invoked under a mosquitto name.

use std::ffi::OsString;
use std::path::PathBuf;

/// Where mosquitto looks for the options file of `program` (`mosquitto_pub`, `mosquitto_sub`).
pub fn path(program: &str) -> Option<PathBuf> {
    // Set but empty still counts, as in mosquitto (it then reads `/mosquitto_pub`).
    if let Some(xdg) = std::env::var_os("XDG_CONFIG_HOME") {
        return Some(PathBuf::from(xdg).join(program));
    }
    std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".config").join(program))
}

/// The words an options file contributes: each line is split at its first space only, so
/// `-m hello world` is one option and one value; `#` lines and empty lines are skipped.
pub fn words(text: &[u8]) -> Vec<OsString> {
    use std::os::unix::ffi::OsStringExt;
    let mut out = Vec::new();
    for raw in text.split(|&b| b == b'\n') {
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        if line.first() == Some(&b'#') {
            continue;
        }
        let start = line.iter().position(|&b| b != b' ').unwrap_or(line.len());
        let line = &line[start..];
        if line.is_empty() {
            continue;
        }
        match line.iter().position(|&b| b == b' ') {
            Some(i) => {
                out.push(OsString::from_vec(line[..i].to_vec()));
                // strtok(NULL, "") hands back the rest as it is, leading spaces included.
                let rest = &line[i + 1..];
                if !rest.is_empty() {
                    out.push(OsString::from_vec(rest.to_vec()));
                }
            }
            None => out.push(OsString::from_vec(line.to_vec())),
        }
    }
    out
}

/// Reads the options file for `program`; a missing file contributes nothing.
pub fn load(program: &str) -> Vec<OsString> {
    match path(program).and_then(|p| std::fs::read(p).ok()) {
        Some(text) => words(&text),
        None => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_at_first_space_only() {
        let w = words(b"# comment\n-p 18830\n\n-m hello from config \r\n  -r\n-p\t1\n");
        let w: Vec<String> = w.into_iter().map(|s| s.into_string().unwrap()).collect();
        assert_eq!(
            w,
            ["-p", "18830", "-m", "hello from config ", "-r", "-p\t1"]
        );
    }
}

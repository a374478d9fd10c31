//! The OpenSSL context from [`TlsOptions`], set up the way libmosquitto 2.1 sets up its own (TLS 1.2
//! at least, OpenSSL's CA loading, its cipher-list syntax, its PSK and key-log callbacks), so that
//! what mosquitto_pub accepts, mqtk accepts. Every failure is a [`Failure`] of the set-up stage that
//! names the file or option at fault.

use std::io::Write;
use std::path::Path;

use openssl::ssl::{SslContext, SslContextBuilder, SslFiletype, SslMethod, SslOptions};
use openssl::ssl::{SslVerifyMode, SslVersion};

use super::errors::{Failure, Stage, io_text};
use crate::conn::{Insecure, Psk, TlsOptions, TlsVersion};

/// Builds the context. OpenSSL reads `--key` here, and asks for its passphrase on the terminal when
/// it is encrypted, as mosquitto_pub does.
pub fn build(tls: &TlsOptions) -> Result<SslContext, Failure> {
    let fail = |detail: String| Failure::new(Stage::Setup, detail, tls.mosquitto_errors);
    let mut b = SslContext::builder(SslMethod::tls_client())
        .map_err(|e| fail(format!("cannot create a TLS context: {e}")))?;
    versions(&mut b, tls).map_err(fail)?;
    // A peer that closes without close_notify (a killed broker) is a lost connection, not a TLS
    // error (OpenSSL 3 reports it as one otherwise).
    b.set_options(SslOptions::NO_COMPRESSION | SslOptions::IGNORE_UNEXPECTED_EOF);
    // An empty name cannot be offered (libmosquitto's attempt fails and it goes on without ALPN).
    let alpn: Vec<&String> = tls.alpn.iter().filter(|p| !p.is_empty()).collect();
    if !alpn.is_empty() {
        let mut wire = Vec::new();
        for p in alpn {
            // libmosquitto cuts a protocol name at 254 bytes.
            let name = &p.as_bytes()[..p.len().min(254)];
            wire.push(name.len() as u8);
            wire.extend_from_slice(name);
        }
        b.set_alpn_protos(&wire)
            .map_err(|e| fail(format!("--tls-alpn: {e}")))?;
    }
    if let Some(list) = &tls.ciphers {
        ciphers(&mut b, list, tls.version).map_err(fail)?;
    }
    if let Some(file) = &tls.keylog {
        if !tls.mosquitto_errors {
            keylog_writable(file).map_err(fail)?;
        }
        keylog(&mut b, file);
    }
    if let Some(psk) = &tls.psk {
        pre_shared_key(&mut b, psk, tls.ciphers.is_none()).map_err(fail)?;
        return Ok(b.build());
    }
    trust(&mut b, tls).map_err(fail)?;
    b.set_verify(match tls.insecure {
        Insecure::All => SslVerifyMode::NONE,
        Insecure::No | Insecure::Hostname => SslVerifyMode::PEER,
    });
    if let (Some(cert), Some(key)) = (&tls.cert, &tls.key) {
        if !tls.mosquitto_errors {
            encrypted_key_needs_a_terminal(key).map_err(fail)?;
        }
        client_identity(&mut b, cert, key).map_err(fail)?;
    }
    Ok(b.build())
}

/// TLS 1.2 at least; `--tls-version tlsv1.3` raises the floor, and under mqtk `tlsv1.2` also caps it.
fn versions(b: &mut SslContextBuilder, tls: &TlsOptions) -> Result<(), String> {
    let set = |b: &mut SslContextBuilder, min, max| {
        b.set_min_proto_version(min)
            .and_then(|_| b.set_max_proto_version(max))
            .map_err(|e| format!("cannot use the requested TLS version: {e}"))
    };
    // libmosquitto turns TLS 1.3 off for TLS-PSK (its callback is the TLS 1.2 one).
    let psk_cap = tls.psk.as_ref().map(|_| SslVersion::TLS1_2);
    match (tls.version, tls.version_is_minimum) {
        (Some(TlsVersion::V13), _) => set(b, Some(SslVersion::TLS1_3), None),
        (Some(TlsVersion::V12), false) => {
            set(b, Some(SslVersion::TLS1_2), Some(SslVersion::TLS1_2))
        }
        _ => set(b, Some(SslVersion::TLS1_2), psk_cap),
    }
}

/// `--ciphers`: OpenSSL's cipher-list syntax for TLS 1.2, or TLS 1.3 suite names with `tlsv1.3`
/// (where libmosquitto puts them).
fn ciphers(
    b: &mut SslContextBuilder,
    list: &str,
    version: Option<TlsVersion>,
) -> Result<(), String> {
    if list.contains('\0') {
        return Err("--ciphers: the list contains a NUL byte".into());
    }
    let result = if version == Some(TlsVersion::V13) {
        b.set_ciphersuites(list)
    } else {
        b.set_cipher_list(list)
    };
    result.map_err(|_| {
        format!(
            "--ciphers {list:?}: OpenSSL knows none of these ciphers (see `openssl ciphers -v`)"
        )
    })
}

/// `--tls-keylog`: each secret line is appended to the file as it comes, as mosquitto_pub does it
/// (a file that cannot be opened is skipped silently there too).
fn keylog(b: &mut SslContextBuilder, file: &Path) {
    let file = file.to_path_buf();
    b.set_keylog_callback(move |_, line| {
        if let Ok(mut f) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&file)
        {
            let _ = writeln!(f, "{line}");
        }
    });
}

/// mqtk: a key log that cannot be written is an error before connecting, not an empty file later.
fn keylog_writable(file: &Path) -> Result<(), String> {
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(file)
        .map(|_| ())
        .map_err(|e| {
            format!(
                "cannot write --tls-keylog {}: {}",
                file.display(),
                io_text(&e)
            )
        })
}

/// TLS-PSK: the identity and the key for every handshake, and cipher list "PSK" unless `--ciphers`.
fn pre_shared_key(
    b: &mut SslContextBuilder,
    psk: &Psk,
    default_ciphers: bool,
) -> Result<(), String> {
    let key = psk_bytes(&psk.hex).ok_or_else(|| "--psk: the key is not hexadecimal".to_string())?;
    let identity = psk.identity.clone().into_bytes();
    b.set_psk_client_callback(move |_, _hint, identity_out, key_out| {
        // OpenSSL wants a NUL-terminated identity; libmosquitto truncates one that does not fit.
        let n = identity.len().min(identity_out.len().saturating_sub(1));
        identity_out[..n].copy_from_slice(&identity[..n]);
        if let Some(end) = identity_out.get_mut(n) {
            *end = 0;
        }
        if key.len() > key_out.len() {
            return Ok(0);
        }
        key_out[..key.len()].copy_from_slice(&key);
        Ok(key.len())
    });
    if default_ciphers {
        b.set_cipher_list("PSK")
            .map_err(|e| format!("cannot select the PSK ciphers: {e}"))?;
    }
    Ok(())
}

/// The key bytes of `--psk` exactly as libmosquitto (and so the broker) derives them: each leading
/// "00" pair is a zero byte, the rest is read as one big number (so "0abc" is two bytes, 0a bc).
pub fn psk_bytes(hex: &str) -> Option<Vec<u8>> {
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let zero_pairs = hex
        .as_bytes()
        .chunks(2)
        .take_while(|pair| *pair == b"00")
        .count();
    let digits = hex.trim_start_matches('0');
    let padded = if digits.len() % 2 == 1 {
        format!("0{digits}")
    } else {
        digits.to_string()
    };
    let mut bytes = vec![0u8; zero_pairs];
    for pair in padded.as_bytes().chunks(2) {
        let text = std::str::from_utf8(pair).ok()?;
        bytes.push(u8::from_str_radix(text, 16).ok()?);
    }
    Some(bytes)
}

/// The trust anchors: the system's (`--tls-use-os-certs`), `--cafile`, `--capath`.
fn trust(b: &mut SslContextBuilder, tls: &TlsOptions) -> Result<(), String> {
    if tls.os_certs {
        b.set_default_verify_paths()
            .map_err(|e| format!("cannot load the operating system's CA certificates: {e}"))?;
    }
    if let Some(file) = &tls.cafile {
        b.load_verify_locations(Some(file), None)
            .map_err(|_| unusable_pem(file, "--cafile", "CERTIFICATE"))?;
    }
    if let Some(dir) = &tls.capath {
        b.load_verify_locations(None, Some(dir))
            .map_err(|_| format!("--capath {}: cannot use this directory", dir.display()))?;
        if !tls.mosquitto_errors {
            capath_check(dir)?;
        }
    }
    Ok(())
}

/// mqtk: a `--capath` OpenSSL will find nothing in fails here rather than as "unknown issuer".
fn capath_check(dir: &Path) -> Result<(), String> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read --capath {}: {}", dir.display(), io_text(&e)))?;
    let names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    if names.iter().any(|n| is_hashed_name(n)) {
        return Ok(());
    }
    let certs = names.iter().any(|n| {
        [".pem", ".crt", ".cer"]
            .iter()
            .any(|ext| n.to_ascii_lowercase().ends_with(ext))
    });
    Err(if certs {
        format!(
            "--capath {}: OpenSSL looks certificates up by hashed names, and there are none: run `openssl rehash {}`",
            dir.display(),
            dir.display()
        )
    } else {
        format!("--capath {} holds no CA certificates", dir.display())
    })
}

/// OpenSSL's lookup names in a CA directory: 8 hex digits, a dot, a counter (`9d66eef0.0`).
fn is_hashed_name(name: &str) -> bool {
    match name.split_once('.') {
        Some((hash, n)) => {
            hash.len() == 8
                && hash.bytes().all(|b| b.is_ascii_hexdigit())
                && !n.is_empty()
                && n.bytes().all(|b| b.is_ascii_digit())
        }
        None => false,
    }
}

/// mqtk: an encrypted key is unlocked on the terminal only. Without one OpenSSL would read the
/// passphrase from stdin, which may be the messages of `pub -l` (mosquitto_pub does read it there).
fn encrypted_key_needs_a_terminal(key: &Path) -> Result<(), String> {
    let bytes = std::fs::read(key).unwrap_or_default();
    if !is_encrypted(&bytes) || std::fs::File::open("/dev/tty").is_ok() {
        return Ok(());
    }
    Err(format!(
        "--key {}: the key is encrypted and there is no terminal to ask for its passphrase on (decrypt it with `openssl pkey -in KEY -out KEY.plain`)",
        key.display()
    ))
}

/// A PEM key protected by a passphrase (PKCS#8 or OpenSSL's traditional `Proc-Type` header).
fn is_encrypted(bytes: &[u8]) -> bool {
    pem_kinds(bytes)
        .iter()
        .any(|k| k == "ENCRYPTED PRIVATE KEY")
        || String::from_utf8_lossy(bytes).contains("Proc-Type: 4,ENCRYPTED")
}

/// `--cert` and `--key`: the chain, the key (OpenSSL prompts for a passphrase) and that they match.
fn client_identity(b: &mut SslContextBuilder, cert: &Path, key: &Path) -> Result<(), String> {
    b.set_certificate_chain_file(cert)
        .map_err(|_| unusable_pem(cert, "--cert", "CERTIFICATE"))?;
    let mismatch = || {
        format!(
            "the private key in --key {} does not match the certificate in --cert {}",
            key.display(),
            cert.display()
        )
    };
    if let Err(stack) = b.set_private_key_file(key, SslFiletype::PEM) {
        // OpenSSL compares the key with the certificate as it loads it.
        if stack
            .errors()
            .iter()
            .any(|e| e.reason() == Some("key values mismatch"))
        {
            return Err(mismatch());
        }
        let bytes = std::fs::read(key).unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        let encrypted = pem_kinds(&bytes)
            .iter()
            .any(|k| k == "ENCRYPTED PRIVATE KEY")
            || text.contains("Proc-Type: 4,ENCRYPTED");
        return Err(if encrypted {
            format!(
                "--key {}: the key is encrypted and was not unlocked (wrong passphrase, or no terminal to ask for it on)",
                key.display()
            )
        } else {
            unusable_pem(key, "--key", "PRIVATE KEY")
        });
    }
    b.check_private_key().map_err(|_| mismatch())
}

/// Why OpenSSL could not use a PEM file: unreadable, DER instead of PEM, or other PEM sections.
fn unusable_pem(file: &Path, flag: &str, wanted: &str) -> String {
    let bytes = match std::fs::read(file) {
        Ok(b) => b,
        Err(e) => return format!("cannot read {flag} {}: {}", file.display(), io_text(&e)),
    };
    let kinds = pem_kinds(&bytes);
    let what = if wanted == "CERTIFICATE" {
        "no certificate"
    } else {
        "no private key"
    };
    let hint = if bytes.first() == Some(&0x30) {
        " (it looks like binary DER; PEM is expected: convert it with `openssl x509 -inform der` or `openssl pkey -inform der`)".into()
    } else if kinds.is_empty() {
        format!(" (expected a PEM \"-----BEGIN {wanted}-----\" section)")
    } else if kinds.iter().any(|k| k.ends_with(wanted)) {
        " (OpenSSL cannot read it)".into()
    } else {
        format!(" (it holds {})", kinds.join(", "))
    };
    format!("{flag} {}: {what} in it{hint}", file.display())
}

/// The labels of the PEM sections in `bytes` (`CERTIFICATE`, `PRIVATE KEY` …).
fn pem_kinds(bytes: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(bytes)
        .lines()
        .filter_map(|l| l.trim().strip_prefix("-----BEGIN "))
        .filter_map(|l| l.strip_suffix("-----"))
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn psk_keys_decode_as_libmosquitto_does() {
        assert_eq!(psk_bytes("deadbeef"), Some(vec![0xde, 0xad, 0xbe, 0xef]));
        assert_eq!(psk_bytes("00ab"), Some(vec![0x00, 0xab]));
        assert_eq!(psk_bytes("0abc"), Some(vec![0x0a, 0xbc]));
        assert_eq!(psk_bytes("000ab"), Some(vec![0x00, 0xab]));
        assert_eq!(psk_bytes("abc"), Some(vec![0x0a, 0xbc]));
        assert_eq!(psk_bytes("0000"), Some(vec![0, 0]));
        assert_eq!(psk_bytes("zz"), None);
        assert_eq!(psk_bytes("0x12"), None);
    }

    #[test]
    fn hashed_names() {
        for yes in ["9d66eef0.0", "9d66eef0.12"] {
            assert!(is_hashed_name(yes), "{yes}");
        }
        for no in ["README", "ca.crt", "9d66eef.0", "9d66eef0.x", "index.txt"] {
            assert!(!is_hashed_name(no), "{no}");
        }
    }

    #[test]
    fn pem_problems_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, bytes: &[u8]| {
            let p = dir.path().join(name);
            std::fs::write(&p, bytes).unwrap();
            p
        };
        let der = write("ca.der", &[0x30, 0x82, 0x01]);
        assert!(unusable_pem(&der, "--cafile", "CERTIFICATE").contains("DER"));
        let text = write("junk", b"hello");
        assert!(unusable_pem(&text, "--cafile", "CERTIFICATE").contains("BEGIN CERTIFICATE"));
        let key = write(
            "k",
            b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
        );
        assert!(unusable_pem(&key, "--cafile", "CERTIFICATE").ends_with("(it holds PRIVATE KEY)"));
    }
}

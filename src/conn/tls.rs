//! rustls client configuration from [`TlsOptions`]: the trust anchors (`--cafile`, `--capath`, the
//! system store), the client certificate, the version, ALPN and `--insecure`.
//!
//! Every error is one line naming the cause (which file, which host name, which date) because the
//! usual TLS failures are a missing CA, a certificate made for another name, an expired certificate,
//! and a client pointed at a port that does not speak TLS; each has a different fix.

// Connection errors that are about TLS, in words people understand.
mod errors;
// The certificate verifiers behind `--insecure`.
mod verifiers;

use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};

use rumqttc::tokio_rustls::rustls;
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::{self, PemObject};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use rustls::{ClientConfig, Error, RootCertStore};

pub use errors::{CLOSED_IN_WSS_HANDSHAKE, cause, handshake_error};

use super::{Insecure, TlsOptions, TlsVersion};
use errors::{io_text, problem};
use verifiers::{AcceptAnyCertificate, SkipHostName};

/// Builds the rustls configuration for a broker called `host`. The error is one line for the user.
///
/// One configuration serves every connection with the same options (bench opens hundreds): the files
/// and the system store are read once, and the connections share rustls's session cache, so later
/// handshakes resume instead of verifying the chain again.
pub fn client_config(tls: &TlsOptions, host: &str) -> Result<Arc<ClientConfig>, String> {
    type Cache = Mutex<Vec<((TlsOptions, String), Arc<ClientConfig>)>>;
    static BUILT: OnceLock<Cache> = OnceLock::new();
    let cache = BUILT.get_or_init(Cache::default);
    let key = (tls.clone(), host.to_string());
    // Held while building, so connections started together build it once.
    let mut built = cache.lock().expect("TLS cache");
    if let Some((_, config)) = built.iter().find(|(k, _)| *k == key) {
        return Ok(config.clone());
    }
    let config = build(tls, host)?;
    built.push((key, config.clone()));
    Ok(config)
}

fn build(tls: &TlsOptions, host: &str) -> Result<Arc<ClientConfig>, String> {
    // rumqttc derives the name it checks from the host the same way; failing here says why.
    if ServerName::try_from(host).is_err() {
        return Err(format!(
            "{host:?} is neither a valid host name nor an IP address, so no certificate can match it"
        ));
    }
    let provider = provider();
    let versions: &[&rustls::SupportedProtocolVersion] = match tls.version {
        Some(TlsVersion::V12) => &[&rustls::version::TLS12],
        Some(TlsVersion::V13) => &[&rustls::version::TLS13],
        None => rustls::DEFAULT_VERSIONS,
    };
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(versions)
        .map_err(|e| format!("cannot use the requested TLS version: {e}"))?;
    let builder = match tls.insecure {
        Insecure::All => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AcceptAnyCertificate { provider })),
        Insecure::Hostname => {
            let verifier =
                WebPkiServerVerifier::builder_with_provider(Arc::new(roots(tls)?), provider)
                    .build()
                    .map_err(|e| format!("cannot check certificates: {e}"))?;
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(SkipHostName { verifier }))
        }
        Insecure::No => builder.with_root_certificates(roots(tls)?),
    };
    let mut config = match (&tls.cert, &tls.key) {
        (Some(cert), Some(key)) => {
            let chain = certificates(cert, "--cert")?;
            builder
                .with_client_auth_cert(chain, private_key(key)?)
                .map_err(|e| client_key_error(&e, cert, key))?
        }
        _ => builder.with_no_client_auth(),
    };
    config.alpn_protocols = tls.alpn.iter().map(|p| p.as_bytes().to_vec()).collect();
    Ok(Arc::new(config))
}

/// The process-wide provider when one is installed, else rustls's aws-lc-rs one (rumqttc's default).
fn provider() -> Arc<CryptoProvider> {
    CryptoProvider::get_default()
        .cloned()
        .unwrap_or_else(|| Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
}

/// The trust anchors: `--cafile`, every certificate file in `--capath`, and the system's store.
fn roots(tls: &TlsOptions) -> Result<RootCertStore, String> {
    let mut store = RootCertStore::empty();
    if let Some(file) = &tls.cafile {
        add_all(&mut store, file, "--cafile")?;
    }
    if let Some(dir) = &tls.capath {
        let entries = std::fs::read_dir(dir)
            .map_err(|e| format!("cannot read --capath {}: {}", dir.display(), io_text(&e)))?;
        let mut files: Vec<_> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && looks_like_certificate_file(p))
            .collect();
        files.sort();
        let before = store.len();
        for file in &files {
            add_all(&mut store, file, "--capath")?;
        }
        if store.len() == before {
            return Err(format!(
                "--capath {} holds no CA certificates (files named *.pem, *.crt, *.cer or HASH.N)",
                dir.display()
            ));
        }
    }
    if tls.os_certs {
        let found = rustls_native_certs::load_native_certs();
        let before = store.len();
        store.add_parsable_certificates(found.certs);
        if store.len() == before {
            let why = found
                .errors
                .first()
                .map(|e| format!(" ({e})"))
                .unwrap_or_default();
            return Err(format!(
                "the operating system's CA store is empty or unreadable{why}: give the broker's CA with --cafile"
            ));
        }
    }
    Ok(store)
}

/// Which files in `--capath` are read: the usual certificate extensions and OpenSSL's hashed names.
fn looks_like_certificate_file(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    if matches!(ext.as_deref(), Some("pem" | "crt" | "cer")) {
        return true;
    }
    // c_rehash names: 8 hex digits, a dot, a counter.
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

/// Adds every certificate in a PEM file to `store`.
fn add_all(store: &mut RootCertStore, file: &Path, flag: &str) -> Result<(), String> {
    for (i, cert) in certificates(file, flag)?.into_iter().enumerate() {
        store.add(cert).map_err(|e| {
            let why = match &e {
                Error::InvalidCertificate(c) => problem(c),
                other => other.to_string(),
            };
            format!(
                "{flag} {}: certificate {} is not a usable CA certificate: {why}",
                file.display(),
                i + 1,
            )
        })?;
    }
    Ok(())
}

/// Every certificate in a PEM file; none at all is an error naming the file.
fn certificates(file: &Path, flag: &str) -> Result<Vec<CertificateDer<'static>>, String> {
    let bytes = read(file, flag)?;
    let certs = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| bad_pem(file, flag, &e))?;
    if certs.is_empty() {
        return Err(format!(
            "{flag} {}: no certificate in it{}",
            file.display(),
            pem_hint(&bytes, "CERTIFICATE")
        ));
    }
    Ok(certs)
}

/// The client's private key: PKCS#8, PKCS#1 (RSA) or SEC1 (EC), PEM.
fn private_key(file: &Path) -> Result<PrivateKeyDer<'static>, String> {
    let bytes = read(file, "--key")?;
    match PrivateKeyDer::from_pem_slice(&bytes) {
        Ok(key) => Ok(key),
        Err(pem::Error::NoItemsFound) => {
            let encrypted = pem_kinds(&bytes)
                .iter()
                .any(|k| k == "ENCRYPTED PRIVATE KEY")
                || String::from_utf8_lossy(&bytes).contains("Proc-Type: 4,ENCRYPTED");
            Err(if encrypted {
                format!(
                    "--key {}: the key is encrypted; mqtk cannot ask for its passphrase (decrypt it with `openssl pkey -in KEY -out KEY.plain`)",
                    file.display()
                )
            } else {
                format!(
                    "--key {}: no private key in it{}",
                    file.display(),
                    pem_hint(&bytes, "PRIVATE KEY")
                )
            })
        }
        Err(e) => Err(bad_pem(file, "--key", &e)),
    }
}

fn read(file: &Path, flag: &str) -> Result<Vec<u8>, String> {
    std::fs::read(file)
        .map_err(|e| format!("cannot read {flag} {}: {}", file.display(), io_text(&e)))
}

fn bad_pem(file: &Path, flag: &str, e: &pem::Error) -> String {
    format!("{flag} {}: not a valid PEM file ({e})", file.display())
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

/// Why a file holds nothing of the wanted kind: DER instead of PEM, or other PEM sections.
fn pem_hint(bytes: &[u8], wanted: &str) -> String {
    let kinds = pem_kinds(bytes);
    if bytes.first() == Some(&0x30) {
        " (it looks like binary DER; PEM is expected: convert it with `openssl x509 -inform der` or `openssl pkey -inform der`)".into()
    } else if kinds.is_empty() {
        format!(" (expected a PEM \"-----BEGIN {wanted}-----\" section)")
    } else {
        format!(" (it holds {})", kinds.join(", "))
    }
}

fn client_key_error(e: &Error, cert: &Path, key: &Path) -> String {
    match e {
        Error::InconsistentKeys(_) => format!(
            "the private key in --key {} does not match the certificate in --cert {}",
            key.display(),
            cert.display()
        ),
        Error::InvalidCertificate(c) => format!(
            "--cert {}: the certificate cannot be used: {}",
            cert.display(),
            problem(c)
        ),
        other => format!(
            "cannot use --cert {} with --key {}: {other}",
            cert.display(),
            key.display(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capath_file_names() {
        for yes in ["ca.pem", "ca.CRT", "x.cer", "9d66eef0.0", "9d66eef0.12"] {
            assert!(looks_like_certificate_file(Path::new(yes)), "{yes}");
        }
        for no in ["README", "ca.key", "9d66eef.0", "9d66eef0.x", "index.txt"] {
            assert!(!looks_like_certificate_file(Path::new(no)), "{no}");
        }
    }

    #[test]
    fn pem_hints() {
        assert!(pem_hint(&[0x30, 0x82], "CERTIFICATE").contains("DER"));
        assert!(pem_hint(b"hello", "CERTIFICATE").contains("BEGIN CERTIFICATE"));
        let key = b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
        assert_eq!(pem_hint(key, "CERTIFICATE"), " (it holds PRIVATE KEY)");
    }
}

//! The certificates the TLS tests use, made with rcgen once per test binary: a CA, an untrusted CA,
//! server certificates (good, expired, for another host) and client certificates with PKCS#8, SEC1
//! and RSA (PKCS#1) keys.

use std::sync::OnceLock;

use base64::Engine;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};

/// A certificate and its private key, PEM.
pub struct Issued {
    pub cert: String,
    pub key: String,
}

/// Every certificate the tests use, generated once per test binary.
pub struct Pki {
    /// The CA the brokers and clients trust.
    pub ca: String,
    /// A CA nobody trusts.
    pub other_ca: String,
    /// Server certificate for IP 127.0.0.1 and DNS localhost.
    pub server: Issued,
    /// Same names, valid 2020-01-01 to 2021-01-01.
    pub expired: Issued,
    /// SAN `other.example` only.
    pub wrong_host: Issued,
    /// Client certificate with a PKCS#8 EC key.
    pub client: Issued,
    /// The same client key as SEC1 (`EC PRIVATE KEY`).
    pub client_sec1_key: String,
    /// Client certificate with an RSA key as PKCS#1 (`RSA PRIVATE KEY`).
    pub client_rsa: Issued,
    /// Client certificate signed by the untrusted CA.
    pub stranger: Issued,
}

pub fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(Pki::generate)
}

impl Pki {
    fn generate() -> Pki {
        let (ca, issuer) = new_ca("mqtk test CA");
        let (other_ca, other_issuer) = new_ca("mqtk untrusted CA");
        let server_names = ["127.0.0.1", "localhost"];
        let server = leaf(&issuer, &server_names, Usage::Server, None, ec_key());
        let expired = leaf(
            &issuer,
            &server_names,
            Usage::Server,
            Some((2020, 2021)),
            ec_key(),
        );
        let wrong_host = leaf(&issuer, &["other.example"], Usage::Server, None, ec_key());
        let client = leaf(&issuer, &["mqtk-client"], Usage::Client, None, ec_key());
        let client_sec1_key = sec1(&client.key);
        let rsa = KeyPair::generate_rsa_for(&rcgen::PKCS_RSA_SHA256, rcgen::RsaKeySize::_2048)
            .expect("RSA key");
        let mut client_rsa = leaf(&issuer, &["mqtk-rsa-client"], Usage::Client, None, rsa);
        client_rsa.key = pem(
            "RSA PRIVATE KEY",
            &pkcs8_inner(&pem_der(&client_rsa.key, "PRIVATE KEY")),
        );
        let stranger = leaf(
            &other_issuer,
            &["mqtk-client"],
            Usage::Client,
            None,
            ec_key(),
        );
        Pki {
            ca,
            other_ca,
            server,
            expired,
            wrong_host,
            client,
            client_sec1_key,
            client_rsa,
            stranger,
        }
    }
}

fn ec_key() -> KeyPair {
    KeyPair::generate().expect("EC key")
}

/// A self-signed CA: its certificate (PEM) and what signs with it.
fn new_ca(name: &str) -> (String, Issuer<'static, KeyPair>) {
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    params.distinguished_name.push(DnType::CommonName, name);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let key = ec_key();
    let cert = params.self_signed(&key).expect("self-sign the CA");
    (cert.pem(), Issuer::new(params, key))
}

enum Usage {
    Server,
    Client,
}

/// A certificate for `names` (subjectAltNames; the first is also the CN), valid from January 1st of
/// the first year to January 1st of the second when given.
fn leaf(
    issuer: &Issuer<'_, KeyPair>,
    names: &[&str],
    usage: Usage,
    years: Option<(i32, i32)>,
    key: KeyPair,
) -> Issued {
    let sans: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    let mut params = CertificateParams::new(sans).expect("leaf params");
    params.distinguished_name.push(DnType::CommonName, names[0]);
    params.extended_key_usages = vec![match usage {
        Usage::Server => ExtendedKeyUsagePurpose::ServerAuth,
        Usage::Client => ExtendedKeyUsagePurpose::ClientAuth,
    }];
    if let Some((from, to)) = years {
        params.not_before = rcgen::date_time_ymd(from, 1, 1);
        params.not_after = rcgen::date_time_ymd(to, 1, 1);
    }
    let cert = params.signed_by(&key, issuer).expect("sign leaf");
    Issued {
        cert: cert.pem(),
        key: key.serialize_pem(),
    }
}

/// The DER inside the first PEM section labelled `label`.
fn pem_der(text: &str, label: &str) -> Vec<u8> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let start = text.find(&begin).expect("PEM begin") + begin.len();
    let stop = text.find(&end).expect("PEM end");
    let b64: String = text[start..stop].split_whitespace().collect();
    base64::engine::general_purpose::STANDARD
        .decode(b64)
        .expect("PEM base64")
}

/// DER as PEM with `label`.
fn pem(label: &str, der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).expect("base64 is ASCII"));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// One DER element: (tag, contents, what follows).
fn tlv(der: &[u8]) -> (u8, &[u8], &[u8]) {
    let (len, header) = match der[1] {
        n if n < 0x80 => (usize::from(n), 2),
        n => {
            let count = usize::from(n & 0x7f);
            let len = der[2..2 + count]
                .iter()
                .fold(0, |acc, b| acc << 8 | usize::from(*b));
            (len, 2 + count)
        }
    };
    (der[0], &der[header..header + len], &der[header + len..])
}

/// The same EC key as SEC1 PEM ("EC PRIVATE KEY"), as `openssl ec` writes it: with the curve named
/// inside, which OpenSSL (and so mosquitto) needs to read it.
fn sec1(pkcs8_pem: &str) -> String {
    use std::io::Write;
    let mut child = std::process::Command::new("openssl")
        .args(["ec", "-outform", "PEM"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("openssl ec");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(pkcs8_pem.as_bytes()).expect("write key");
    drop(stdin);
    let out = child.wait_with_output().expect("openssl ec");
    assert!(out.status.success(), "openssl ec failed");
    let text = String::from_utf8(out.stdout).expect("PEM is text");
    assert!(text.contains("BEGIN EC PRIVATE KEY"), "{text}");
    text
}

/// The algorithm-specific key a PKCS#8 PrivateKeyInfo wraps (RFC 5208): PKCS#1 for RSA, SEC1 for
/// EC (RFC 5915; the curve is named in the PKCS#8 wrapper only, as `openssl pkcs8` leaves it).
fn pkcs8_inner(pkcs8: &[u8]) -> Vec<u8> {
    let (_, info, _) = tlv(pkcs8);
    let (_, _, rest) = tlv(info); // version
    let (_, _, rest) = tlv(rest); // algorithm
    let (tag, key, _) = tlv(rest);
    assert_eq!(tag, 0x04, "PKCS#8 privateKey is an OCTET STRING");
    key.to_vec()
}

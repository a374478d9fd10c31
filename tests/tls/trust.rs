//! Who is trusted: --cafile (several certificates in one file), --capath, --tls-use-os-certs, and
//! what is checked: host names and expiry, and what --insecure skips under each personality.

use super::pki::pki;
use super::{
    Files, TlsBroker, alias_pub, assert_delivered_once, assert_mosquitto_tls_error,
    assert_tls_error, delivered, mqtk_pub, publish, publish_env,
};
use crate::util::{self, Alias};

#[test]
fn cafile_trusts_the_broker_by_ip_address_and_by_name() {
    let b = TlsBroker::start(&pki().server, "");
    let f = Files::new();
    let sub = b.observer();
    assert_delivered_once(&b, &sub, &mqtk_pub(&b, &["--cafile", &f.path("ca.pem")]));
    let by_name = publish(
        &util::mqtk(),
        &["pub"],
        "localhost",
        &b.tls_port(),
        &["--cafile", &f.path("ca.pem")],
    );
    assert_delivered_once(&b, &sub, &by_name);
    // Several certificates in one file: every one is trusted.
    let both = mqtk_pub(&b, &["--cafile", &f.path("both-cas.pem"), "-V", "5"]);
    assert_delivered_once(&b, &sub, &both);
}

#[test]
fn an_unknown_issuer_is_refused_with_exit_8() {
    let b = TlsBroker::start(&pki().server, "");
    let f = Files::new();
    let sub = b.observer();
    let run = mqtk_pub(&b, &["--cafile", &f.path("other-ca.pem")]);
    assert_tls_error(&run, &["not trusted", "unknown issuer", "--cafile"]);
    let v5 = mqtk_pub(&b, &["--cafile", &f.path("other-ca.pem"), "-V", "5"]);
    assert_tls_error(&v5, &["unknown issuer"]);
    assert_eq!(delivered(&b, &sub), Vec::<String>::new());
}

#[test]
fn os_certs_come_from_the_system_store() {
    // rustls-native-certs and OpenSSL both read SSL_CERT_FILE, which makes the "system" store ours.
    let b = TlsBroker::start(&pki().server, "");
    let f = Files::new();
    let sub = b.observer();
    let mqtk = util::mqtk();
    let port = b.tls_port();
    let ok = publish_env(
        &mqtk,
        &["pub"],
        "127.0.0.1",
        &port,
        &["--tls-use-os-certs"],
        &[("SSL_CERT_FILE", &f.path("ca.pem"))],
    );
    assert_delivered_once(&b, &sub, &ok);
    let untrusted = publish_env(
        &mqtk,
        &["pub"],
        "127.0.0.1",
        &port,
        &["--tls-use-os-certs"],
        &[("SSL_CERT_FILE", &f.path("other-ca.pem"))],
    );
    assert_tls_error(&untrusted, &["unknown issuer"]);
    // mqtts:// without a CA means the system store too.
    let url = format!("mqtts://127.0.0.1:{port}/tls/test");
    let by_url = util::run_env(
        &mqtk,
        &["pub", "-L", &url, "-m", "over tls"],
        None,
        &[("SSL_CERT_FILE", &f.path("ca.pem"))],
    );
    assert_delivered_once(&b, &sub, &by_url);
}

#[test]
fn capath_reads_every_certificate_file_in_the_directory() {
    let b = TlsBroker::start(&pki().server, "");
    let f = Files::new();
    let sub = b.observer();
    // Two CAs as .crt files with `openssl rehash` names (as mosquitto's manual says), next to a
    // README that is not a certificate.
    let good = f.capath(
        "good",
        &[("other-ca.pem", "other.crt"), ("ca.pem", "ca.crt")],
    );
    rehash(&good);
    assert_delivered_once(&b, &sub, &mqtk_pub(&b, &["--capath", &good]));
    let untrusted = f.capath("untrusted", &[("other-ca.pem", "other.pem")]);
    rehash(&untrusted);
    assert_tls_error(
        &mqtk_pub(&b, &["--capath", &untrusted]),
        &["unknown issuer"],
    );
    // OpenSSL finds certificates by their hashed names only: mqtk says what to run.
    let unhashed = f.capath("unhashed", &[("ca.pem", "ca.crt")]);
    assert_tls_error(
        &mqtk_pub(&b, &["--capath", &unhashed]),
        &["--capath", "openssl rehash"],
    );
    let empty = f.capath("empty", &[]);
    assert_tls_error(
        &mqtk_pub(&b, &["--capath", &empty]),
        &["--capath", "empty", "no CA certificates"],
    );
    assert_eq!(delivered(&b, &sub), Vec::<String>::new());
}

#[test]
fn unreadable_pem_files_are_named() {
    let b = TlsBroker::start(&pki().server, "require_certificate true");
    let f = Files::new();
    let garbage = f.path("garbage.pem");
    assert_tls_error(
        &mqtk_pub(&b, &["--cafile", &garbage]),
        &["--cafile", &garbage, "no certificate"],
    );
    let ca = f.path("ca.pem");
    let key = f.path("client.key");
    // A key where the certificate belongs, and the other way round.
    assert_tls_error(
        &mqtk_pub(&b, &["--cafile", &ca, "--cert", &key, "--key", &key]),
        &["--cert", &key, "no certificate", "PRIVATE KEY"],
    );
    let cert = f.path("client.pem");
    assert_tls_error(
        &mqtk_pub(&b, &["--cafile", &ca, "--cert", &cert, "--key", &cert]),
        &["--key", &cert, "no private key", "CERTIFICATE"],
    );
}

#[test]
fn a_certificate_for_another_host_is_a_mismatch() {
    let b = TlsBroker::start(&pki().wrong_host, "");
    let f = Files::new();
    let sub = b.observer();
    let ca = f.path("ca.pem");
    assert_tls_error(
        &mqtk_pub(&b, &["--cafile", &ca]),
        &["host name mismatch", "127.0.0.1", "other.example"],
    );
    let by_name = publish(
        &util::mqtk(),
        &["pub"],
        "localhost",
        &b.tls_port(),
        &["--cafile", &ca],
    );
    assert_tls_error(&by_name, &["host name mismatch", "localhost"]);
    assert_eq!(delivered(&b, &sub), Vec::<String>::new());
}

#[test]
fn insecure_under_mqtk_accepts_any_certificate_and_says_so() {
    let b = TlsBroker::start(&pki().wrong_host, "");
    let f = Files::new();
    let sub = b.observer();
    let run = mqtk_pub(&b, &["--cafile", &f.path("ca.pem"), "--insecure"]);
    assert_delivered_once(&b, &sub, &run);
    assert!(run.stderr_str().starts_with("Warning: --insecure"), "{run}");
    // Under mqtk the chain is not checked either.
    let untrusted = mqtk_pub(&b, &["--cafile", &f.path("other-ca.pem"), "--insecure"]);
    assert_delivered_once(&b, &sub, &untrusted);
}

#[test]
fn insecure_under_mosquitto_names_skips_only_the_host_name() {
    let b = TlsBroker::start(&pki().wrong_host, "");
    let f = Files::new();
    let alias = Alias::new();
    let sub = b.observer();
    let port = b.tls_port();
    let ok = alias_pub(
        &alias,
        "127.0.0.1",
        &port,
        &["--cafile", &f.path("ca.pem"), "--insecure"],
    );
    assert_delivered_once(&b, &sub, &ok);
    let untrusted = alias_pub(
        &alias,
        "127.0.0.1",
        &port,
        &["--cafile", &f.path("other-ca.pem"), "--insecure"],
    );
    assert_mosquitto_tls_error(&untrusted);
    assert_eq!(delivered(&b, &sub), Vec::<String>::new());
    // libmosquitto 2.1 turns verification off when --tls-version or --ciphers come with it.
    let other = f.path("other-ca.pem");
    for extra in [["--tls-version", "tlsv1.2"], ["--ciphers", "DEFAULT"]] {
        let mut args = vec!["--cafile", &other, "--insecure"];
        args.extend(extra);
        let unverified = alias_pub(&alias, "127.0.0.1", &port, &args);
        assert_delivered_once(&b, &sub, &unverified);
    }
}

#[test]
fn an_expired_certificate_says_when_it_expired() {
    let b = TlsBroker::start(&pki().expired, "");
    let f = Files::new();
    assert_tls_error(
        &mqtk_pub(&b, &["--cafile", &f.path("ca.pem")]),
        &["expired on 2021-01-01"],
    );
    // mqtk's --insecure accepts it; mosquitto's only skips the name.
    let sub = b.observer();
    let insecure = mqtk_pub(&b, &["--cafile", &f.path("ca.pem"), "--insecure"]);
    assert_delivered_once(&b, &sub, &insecure);
    let alias = Alias::new();
    let run = alias_pub(
        &alias,
        "127.0.0.1",
        &b.tls_port(),
        &["--cafile", &f.path("ca.pem"), "--insecure"],
    );
    assert_mosquitto_tls_error(&run);
}

/// `openssl rehash DIR`: the hashed names OpenSSL looks CA certificates up by.
fn rehash(dir: &str) {
    let status = std::process::Command::new("openssl")
        .args(["rehash", dir])
        .status()
        .expect("openssl rehash");
    assert!(status.success(), "openssl rehash {dir}");
}

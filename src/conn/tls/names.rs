//! What a certificate is called and which legacy rules accepting it needed: `man mosquitto-tls` makes
//! X.509 v1 certificates whose only name is the subject's CN, which OpenSSL (and so mosquitto)
//! accepts and most newer TLS stacks refuse. mqtk accepts them too, and says so once.

use std::sync::Once;

use openssl::nid::Nid;
use openssl::x509::X509Ref;

/// The names a certificate holds: DNS and IP subjectAltNames, then the CN, marked as such.
pub fn describe(cert: &X509Ref) -> String {
    let mut names: Vec<String> = Vec::new();
    if let Some(alts) = cert.subject_alt_names() {
        for alt in &alts {
            if let Some(dns) = alt.dnsname() {
                names.push(dns.to_string());
            } else if let Some(ip) = alt.ipaddress() {
                names.push(ip_text(ip));
            }
        }
    }
    if let Some(cn) = common_name(cert) {
        names.push(format!("{cn} (CN)"));
    }
    if names.is_empty() {
        "no names".into()
    } else {
        names.join(", ")
    }
}

/// The legacy rules the broker's certificate needed, in words; empty when it needed none.
pub fn legacy_rules(cert: &X509Ref, host_checked: bool) -> Vec<&'static str> {
    let mut rules = Vec::new();
    // X509_get_version: 0 is v1.
    if cert.version() == 0 {
        rules.push("it is an X.509 v1 certificate");
    }
    let has_dns_alt = cert
        .subject_alt_names()
        .is_some_and(|alts| alts.iter().any(|a| a.dnsname().is_some()));
    if host_checked && !has_dns_alt && common_name(cert).is_some() {
        rules.push("its host name is only in the CN (no DNS subjectAltName)");
    }
    rules
}

/// Says once per process on stderr that the broker's certificate was accepted by a legacy rule.
pub fn hint_once(rules: &[&str]) {
    static HINTED: Once = Once::new();
    if rules.is_empty() {
        return;
    }
    HINTED.call_once(|| {
        eprintln!(
            "mqtk: note: the broker's certificate was accepted by a legacy rule, as mosquitto accepts it: {}; newer TLS clients may refuse it (re-issue it as v3 with a subjectAltName)",
            rules.join(" and ")
        );
    });
}

fn common_name(cert: &X509Ref) -> Option<String> {
    cert.subject_name()
        .entries_by_nid(Nid::COMMONNAME)
        .next()
        .and_then(|e| e.data().to_string().ok())
}

fn ip_text(bytes: &[u8]) -> String {
    match bytes.len() {
        4 => std::net::Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3]).to_string(),
        16 => {
            let mut a = [0u8; 16];
            a.copy_from_slice(bytes);
            std::net::Ipv6Addr::from(a).to_string()
        }
        _ => format!("{bytes:02x?}"),
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use openssl::ec::{EcGroup, EcKey};
    use openssl::hash::MessageDigest;
    use openssl::pkey::PKey;
    use openssl::x509::extension::SubjectAlternativeName;
    use openssl::x509::{X509, X509NameBuilder};

    /// A self-signed certificate named `cn`: v1 with no extensions, or v3 with these DNS names.
    fn cert(cn: &str, v3_dns: &[&str]) -> X509 {
        let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap();
        let key = PKey::from_ec_key(EcKey::generate(&group).unwrap()).unwrap();
        let mut name = X509NameBuilder::new().unwrap();
        name.append_entry_by_nid(Nid::COMMONNAME, cn).unwrap();
        let name = name.build();
        let mut b = X509::builder().unwrap();
        b.set_subject_name(&name).unwrap();
        b.set_issuer_name(&name).unwrap();
        b.set_pubkey(&key).unwrap();
        if !v3_dns.is_empty() {
            b.set_version(2).unwrap();
            let mut san = SubjectAlternativeName::new();
            for dns in v3_dns {
                san.dns(dns);
            }
            let ext = san.build(&b.x509v3_context(None, None)).unwrap();
            b.append_extension(ext).unwrap();
        }
        b.sign(&key, MessageDigest::sha256()).unwrap();
        b.build()
    }

    #[test]
    fn legacy_rules_of_the_mosquitto_tls_recipe() {
        let v1 = cert("localhost", &[]);
        assert_eq!(
            legacy_rules(&v1, true),
            [
                "it is an X.509 v1 certificate",
                "its host name is only in the CN (no DNS subjectAltName)"
            ]
        );
        // Without a host name check the CN rule was not needed.
        assert_eq!(legacy_rules(&v1, false), ["it is an X.509 v1 certificate"]);
        assert_eq!(describe(&v1), "localhost (CN)");
        let modern = cert("broker", &["broker.lab", "localhost"]);
        assert!(legacy_rules(&modern, true).is_empty());
        assert_eq!(describe(&modern), "broker.lab, localhost, broker (CN)");
    }
}

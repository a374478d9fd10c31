//! Transport flags (TLS, WebSockets, Unix sockets, proxies, `-A`) to the connection layer's
//! [`Endpoint`] parts, with mosquitto's rules: a CA file or `mqtts://` turns TLS on and makes 8883 the
//! default port, an explicit port 8883 turns TLS on with the system's CAs, port 0 means a Unix socket
//! named by the host.

use std::path::PathBuf;

use super::values::runtime_error;
use crate::cli::Personality;
use crate::cli::conn::ConnArgs;
use crate::conn::url::{BrokerUrl, Scheme};
use crate::conn::{Insecure, Proxy, ProxyKind, TlsOptions, TlsVersion, Transport};
use crate::exit::Failure;

/// What the transport flags decide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub transport: Transport,
    pub port: u16,
    pub proxy: Option<Proxy>,
    pub bind: Option<String>,
}

/// Options rustls cannot honour, with why.
fn unsupported(args: &ConnArgs) -> Option<String> {
    let why = |flag: &str, reason: &str| Some(format!("Error: {flag} is not supported: {reason}"));
    if args.psk.is_some() || args.psk_identity.is_some() {
        let flag = if args.psk.is_some() {
            "--psk"
        } else {
            "--psk-identity"
        };
        return why(flag, "mqtk uses rustls, which has no TLS-PSK.");
    }
    if args.tls_engine.is_some() || args.tls_engine_kpass_sha1.is_some() {
        return why(
            "--tls-engine",
            "mqtk uses rustls, which has no OpenSSL engines.",
        );
    }
    if args.keyform.as_deref() == Some("engine") {
        return why(
            "--keyform engine",
            "mqtk uses rustls, which has no OpenSSL engines.",
        );
    }
    if args.ciphers.is_some() {
        return why(
            "--ciphers",
            "rustls offers only its own safe cipher suites and takes no OpenSSL cipher names.",
        );
    }
    None
}

/// The TLS part, when TLS is on.
fn tls(args: &ConnArgs, personality: Personality, os_certs: bool) -> Result<TlsOptions, Failure> {
    let version = match args.tls_version.as_deref() {
        None => None,
        // libmosquitto only disables the versions below the one named, so under its names 1.2 and
        // 1.1 mean "1.2 or later" (rustls has nothing older); mqtk pins the version asked for.
        Some("tlsv1.2" | "tlsv1.1") if personality == Personality::Mosquitto => None,
        Some("tlsv1.3") => Some(TlsVersion::V13),
        Some("tlsv1.2") => Some(TlsVersion::V12),
        Some("tlsv1.1") | Some("tlsv1") => {
            return Err(runtime_error(
                "Error: --tls-version tlsv1.1 is not supported: rustls speaks TLS 1.2 and 1.3 only.",
            ));
        }
        Some(_) => {
            return Err(runtime_error(
                "Error: Problem setting TLS options, check the options are valid.",
            ));
        }
    };
    for path in [&args.cafile, &args.capath, &args.cert, &args.key]
        .into_iter()
        .flatten()
    {
        if std::fs::metadata(path).is_err() {
            return Err(runtime_error(
                "Error: Problem setting TLS options: File not found.",
            ));
        }
    }
    Ok(TlsOptions {
        cafile: args.cafile.as_ref().map(PathBuf::from),
        capath: args.capath.as_ref().map(PathBuf::from),
        cert: args.cert.as_ref().map(PathBuf::from),
        key: args.key.as_ref().map(PathBuf::from),
        insecure: match (args.insecure, personality) {
            (false, _) => Insecure::No,
            (true, Personality::Mosquitto) => Insecure::Hostname,
            (true, Personality::Mqtk) => Insecure::All,
        },
        version,
        alpn: args.tls_alpn.iter().cloned().collect(),
        os_certs: os_certs || args.tls_use_os_certs,
    })
}

/// Decodes the proxy userinfo the way mosquitto 2.0 does (`%25` → `%`, `%3A` → `:`, and, a bug,
/// `%40` → `:`), or properly under mqtk.
fn proxy_decode(text: &str, personality: Personality) -> Result<String, Failure> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find('%') {
        out.push_str(&rest[..i]);
        let code = rest.get(i + 1..i + 3).unwrap_or("").to_ascii_uppercase();
        let ch = match (code.as_str(), personality) {
            ("25", _) => '%',
            ("3A", _) => ':',
            ("40", Personality::Mosquitto) => ':',
            ("40", Personality::Mqtk) => '@',
            _ => return Err(Failure::usage("Error: Invalid proxy.\n")),
        };
        out.push(ch);
        rest = &rest[i + 3..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Parses `--proxy`.
fn proxy(text: &str, personality: Personality) -> Result<Proxy, Failure> {
    let lower = text.to_ascii_lowercase();
    let (kind, rest, default_port) = if lower.starts_with("socks5h://") {
        (ProxyKind::Socks5h, &text["socks5h://".len()..], 1080)
    } else if lower.starts_with("http://") && personality == Personality::Mqtk {
        (ProxyKind::Http, &text["http://".len()..], 8080)
    } else {
        return Err(Failure::usage(format!(
            "Error: Unsupported proxy protocol: {}\n",
            crate::conn::url::redact(text)
        )));
    };
    let (userinfo, hostport) = match rest.rsplit_once('@') {
        Some((u, h)) => (Some(u), h),
        None => (None, rest),
    };
    let (username, password) = match userinfo {
        Some(u) => match u.split_once(':') {
            Some((user, pass)) => (
                Some(proxy_decode(user, personality)?),
                Some(proxy_decode(pass, personality)?),
            ),
            None => (Some(proxy_decode(u, personality)?), None),
        },
        None => (None, None),
    };
    let hostport = hostport.trim_end_matches('/');
    let (host, port) = match hostport.rsplit_once(':') {
        Some((h, p)) => {
            let n = crate::cli::numbers::atoi(p);
            if !(1..=65_535).contains(&n) {
                return Err(Failure::usage(format!("Error: Invalid proxy port {n}\n")));
            }
            (h.to_string(), n as u16)
        }
        None => (hostport.to_string(), default_port),
    };
    if host.is_empty() {
        return Err(Failure::usage("Error: Invalid proxy.\n"));
    }
    Ok(Proxy {
        kind,
        host,
        port,
        username,
        password,
    })
}

/// Decides the transport. `host` is the broker host (the socket's path for port 0), `port` the port
/// given with `-p`, in the URL or as 0 by `--unix`, `url` the `-L` URL when one was given last.
pub fn resolve(
    args: &ConnArgs,
    url: Option<&BrokerUrl>,
    host: &str,
    port: Option<u16>,
    personality: Personality,
) -> Result<Resolved, Failure> {
    if let Some(text) = unsupported(args) {
        return Err(runtime_error(&text));
    }
    if args.cert.is_some() != args.key.is_some() {
        return Err(Failure::usage(
            "Error: Both certfile and keyfile must be provided if one of them is set.\n",
        ));
    }
    if args.keyform.is_some() && args.key.is_none() {
        return Err(Failure::usage(
            "Error: If keyform is set, keyfile must be also specified.\n",
        ));
    }
    if let Some(form) = args.keyform.as_deref().filter(|f| *f != "pem") {
        return Err(Failure::usage(format!(
            "Error: Invalid keyform '{form}'.\n"
        )));
    }
    let scheme = url.map(|u| u.scheme);
    let ca_given = args.cafile.is_some() || args.capath.is_some();
    let url_tls = matches!(scheme, Some(Scheme::Mqtts) | Some(Scheme::Wss));
    // mosquitto: an explicit port 8883 without a CA turns TLS on with the system's CAs.
    let port_8883 = port == Some(8883) && !ca_given;
    let tls_on = ca_given || args.tls_use_os_certs || url_tls || port_8883;
    let os_certs = (url_tls || port_8883) && !ca_given;
    let ws = args.ws || matches!(scheme, Some(Scheme::Ws) | Some(Scheme::Wss));
    let path = url
        .filter(|_| matches!(scheme, Some(Scheme::Ws) | Some(Scheme::Wss)))
        .map(|u| format!("/{}", u.topic))
        .unwrap_or_else(|| "/mqtt".to_string());
    // `--unix PATH` arrives as host PATH and port 0, as in mosquitto.
    let unix = (port == Some(0)).then(|| host.to_string());

    let transport = if let Some(path) = unix {
        Transport::Unix(PathBuf::from(path))
    } else if ws && tls_on {
        Transport::Wss {
            path,
            tls: tls(args, personality, os_certs)?,
        }
    } else if ws {
        Transport::Ws { path }
    } else if tls_on {
        Transport::Tls(tls(args, personality, os_certs)?)
    } else {
        Transport::Tcp
    };
    let default_port = match &transport {
        Transport::Tls(_) => 8883,
        Transport::Ws { .. } => 80,
        Transport::Wss { .. } => 443,
        _ => 1883,
    };
    let proxy = args
        .proxy
        .as_deref()
        .map(|p| proxy(p, personality))
        .transpose()?;
    Ok(Resolved {
        transport,
        port: port.unwrap_or(default_port),
        proxy,
        bind: args.bind_address.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxy_urls() {
        let p = proxy("socks5h://ann:p%40ss@proxy.lan:1081", Personality::Mqtk).unwrap();
        assert_eq!(
            (p.kind, p.host.as_str(), p.port),
            (ProxyKind::Socks5h, "proxy.lan", 1081)
        );
        assert_eq!(
            (p.username.as_deref(), p.password.as_deref()),
            (Some("ann"), Some("p@ss"))
        );
        let q = proxy("socks5h://ann:p%40ss@proxy.lan", Personality::Mosquitto).unwrap();
        assert_eq!((q.password.as_deref(), q.port), (Some("p:ss"), 1080));
        assert_eq!(
            proxy("http://h:3128", Personality::Mqtk).unwrap().kind,
            ProxyKind::Http
        );
        assert!(proxy("http://h:3128", Personality::Mosquitto).is_err());
        assert!(proxy("socks5h://h:70000", Personality::Mqtk).is_err());
        assert!(proxy("socks5h://", Personality::Mqtk).is_err());
    }
}

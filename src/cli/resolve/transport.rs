//! Transport flags (TLS, WebSockets, Unix sockets, proxies, `-A`) to the connection layer's
//! [`Endpoint`] parts, with mosquitto's rules: a CA file or `mqtts://` turns TLS on and makes 8883 the
//! default port, an explicit port 8883 turns TLS on with the system's CAs, port 0 means a Unix socket
//! named by the host.

use std::path::PathBuf;

use super::values::runtime_error;
use crate::cli::Personality;
use crate::cli::conn::ConnArgs;
use crate::conn::url::{BrokerUrl, Scheme};
use crate::conn::{Insecure, Proxy, ProxyKind, Psk, TlsOptions, TlsVersion, Transport};
use crate::exit::Failure;

/// What the transport flags decide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub transport: Transport,
    pub port: u16,
    pub proxy: Option<Proxy>,
    pub bind: Option<String>,
}

/// OpenSSL engines, which OpenSSL 3 no longer has: mosquitto 2.1 built against it refuses an
/// engine name and fails to connect with `--keyform engine`; mqtk says why.
fn engines(args: &ConnArgs, personality: Personality) -> Result<(), Failure> {
    let engine = args.tls_engine.is_some() || args.tls_engine_kpass_sha1.is_some();
    let keyform = args.keyform.as_deref() == Some("engine");
    if !engine && !keyform {
        return Ok(());
    }
    if personality == Personality::Mqtk {
        let flag = if engine {
            "--tls-engine"
        } else {
            "--keyform engine"
        };
        return Err(runtime_error(&format!(
            "Error: {flag} is not supported: OpenSSL 3, which mqtk uses, has no engines."
        )));
    }
    if let Some(name) = &args.tls_engine {
        return Err(runtime_error(&format!(
            "Error: Problem setting TLS engine, is {name} a valid engine?"
        )));
    }
    Err(runtime_error("Unable to connect (A TLS error occurred)."))
}

/// TLS-PSK, with mosquitto's checks: never with a CA, always with an identity.
fn psk(args: &ConnArgs) -> Result<Option<Psk>, Failure> {
    let Some(hex) = &args.psk else {
        return Ok(None);
    };
    if args.cafile.is_some() || args.capath.is_some() {
        return Err(Failure::usage(
            "Error: Only one of --psk or --cafile/--capath may be used at once.\n",
        ));
    }
    let Some(identity) = &args.psk_identity else {
        return Err(Failure::usage(
            "Error: --psk-identity required if --psk used.\n",
        ));
    };
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(runtime_error("Error: Problem setting TLS-PSK options."));
    }
    Ok(Some(Psk {
        hex: hex.clone(),
        identity: identity.clone(),
    }))
}

/// The TLS part, when TLS is on.
fn tls(
    args: &ConnArgs,
    personality: Personality,
    os_certs: bool,
    psk: Option<Psk>,
) -> Result<TlsOptions, Failure> {
    let mosquitto = personality == Personality::Mosquitto;
    // libmosquitto 2.1 knows these two (in any case); "tlsv1.2" there means 1.2 or later.
    let version = match args.tls_version.as_deref().map(str::to_ascii_lowercase) {
        None => None,
        Some(v) if v == "tlsv1.3" => Some(TlsVersion::V13),
        Some(v) if v == "tlsv1.2" => Some(TlsVersion::V12),
        Some(v) if !mosquitto => {
            return Err(runtime_error(&format!(
                "Error: --tls-version {v}: mqtk speaks TLS 1.2 and 1.3 only (tlsv1.2, tlsv1.3)."
            )));
        }
        Some(_) => {
            return Err(runtime_error(
                "Error: Problem setting TLS options, check the options are valid.",
            ));
        }
    };
    // libmosquitto checks that --capath exists only when it loads it (a TLS error then).
    let capath = if mosquitto {
        None
    } else {
        args.capath.as_ref()
    };
    for path in [
        args.cafile.as_ref(),
        capath,
        args.cert.as_ref(),
        args.key.as_ref(),
    ]
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
            // libmosquitto turns verification off only when --tls-version or --ciphers come with
            // --insecure (its tls_opts_set call); alone, --insecure skips the host name.
            (true, Personality::Mosquitto)
                if args.tls_version.is_none() && args.ciphers.is_none() =>
            {
                Insecure::Hostname
            }
            (true, _) => Insecure::All,
        },
        version,
        version_is_minimum: mosquitto,
        ciphers: args.ciphers.clone(),
        alpn: args.tls_alpn.iter().cloned().collect(),
        os_certs: os_certs || args.tls_use_os_certs,
        psk,
        keylog: args.tls_keylog.as_ref().map(PathBuf::from),
        mosquitto_errors: mosquitto,
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
    if args.tls_engine_kpass_sha1.is_some() && (args.keyform.is_none() || args.tls_engine.is_none())
    {
        return Err(Failure::usage(
            "Error: when using tls-engine-kpass-sha1, both tls-engine and keyform must also be provided.\n",
        ));
    }
    engines(args, personality)?;
    if let Some(form) = args.keyform.as_deref().filter(|f| *f != "pem") {
        return Err(Failure::usage(format!(
            "Error: Invalid keyform '{form}'.\n"
        )));
    }
    let scheme = url.map(|u| u.scheme);
    let psk = psk(args)?;
    let ca_given = args.cafile.is_some() || args.capath.is_some();
    let url_tls = matches!(scheme, Some(Scheme::Mqtts) | Some(Scheme::Wss));
    // mosquitto: an explicit port 8883 without a CA (or PSK) turns TLS on with the system's CAs.
    let port_8883 = port == Some(8883) && !ca_given && psk.is_none();
    // --no-tls (mosquitto 2.1) wins over everything that turns TLS on.
    let tls_on = !args.no_tls
        && (ca_given || psk.is_some() || args.tls_use_os_certs || url_tls || port_8883);
    let os_certs = (url_tls || port_8883) && !ca_given && psk.is_none();
    let ws = args.ws || matches!(scheme, Some(Scheme::Ws) | Some(Scheme::Wss));
    let path = url
        .filter(|_| matches!(scheme, Some(Scheme::Ws) | Some(Scheme::Wss)))
        .filter(|_| personality == Personality::Mqtk)
        .map(|u| format!("/{}", u.topic))
        .unwrap_or_else(|| "/mqtt".to_string());
    // `--unix PATH` arrives as host PATH and port 0, as in mosquitto.
    let unix = (port == Some(0)).then(|| host.to_string());

    let transport = if let Some(path) = unix {
        Transport::Unix(PathBuf::from(path))
    } else if ws && tls_on {
        Transport::Wss {
            path,
            tls: tls(args, personality, os_certs, psk)?,
        }
    } else if ws {
        Transport::Ws { path }
    } else if tls_on {
        Transport::Tls(tls(args, personality, os_certs, psk)?)
    } else {
        Transport::Tcp
    };
    let default_port = match (&transport, personality) {
        (Transport::Tls(_) | Transport::Wss { .. }, Personality::Mosquitto) => 8883,
        (Transport::Tls(_), _) => 8883,
        (Transport::Ws { .. }, Personality::Mqtk) => 80,
        (Transport::Wss { .. }, _) => 443,
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

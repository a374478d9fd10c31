//! `-L mqtt://[user[:pass]@]host[:port]/topic`, parsed the way mosquitto 2.0 parses it: scheme
//! case-insensitive, userinfo split at the first `@` and `:`, no percent-decoding, topic after the first
//! `/`. (The `url` crate would accept and normalise more than mosquitto does, so this is by hand.)

/// The URL schemes `-L` knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    Mqtt,
    Mqtts,
    Ws,
    Wss,
}

/// The parts of a `-L` URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokerUrl {
    pub scheme: Scheme,
    pub username: Option<String>,
    pub password: Option<String>,
    pub host: String,
    /// The port text as written (empty when absent); the caller converts it (mosquitto uses `atoi`).
    pub port: Option<String>,
    /// The topic (mqtt://, mqtts://), or the WebSocket path without its leading `/` (ws://, wss://).
    pub topic: String,
}

/// Why a URL was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlError {
    /// Not mqtt://, mqtts://, ws:// or wss://.
    Scheme,
    /// No `/` after the host (mqtt:// and mqtts:// only).
    TopicMissing,
}

/// Parses a `-L` URL.
pub fn parse(url: &str) -> Result<BrokerUrl, UrlError> {
    let lower = url.to_ascii_lowercase();
    let (scheme, rest) = [
        ("mqtt://", Scheme::Mqtt),
        ("mqtts://", Scheme::Mqtts),
        ("ws://", Scheme::Ws),
        ("wss://", Scheme::Wss),
    ]
    .into_iter()
    .find(|(prefix, _)| lower.starts_with(prefix))
    .map(|(prefix, scheme)| (scheme, &url[prefix.len()..]))
    .ok_or(UrlError::Scheme)?;
    let (authority, topic) = match rest.split_once('/') {
        Some(parts) => parts,
        // A WebSocket URL's path is the WebSocket path, `/mqtt` when absent (as with --ws).
        None if matches!(scheme, Scheme::Ws | Scheme::Wss) => (rest, "mqtt"),
        None => return Err(UrlError::TopicMissing),
    };
    let (userinfo, hostport) = match authority.split_once('@') {
        Some((u, h)) => (Some(u), h),
        None => (None, authority),
    };
    let (username, password) = match userinfo {
        Some(u) => match u.split_once(':') {
            Some((user, pass)) => (Some(user.to_string()), Some(pass.to_string())),
            None => (Some(u.to_string()), None),
        },
        None => (None, None),
    };
    let (host, port) = match hostport.split_once(':') {
        Some((h, p)) => (h.to_string(), Some(p.to_string())),
        None => (hostport.to_string(), None),
    };
    Ok(BrokerUrl {
        scheme,
        username,
        password,
        host,
        port,
        topic: topic.to_string(),
    })
}

/// `url` with the password in its userinfo (`scheme://user:PASSWORD@host…`) replaced by `****`,
/// for error messages: a password is never printed, however malformed the URL around it.
pub fn redact(url: &str) -> String {
    let Some(start) = url.find("://").map(|i| i + 3) else {
        return url.to_string();
    };
    let authority_end = url[start..].find('/').map_or(url.len(), |i| start + i);
    let Some(at) = url[start..authority_end].rfind('@').map(|i| start + i) else {
        return url.to_string();
    };
    match url[start..at].find(':').map(|i| start + i) {
        Some(colon) => format!("{}****{}", &url[..=colon], &url[at..]),
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords() {
        assert_eq!(redact("ftp://u:se:cr@et@h:1/x"), "ftp://u:****@h:1/x");
        assert_eq!(redact("socks5h://u@h"), "socks5h://u@h");
        assert_eq!(redact("http://h:1"), "http://h:1");
        assert_eq!(redact("no scheme u:p@h"), "no scheme u:p@h");
        assert_eq!(redact("x://:p@"), "x://:****@");
    }

    #[test]
    fn full_url() {
        let u = parse("mqtt://ann:se:cret@broker:1884/a/b").unwrap();
        assert_eq!(u.scheme, Scheme::Mqtt);
        assert_eq!(u.username.as_deref(), Some("ann"));
        assert_eq!(u.password.as_deref(), Some("se:cret"));
        assert_eq!(u.host, "broker");
        assert_eq!(u.port.as_deref(), Some("1884"));
        assert_eq!(u.topic, "a/b");
    }

    #[test]
    fn minimal_and_case() {
        let u = parse("MQTT://h/t").unwrap();
        assert_eq!(
            (u.host.as_str(), u.port, u.topic.as_str()),
            ("h", None, "t")
        );
        assert_eq!(parse("mqtts://h/t").unwrap().scheme, Scheme::Mqtts);
        assert_eq!(parse("wss://h/mqtt").unwrap().scheme, Scheme::Wss);
    }

    #[test]
    fn errors() {
        assert_eq!(parse("http://h/t"), Err(UrlError::Scheme));
        assert_eq!(parse("mqtt://h"), Err(UrlError::TopicMissing));
        assert_eq!(parse("ws://h:8080").unwrap().topic, "mqtt");
        assert_eq!(parse("wss://h/").unwrap().topic, "");
    }
}

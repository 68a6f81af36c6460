//! Where a webhook may send: an absolute `https` URL (or `http` where
//! private addresses are allowed), to a public address. A server that
//! calls URLs its users choose must not become their way into the
//! network it sits in (SSRF): loopback, private, shared, unique-local and
//! other special-purpose ranges are refused unless the operator allows
//! private addresses, and link-local ranges, where clouds answer with
//! instance credentials, are refused whatever is allowed.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// An absolute `http(s)` URL without credentials or fragment, at most
/// [`WebhookUrl::MAX_LEN`] characters.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookUrl(url::Url);

/// Why a text is not a [`WebhookUrl`], or not one this server may call.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    /// Not an absolute URL.
    #[error("must be an absolute http(s) URL such as https://example.com/hooks")]
    NotAbsolute,
    /// Longer than the maximum.
    #[error("must be at most {max} characters")]
    TooLong {
        /// The maximum.
        max: usize,
    },
    /// Another scheme, or `http` where only `https` is allowed.
    #[error("must use {allowed}")]
    Scheme {
        /// What is allowed.
        allowed: &'static str,
    },
    /// A user name or password in the URL.
    #[error("must not carry a user name or password")]
    Credentials,
    /// A `#fragment`, which is never sent.
    #[error("must not have a #fragment")]
    Fragment,
    /// The host is, or resolves to, an address this server may not call.
    #[error("{host} is a {kind} address, which webhooks may not call")]
    Address {
        /// The address.
        host: IpAddr,
        /// Which kind of range it is in.
        kind: &'static str,
    },
}

impl WebhookUrl {
    /// Longest URL accepted.
    pub const MAX_LEN: usize = 2000;

    /// Parses `raw` as an absolute `http` or `https` URL.
    ///
    /// # Errors
    /// [`UrlError`] says what is wrong with it.
    pub fn parse(raw: &str) -> Result<WebhookUrl, UrlError> {
        if raw.chars().count() > Self::MAX_LEN {
            return Err(UrlError::TooLong { max: Self::MAX_LEN });
        }
        let url = url::Url::parse(raw.trim()).map_err(|_| UrlError::NotAbsolute)?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(UrlError::Scheme {
                allowed: "https (or http)",
            });
        }
        if url.host().is_none() {
            return Err(UrlError::NotAbsolute);
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(UrlError::Credentials);
        }
        if url.fragment().is_some() {
            return Err(UrlError::Fragment);
        }
        Ok(WebhookUrl(url))
    }

    /// The URL's text.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// Whether it is `https`.
    pub fn is_https(&self) -> bool {
        self.0.scheme() == "https"
    }

    /// The host as written: a name to resolve, or an address.
    pub fn host(&self) -> Host<'_> {
        match self.0.host() {
            Some(url::Host::Ipv4(ip)) => Host::Address(IpAddr::V4(ip)),
            Some(url::Host::Ipv6(ip)) => Host::Address(IpAddr::V6(ip)),
            Some(url::Host::Domain(name)) => Host::Name(name),
            None => Host::Name(""),
        }
    }

    /// The port, the scheme's when none is written.
    pub fn port(&self) -> u16 {
        self.0.port_or_known_default().unwrap_or(443)
    }
}

impl fmt::Debug for WebhookUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for WebhookUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A URL's host.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Host<'a> {
    /// A name, resolved before each call.
    Name(&'a str),
    /// An address written into the URL.
    Address(IpAddr),
}

/// Which URLs and addresses webhooks may call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct AddressPolicy {
    /// Whether `http` and private ranges are allowed (for a receiver on
    /// the same network; link-local ranges stay refused).
    pub allow_private: bool,
}

impl AddressPolicy {
    /// Checks the URL's scheme and, when it is written as an address,
    /// the address. A name is checked once resolved ([`AddressPolicy::check_address`]).
    ///
    /// # Errors
    /// [`UrlError::Scheme`] or [`UrlError::Address`].
    pub fn check_url(self, url: &WebhookUrl) -> Result<(), UrlError> {
        if !url.is_https() && !self.allow_private {
            return Err(UrlError::Scheme { allowed: "https" });
        }
        match url.host() {
            Host::Address(ip) => self.check_address(ip),
            Host::Name(_) => Ok(()),
        }
    }

    /// Whether `ip` may be called.
    ///
    /// # Errors
    /// [`UrlError::Address`] naming the kind of range it is in.
    pub fn check_address(self, ip: IpAddr) -> Result<(), UrlError> {
        match classify(ip) {
            Class::Public => Ok(()),
            Class::Private(_) if self.allow_private => Ok(()),
            Class::Private(kind) | Class::Never(kind) => Err(UrlError::Address { host: ip, kind }),
        }
    }
}

enum Class {
    Public,
    /// Allowed only where private addresses are.
    Private(&'static str),
    /// Never allowed.
    Never(&'static str),
}

fn classify(ip: IpAddr) -> Class {
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => classify_v6(v6),
    }
}

fn classify_v4(ip: Ipv4Addr) -> Class {
    let [a, b, c, _] = ip.octets();
    if a == 169 && b == 254 {
        return Class::Never("link-local");
    }
    // Alibaba Cloud's instance metadata service.
    if ip == Ipv4Addr::new(100, 100, 100, 200) {
        return Class::Never("cloud metadata");
    }
    let kind = match (a, b, c) {
        (0, _, _) => "unspecified",
        (127, _, _) => "loopback",
        (10, _, _) | (192, 168, _) => "private",
        (172, 16..=31, _) => "private",
        (100, 64..=127, _) => "shared (carrier-grade NAT)",
        (192, 0, 0) | (198, 18..=19, _) => "reserved",
        (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => "documentation",
        (224..=239, _, _) => "multicast",
        (240..=255, _, _) => "reserved",
        _ => return Class::Public,
    };
    Class::Private(kind)
}

fn classify_v6(ip: Ipv6Addr) -> Class {
    let segments = ip.segments();
    if let Some(v4) = ip.to_ipv4_mapped() {
        return classify_v4(v4);
    }
    // NAT64 (64:ff9b::/96) reaches the IPv4 address in its last 32 bits.
    if segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        let [.., hi, lo] = segments;
        let [a, b] = hi.to_be_bytes();
        let [c, d] = lo.to_be_bytes();
        return classify_v4(Ipv4Addr::new(a, b, c, d));
    }
    if segments[0] & 0xffc0 == 0xfe80 {
        return Class::Never("link-local");
    }
    // AWS's instance metadata service over IPv6.
    if ip == Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254) {
        return Class::Never("cloud metadata");
    }
    let kind = if ip.is_unspecified() {
        "unspecified"
    } else if ip.is_loopback() {
        "loopback"
    } else if segments[0] & 0xfe00 == 0xfc00 {
        "unique-local"
    } else if segments[0] & 0xffc0 == 0xfec0 {
        "site-local"
    } else if segments[0] & 0xff00 == 0xff00 {
        "multicast"
    } else if segments[0] == 0x2001 && segments[1] == 0x0db8 {
        "documentation"
    } else if segments[..6] == [0; 6] {
        // ::a.b.c.d, the deprecated IPv4-compatible form.
        "reserved"
    } else {
        return Class::Public;
    };
    Class::Private(kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(ip: &str, allow_private: bool) -> Option<&'static str> {
        match (AddressPolicy { allow_private }).check_address(ip.parse().unwrap()) {
            Ok(()) => None,
            Err(UrlError::Address { kind, .. }) => Some(kind),
            Err(e) => panic!("unexpected {e}"),
        }
    }

    #[test]
    fn special_ranges_are_refused_and_public_ones_allowed() {
        for (ip, expected) in [
            ("127.0.0.1", "loopback"),
            ("10.1.2.3", "private"),
            ("172.20.0.1", "private"),
            ("192.168.0.10", "private"),
            ("100.64.0.1", "shared (carrier-grade NAT)"),
            ("0.0.0.0", "unspecified"),
            ("224.0.0.1", "multicast"),
            ("::1", "loopback"),
            ("fd12::1", "unique-local"),
            ("::ffff:127.0.0.1", "loopback"),
            ("64:ff9b::a00:1", "private"),
        ] {
            assert_eq!(kind(ip, false), Some(expected), "{ip}");
            assert_eq!(kind(ip, true), None, "{ip} with private allowed");
        }
        for ip in ["93.184.216.34", "8.8.8.8", "2606:4700::1111", "172.32.0.1"] {
            assert_eq!(kind(ip, false), None, "{ip}");
        }
    }

    #[test]
    fn link_local_and_metadata_addresses_are_never_allowed() {
        for (ip, expected) in [
            ("169.254.169.254", "link-local"),
            ("169.254.0.1", "link-local"),
            ("fe80::1", "link-local"),
            ("::ffff:169.254.169.254", "link-local"),
            ("64:ff9b::a9fe:a9fe", "link-local"),
            ("fd00:ec2::254", "cloud metadata"),
            ("100.100.100.200", "cloud metadata"),
        ] {
            assert_eq!(kind(ip, true), Some(expected), "{ip}");
        }
    }

    #[test]
    fn urls_are_absolute_http_without_credentials() {
        assert_eq!(
            WebhookUrl::parse("/hooks"),
            Err(UrlError::NotAbsolute),
            "a relative URL"
        );
        assert!(matches!(
            WebhookUrl::parse("ftp://example.com/"),
            Err(UrlError::Scheme { .. })
        ));
        assert_eq!(
            WebhookUrl::parse("https://u:p@example.com/"),
            Err(UrlError::Credentials)
        );
        let url = WebhookUrl::parse("http://example.com:8080/in").unwrap();
        assert_eq!(url.port(), 8080);
        assert_eq!(url.host(), Host::Name("example.com"));
        let strict = AddressPolicy::default();
        assert_eq!(
            strict.check_url(&url),
            Err(UrlError::Scheme { allowed: "https" })
        );
        assert_eq!(
            AddressPolicy {
                allow_private: true
            }
            .check_url(&url),
            Ok(())
        );
        let literal = WebhookUrl::parse("https://[::1]/").unwrap();
        assert!(matches!(
            strict.check_url(&literal),
            Err(UrlError::Address {
                kind: "loopback",
                ..
            })
        ));
    }
}

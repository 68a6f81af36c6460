//! Which address a request comes from, for rate limits and the
//! failed-sign-in throttle. The connecting peer, unless it is one of the
//! proxies in `OMS_TRUSTED_PROXIES`: then `X-Forwarded-For` (every line of
//! it, in order) is read from the right, past each address that is itself
//! a trusted proxy, and the first one that is not is the client. Entries
//! to its left are the client's own word and never believed, so a client
//! cannot pick a fresh address per request to escape its budgets. IPv6
//! clients are keyed by their /64, which one subscriber usually holds
//! whole.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use actix_web::http::header::HeaderMap;
use ipnet::IpNet;

/// Tells clients apart by address.
#[derive(Clone, Debug, Default)]
pub struct ClientIp {
    trusted: Arc<[IpNet]>,
}

impl ClientIp {
    /// Believing `X-Forwarded-For` only from peers in `trusted`.
    pub fn new(trusted: &[IpNet]) -> ClientIp {
        ClientIp {
            trusted: trusted.into(),
        }
    }

    /// The key for a request with these headers from this peer.
    pub fn of(&self, headers: &HeaderMap, peer: Option<SocketAddr>) -> Option<IpAddr> {
        peer.map(|peer| key(self.address(headers, peer.ip())))
    }

    /// The client's address.
    pub fn address(&self, headers: &HeaderMap, peer: IpAddr) -> IpAddr {
        let mut client = peer.to_canonical();
        if !self.trusts(client) {
            return client;
        }
        let lines: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .filter_map(|line| line.to_str().ok())
            .collect();
        let hops = lines
            .iter()
            .rev()
            .flat_map(|line| line.rsplit(','))
            .map(str::trim)
            .filter(|hop| !hop.is_empty());
        for hop in hops {
            // An entry that does not read leaves the nearest address known.
            let Some(ip) = parse_hop(hop) else { break };
            client = ip;
            if !self.trusts(ip) {
                break;
            }
        }
        client
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.trusted.iter().any(|net| net.contains(&ip))
    }
}

/// An entry of `OMS_TRUSTED_PROXIES`: a network (`10.0.0.0/8`) or one
/// address.
pub fn parse_proxy(entry: &str) -> Option<IpNet> {
    entry
        .parse::<IpNet>()
        .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from))
        .ok()
}

/// An `X-Forwarded-For` entry: an address, possibly with a port.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let ip = hop
        .parse::<IpAddr>()
        .or_else(|_| hop.parse::<SocketAddr>().map(|s| s.ip()))
        .ok()?;
    Some(ip.to_canonical())
}

/// The address as a rate-limit key.
fn key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => {
            let mut octets = v6.octets();
            octets[8..].fill(0);
            IpAddr::V6(octets.into())
        }
    }
}

#[cfg(test)]
mod tests {
    use actix_web::http::header::{HeaderName, HeaderValue};

    use super::*;

    fn forwarded(lines: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for line in lines {
            headers.append(
                HeaderName::from_static("x-forwarded-for"),
                HeaderValue::from_str(line).unwrap(),
            );
        }
        headers
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn behind(proxies: &[&str]) -> ClientIp {
        let nets: Vec<IpNet> = proxies.iter().map(|p| parse_proxy(p).unwrap()).collect();
        ClientIp::new(&nets)
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_forwards() {
        let client = behind(&["10.0.0.0/8"]);
        let headers = forwarded(&["198.51.100.7"]);
        assert_eq!(
            client.address(&headers, ip("203.0.113.5")),
            ip("203.0.113.5")
        );
        let nobody = ClientIp::default();
        assert_eq!(nobody.address(&headers, ip("10.1.1.1")), ip("10.1.1.1"));
    }

    #[test]
    fn behind_a_trusted_proxy_the_right_most_untrusted_address_is_the_client() {
        let client = behind(&["10.0.0.0/8"]);
        // The left entry is the client's own claim; the proxy appended the right one.
        let headers = forwarded(&["1.2.3.4, 198.51.100.7"]);
        assert_eq!(client.address(&headers, ip("10.0.0.2")), ip("198.51.100.7"));
    }

    #[test]
    fn a_chain_of_trusted_proxies_is_walked_past() {
        let client = behind(&["10.0.0.0/8", "192.0.2.10"]);
        let headers = forwarded(&["1.2.3.4, 198.51.100.7, 192.0.2.10, 10.9.9.9"]);
        assert_eq!(client.address(&headers, ip("10.0.0.2")), ip("198.51.100.7"));
    }

    #[test]
    fn every_header_line_is_read_in_order() {
        let client = behind(&["10.0.0.0/8"]);
        // A client's own line first, then the line its proxy added.
        let headers = forwarded(&["1.2.3.4", "198.51.100.7, 10.0.0.3"]);
        assert_eq!(client.address(&headers, ip("10.0.0.2")), ip("198.51.100.7"));
        let spoofed_last = forwarded(&["198.51.100.7", "10.0.0.3"]);
        assert_eq!(
            client.address(&spoofed_last, ip("10.0.0.2")),
            ip("198.51.100.7"),
            "read across lines, not the first line only"
        );
    }

    #[test]
    fn ports_brackets_and_mapped_addresses_read_as_addresses() {
        let client = behind(&["10.0.0.0/8"]);
        let headers = forwarded(&["[2001:db8::1]:443"]);
        assert_eq!(
            client.address(&headers, ip("::ffff:10.0.0.2")),
            ip("2001:db8::1")
        );
        let with_port = forwarded(&["198.51.100.7:5555"]);
        assert_eq!(
            client.address(&with_port, ip("10.0.0.2")),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn an_unreadable_entry_leaves_the_nearest_known_address() {
        let client = behind(&["10.0.0.0/8"]);
        let headers = forwarded(&["198.51.100.7, garbage"]);
        assert_eq!(client.address(&headers, ip("10.0.0.2")), ip("10.0.0.2"));
    }

    #[test]
    fn ipv6_clients_are_keyed_by_their_slash_64() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        let other: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(key(a), key(b));
        assert_ne!(key(a), key(other));
        let v4: IpAddr = "192.0.2.7".parse().unwrap();
        assert_eq!(key(v4), v4);
    }
}

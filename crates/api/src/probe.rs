//! `oms health`: asks the server this configuration describes whether it is
//! alive, for container health checks in images that carry no HTTP client.

use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream};
use std::time::Duration;

/// How long the whole probe may take; a health check that hangs is a failed one.
const PATIENCE: Duration = Duration::from_secs(3);

/// Where a server bound to `bind` can be reached from this machine: a
/// wildcard address (`0.0.0.0`, `::`) is reached on loopback.
pub fn reachable(bind: SocketAddr) -> SocketAddr {
    let ip = match bind.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    SocketAddr::new(ip, bind.port())
}

/// `GET /healthz` on the server bound to `bind`.
///
/// # Errors
/// What went wrong, when the server cannot be reached or does not answer 200.
pub fn healthz(bind: SocketAddr) -> Result<(), String> {
    let at = reachable(bind);
    let mut stream =
        TcpStream::connect_timeout(&at, PATIENCE).map_err(|e| format!("no server on {at}: {e}"))?;
    let timeouts = stream
        .set_read_timeout(Some(PATIENCE))
        .and_then(|()| stream.set_write_timeout(Some(PATIENCE)));
    timeouts.map_err(|e| e.to_string())?;
    let request = format!("GET /healthz HTTP/1.1\r\nHost: {at}\r\nConnection: close\r\n\r\n");
    stream
        .write_all(request.as_bytes())
        .map_err(|e| format!("{at}: {e}"))?;
    // The status line is all that matters; the body of /healthz is tiny.
    let mut head = [0u8; 64];
    let mut read = 0;
    while read < head.len() {
        match stream.read(&mut head[read..]) {
            Ok(0) => break,
            Ok(n) => read += n,
            Err(e) => return Err(format!("{at}: {e}")),
        }
    }
    let text = String::from_utf8_lossy(&head[..read]);
    let status_line = text.lines().next().unwrap_or_default();
    match status_line.split_whitespace().nth(1) {
        Some("200") => Ok(()),
        _ => Err(format!("{at} answered {status_line:?} to GET /healthz")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_addresses_are_reached_on_loopback() {
        let cases = [
            ("0.0.0.0:8080", "127.0.0.1:8080"),
            ("[::]:9000", "[::1]:9000"),
            ("10.1.2.3:80", "10.1.2.3:80"),
        ];
        for (bind, expected) in cases {
            let bind: SocketAddr = bind.parse().unwrap();
            assert_eq!(reachable(bind).to_string(), expected, "{bind}");
        }
    }

    #[test]
    fn nothing_listening_is_a_clear_failure() {
        // Bound and dropped: the port is free, so nothing answers there.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .unwrap()
            .port();
        let error = healthz(SocketAddr::from(([127, 0, 0, 1], port))).unwrap_err();
        assert!(error.starts_with("no server on 127.0.0.1:"), "{error}");
    }
}

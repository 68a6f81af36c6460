//! Whether a request's client is still connected. actix-web runs a
//! handler to its end after the client hangs up, so a write queued for the
//! store would be committed with nobody to hear of it; the write queue
//! asks this instead (`oms_commit::caller`) and skips it.
//!
//! Each connection keeps a duplicate of its socket (one more descriptor
//! while it is open) to look at without reading: a peer that closed its
//! side reads as end of file.

use std::net::TcpStream;
use std::os::fd::AsFd;
use std::sync::Arc;

use actix_web::Error;
use actix_web::body::MessageBody;
use actix_web::dev::{Extensions, ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;

/// A connection's socket, to ask whether the peer is still there.
#[derive(Clone, Debug)]
struct Peer(Arc<TcpStream>);

impl Peer {
    fn still_there(&self) -> bool {
        // The socket is non-blocking (the server's runtime made it so, and
        // the duplicate shares that): "would block" means open and quiet.
        match self.0.peek(&mut [0; 1]) {
            Ok(0) => false,
            Ok(_) => true,
            Err(e) => e.kind() == std::io::ErrorKind::WouldBlock,
        }
    }
}

/// Keeps the connection's socket with the connection (`on_connect`).
pub fn remember(tcp: &actix_web::rt::net::TcpStream, data: &mut Extensions) {
    match tcp.as_fd().try_clone_to_owned() {
        Ok(fd) => {
            data.insert(Peer(Arc::new(TcpStream::from(fd))));
        }
        Err(e) => tracing::debug!(error = %e, "no duplicate of the socket: hang-ups go unseen"),
    }
}

/// The middleware: a request that may write tells the write queue how to
/// see its client leave.
///
/// # Errors
/// Whatever the wrapped service returns.
pub async fn follow(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let peer = req.conn_data::<Peer>().cloned();
    match peer {
        Some(peer) if req.method() != Method::GET && req.method() != Method::HEAD => {
            let still_waiting: oms_commit::caller::StillWaiting =
                Arc::new(move || peer.still_there());
            oms_commit::caller::scope(still_waiting, next.call(req)).await
        }
        _ => next.call(req).await,
    }
}

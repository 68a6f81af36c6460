//! One keep-alive HTTP/1.1 connection driven straight through hyper: the
//! tool shares the cores with the server, so each request should cost it
//! as little as a client can.

use bytes::Bytes;
use http_body_util::{BodyExt, Either, Empty, Full};
use hyper::client::conn::http1::{SendRequest, handshake};
use hyper::header::{AUTHORIZATION, CONTENT_TYPE, HOST, HeaderValue};
use hyper::{Method, Request};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

type Body = Either<Full<Bytes>, Empty<Bytes>>;

/// `host:port` from `http://host:port`.
///
/// # Errors
/// A message for anything but a plain `http://` URL.
pub fn address(url: &str) -> Result<String, String> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| format!("{url}: only http:// URLs are supported"))?;
    Ok(rest.split('/').next().unwrap_or(rest).to_owned())
}

/// An open connection.
pub struct Conn {
    sender: SendRequest<Body>,
    host: HeaderValue,
}

impl std::fmt::Debug for Conn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Conn").field("host", &self.host).finish()
    }
}

impl Conn {
    /// Connects to `address`.
    pub async fn open(address: &str) -> Result<Conn, String> {
        let stream = TcpStream::connect(address)
            .await
            .map_err(|e| format!("{address}: {e}"))?;
        stream.set_nodelay(true).map_err(|e| e.to_string())?;
        let (sender, connection) = handshake(TokioIo::new(stream))
            .await
            .map_err(|e| format!("{address}: {e}"))?;
        tokio::spawn(connection);
        let host = HeaderValue::from_str(address).map_err(|e| e.to_string())?;
        Ok(Conn { sender, host })
    }

    /// Sends one request and reads the whole answer: its status and body.
    pub async fn send(
        &mut self,
        method: Method,
        path: &str,
        token: &HeaderValue,
        body: Option<Bytes>,
    ) -> Result<(u16, Bytes), String> {
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header(HOST, self.host.clone())
            .header(AUTHORIZATION, token.clone());
        let body = match body {
            Some(bytes) => {
                request = request.header(CONTENT_TYPE, "application/json");
                Either::Left(Full::new(bytes))
            }
            None => Either::Right(Empty::new()),
        };
        let request = request.body(body).map_err(|e| e.to_string())?;
        self.sender.ready().await.map_err(|e| e.to_string())?;
        let response = self
            .sender
            .send_request(request)
            .await
            .map_err(|e| e.to_string())?;
        let status = response.status().as_u16();
        let bytes = response
            .into_body()
            .collect()
            .await
            .map_err(|e| e.to_string())?
            .to_bytes();
        Ok((status, bytes))
    }
}

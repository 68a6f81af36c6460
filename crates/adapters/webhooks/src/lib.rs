//! The webhook transport: [`HttpTransport`] posts deliveries with
//! `reqwest` over rustls (the web's root certificates, compiled in).
//!
//! Calling URLs that admins type is a way into the network the server
//! sits in (SSRF). So every name is resolved here, each address it
//! resolves to is checked against the policy, and the connection goes
//! only to the addresses checked: a name that resolves to a public
//! address when the endpoint is added and to `127.0.0.1` later (DNS
//! rebinding) is refused at the call. No redirect is followed, and no
//! proxy from the environment is used (it would resolve names itself).

mod lookup;
mod retry_after;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use oms_domain::webhook::address::{AddressPolicy, Host, UrlError, WebhookUrl};
use oms_ports::webhooks::{Answer, Outgoing, WebhookTransport};

pub use lookup::{NameLookup, SystemLookup};

/// How long vetting a URL at creation waits for its name to resolve.
const VET_LOOKUP: Duration = Duration::from_secs(3);

/// Posts deliveries over HTTP(S), only to addresses the policy allows.
#[derive(Clone)]
pub struct HttpTransport {
    client: reqwest::Client,
    policy: AddressPolicy,
    lookup: Arc<dyn NameLookup>,
}

impl std::fmt::Debug for HttpTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpTransport")
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

/// Why the transport could not be built.
#[derive(Debug, thiserror::Error)]
#[error("the HTTP client could not be built: {0}")]
pub struct BuildError(String);

impl HttpTransport {
    /// A transport resolving names with the system's resolver.
    ///
    /// # Errors
    /// [`BuildError`] when the TLS backend cannot start.
    pub fn new(policy: AddressPolicy) -> Result<HttpTransport, BuildError> {
        HttpTransport::with_lookup(policy, Arc::new(SystemLookup))
    }

    /// A transport resolving names with `lookup`.
    ///
    /// # Errors
    /// [`BuildError`] when the TLS backend cannot start.
    pub fn with_lookup(
        policy: AddressPolicy,
        lookup: Arc<dyn NameLookup>,
    ) -> Result<HttpTransport, BuildError> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .dns_resolver(Arc::new(lookup::Checked {
                policy,
                lookup: Arc::clone(&lookup),
            }))
            .pool_idle_timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| BuildError(e.to_string()))?;
        Ok(HttpTransport {
            client,
            policy,
            lookup,
        })
    }
}

#[async_trait]
impl WebhookTransport for HttpTransport {
    async fn post(&self, request: &Outgoing) -> Answer {
        if let Err(refused) = self.policy.check_url(&request.url) {
            return Answer::Refused(refused);
        }
        let mut call = self
            .client
            .post(request.url.as_str())
            .timeout(request.timeout)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(request.body.clone());
        for (name, value) in &request.headers {
            call = call.header(*name, value);
        }
        match call.send().await {
            Ok(response) => Answer::Status {
                code: response.status().as_u16(),
                retry_after: retry_after::of(response.headers()),
            },
            Err(e) => failure(&e, request.timeout),
        }
    }

    async fn vet(&self, url: &WebhookUrl) -> Result<(), UrlError> {
        self.policy.check_url(url)?;
        let Host::Name(name) = url.host() else {
            return Ok(());
        };
        let found = tokio::time::timeout(VET_LOOKUP, self.lookup.lookup(name)).await;
        let Ok(Ok(addresses)) = found else {
            // Checked again at every call; a name not live yet may be soon.
            return Ok(());
        };
        addresses
            .into_iter()
            .try_for_each(|ip| self.policy.check_address(ip))
    }
}

/// What a failed call is: a refused address, or no answer, said plainly.
fn failure(error: &reqwest::Error, timeout: Duration) -> Answer {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(cause) = source {
        if let Some(lookup::Refused(why)) = cause.downcast_ref::<lookup::Refused>() {
            return Answer::Refused(why.clone());
        }
        source = cause.source();
    }
    if error.is_timeout() {
        return Answer::Failed(format!("no answer within {} s", timeout.as_secs()));
    }
    let mut text = if error.is_connect() {
        "could not connect".to_owned()
    } else {
        "the call failed".to_owned()
    };
    let mut source = std::error::Error::source(error);
    let mut last = None;
    while let Some(cause) = source {
        last = Some(cause.to_string());
        source = cause.source();
    }
    if let Some(root) = last {
        text.push_str(": ");
        text.push_str(&root);
    }
    Answer::Failed(text.chars().take(300).collect())
}

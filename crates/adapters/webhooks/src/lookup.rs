//! Name resolution with the address check in it, so the connection goes
//! only to addresses that were checked.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use async_trait::async_trait;
use oms_domain::webhook::address::{AddressPolicy, UrlError};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// Resolves host names.
#[async_trait]
pub trait NameLookup: Send + Sync + 'static {
    /// The addresses `name` resolves to now.
    ///
    /// # Errors
    /// The resolver's error, as text.
    async fn lookup(&self, name: &str) -> Result<Vec<IpAddr>, String>;
}

/// The operating system's resolver.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemLookup;

#[async_trait]
impl NameLookup for SystemLookup {
    async fn lookup(&self, name: &str) -> Result<Vec<IpAddr>, String> {
        let found = tokio::net::lookup_host((name, 0))
            .await
            .map_err(|e| format!("{name} did not resolve: {e}"))?;
        Ok(found.map(|a| a.ip()).collect())
    }
}

/// An address the policy refuses, as the resolver's error.
#[derive(Debug)]
pub(crate) struct Refused(pub UrlError);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for Refused {}

/// The resolver the HTTP client uses: every address checked, all refused
/// if one is (a name that mixes public and private addresses is a trap).
pub(crate) struct Checked {
    pub policy: AddressPolicy,
    pub lookup: Arc<dyn NameLookup>,
}

impl Resolve for Checked {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = self.policy;
        let lookup = Arc::clone(&self.lookup);
        Box::pin(async move {
            let found = lookup
                .lookup(name.as_str())
                .await
                .map_err(|e| -> Box<dyn std::error::Error + Send + Sync> { e.into() })?;
            if found.is_empty() {
                return Err(format!("{} has no address", name.as_str()).into());
            }
            for ip in &found {
                policy.check_address(*ip).map_err(Refused)?;
            }
            let addrs: Addrs = Box::new(found.into_iter().map(|ip| SocketAddr::new(ip, 0)));
            Ok(addrs)
        })
    }
}

//! Logging and error reporting: `RUST_LOG` filter, JSON or pretty lines,
//! one span per request carrying its request id, Sentry when configured.

use std::fmt;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::{Error, HttpMessage};
use tracing::Span;
use tracing_actix_web::{DefaultRootSpanBuilder, RootSpanBuilder};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

use crate::request_id::RequestId;
use crate::settings::{LogFormat, Settings};

/// Keeps Sentry flushing until dropped at exit.
pub type SentryGuard = Option<sentry::ClientInitGuard>;

/// Installs the global subscriber (and Sentry when a DSN is configured).
/// JSON lines list every open span, so the request's id is on each line,
/// including those logged deep inside a use case.
pub fn init(settings: &Settings) -> SentryGuard {
    let guard = settings.sentry_dsn.as_ref().map(|dsn| {
        sentry::init((
            dsn.expose(),
            sentry::ClientOptions {
                release: sentry::release_name!(),
                send_default_pii: false,
                ..Default::default()
            },
        ))
    });
    let filter =
        EnvFilter::try_new(&settings.log_filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let fmt = match settings.log_format {
        LogFormat::Json => tracing_subscriber::fmt::layer()
            .json()
            .with_current_span(true)
            .with_span_list(true)
            .boxed(),
        LogFormat::Pretty => tracing_subscriber::fmt::layer().boxed(),
    };
    let sentry_layer = guard
        .as_ref()
        .map(|_| sentry::integrations::tracing::layer());
    tracing_subscriber::registry()
        .with(filter)
        .with(fmt)
        .with(sentry_layer)
        .init();
    guard
}

/// A JSON subscriber writing to `writer` at `debug`, for tests that read
/// the logs back; ignored if one is already installed.
pub fn init_for_tests<W>(writer: W)
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let _ = tracing_subscriber::fmt()
        .json()
        .with_current_span(true)
        .with_span_list(true)
        .with_env_filter(EnvFilter::new("debug,h2=info,hyper=info,reqwest=info"))
        .with_writer(writer)
        .try_init();
}

/// The root span of each request: method, route pattern, path, request id.
///
/// Every field is given when the span is made, and the values are worked
/// out only if the span will be written (finding the route pattern means
/// matching the path again). Filling a field in later costs the JSON
/// formatter a re-parse of the span's fields, so the status goes on the
/// "request finished" line instead, and only a failure is recorded on the
/// span itself.
#[derive(Debug)]
pub struct RequestSpan;

/// The route pattern of a request, found when written.
struct Route<'a>(&'a ServiceRequest);

impl fmt::Display for Route<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.match_pattern().as_deref().unwrap_or("UNMATCHED"))
    }
}

/// The request id, as the id middleware assigned it.
struct Id<'a>(&'a ServiceRequest);

impl fmt::Display for Id<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.extensions().get::<RequestId>() {
            Some(id) => f.write_str(&id.0),
            None => Ok(()),
        }
    }
}

impl RootSpanBuilder for RequestSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let span = tracing::info_span!(
            "request",
            request_id = %Id(request),
            http.method = %request.method(),
            http.route = %Route(request),
            http.target = %request.path(),
            http.status_code = tracing::field::Empty,
            otel.status_code = tracing::field::Empty,
            exception.message = tracing::field::Empty,
            exception.details = tracing::field::Empty,
        );
        span.in_scope(|| tracing::debug!("request started"));
        span
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        let status = match outcome {
            Ok(response) => response.status().as_u16(),
            Err(error) => error.as_response_error().status_code().as_u16(),
        };
        span.in_scope(|| tracing::info!(status, "request finished"));
        if outcome.is_err() || status >= 500 {
            DefaultRootSpanBuilder::on_request_end(span, outcome);
        }
    }
}

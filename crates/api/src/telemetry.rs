//! Logging and error reporting: `RUST_LOG` filter, JSON or pretty lines,
//! one span per request carrying its request id, Sentry when configured.

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
#[derive(Debug)]
pub struct RequestSpan;

impl RootSpanBuilder for RequestSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let span = tracing::info_span!(
            "request",
            request_id = tracing::field::Empty,
            http.method = %request.method(),
            http.route = tracing::field::Empty,
            http.target = %request.path(),
            http.status_code = tracing::field::Empty,
            otel.status_code = tracing::field::Empty,
            exception.message = tracing::field::Empty,
            exception.details = tracing::field::Empty,
        );
        // Finding the route pattern means matching the path again: only
        // for a span that will be written.
        if !span.is_disabled() {
            if let Some(id) = request.extensions().get::<RequestId>() {
                span.record("request_id", id.0.as_str());
            }
            let route = request.match_pattern();
            span.record("http.route", route.as_deref().unwrap_or("UNMATCHED"));
        }
        span.in_scope(|| tracing::debug!("request started"));
        span
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        let status = match outcome {
            Ok(response) => response.status().as_u16(),
            Err(error) => error.as_response_error().status_code().as_u16(),
        };
        span.in_scope(|| tracing::info!(status, "request finished"));
        DefaultRootSpanBuilder::on_request_end(span, outcome);
    }
}

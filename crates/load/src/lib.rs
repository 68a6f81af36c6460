//! Puts a running `oms` under load as its clients would, over HTTP and
//! WebSocket only, and reports what it measured.
//!
//! `oms-load feed` ([`feed`]) opens many `/ws` subscribers, drives orders
//! and status changes through the REST API at a fixed rate, and reports how
//! long each event took from its commit to each subscriber (an HDR
//! histogram).
//!
//! `oms-load hot` ([`hot`]) is a flash sale: many clients placing orders
//! for one product, over one or more instances, for a fixed time; it
//! reports orders per second and each placement's latency.
//!
//! `oms-load webhooks` ([`webhooks`]) runs receivers on this machine, one
//! webhook endpoint each, drives orders at a fixed rate, and reports how
//! long each delivery took from its commit to its receiver.
//!
//! `oms-load http` ([`http`]) measures request rates and latencies of
//! reading, placing and a mix, against `/healthz` in the same run.

pub mod api;
pub mod feed;
pub mod hot;
pub mod http;
pub mod report;
pub mod webhooks;

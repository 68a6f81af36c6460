//! The async machinery the stores share, kept apart from the contracts in
//! `oms-ports` and the rules in `oms-rules`: [`group::GroupCommit`], which
//! lets writes that arrive together share one atomic step, and
//! [`feed::WokenFeed`], which follows a store's event log by reading it
//! again whenever a commit wakes it.
//!
//! Depends on `oms-ports` and tokio's tasks, channels and timers.

#![warn(missing_docs)]

pub mod caller;
pub mod feed;
pub mod group;

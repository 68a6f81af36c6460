//! What every store must do. Each case takes a fresh, empty store and
//! proves one promise of the port documentation in `oms-ports`; a store is
//! done when the whole suite passes unchanged.
//!
//! An adapter's test file stamps out one test per case:
//! ```text
//! oms_store_contract::store_contract!(
//!     async { Some(oms_memory::MemoryStore::new()) },
//!     |retention| async move { Some(oms_memory::MemoryStore::with_event_retention(retention)) },
//! );
//! ```
//! The first expression yields `Option<store>`, the second makes one that
//! keeps events as the given retention says; `None` skips (a store that
//! needs a server it could not find says so itself, loudly).
//!
//! Test-only code: it may panic, that is how a case fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod customers;
mod events;
pub mod fixtures;
mod groups;
mod order_lists;
mod orders;
mod products;
mod stock;
mod users;

pub use customers::{
    a_duplicate_customer_email_is_refused, customers_are_found_by_id_and_email,
    customers_are_searched_by_name_or_email_and_paged,
    upserting_one_email_concurrently_makes_one_customer,
};
pub use events::{
    SHORT_RETENTION, a_follower_is_woken_by_each_commit, a_position_past_the_retention_is_lost,
    an_unknown_position_is_lost, concurrent_changes_are_each_logged_once_in_commit_order,
    every_change_is_one_event_in_commit_order, reading_after_a_position_is_paged_and_exact,
    refused_changes_record_no_event,
};
pub use groups::{
    each_order_of_a_burst_gets_its_own_answer,
    multi_line_orders_over_shared_products_in_any_line_order_all_place,
    placements_racing_cancellations_conserve_stock,
};
pub use order_lists::{
    a_cursor_before_the_window_selects_nothing,
    orders_are_filtered_by_status_customer_placer_and_time,
    orders_are_listed_newest_first_and_paged,
    orders_are_summarized_by_status_with_revenue_not_cancelled,
};
pub use orders::{
    a_revision_is_compare_and_set, a_revision_may_change_only_status_history_and_payment,
    an_idempotent_retry_returns_the_first_order, an_unknown_order_is_not_found,
    an_unknown_product_writes_nothing, placing_for_a_known_email_reuses_the_customer,
    placing_takes_stock_prices_lines_and_creates_the_customer,
    racing_orders_for_a_new_address_make_one_customer, racing_retries_with_one_key_place_one_order,
};
pub use products::{
    a_product_change_at_a_stale_version_writes_nothing,
    a_product_change_that_would_go_below_zero_writes_nothing, a_product_id_is_inserted_once,
    a_reachable_store_answers_a_ping, changing_an_unknown_product_is_not_found,
    inserted_products_are_read_back, product_search_is_case_blind_and_literal,
    products_are_listed_by_name_and_paged, updating_a_product_sets_price_and_adjusts_stock,
};
pub use stock::{
    a_draft_repeating_a_product_writes_nothing, a_short_line_writes_nothing,
    cancelling_returns_stock_exactly_once, stock_is_conserved_under_a_concurrent_mixed_workload,
    the_last_units_are_sold_exactly_once,
};
pub use users::{
    a_duplicate_user_email_is_refused, updating_a_user_keeps_emails_unique,
    updating_an_unknown_user_is_not_found, users_are_found_by_id_and_email,
};

/// Stamps one `#[tokio::test]` per case; `$fresh` yields `Option<store>`,
/// `$retained` is a closure from an event retention to such a future.
#[macro_export]
macro_rules! store_contract {
    ($fresh:expr, $retained:expr $(,)?) => {
        $crate::store_contract!(@cases ($retained)($crate::SHORT_RETENTION);
            a_position_past_the_retention_is_lost,
        );
        $crate::store_contract!(@cases $fresh;
            a_reachable_store_answers_a_ping,
            a_product_change_at_a_stale_version_writes_nothing,
            inserted_products_are_read_back,
            products_are_listed_by_name_and_paged,
            product_search_is_case_blind_and_literal,
            updating_a_product_sets_price_and_adjusts_stock,
            a_product_change_that_would_go_below_zero_writes_nothing,
            changing_an_unknown_product_is_not_found,
            a_product_id_is_inserted_once,
            a_duplicate_customer_email_is_refused,
            customers_are_found_by_id_and_email,
            upserting_one_email_concurrently_makes_one_customer,
            customers_are_searched_by_name_or_email_and_paged,
            a_duplicate_user_email_is_refused,
            users_are_found_by_id_and_email,
            updating_a_user_keeps_emails_unique,
            updating_an_unknown_user_is_not_found,
            placing_takes_stock_prices_lines_and_creates_the_customer,
            placing_for_a_known_email_reuses_the_customer,
            an_unknown_product_writes_nothing,
            a_short_line_writes_nothing,
            an_idempotent_retry_returns_the_first_order,
            orders_are_listed_newest_first_and_paged,
            orders_are_filtered_by_status_customer_placer_and_time,
            orders_are_summarized_by_status_with_revenue_not_cancelled,
            a_cursor_before_the_window_selects_nothing,
            a_revision_is_compare_and_set,
            a_revision_may_change_only_status_history_and_payment,
            racing_retries_with_one_key_place_one_order,
            racing_orders_for_a_new_address_make_one_customer,
            a_draft_repeating_a_product_writes_nothing,
            an_unknown_order_is_not_found,
            the_last_units_are_sold_exactly_once,
            cancelling_returns_stock_exactly_once,
            stock_is_conserved_under_a_concurrent_mixed_workload,
            each_order_of_a_burst_gets_its_own_answer,
            placements_racing_cancellations_conserve_stock,
            multi_line_orders_over_shared_products_in_any_line_order_all_place,
            every_change_is_one_event_in_commit_order,
            reading_after_a_position_is_paged_and_exact,
            concurrent_changes_are_each_logged_once_in_commit_order,
            refused_changes_record_no_event,
            a_follower_is_woken_by_each_commit,
            an_unknown_position_is_lost,
        );
    };
    (@cases $fresh:expr; $($case:ident),+ $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $case() {
                if let Some(store) = $fresh.await {
                    $crate::$case(store).await;
                }
            }
        )+
    };
}

//! An order's activity (payment, address changes, notes): kept through
//! reads and logged, each change its one event.

use oms_domain::address::{AddressLine, ShippingAddress};
use oms_domain::event::OrderEvent;
use oms_domain::order::activity::{Change, NoteText};
use oms_domain::order::{Order, OrderParts};
use oms_domain::user::Role;
use oms_ports::draft::OrderRevision;
use oms_ports::error::ReviseError;
use oms_ports::store::Store;

use crate::fixtures::{actor, at, draft, given_product, name, placed, revise_ok, shipping_address};

fn revision(from: &Order, to: Order) -> OrderRevision {
    OrderRevision {
        order: to,
        expected_version: from.version(),
    }
}

cases! {
    pub async fn payment_address_changes_and_notes_are_kept_and_logged<S: Store>(store: S) {
        let mug = given_product(&store, 1, "Mug", 100, 10).await;
        let order = placed(&store, draft(1, "ann@example.com", &[(mug, 1)])).await;
        let start = store.tail().await.unwrap();
        let staff = actor(1, Role::Staff);

        let mut paid = order.clone();
        paid.set_payment_collected(true, staff, at(10)).unwrap();
        let paid = revise_ok(&store, revision(&order, paid)).await;
        let mut addressed = paid.clone();
        addressed.set_shipping_address(shipping_address(), staff, at(20)).unwrap();
        let addressed = revise_ok(&store, revision(&paid, addressed)).await;
        let mut noted = addressed.clone();
        let text = NoteText::parse("Customer called.\nLeave at the door.").unwrap();
        noted.add_note(text, name("Sam Staff"), staff, at(30));
        let noted = revise_ok(&store, revision(&addressed, noted)).await;

        let stored = store.get_order(order.id()).await.unwrap().unwrap();
        assert_eq!(stored, noted, "read back as written");
        assert_eq!(stored.shipping_address(), Some(&shipping_address()));
        assert_eq!(stored.activity().len(), 3);
        assert!(matches!(stored.activity()[2].change, Change::Note(ref n) if n.id == 1));

        let page = store.read_after(&start, 10).await.unwrap();
        let names: Vec<_> = page.events.iter().map(|e| e.event.name()).collect();
        assert_eq!(names, ["orderPaymentUpdated", "orderAddressUpdated", "orderNoteAdded"]);
        let OrderEvent::AddressUpdated(moved) = &page.events[1].event else { unreachable!() };
        assert_eq!((&moved.address, moved.by), (&shipping_address(), staff));
        let OrderEvent::NoteAdded(added) = &page.events[2].event else { unreachable!() };
        assert_eq!(added.note.text.as_str(), "Customer called.\nLeave at the door.");
        assert_eq!(added.note.author, name("Sam Staff"));
        assert_eq!(added.version, noted.version());
    }

    pub async fn a_revision_may_not_change_an_address_or_the_activity_unsaid<S: Store>(store: S) {
        let mug = given_product(&store, 1, "Mug", 100, 10).await;
        let order = placed(&store, draft(1, "ann@example.com", &[(mug, 1)])).await;
        let mut paid = order.clone();
        paid.set_payment_collected(true, actor(1, Role::Staff), at(10)).unwrap();
        let paid = revise_ok(&store, revision(&order, paid)).await;

        // An address slipped in with a payment change, and a rewritten entry.
        let mut slipped = OrderParts::from(&paid);
        slipped.shipping_address = Some(ShippingAddress {
            city: AddressLine::parse("Elsewhere").unwrap(),
            ..shipping_address()
        });
        slipped.payment_collected = false;
        slipped.version += 1;
        let mut rewritten = OrderParts::from(&paid);
        rewritten.activity[0].by = actor(2, Role::Admin);
        rewritten.payment_collected = false;
        rewritten.version += 1;
        for parts in [slipped, rewritten] {
            let err = store
                .revise(revision(&paid, Order::restore(parts).unwrap()))
                .await
                .unwrap_err();
            assert!(matches!(err, ReviseError::Store(_)), "{err:?}");
        }
        assert_eq!(store.get_order(order.id()).await.unwrap(), Some(paid));
    }
}

//! Changing an order's status or payment: one transaction that checks the
//! stored version (compare-and-set), writes the changeable fields, puts
//! the stock back when the change releases it, and records its one event.

use mongodb::ClientSession;
use mongodb::bson::{doc, to_bson};
use oms_domain::order::Order;
use oms_ports::draft::OrderRevision;
use oms_ports::error::ReviseError;

use crate::MongoStore;
use crate::documents::corrupt;
use crate::documents::count;
use crate::documents::events::EventDoc;
use crate::documents::orders::OrderDoc;
use crate::transaction::Abort;

type Step<T> = Result<T, Abort<ReviseError>>;

impl MongoStore {
    pub(super) async fn revise_once(
        &self,
        session: &mut ClientSession,
        revision: &OrderRevision,
    ) -> Step<Order> {
        let next = &revision.order;
        let id = next.id().to_string();
        let stored = self
            .orders()
            .find_one(doc! { "_id": &id })
            .session(&mut *session)
            .await?;
        let stored = stored.ok_or(Abort::Refused(ReviseError::NotFound))?;
        let stored = Order::try_from(stored).map_err(|e| Abort::Refused(e.into()))?;
        let effects = revision.check(&stored).map_err(Abort::Refused)?;
        let doc = OrderDoc::from(next);
        let history = to_bson(&doc.history).map_err(|e| Abort::Refused(corrupt(e).into()))?;
        let written = self
            .orders()
            .update_one(
                doc! { "_id": &id, "version": count(stored.version()) },
                doc! { "$set": {
                    "status": &doc.status,
                    "paymentCollected": doc.payment_collected,
                    "history": history,
                    "updatedAt": doc.updated_at,
                    "version": doc.version,
                } },
            )
            .session(&mut *session)
            .await?;
        if written.matched_count != 1 {
            return Err(Abort::Retry);
        }
        if effects.releases_stock {
            let lines: Vec<_> = stored.reserved().collect();
            self.move_stock(session, &lines, 1, next.updated_at())
                .await?;
        }
        self.events()
            .insert_one(EventDoc::new(&effects.event, 0))
            .session(session)
            .await?;
        Ok(next.clone())
    }
}

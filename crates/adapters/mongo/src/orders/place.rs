//! Placing an order: one transaction that replays a used idempotency key,
//! reads the products, finds or makes the customer, lets the draft assemble
//! the order from them (`oms_ports::assembly`), reserves all stock in one
//! conditional update, and records the order, the key and the `orderPlaced`
//! event. The round trips are the same for 1 line or 100.

use std::collections::HashMap;

use futures::TryStreamExt;
use mongodb::ClientSession;
use mongodb::bson::doc;
use oms_domain::event::OrderEvent;
use oms_domain::ids::ProductId;
use oms_domain::order::Order;
use oms_domain::product::Product;
use oms_ports::assembly::Assembly;
use oms_ports::draft::{OrderDraft, Placement};
use oms_ports::error::PlaceError;

use crate::MongoStore;
use crate::documents::corrupt;
use crate::documents::events::EventDoc;
use crate::documents::orders::{IdempotencyDoc, OrderDoc};
use crate::errors::is_duplicate_key;
use crate::transaction::Abort;

type Step<T> = Result<T, Abort<PlaceError>>;

impl MongoStore {
    pub(super) async fn place_once(
        &self,
        session: &mut ClientSession,
        draft: &OrderDraft,
    ) -> Step<Placement> {
        let key = draft.idempotency.as_ref().map(|claim| {
            (
                format!("{}:{}", draft.placed_by.user, claim.key.as_str()),
                claim,
            )
        });
        if let Some((key, claim)) = &key {
            if let Some(order) = self
                .replay(session, key, claim.fingerprint.as_str())
                .await?
            {
                return Ok(Placement {
                    order,
                    replayed: true,
                });
            }
        }
        let products = self.products_of(session, draft).await?;
        // One upsert finds or makes the customer (the draft's, by
        // `CustomerDraft::resolve`): a read then an insert would cost a
        // round trip more and collide more often under load.
        let customer = match self
            .find_or_create_customer(&draft.customer, Some(session))
            .await
        {
            Err(e) if is_duplicate_key(&e) => return Err(Abort::Retry),
            other => other?,
        };
        let Assembly { order, .. } = draft
            .assemble(|id| products.get(&id), &customer)
            .map_err(Abort::Refused)?;
        if self.move_stock(session, &draft.lines, -1, draft.at).await? != draft.lines.len() {
            // Stock moved after our read; the next attempt reads it afresh.
            return Err(Abort::Retry);
        }
        self.record(
            session,
            &order,
            key.map(|(id, claim)| (id, claim.fingerprint.as_str().to_owned())),
        )
        .await?;
        Ok(Placement {
            order,
            replayed: false,
        })
    }

    /// The order an earlier use of this key placed, if the key was used.
    async fn replay(
        &self,
        session: &mut ClientSession,
        key: &str,
        fingerprint: &str,
    ) -> Step<Option<Order>> {
        let Some(used) = self
            .idempotency()
            .find_one(doc! { "_id": key })
            .session(&mut *session)
            .await?
        else {
            return Ok(None);
        };
        if used.fingerprint != fingerprint {
            return Err(Abort::Refused(PlaceError::KeyReused));
        }
        let stored = self
            .orders()
            .find_one(doc! { "_id": &used.order_id })
            .session(session)
            .await?;
        let stored = stored
            .ok_or_else(|| Abort::Refused(corrupt("idempotency key without its order").into()))?;
        Order::try_from(stored)
            .map(Some)
            .map_err(|e| Abort::Refused(e.into()))
    }

    /// The draft's products, read in one query.
    async fn products_of(
        &self,
        session: &mut ClientSession,
        draft: &OrderDraft,
    ) -> Step<HashMap<ProductId, Product>> {
        let ids: Vec<String> = draft.lines.iter().map(|(id, _)| id.to_string()).collect();
        let mut cursor = self
            .products()
            .find(doc! { "_id": { "$in": ids } })
            .session(&mut *session)
            .await?;
        let docs: Vec<_> = cursor.stream(session).try_collect().await?;
        let mut products = HashMap::with_capacity(docs.len());
        for doc in docs {
            let product = Product::try_from(doc).map_err(|e| Abort::Refused(e.into()))?;
            products.insert(product.id, product);
        }
        Ok(products)
    }

    /// Writes the order, the key's claim and the event.
    async fn record(
        &self,
        session: &mut ClientSession,
        order: &Order,
        claim: Option<(String, String)>,
    ) -> Step<()> {
        match self
            .orders()
            .insert_one(OrderDoc::from(order))
            .session(&mut *session)
            .await
        {
            Err(e) if is_duplicate_key(&e) => {
                return Err(Abort::Refused(
                    corrupt("an order with this id exists").into(),
                ));
            }
            other => other?,
        };
        if let Some((id, fingerprint)) = claim {
            let used = IdempotencyDoc {
                id,
                fingerprint,
                order_id: order.id().to_string(),
                // When the key was used, for its expiry: not the order's own
                // time, which the caller supplies and may lie in the past.
                created_at: mongodb::bson::DateTime::now(),
            };
            match self
                .idempotency()
                .insert_one(used)
                .session(&mut *session)
                .await
            {
                // A concurrent request with the same key won; replay it next time.
                Err(e) if is_duplicate_key(&e) => return Err(Abort::Retry),
                other => other?,
            };
        }
        self.events()
            .insert_one(EventDoc::new(&OrderEvent::placed(order), 0))
            .session(session)
            .await?;
        Ok(())
    }
}

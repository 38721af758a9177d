//! Derived facts: what the rules say follows from the records — return-visit tasks and their
//! crediting, lost episodes. Nothing here is stored; everything is recomputed from a snapshot.
//!
//! *Architecture invariant:* derivation is a pure function of (records, rules, the moment the
//! caller says it is); it never reads the clock and never writes.

pub mod care;
pub mod churn;
pub mod complaints;
pub mod episodes;
pub mod tasks;
pub mod tiers;

use rayon::prelude::*;

use crate::model::{Attempt, Kind, Record, Sale, ServiceOrder};
use crate::store::{Reader, StoreError};

/// The sales, service orders and contact attempts of one customer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CustomerActivity {
    pub customer_id: String,
    pub sales: Vec<Sale>,
    pub orders: Vec<ServiceOrder>,
    pub attempts: Vec<Attempt>,
}

impl CustomerActivity {
    /// One customer's current record (`None` when not in the store) and activity, read
    /// through the `refs` index: a few point reads, not a scan of the store. Each kind's
    /// records come in key order, as [`Activity::load`] gives them.
    pub fn read(
        reader: &Reader,
        customer_id: &str,
    ) -> Result<(Option<crate::model::Customer>, CustomerActivity), StoreError> {
        let customer = reader
            .get(Kind::Customer, customer_id)?
            .and_then(|(_, r)| r.into_customer());
        let mut c = CustomerActivity {
            customer_id: customer_id.to_owned(),
            ..CustomerActivity::default()
        };
        reader.for_each_referring_to_customer(customer_id, |record| {
            c.add(record);
            Ok(())
        })?;
        Ok((customer, c))
    }

    /// Takes a record into the activity if it is one of the customer's own sales, orders
    /// or attempts; gives back any other (another kind, or a sale naming them as referrer).
    pub fn add(&mut self, record: Record) -> Option<Record> {
        let id = self.customer_id.as_str();
        match record {
            Record::Sale(s) if s.customer_id == id => self.sales.push(s),
            Record::ServiceOrder(o) if o.customer_id == id => self.orders.push(o),
            Record::Attempt(a) if a.customer_id == id => self.attempts.push(a),
            other => return Some(other),
        }
        None
    }
}

/// Every customer's activity, in customer id order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Activity {
    pub customers: Vec<CustomerActivity>,
}

impl Activity {
    /// The activity recorded by `until` (inclusive): sales delivered, orders opened and
    /// attempts made by then, and only closings by then (a later closing is unknown).
    pub fn known_until(self, until: crate::model::Timestamp) -> Activity {
        let customers = self
            .customers
            .into_iter()
            .map(|mut c| {
                c.sales.retain(|s| s.delivered_at <= until);
                c.orders.retain(|o| o.opened_at <= until);
                for o in &mut c.orders {
                    o.closed_at = o.closed_at.filter(|t| *t <= until);
                }
                c.attempts.retain(|a| a.at <= until);
                c
            })
            .collect();
        Activity { customers }
    }

    /// Reads the current sales, service orders and attempts of a snapshot, grouped by
    /// customer. Each kind is sorted by customer in parallel (a stable sort, so within a
    /// customer records stay in key order) and the three sorted lists are merged.
    pub fn load(reader: &Reader) -> Result<Activity, StoreError> {
        // The three kinds are disjoint key ranges of one snapshot, read at once.
        let (sales, (orders, attempts)) = rayon::join(
            || reader.current_records(Kind::Sale),
            || {
                rayon::join(
                    || reader.current_records(Kind::ServiceOrder),
                    || reader.current_records(Kind::Attempt),
                )
            },
        );
        let mut sales: Vec<Sale> = sales?.into_iter().filter_map(Record::into_sale).collect();
        let mut orders: Vec<ServiceOrder> = orders?
            .into_iter()
            .filter_map(Record::into_service_order)
            .collect();
        let mut attempts: Vec<Attempt> = attempts?
            .into_iter()
            .filter_map(Record::into_attempt)
            .collect();
        sales.par_sort_by(|a, b| a.customer_id.cmp(&b.customer_id));
        orders.par_sort_by(|a, b| a.customer_id.cmp(&b.customer_id));
        attempts.par_sort_by(|a, b| a.customer_id.cmp(&b.customer_id));

        let mut customers: Vec<CustomerActivity> = Vec::new();
        let (mut sales, mut orders, mut attempts) = (
            sales.into_iter().peekable(),
            orders.into_iter().peekable(),
            attempts.into_iter().peekable(),
        );
        loop {
            let next = [
                sales.peek().map(|s| &s.customer_id),
                orders.peek().map(|o| &o.customer_id),
                attempts.peek().map(|a| &a.customer_id),
            ]
            .into_iter()
            .flatten()
            .min()
            .cloned();
            let Some(customer_id) = next else { break };
            let mut c = CustomerActivity {
                customer_id,
                ..CustomerActivity::default()
            };
            while let Some(s) = sales.next_if(|s| s.customer_id == c.customer_id) {
                c.sales.push(s);
            }
            while let Some(o) = orders.next_if(|o| o.customer_id == c.customer_id) {
                c.orders.push(o);
            }
            while let Some(a) = attempts.next_if(|a| a.customer_id == c.customer_id) {
                c.attempts.push(a);
            }
            customers.push(c);
        }
        Ok(Activity { customers })
    }
}

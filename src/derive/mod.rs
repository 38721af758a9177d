//! Derived facts: what the rules say follows from the records — return-visit tasks and their
//! crediting, lost episodes. Nothing here is stored; everything is recomputed from a snapshot.
//!
//! *Architecture invariant:* derivation is a pure function of (records, rules, the moment the
//! caller says it is); it never reads the clock and never writes.

pub mod episodes;
pub mod tasks;

use std::collections::BTreeMap;

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

/// Every customer's activity, in customer id order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Activity {
    pub customers: Vec<CustomerActivity>,
}

impl Activity {
    /// Reads the current sales, service orders and attempts of a snapshot.
    pub fn load(reader: &Reader) -> Result<Activity, StoreError> {
        fn entry<'m>(
            map: &'m mut BTreeMap<String, CustomerActivity>,
            id: &str,
        ) -> &'m mut CustomerActivity {
            map.entry(id.to_owned())
                .or_insert_with(|| CustomerActivity {
                    customer_id: id.to_owned(),
                    ..CustomerActivity::default()
                })
        }
        let mut by_customer: BTreeMap<String, CustomerActivity> = BTreeMap::new();
        for kind in [Kind::Sale, Kind::ServiceOrder, Kind::Attempt] {
            for record in reader.current_records(kind)? {
                match record {
                    Record::Sale(s) => entry(&mut by_customer, &s.customer_id).sales.push(s),
                    Record::ServiceOrder(o) => {
                        entry(&mut by_customer, &o.customer_id).orders.push(o)
                    }
                    Record::Attempt(a) => entry(&mut by_customer, &a.customer_id).attempts.push(a),
                    _ => unreachable!("current_records returns the kind asked for"),
                }
            }
        }
        Ok(Activity {
            customers: by_customer.into_values().collect(),
        })
    }
}

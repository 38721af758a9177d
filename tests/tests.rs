//! careledger's integration tests, built into one binary; one module per area.

mod aggregate_model;
mod charts;
mod churn_fixtures;
mod cli;
mod crash;
mod damaged;
mod fixture;
mod fuzz_import;
mod gates;
mod import_errors;
mod import_model;
mod import_semantics;
mod overflow;
mod pack;
mod payouts;
mod payouts_fixtures;
mod privacy;
mod reports;
mod store_index;
mod store_misuse;
mod tiers_fixtures;
mod util;
mod visits_fixtures;

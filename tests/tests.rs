//! careledger's integration tests, built into one binary; one module per area.

mod charts;
mod churn_fixtures;
mod cli;
mod crash;
mod damaged;
mod exit_codes;
mod fixture;
mod fuzz_import;
mod gates;
mod golden;
mod import_errors;
mod import_model;
mod import_semantics;
mod overflow;
mod pack;
mod parsers;
mod payouts;
mod payouts_fixtures;
mod privacy;
mod render_rules;
mod reports;
mod store_index;
mod store_misuse;
mod tiers_fixtures;
mod util;
mod visits_fixtures;

//! careledger's integration tests, built into one binary; one module per area.

mod cli;
mod crash;
mod import_errors;
mod import_model;
mod store_index;
mod util;
mod visits;
mod visits_fixtures;

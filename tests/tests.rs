//! careledger's integration tests, built into one binary; one module per area.

mod import_model;
mod util;

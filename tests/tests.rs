//! careledger's integration tests, built into one binary; one module per area.

mod util;

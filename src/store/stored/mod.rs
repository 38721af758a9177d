//! The stored types: what the tables hold, one module per format.

#[cfg(test)]
mod golden;

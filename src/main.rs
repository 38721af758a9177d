//! The `careledger` command: glue over the library (see `cli`).

mod cli;

use std::process::ExitCode;

/// mimalloc instead of the system allocator: deriving and importing allocate and free
/// many small values (records, keys, facts), and glibc's malloc and free were about 30 %
/// of an increment's time at 100 000 customers. Built without transparent huge pages
/// (`Cargo.toml`). The library leaves the choice to its user.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    cli::main()
}

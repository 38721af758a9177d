//! The CSV interchange files of DOMAIN.md section 2: decoding (UTF-8 with or without BOM,
//! else GB18030), parsing rows into records, and writing the current view back.
//!
//! *Architecture invariant:* this module never touches redb; it turns bytes into rows and
//! records into bytes.

mod excel;
mod read;
mod rows;
mod write;

pub use excel::{GUARD, guard_cell, unguard_cell};
pub use read::{
    CELL_BYTES_MAX, ERRORS_SHOWN_MAX, ErrorSink, ImportError, ParsedFile, Rejections, Source,
    decode_text, parse_file, parse_source, resolve_paths,
};
pub use rows::{Row, Rows};
pub use write::{BOM, ExportError, write_header, write_kind, write_record};

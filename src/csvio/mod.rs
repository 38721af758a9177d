//! The CSV interchange files of DOMAIN.md section 2: decoding (UTF-8 with or without BOM,
//! else GB18030), parsing rows into records, and writing the current view back.
//!
//! *Architecture invariant:* this module never touches redb; it turns bytes into rows and
//! records into bytes. It fills the import's batch types (`import::batch`: the parsed files,
//! their compact rows, located errors), re-exported here; neither the import nor the store
//! knows anything of CSV.
//!
//! A file is read by one reader, in chunks of rows (`stream`: `parse_file_in_chunks`), in
//! memory that does not grow with the file: a first pass over the raw bytes hashes them,
//! decides the encoding (`decode`) and looks for a quote left open (`quotes`); a second
//! decodes them as a stream into the CSV reader and the one row loop (`read`).
//! `parse_file` and `parse_source` read through it in one chunk of every row.
//!
//! *Architecture invariant:* there is one row loop (`read::read_rows`) and one encoding
//! decision (`decode::decide`); whole-file and chunked reading differ only in chunk size.

mod decode;
mod excel;
mod lines;
mod quotes;
mod read;
mod stream;
mod write;

pub use crate::import::batch::{
    ERRORS_SHOWN_MAX, ErrorSink, ImportError, ParsedFile, Rejections, Row, Rows, Source,
    StreamedFile,
};
pub use decode::decode_text;
pub use excel::{GUARD, guard_cell, unguard_cell};
pub use read::{CELL_BYTES_MAX, parse_file, parse_source, resolve_paths};
pub use stream::{READ_BUFFER_BYTES, parse_file_in_chunks, parse_reader_in_chunks};
pub use write::{BOM, ExportError, write_header, write_kind, write_record};

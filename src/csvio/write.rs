//! Writing records as interchange files, in canonical form: the columns of
//! `Kind::columns`, datetimes with seconds, money with two decimals, booleans as true/false.

use std::io::Write;

use crate::model::{Kind, Record};
use crate::store::{Reader, StoreError};

/// The UTF-8 byte-order mark the export starts with, so that Excel on Chinese Windows opens
/// the files as UTF-8 (the import skips it).
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

pub fn write_header<W: Write>(out: &mut csv::Writer<W>, kind: Kind) -> csv::Result<()> {
    out.write_record(kind.columns().iter().map(|c| c.name))
}

/// Writes one record; formula-like cells get the reversible guard of [`super::guard_cell`],
/// which the import removes, so the export still reads back byte for byte.
pub fn write_record<W: Write>(out: &mut csv::Writer<W>, record: &Record) -> csv::Result<()> {
    let cells = record.cells();
    let guarded: Vec<_> = cells.iter().map(|c| super::guard_cell(c)).collect();
    out.write_record(guarded.iter().map(|c| c.as_bytes()))
}

/// Writes the current view of one kind as an interchange file (BOM, header, rows in key
/// order) — what `careledger export` writes, and what the import reads back unchanged.
pub fn write_kind<W: Write>(reader: &Reader, kind: Kind, out: W) -> Result<(W, u64), ExportError> {
    let mut out = out;
    out.write_all(BOM)?;
    let mut writer = csv::Writer::from_writer(out);
    write_header(&mut writer, kind)?;
    let mut rows = 0u64;
    let mut failure: Option<csv::Error> = None;
    reader.for_each_current(kind, |record| {
        if failure.is_none() {
            if let Err(e) = write_record(&mut writer, record) {
                failure = Some(e);
            }
            rows += 1;
        }
        Ok(())
    })?;
    if let Some(e) = failure {
        return Err(e.into());
    }
    let out = writer
        .into_inner()
        .map_err(|e| ExportError::Io(std::io::Error::other(e.error().to_string())))?;
    Ok((out, rows))
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot write: {0}")]
    Io(#[from] std::io::Error),
    #[error("cannot write: {0}")]
    Csv(#[from] csv::Error),
}

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
    write_cells(out, record, &vec![true; record.kind().columns().len()])
}

fn write_cells<W: Write>(
    out: &mut csv::Writer<W>,
    record: &Record,
    shown: &[bool],
) -> csv::Result<()> {
    let cells = record.cells();
    let guarded: Vec<_> = cells
        .iter()
        .zip(shown)
        .filter(|(_, shown)| **shown)
        .map(|(c, _)| super::guard_cell(c))
        .collect();
    out.write_record(guarded.iter().map(|c| c.as_bytes()))
}

/// Writes the current view of one kind as an interchange file (BOM, header, rows in key
/// order) — what `careledger export` writes, and what the import reads back unchanged. A
/// sparse column (`Column::sparse`) is written only when some record holds another value
/// than its default: a store without such values exports as before revision 3.
pub fn write_kind<W: Write>(reader: &Reader, kind: Kind, out: W) -> Result<(W, u64), ExportError> {
    let columns = kind.columns();
    let mut shown: Vec<bool> = columns.iter().map(|c| c.sparse.is_none()).collect();
    if shown.iter().any(|s| !s) {
        reader.for_each_current(kind, |record| {
            for ((cell, column), shown) in record.cells().iter().zip(columns).zip(&mut shown) {
                *shown |= column.sparse.is_some_and(|default| cell != default);
            }
            Ok(())
        })?;
    }
    let mut out = out;
    out.write_all(BOM)?;
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(
        columns
            .iter()
            .zip(&shown)
            .filter(|(_, s)| **s)
            .map(|(c, _)| c.name),
    )?;
    let mut rows = 0u64;
    let mut failure: Option<csv::Error> = None;
    reader.for_each_current(kind, |record| {
        if failure.is_none() {
            if let Err(e) = write_cells(&mut writer, record, &shown) {
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
    #[error("{}", crate::say!("cannot write: {e}", "无法写入：{e}", e = .0))]
    Io(#[from] std::io::Error),
    #[error("{}", crate::say!("cannot write: {e}", "无法写入：{e}", e = .0))]
    Csv(#[from] csv::Error),
}

//! The stored encoding: one format-version byte, then the value in that format's layout
//! (`stored::v1` for format 1: bincode 2's standard configuration, with varint integers,
//! length-prefixed strings and sequences, enum variants as varint indices).
//!
//! `store` is the only module that names bincode, and this module with `stored::v1` the only
//! part of it, so the encoding can move (bincode's 3.0.0 is a deliberate compile error and
//! the project is unmaintained): a new encoding gets a new version byte and `decode` keeps
//! reading the old one (see `stored`).

use bincode::{Decode, Encode};

use super::stored::Stored;
use super::tables::LogEntry;
use crate::model::Record;

/// The version byte at offset 0 of every stored value, and the `meta` entry
/// `format_version` of a store: the format this careledger writes.
pub const FORMAT_VERSION: u8 = 1;

fn config() -> bincode::config::Configuration {
    bincode::config::standard()
}

/// A stored value that cannot be read: the file was written by another version of careledger,
/// or it is damaged.
#[derive(Debug, thiserror::Error)]
pub enum CodecError {
    #[error("{}", crate::say!(
        "stored value has format version {found}, this careledger reads version {FORMAT_VERSION}; use the careledger release that wrote the store, or re-import the files into a new store",
        "存储的值格式版本为 {found}，本 careledger 读取版本 {FORMAT_VERSION}；请使用写入该数据库的 careledger 版本，或把文件重新导入一个新数据库",
        found = .found
    ))]
    Version { found: u8 },
    #[error("{}", crate::say!("stored value is damaged: {what}", "存储的值已损坏：{what}", what = .0))]
    Damaged(String),
}

/// A value as a table stores it: the version byte, then its current format's encoding.
pub(crate) fn encode<T: Stored>(value: &T) -> Vec<u8> {
    let mut out = vec![FORMAT_VERSION];
    encode_body_into(value, &mut out);
    out
}

/// Reads a value a table stores, in whichever format its version byte names.
pub(crate) fn decode<T: Stored>(bytes: &[u8]) -> Result<T, CodecError> {
    match bytes.split_first() {
        Some((&1, body)) => decode_body(body),
        Some((&found, _)) => Err(CodecError::Version { found }),
        None => Err(CodecError::Damaged(crate::say!("empty value", "值为空"))),
    }
}

/// Appends the body of a value in the current format (no version byte) to `out`: for values
/// held in memory only, such as the rows of an import (see [`EncodedRecord`]).
pub(crate) fn encode_body_into<T: Stored>(value: &T, out: &mut Vec<u8>) {
    encode_v1_into(&value.to_v1(), out);
}

/// Decodes a body written by [`encode_body_into`].
pub(crate) fn decode_body<T: Stored>(bytes: &[u8]) -> Result<T, CodecError> {
    T::from_v1(decode_v1(bytes)?)
}

/// A record in the store's encoding, held by code that must not name the encoding: an import
/// keeps its rows so, one arena of bytes per file, and decodes a row when it needs the
/// record.
///
/// Two encodings are equal exactly when the records are: bincode's encoding of the stored
/// types is deterministic and injective, so comparing encodings compares records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EncodedRecord<'a> {
    bytes: &'a [u8],
}

impl<'a> EncodedRecord<'a> {
    /// Bytes that [`encode_record_into`] wrote. Other bytes fail to decode (or decode as
    /// some other record): the holder keeps the bytes apart, as written.
    pub fn from_bytes(bytes: &'a [u8]) -> EncodedRecord<'a> {
        EncodedRecord { bytes }
    }

    pub fn as_bytes(self) -> &'a [u8] {
        self.bytes
    }

    /// The record.
    pub fn decode(self) -> Result<Record, CodecError> {
        decode_body(self.bytes)
    }
}

/// Appends a record's encoding (the current format's, without the version byte) to `out`;
/// [`EncodedRecord::from_bytes`] of the bytes appended gives it back.
pub fn encode_record_into(record: &Record, out: &mut Vec<u8>) {
    encode_body_into(record, out);
}

/// [`encode`] of `CurrentEntry { seq, record }`, made from the record's encoding rather
/// than from the record: bincode encodes a struct as its fields one after another, so the
/// value is the version byte, `seq`, then the record's bytes as they are.
pub(crate) fn encode_current(seq: u64, record: EncodedRecord<'_>) -> Vec<u8> {
    let mut out = Vec::with_capacity(1 + 10 + record.bytes.len());
    out.push(FORMAT_VERSION);
    encode_v1_into(&seq, &mut out);
    out.extend_from_slice(record.bytes);
    out
}

/// Appends [`encode`] of `entry`, or, given `record`, of `entry` with that as its record,
/// made from the record's encoding (`entry.record` is then `None`). The record is the
/// entry's last field, and bincode encodes an `Option` as a tag byte (0 for none, 1 for
/// some) and then the value, so the entry with the record is the entry without it with the
/// last byte turned to 1 and the record's bytes after it.
pub(crate) fn encode_log_into(
    entry: &LogEntry,
    record: Option<EncodedRecord<'_>>,
    out: &mut Vec<u8>,
) {
    out.push(FORMAT_VERSION);
    encode_body_into(entry, out);
    if let Some(record) = record {
        assert!(entry.record.is_none(), "the record is given once");
        let tag = out.last_mut().expect("an entry is encoded");
        assert_eq!(*tag, 0, "an absent record is encoded last, as a 0");
        *tag = 1;
        out.extend_from_slice(record.bytes);
    }
}

/// Appends records one after another in the current format (no version byte), after their
/// count: for values held whole by `store` alone (a customer's records kept beside their
/// facts, `store::facts`), read back by [`decode_records`].
pub(crate) fn encode_records_into(records: &[Record], out: &mut Vec<u8>) {
    encode_v1_into(&(records.len() as u64), out);
    for record in records {
        encode_body_into(record, out);
    }
}

/// Reads what [`encode_records_into`] wrote at the start of `bytes`: the records, and the
/// bytes they took.
pub(crate) fn decode_records(bytes: &[u8]) -> Result<(Vec<Record>, usize), CodecError> {
    let damaged = |e: bincode::error::DecodeError| CodecError::Damaged(e.to_string());
    let (count, mut used): (u64, usize) =
        bincode::decode_from_slice(bytes, config()).map_err(damaged)?;
    // Every record takes at least a byte: a count beyond the bytes is damage, not a reason
    // to reserve memory.
    let count = usize::try_from(count)
        .ok()
        .filter(|n| *n <= bytes.len() - used)
        .ok_or_else(|| {
            CodecError::Damaged(crate::say!(
                "a list of {count} records in {} bytes",
                "{} 个字节中记有 {count} 条记录",
                bytes.len()
            ))
        })?;
    let mut records = Vec::with_capacity(count);
    for _ in 0..count {
        let (record, n): (<Record as Stored>::V1, usize) =
            bincode::decode_from_slice(&bytes[used..], config()).map_err(damaged)?;
        records.push(<Record as Stored>::from_v1(record)?);
        used += n;
    }
    Ok((records, used))
}

/// Appends the format-1 encoding of a stored type.
pub(super) fn encode_v1_into<B: Encode>(value: &B, out: &mut Vec<u8>) {
    bincode::encode_into_std_write(value, out, config()).expect("encoding into a Vec cannot fail");
}

/// Decodes the format-1 encoding of a stored type, all of `bytes`.
pub(super) fn decode_v1<B: Decode<()>>(bytes: &[u8]) -> Result<B, CodecError> {
    let (value, used) = bincode::decode_from_slice(bytes, config())
        .map_err(|e| CodecError::Damaged(e.to_string()))?;
    if used != bytes.len() {
        return Err(CodecError::Damaged(crate::say!(
            "{} trailing bytes after the value",
            "值后面多出 {} 个字节",
            bytes.len() - used
        )));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Fen, Record, Sale, Timestamp};

    fn sale() -> Record {
        Record::Sale(Sale {
            sale_id: "S1".into(),
            customer_id: "C1".into(),
            vin: None,
            delivered_at: Timestamp(1_700_000_000),
            consultant_id: Some("XS003".into()),
            amount: Fen(19_137_050),
            referrer_id: None,
        })
    }

    #[test]
    fn values_round_trip_and_carry_the_version_byte() {
        let bytes = encode(&sale());
        assert_eq!(bytes[0], FORMAT_VERSION);
        assert_eq!(decode::<Record>(&bytes).unwrap(), sale());
        let mut body = Vec::new();
        encode_body_into(&sale(), &mut body);
        assert_eq!(body, bytes[1..]);
        assert_eq!(decode_body::<Record>(&body).unwrap(), sale());
    }

    /// Every kind of record, with optional values present and absent.
    fn records() -> Vec<Record> {
        use crate::store::stored::golden;
        let mut all = vec![sale()];
        all.extend(golden::records());
        all.extend(golden::appended_records());
        all.extend(golden::revision3_records());
        all
    }

    #[test]
    fn entries_made_from_a_records_encoding_are_those_encoded_whole() {
        use crate::model::Kind;
        use crate::store::tables::{CurrentEntry, Op};
        let records = records();
        let kinds: std::collections::BTreeSet<Kind> = records.iter().map(Record::kind).collect();
        assert_eq!(kinds.len(), Kind::ALL.len(), "every kind is tried");
        for (i, record) in records.into_iter().enumerate() {
            let mut body = Vec::new();
            encode_record_into(&record, &mut body);
            let encoded = EncodedRecord::from_bytes(&body);
            // Sequence numbers and import ids of one, three, five and nine bytes as varints.
            for seq in [3, 251, 70_000, u64::MAX - i as u64] {
                let current = CurrentEntry {
                    seq,
                    record: record.clone(),
                };
                assert_eq!(encode_current(seq, encoded), encode(&current));
                let mut entry = LogEntry {
                    import_id: seq,
                    kind: record.kind(),
                    key: format!("K{i}-{seq}"),
                    op: Op::Add,
                    record: None,
                };
                let mut void = Vec::new();
                encode_log_into(&entry, None, &mut void);
                entry.op = Op::Void;
                let mut void_entry = Vec::new();
                encode_log_into(&entry, None, &mut void_entry);
                assert_eq!(void_entry, encode(&entry));
                entry.op = Op::Add;
                let mut add = vec![7];
                encode_log_into(&entry, Some(encoded), &mut add);
                entry.record = Some(record.clone());
                assert_eq!(add[0], 7, "appended after what the buffer holds");
                assert_eq!(add[1..], encode(&entry));
                assert_eq!(void.len() + body.len(), add.len() - 1);
            }
        }
    }

    #[test]
    fn a_list_of_records_reads_back_with_the_bytes_it_took() {
        let records = records();
        let mut bytes = vec![];
        encode_records_into(&records, &mut bytes);
        let len = bytes.len();
        // What follows the list is left to the caller.
        bytes.extend_from_slice(&[7, 7]);
        let (read, used) = decode_records(&bytes).unwrap();
        assert_eq!((read, used), (records, len));
        let (none, used) = decode_records(&[0]).unwrap();
        assert_eq!((none.len(), used), (0, 1));
        // A count of 200 records in two bytes is damage, not a reservation of memory.
        let mut short = vec![];
        encode_v1_into(&200u64, &mut short);
        short.push(0);
        assert!(matches!(
            decode_records(&short),
            Err(CodecError::Damaged(_))
        ));
        // So is a record cut short.
        assert!(matches!(
            decode_records(&bytes[..len - 1]),
            Err(CodecError::Damaged(_))
        ));
    }

    #[test]
    fn other_versions_and_trailing_bytes_are_refused() {
        let mut bytes = encode(&sale());
        bytes[0] = 9;
        assert!(matches!(
            decode::<Record>(&bytes),
            Err(CodecError::Version { found: 9 })
        ));
        let mut bytes = encode(&sale());
        bytes.push(0);
        assert!(matches!(
            decode::<Record>(&bytes),
            Err(CodecError::Damaged(_))
        ));
        assert!(matches!(decode::<Record>(&[]), Err(CodecError::Damaged(_))));
    }
}

//! The stored encoding: one format-version byte, then the value in bincode 2's standard
//! configuration (varint integers, length-prefixed strings and sequences, enum variants as
//! varint indices).
//!
//! This module is the only place that names bincode, so the encoding can move (bincode's
//! 3.0.0 is a deliberate compile error and the project is unmaintained): a new encoding gets
//! a new version byte and `decode` keeps reading the old one.

use bincode::{Decode, Encode};

/// The version byte at offset 0 of every stored value.
pub const FORMAT_VERSION: u8 = 1;

fn config() -> bincode::config::Configuration {
    bincode::config::standard()
}

/// A stored value that cannot be read: the file was written by another version of careledger,
/// or it is damaged.
#[derive(Debug, thiserror::Error)]
pub enum CodecError {
    #[error(
        "stored value has format version {found}, this careledger reads version {FORMAT_VERSION}; use the careledger release that wrote the store, or re-import the files into a new store"
    )]
    Version { found: u8 },
    #[error("stored value is damaged: {0}")]
    Damaged(String),
}

pub fn encode<T: Encode>(value: &T) -> Vec<u8> {
    let mut out = vec![FORMAT_VERSION];
    bincode::encode_into_std_write(value, &mut out, config())
        .expect("encoding into a Vec cannot fail");
    out
}

/// Appends the bincode body of a value (no version byte) to `out`: for values held in
/// memory only, such as the rows of an import (`csvio::Rows`).
pub fn encode_body_into<T: Encode>(value: &T, out: &mut Vec<u8>) {
    bincode::encode_into_std_write(value, out, config()).expect("encoding into a Vec cannot fail");
}

/// Decodes a body written by [`encode_body_into`].
pub fn decode_body<T: Decode<()>>(bytes: &[u8]) -> Result<T, CodecError> {
    let (value, used) = bincode::decode_from_slice(bytes, config())
        .map_err(|e| CodecError::Damaged(e.to_string()))?;
    if used != bytes.len() {
        return Err(CodecError::Damaged(format!(
            "{} trailing bytes after the value",
            bytes.len() - used
        )));
    }
    Ok(value)
}

pub fn decode<T: Decode<()>>(bytes: &[u8]) -> Result<T, CodecError> {
    match bytes.split_first() {
        Some((&FORMAT_VERSION, body)) => decode_body(body),
        Some((&found, _)) => Err(CodecError::Version { found }),
        None => Err(CodecError::Damaged("empty value".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Fen, Kind, Record, Sale, Timestamp};

    #[test]
    fn values_round_trip_and_carry_the_version_byte() {
        let record = Record::Sale(Sale {
            sale_id: "S1".into(),
            customer_id: "C1".into(),
            vin: None,
            delivered_at: Timestamp(1_700_000_000),
            consultant_id: Some("XS003".into()),
            amount: Fen(19_137_050),
            referrer_id: None,
        });
        let bytes = encode(&record);
        assert_eq!(bytes[0], FORMAT_VERSION);
        assert_eq!(decode::<Record>(&bytes).unwrap(), record);
        assert_eq!(
            decode::<Kind>(&encode(&Kind::Survey)).unwrap(),
            Kind::Survey
        );
    }

    #[test]
    fn other_versions_and_trailing_bytes_are_refused() {
        let mut bytes = encode(&7u64);
        bytes[0] = 9;
        assert!(matches!(
            decode::<u64>(&bytes),
            Err(CodecError::Version { found: 9 })
        ));
        let mut bytes = encode(&7u64);
        bytes.push(0);
        assert!(matches!(decode::<u64>(&bytes), Err(CodecError::Damaged(_))));
    }
}

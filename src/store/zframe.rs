//! zstd frames, for the values the store keeps compressed (a customer's kept facts, a
//! segment of the log). Each thread keeps one compression and one decompression context:
//! making a context costs more than compressing one value.

use std::cell::RefCell;

/// zstd's fastest level: it already takes a customer's facts to about a quarter of their
/// bincode bytes, and the log's records to about a fifth.
const LEVEL: i32 = 1;

/// A zstd frame of `raw`, which records its decompressed size.
pub(super) fn compress(raw: &[u8]) -> Vec<u8> {
    thread_local! {
        static COMPRESSOR: RefCell<Option<zstd::bulk::Compressor<'static>>> =
            const { RefCell::new(None) };
    }
    COMPRESSOR.with_borrow_mut(|c| {
        let c = match c {
            Some(c) => c,
            None => c.insert(zstd::bulk::Compressor::new(LEVEL).expect("a zstd context in memory")),
        };
        c.compress(raw).expect("zstd compresses to memory")
    })
}

/// The bytes of a frame [`compress`] wrote; why not, for a damage report.
pub(super) fn decompress(frame: &[u8]) -> Result<Vec<u8>, String> {
    thread_local! {
        static DECOMPRESSOR: RefCell<Option<zstd::bulk::Decompressor<'static>>> =
            const { RefCell::new(None) };
    }
    let size = zstd::bulk::Decompressor::upper_bound(frame)
        .ok_or_else(|| crate::say!("the frame records no size", "帧中没有记录大小"))?;
    DECOMPRESSOR.with_borrow_mut(|d| {
        let d = match d {
            Some(d) => d,
            None => d.insert(zstd::bulk::Decompressor::new().map_err(|e| e.to_string())?),
        };
        d.decompress(frame, size).map_err(|e| e.to_string())
    })
}

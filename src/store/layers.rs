//! `current` and `refs` in two layers: the table itself, and a small `…_recent` table beside
//! it that takes the keys the imports since the last fold added (store format 3).
//!
//! A month's new records name nearly every customer, and their ids are spread over the key
//! space: inserted into `current` and `refs` themselves, they touched most leaf pages of
//! both, and redb writes every page a transaction changes anew — an increment of 97 000
//! rows at 100 000 customers wrote 225 000 pages (880 MB) for a 1.1 GB store. Inserted into
//! a table holding only the recent keys, they touch that table's pages, a few per cent of
//! the big one's.
//!
//! - **A key is in at most one layer.** A new key goes to `recent` (to the table itself when
//!   that is empty: the first import fills it in key order); a key already stored is
//!   replaced or removed where it is. A read looks in both: a point read in the table,
//!   which holds most keys, then in `recent`; a range read merges both ranges in key order.
//! - **The fold.** When `recent` holds more than an eighth of the table's entries (and more
//!   than [`FOLD_MIN`]), the import that made it so moves every entry of `recent` into the
//!   table, in key order, before it commits: each page of the table is then written about
//!   once for the eight months or so of keys it takes in at once.
//! - What is read never depends on the layer a key is in: the same snapshot gives the same
//!   records, in the same order, whether folded or not (`verify` checks the layers are
//!   disjoint).

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::iter::Peekable;
use std::ops::RangeBounds;

use redb::{
    AccessGuard, Key, Range, ReadableTable, ReadableTableMetadata, StorageError, Table,
    TableDefinition, Value,
};

/// The keys `current` took since its last fold.
pub(crate) const CURRENT_RECENT: TableDefinition<(u8, &str), &[u8]> =
    TableDefinition::new("current_recent");
/// The entries `refs` took since its last fold.
pub(crate) const REFS_RECENT: TableDefinition<(u8, &str, u8, &str), ()> =
    TableDefinition::new("refs_recent");

/// `recent` is folded into its table only past this many entries, whatever the table's
/// size: a small store reads through two layers rather than fold at every import.
pub(crate) const FOLD_MIN: u64 = 65_536;

/// Whether `recent` is due to be folded into a table of `main` entries: past an eighth of
/// it, and past `min` ([`FOLD_MIN`] but in tests).
pub(crate) fn fold_due(main: u64, recent: u64, min: u64) -> bool {
    recent > min && recent > main / 8
}

/// A layered table's key: its order as a value, the order redb keeps (for the tuples of
/// `current` and `refs`, element by element).
pub(crate) trait LayerKey: Key + 'static {
    fn order(a: &Self::SelfType<'_>, b: &Self::SelfType<'_>) -> Ordering;
}

impl LayerKey for (u8, &'static str) {
    fn order(a: &Self::SelfType<'_>, b: &Self::SelfType<'_>) -> Ordering {
        a.cmp(b)
    }
}

impl LayerKey for (u8, &'static str, u8, &'static str) {
    fn order(a: &Self::SelfType<'_>, b: &Self::SelfType<'_>) -> Ordering {
        a.cmp(b)
    }
}

/// A table and its recent layer (`None`: a store of format 2 or older, which has none).
pub(crate) struct Layers<T> {
    pub(crate) main: T,
    pub(crate) recent: Option<T>,
    /// Where a new key goes when written: `recent`, unless the table was empty when opened.
    new_in_recent: bool,
}

type Entry<'a, K, V> = Result<(AccessGuard<'a, K>, AccessGuard<'a, V>), StorageError>;

impl<T> Layers<T> {
    /// Layers to read through.
    pub(crate) fn read(main: T, recent: Option<T>) -> Layers<T> {
        Layers {
            main,
            recent,
            new_in_recent: false,
        }
    }

    /// The value of a key, in whichever layer holds it.
    pub(crate) fn get<'k, K: LayerKey, V: Value + 'static>(
        &self,
        key: K::SelfType<'k>,
    ) -> Result<Option<AccessGuard<'_, V>>, StorageError>
    where
        T: ReadableTable<K, V>,
        K::SelfType<'k>: Clone,
    {
        // The table first: it holds most keys (seven in eight, or more, of those stored).
        if let Some(value) = self.main.get(key.clone())? {
            return Ok(Some(value));
        }
        match &self.recent {
            Some(recent) => recent.get(key),
            None => Ok(None),
        }
    }

    /// The entries of a key range in both layers, in key order.
    pub(crate) fn range<'a, K: LayerKey, V: Value + 'static, KR>(
        &self,
        range: impl RangeBounds<KR> + Clone + 'a,
    ) -> Result<Merged<'_, K, V>, StorageError>
    where
        T: ReadableTable<K, V>,
        KR: Borrow<K::SelfType<'a>> + 'a,
    {
        let recent = match &self.recent {
            Some(recent) => Some(recent.range(range.clone())?.peekable()),
            None => None,
        };
        Ok(Merged {
            main: self.main.range(range)?.peekable(),
            recent,
        })
    }

    /// Every entry of both layers, in key order.
    pub(crate) fn iter<K: LayerKey, V: Value + 'static>(
        &self,
    ) -> Result<Merged<'_, K, V>, StorageError>
    where
        T: ReadableTable<K, V>,
    {
        let recent = match &self.recent {
            Some(recent) => Some(recent.iter()?.peekable()),
            None => None,
        };
        Ok(Merged {
            main: self.main.iter()?.peekable(),
            recent,
        })
    }

    /// The keys `recent` holds that the table holds too: none, in a store that is not
    /// damaged (`verify`).
    pub(crate) fn in_both<K: LayerKey, V: Value + 'static>(
        &self,
        mut f: impl FnMut(K::SelfType<'_>),
    ) -> Result<(), StorageError>
    where
        T: ReadableTable<K, V>,
    {
        let Some(recent) = &self.recent else {
            return Ok(());
        };
        for entry in recent.iter()? {
            let (key, _) = entry?;
            if self.main.get(key.value())?.is_some() {
                f(key.value());
            }
        }
        Ok(())
    }

    /// The entries of both layers.
    pub(crate) fn len(&self) -> Result<u64, StorageError>
    where
        T: ReadableTableMetadata,
    {
        let recent = match &self.recent {
            Some(recent) => recent.len()?,
            None => 0,
        };
        Ok(self.main.len()? + recent)
    }
}

impl<'t, K: LayerKey, V: Value + 'static> Layers<Table<'t, K, V>> {
    /// Layers to write through: new keys go to `recent`, or to `main` while it is empty.
    pub(crate) fn write(
        main: Table<'t, K, V>,
        recent: Table<'t, K, V>,
    ) -> Result<Self, StorageError> {
        let new_in_recent = main.len()? > 0;
        Ok(Layers {
            main,
            recent: Some(recent),
            new_in_recent,
        })
    }

    fn recent_mut(&mut self) -> &mut Table<'t, K, V> {
        self.recent
            .as_mut()
            .expect("layers opened to write have both")
    }

    /// Inserts a key that neither layer holds, as the caller has read (without looking
    /// again); returns what `old` makes of the value it replaced in the layer new keys go
    /// to, which is none unless that read was wrong.
    pub(crate) fn insert_new<'k, 'v, R>(
        &mut self,
        key: K::SelfType<'k>,
        value: impl Borrow<V::SelfType<'v>>,
        old: impl FnOnce(V::SelfType<'_>) -> R,
    ) -> Result<Option<R>, StorageError> {
        let table = match self.new_in_recent {
            true => self.recent_mut(),
            false => &mut self.main,
        };
        Ok(table.insert(key, value)?.map(|v| old(v.value())))
    }

    /// Replaces the value of a key where it is (inserts it as new when neither layer holds
    /// it); returns what `old` makes of the value replaced.
    pub(crate) fn replace<'k, 'v, R>(
        &mut self,
        key: K::SelfType<'k>,
        value: impl Borrow<V::SelfType<'v>>,
        old: impl FnOnce(V::SelfType<'_>) -> R,
    ) -> Result<Option<R>, StorageError>
    where
        K::SelfType<'k>: Clone,
    {
        // The table first, as a read; then `recent`, when a new key would not go there
        // anyway.
        let table = if self.main.get(key.clone())?.is_some() {
            &mut self.main
        } else if self.new_in_recent || self.recent_holds(key.clone())? {
            self.recent_mut()
        } else {
            &mut self.main
        };
        Ok(table.insert(key, value)?.map(|v| old(v.value())))
    }

    /// Whether `recent` holds a key (an empty one is not looked in).
    fn recent_holds(&mut self, key: K::SelfType<'_>) -> Result<bool, StorageError> {
        let recent = self.recent_mut();
        Ok(recent.len()? > 0 && recent.get(key)?.is_some())
    }

    /// Removes a key from whichever layer holds it; returns what `old` makes of its value.
    pub(crate) fn remove<'k, R>(
        &mut self,
        key: K::SelfType<'k>,
        old: impl FnOnce(V::SelfType<'_>) -> R,
    ) -> Result<Option<R>, StorageError>
    where
        K::SelfType<'k>: Clone,
    {
        if let Some(value) = self.main.remove(key.clone())? {
            return Ok(Some(old(value.value())));
        }
        Ok(self.recent_mut().remove(key)?.map(|v| old(v.value())))
    }

    /// Whether `recent` is due to be folded into the table ([`fold_due`]).
    pub(crate) fn fold_due(&self, min: u64) -> Result<bool, StorageError> {
        let recent = match &self.recent {
            Some(recent) => recent.len()?,
            None => 0,
        };
        Ok(fold_due(self.main.len()?, recent, min))
    }

    /// Moves every entry of `recent` into the table, in key order; returns how many.
    pub(crate) fn fold(&mut self) -> Result<u64, StorageError> {
        let Layers { main, recent, .. } = self;
        let recent = recent.as_mut().expect("layers opened to write have both");
        let mut moved = 0u64;
        for entry in recent.range::<K::SelfType<'_>>(..)? {
            let (key, value) = entry?;
            main.insert(key.value(), value.value())?;
            moved += 1;
        }
        recent.retain(|_, _| false)?;
        Ok(moved)
    }
}

/// The entries of a key range in two layers, merged in key order (the layers are disjoint:
/// no key comes twice).
pub(crate) struct Merged<'a, K: Key + 'static, V: Value + 'static> {
    main: Peekable<Range<'a, K, V>>,
    recent: Option<Peekable<Range<'a, K, V>>>,
}

impl<'a, K: LayerKey, V: Value + 'static> Iterator for Merged<'a, K, V> {
    type Item = Entry<'a, K, V>;

    fn next(&mut self) -> Option<Self::Item> {
        let Some(recent) = self.recent.as_mut() else {
            return self.main.next();
        };
        let from_main = match (self.main.peek(), recent.peek()) {
            (None, _) => false,
            (Some(_), None) | (Some(Err(_)), _) => true,
            (_, Some(Err(_))) => false,
            (Some(Ok((a, _))), Some(Ok((b, _)))) => {
                K::order(&a.value(), &b.value()) != Ordering::Greater
            }
        };
        match from_main {
            true => self.main.next(),
            false => recent.next(),
        }
    }
}

#[cfg(test)]
mod tests {
    use redb::{Database, ReadableDatabase};

    use super::*;

    const MAIN: TableDefinition<(u8, &str), &[u8]> = TableDefinition::new("main");
    const RECENT: TableDefinition<(u8, &str), &[u8]> = TableDefinition::new("recent");

    #[test]
    fn recent_is_folded_past_an_eighth_of_the_table_and_past_the_least() {
        assert!(!fold_due(0, FOLD_MIN, FOLD_MIN));
        assert!(fold_due(0, FOLD_MIN + 1, FOLD_MIN));
        // 1 000 000 / 8 = 125 000.
        assert!(!fold_due(1_000_000, 125_000, FOLD_MIN));
        assert!(fold_due(1_000_000, 125_001, FOLD_MIN));
        assert!(fold_due(16, 3, 2));
        assert!(!fold_due(16, 2, 1));
    }

    /// Every entry of both layers, as (code, key, value) and in the layer it is in.
    fn read(db: &Database) -> (Vec<(u8, String, String)>, usize, usize) {
        let txn = db.begin_read().unwrap();
        let layers = Layers::read(
            txn.open_table(MAIN).unwrap(),
            Some(txn.open_table(RECENT).unwrap()),
        );
        let all = layers
            .iter()
            .unwrap()
            .map(|e| {
                let (k, v) = e.unwrap();
                let (code, key) = k.value();
                (
                    code,
                    key.to_owned(),
                    String::from_utf8(v.value().to_vec()).unwrap(),
                )
            })
            .collect();
        let main = layers.main.len().unwrap() as usize;
        let recent = layers.recent.as_ref().unwrap().len().unwrap() as usize;
        (all, main, recent)
    }

    #[test]
    fn new_keys_go_to_recent_and_stored_ones_change_where_they_are() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::create(dir.path().join("l.redb")).unwrap();
        // An empty table takes its first keys itself.
        let txn = db.begin_write().unwrap();
        {
            let mut l = Layers::write(
                txn.open_table(MAIN).unwrap(),
                txn.open_table(RECENT).unwrap(),
            )
            .unwrap();
            for key in ["a", "c", "e"] {
                assert_eq!(l.replace((1, key), b"1".as_slice(), |_| ()).unwrap(), None);
            }
        }
        txn.commit().unwrap();
        assert_eq!(read(&db).1, 3);
        let txn = db.begin_write().unwrap();
        {
            let mut l = Layers::write(
                txn.open_table(MAIN).unwrap(),
                txn.open_table(RECENT).unwrap(),
            )
            .unwrap();
            assert_eq!(
                l.insert_new((1, "b"), b"2".as_slice(), |_| ()).unwrap(),
                None
            );
            l.replace((1, "d"), b"2".as_slice(), |_| ()).unwrap();
            l.replace((0, "z"), b"2".as_slice(), |_| ()).unwrap();
            // A stored key is replaced in the table, not copied to `recent`.
            let old = l
                .replace((1, "c"), b"3".as_slice(), |v| v.to_vec())
                .unwrap();
            assert_eq!(old, Some(b"1".to_vec()));
            // Removed from whichever layer holds it.
            assert_eq!(
                l.remove((1, "a"), |v| v.to_vec()).unwrap(),
                Some(b"1".to_vec())
            );
            assert_eq!(
                l.remove((1, "b"), |v| v.to_vec()).unwrap(),
                Some(b"2".to_vec())
            );
            assert_eq!(l.remove((1, "x"), |v| v.to_vec()).unwrap(), None);
            // `d`, in recent, replaced there.
            l.replace((1, "d"), b"4".as_slice(), |_| ()).unwrap();
            // Two in `recent`: past an eighth of the table's two, not past 2.
            assert!(!l.fold_due(2).unwrap());
        }
        txn.commit().unwrap();
        let expected = vec![
            (0, "z".to_owned(), "2".to_owned()),
            (1, "c".to_owned(), "3".to_owned()),
            (1, "d".to_owned(), "4".to_owned()),
            (1, "e".to_owned(), "1".to_owned()),
        ];
        assert_eq!(read(&db), (expected.clone(), 2, 2));
        // A point read and a range read see both layers.
        {
            let txn = db.begin_read().unwrap();
            let l = Layers::read(
                txn.open_table(MAIN).unwrap(),
                Some(txn.open_table(RECENT).unwrap()),
            );
            assert_eq!(l.get((1, "d")).unwrap().unwrap().value(), b"4");
            assert_eq!(l.get((1, "c")).unwrap().unwrap().value(), b"3");
            assert!(l.get((1, "a")).unwrap().is_none());
            let keys: Vec<String> = l
                .range((1, "b")..(1, "e"))
                .unwrap()
                .map(|e| e.unwrap().0.value().1.to_owned())
                .collect();
            assert_eq!(keys, ["c", "d"]);
            let mut both = 0;
            l.in_both(|_| both += 1).unwrap();
            assert_eq!(both, 0);
        }
        // The fold moves recent into the table; what is read is the same.
        let txn = db.begin_write().unwrap();
        {
            let mut l = Layers::write(
                txn.open_table(MAIN).unwrap(),
                txn.open_table(RECENT).unwrap(),
            )
            .unwrap();
            assert!(l.fold_due(1).unwrap());
            assert_eq!(l.fold().unwrap(), 2);
        }
        txn.commit().unwrap();
        assert_eq!(read(&db), (expected, 4, 0));
    }
}

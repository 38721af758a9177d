//! Closing and reopening payout statements (issue 15): which months are closed, with which
//! version of their statement, and what happened to each.
//!
//! Three tables, all only ever added to: `statements` holds the first statement closed for
//! a month (as it always did), `statement_versions` the statements closed again after a
//! reopen (version 2 on), `closes` every close and reopen in order. A month's state is its
//! last event; a month of `statements` without any event is closed with version 1 (a store
//! written before reopening existed). Nothing is ever removed: a reopened month's earlier
//! versions stay readable, and the next close of it stores a new version.

use std::collections::BTreeMap;

use redb::{ReadTransaction, ReadableTable, WriteTransaction};

use super::codec::{self, decode};
use super::read::{Reader, check_statement, damaged};
use super::tables::{
    CLOSES, CloseAction, CloseEvent, ClosedStatement, STATEMENT_VERSIONS, STATEMENTS,
};
use super::{CloseError, Store, StoreError, guarded};

/// Every statement version and event of one month.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MonthCloses {
    pub month: String,
    /// Version 1, 2, … in order.
    pub versions: Vec<ClosedStatement>,
    /// Its closes and reopens, oldest first (none for a month closed before reopening
    /// existed).
    pub events: Vec<CloseEvent>,
}

impl MonthCloses {
    /// The version the month is closed with, `None` when it is open (reopened).
    pub fn closed_version(&self) -> Option<u32> {
        match self.events.last() {
            None => Some(1),
            Some(CloseEvent {
                action: CloseAction::Closed { version, .. },
                ..
            }) => Some(*version),
            Some(_) => None,
        }
    }

    /// The statement the month is closed with, if it is closed.
    pub fn closed_statement(&self) -> Option<&ClosedStatement> {
        let version = self.closed_version()?;
        self.versions.get(usize::try_from(version).ok()? - 1)
    }
}

/// Reads the three tables (any of them may be missing in an older store) into the months.
fn read_months<S, V, E>(
    statements: Option<&S>,
    versions: Option<&V>,
    events: Option<&E>,
) -> Result<BTreeMap<String, MonthCloses>, StoreError>
where
    S: ReadableTable<&'static str, &'static [u8]>,
    V: ReadableTable<(&'static str, u32), &'static [u8]>,
    E: ReadableTable<u64, &'static [u8]>,
{
    let mut months: BTreeMap<String, MonthCloses> = BTreeMap::new();
    fn month<'m>(
        months: &'m mut BTreeMap<String, MonthCloses>,
        label: &str,
    ) -> &'m mut MonthCloses {
        months
            .entry(label.to_owned())
            .or_insert_with(|| MonthCloses {
                month: label.to_owned(),
                versions: Vec::new(),
                events: Vec::new(),
            })
    }
    if let Some(table) = statements {
        for entry in table.iter()? {
            let (key, value) = entry?;
            let statement: ClosedStatement = decode(value.value())?;
            check_statement(key.value(), &statement).map_err(damaged)?;
            month(&mut months, key.value()).versions.push(statement);
        }
    }
    if let Some(table) = versions {
        for entry in table.iter()? {
            let (key, value) = entry?;
            let (label, version) = key.value();
            let statement: ClosedStatement = decode(value.value())?;
            check_statement(label, &statement).map_err(damaged)?;
            let m = month(&mut months, label);
            if usize::try_from(version).ok() != Some(m.versions.len() + 1) {
                return Err(damaged(crate::say!(
                    "statement_versions: {label} version {version} follows {} versions",
                    "statement_versions：{label} 的第 {version} 版跟在 {} 个版本之后",
                    m.versions.len()
                )));
            }
            m.versions.push(statement);
        }
    }
    if let Some(table) = events {
        for entry in table.iter()? {
            let (seq, value) = entry?;
            let event: CloseEvent = decode(value.value())?;
            let m = month(&mut months, &event.month);
            if let CloseAction::Closed { version, sha256 } = &event.action {
                let stored = usize::try_from(*version)
                    .ok()
                    .and_then(|v| v.checked_sub(1))
                    .and_then(|v| m.versions.get(v));
                if stored.is_none_or(|s| s.sha256 != *sha256) {
                    return Err(damaged(crate::say!(
                        "closes: event {} closes {} with version {version}, which is not stored with that hash",
                        "closes：事件 {} 以第 {version} 版结账 {}，但存储中没有该哈希值的这一版",
                        seq.value(),
                        event.month
                    )));
                }
            }
            m.events.push(event);
        }
    }
    Ok(months)
}

fn missing<T>(r: Result<T, redb::TableError>) -> Result<Option<T>, StoreError> {
    match r {
        Ok(t) => Ok(Some(t)),
        Err(redb::TableError::TableDoesNotExist(_)) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

pub(super) fn months_of(
    txn: &ReadTransaction,
) -> Result<BTreeMap<String, MonthCloses>, StoreError> {
    let statements = missing(txn.open_table(STATEMENTS))?;
    let versions = missing(txn.open_table(STATEMENT_VERSIONS))?;
    let events = missing(txn.open_table(CLOSES))?;
    read_months(statements.as_ref(), versions.as_ref(), events.as_ref())
}

impl Reader {
    /// Every month ever closed, with its statement versions and events, in month order.
    pub fn close_history(&self) -> Result<Vec<MonthCloses>, StoreError> {
        guarded(|| Ok(months_of(self.txn())?.into_values().collect()))
    }

    /// The statements of the months closed now (a reopened month is open), oldest month
    /// first: each the version it is closed with.
    pub fn closed_statements(&self) -> Result<Vec<ClosedStatement>, StoreError> {
        Ok(self
            .close_history()?
            .into_iter()
            .filter_map(|m| m.closed_statement().cloned())
            .collect())
    }
}

/// Why a month was not reopened.
#[derive(Debug, thiserror::Error)]
pub enum ReopenError {
    #[error("{}", crate::say!(
        "{month} is not closed; only a closed month can be reopened",
        "{month} 未结账；只有已结账的月份才能重新打开",
        month = .0
    ))]
    NotClosed(String),
    #[error("{}", crate::say!(
        "{month} is not the latest closed month ({latest} is): months reopen from the latest back, so that no closed month follows an open one",
        "{month} 不是最近一个已结账的月份（{latest} 才是）：月份从最近的往前依次重新打开，这样已结账的月份不会排在未结账的月份之后",
        month = .month,
        latest = .latest
    ))]
    NotLatest { month: String, latest: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The months closed now, from the tables of a write transaction.
fn months_in(txn: &WriteTransaction) -> Result<BTreeMap<String, MonthCloses>, StoreError> {
    let statements = txn.open_table(STATEMENTS)?;
    let versions = txn.open_table(STATEMENT_VERSIONS)?;
    let events = txn.open_table(CLOSES)?;
    read_months(Some(&statements), Some(&versions), Some(&events))
}

fn append_event(txn: &WriteTransaction, event: &CloseEvent) -> Result<(), StoreError> {
    let mut events = txn.open_table(CLOSES)?;
    let seq = events.last()?.map_or(0, |(k, _)| k.value() + 1);
    events.insert(seq, codec::encode(event).as_slice())?;
    Ok(())
}

impl Store {
    /// Stores a month's closed statement, in one transaction: refused when the month is
    /// closed already, or when it is not the month after the last closed one (the first
    /// close may be any month: it starts the ledger). A month reopened earlier gets its next
    /// version; every close is recorded in `closes`. Returns the version stored.
    pub fn close_month(&self, statement: &ClosedStatement) -> Result<u32, CloseError> {
        let txn = self.db.begin_write()?;
        let version = {
            let months = months_in(&txn)?;
            let this = months.get(&statement.month);
            if let Some(closed) = this.and_then(MonthCloses::closed_statement) {
                return Err(CloseError::AlreadyClosed(
                    closed.month.clone(),
                    closed.closed_at.clone(),
                ));
            }
            let last = months
                .values()
                .filter(|m| m.closed_version().is_some())
                .map(|m| m.month.clone())
                .max();
            let open = last.as_deref().map(super::next_month_label).transpose()?;
            if let Some(open) = open
                && open != statement.month
            {
                if statement.month < open {
                    return Err(CloseError::Earlier {
                        month: statement.month.clone(),
                        last: last.unwrap_or_default(),
                    });
                }
                return Err(CloseError::OutOfOrder {
                    month: statement.month.clone(),
                    open,
                });
            }
            let version = this.map_or(0, |m| m.versions.len()) + 1;
            let version = u32::try_from(version).expect("fewer than 2^32 closes of a month");
            let bytes = codec::encode(statement);
            if version == 1 {
                txn.open_table(STATEMENTS)?
                    .insert(statement.month.as_str(), bytes.as_slice())?;
            } else {
                txn.open_table(STATEMENT_VERSIONS)?
                    .insert((statement.month.as_str(), version), bytes.as_slice())?;
            }
            append_event(
                &txn,
                &CloseEvent {
                    month: statement.month.clone(),
                    at: statement.closed_at.clone(),
                    action: CloseAction::Closed {
                        version,
                        sha256: statement.sha256.clone(),
                    },
                },
            )?;
            version
        };
        txn.commit()?;
        Ok(version)
    }

    /// Reopens the latest closed month, recording `reason` (an append-only event): its
    /// statement versions stay readable, and it is open until closed again (a new version).
    /// Returns the version that was closed.
    pub fn reopen_month(&self, month: &str, at: &str, reason: &str) -> Result<u32, ReopenError> {
        let txn = guarded(|| Ok(self.db.begin_write()?))?;
        let version = guarded(|| {
            let months = months_in(&txn)?;
            let Some(version) = months.get(month).and_then(MonthCloses::closed_version) else {
                return Ok(Err(ReopenError::NotClosed(month.to_owned())));
            };
            let latest = months
                .values()
                .filter(|m| m.closed_version().is_some())
                .map(|m| m.month.as_str())
                .max()
                .expect("this month is closed");
            if latest != month {
                return Ok(Err(ReopenError::NotLatest {
                    month: month.to_owned(),
                    latest: latest.to_owned(),
                }));
            }
            append_event(
                &txn,
                &CloseEvent {
                    month: month.to_owned(),
                    at: at.to_owned(),
                    action: CloseAction::Reopened {
                        reason: reason.to_owned(),
                    },
                },
            )?;
            Ok(Ok(version))
        })??;
        guarded(|| Ok(txn.commit()?))?;
        Ok(version)
    }
}

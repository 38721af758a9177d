//! Planning an import (DOMAIN.md section 3): what the net row of each key does to the store,
//! and every reason to reject the import, decided against a [`View`] of the store without
//! writing anything. One function per pass; no redb here, so a dry run needs only a read
//! snapshot (it works on a read-only store and never creates one), and the rules can be tested
//! against a map.
//!
//! The passes:
//! 1. [`net_rows`]: rows are read in order — kinds in dependency order, files of a kind in the
//!    order given, rows in file order — and the last row of each key is its net effect. An
//!    `add` that differs from the previous `add` of its key is an amendment within the import
//!    (needs `--amend`); identical repeats are superseded harmlessly.
//! 2. [`classify`]: the net row against the store, exactly as a single row would be: added,
//!    amended (needs `--amend`), voided, unchanged, or withdrawn (added then voided in this
//!    import, absent from the store: nothing is written).
//! 3. [`check_references`]: every reference of a net `add` resolves in the state after the
//!    import; a survey's attempt, and a complaint's attempt and survey, belong to its
//!    customer; a complaint step is not dated before its complaint was raised, nor an action
//!    step before the date its action was raised.
//! 4. [`check_amended_targets`]: an amendment leaves no stored record inconsistent with it:
//!    an attempt or a survey moved to another customer leaves no stored survey or complaint
//!    pointing at someone else's; a complaint (action) raised later leaves no stored step
//!    dated before it.
//! 5. [`check_voids`]: a voided record is not left referenced by a record that stays.
//!
//! Each pass is a loop over the net rows around a function of one key ([`net_of_key`],
//! [`effect_of`], [`check_net_add`] over an [`EndState`], [`check_amended`], [`check_void`]).
//! The streamed import (`super::stream`) decides with the same functions, one key at a time
//! against its write transaction: one copy of every rule.

use rayon::iter::{IntoParallelRefIterator, ParallelIterator};
use rayon::slice::{ParallelSlice, ParallelSliceMut};

use super::batch::{ErrorSink, ImportError, ParsedFile, Rejections, Row};
use crate::model::{Kind, Record, display_key, mask_phone};
use crate::store::tables::CurrentEntry;
use crate::store::{KindCounts, Op, SnapshotView, StoreError};

/// What the planner needs to know of the store: one consistent snapshot.
pub(crate) trait View {
    /// The current (latest, non-void) version of a record.
    fn current(&self, kind: Kind, key: &str) -> Result<Option<CurrentEntry>, StoreError>;
    /// Whether the record ever had a version (a voided record has, and is not current).
    fn has_history(&self, kind: Kind, key: &str) -> Result<bool, StoreError>;
    /// Calls `f` with the kind and key of every current record that refers to this one.
    fn for_each_referrer(
        &self,
        kind: Kind,
        key: &str,
        f: &mut dyn FnMut(Kind, &str),
    ) -> Result<(), StoreError>;
}

/// A read snapshot of the store, as the store offers it (`Reader::view`), whether from a
/// reader of its own or from the store's open write transaction (`store::Stale::reader`).
impl View for SnapshotView {
    fn current(&self, kind: Kind, key: &str) -> Result<Option<CurrentEntry>, StoreError> {
        SnapshotView::current(self, kind, key)
    }
    fn has_history(&self, kind: Kind, key: &str) -> Result<bool, StoreError> {
        SnapshotView::has_history(self, kind, key)
    }
    fn for_each_referrer(
        &self,
        kind: Kind,
        key: &str,
        f: &mut dyn FnMut(Kind, &str),
    ) -> Result<(), StoreError> {
        SnapshotView::for_each_referrer(self, kind, key, f)
    }
}

/// A store with nothing in it: what a dry run or a first import plans against before the
/// store file exists.
pub(crate) struct EmptyView;

impl View for EmptyView {
    fn current(&self, _: Kind, _: &str) -> Result<Option<CurrentEntry>, StoreError> {
        Ok(None)
    }
    fn has_history(&self, _: Kind, _: &str) -> Result<bool, StoreError> {
        Ok(false)
    }
    fn for_each_referrer(
        &self,
        _: Kind,
        _: &str,
        _: &mut dyn FnMut(Kind, &str),
    ) -> Result<(), StoreError> {
        Ok(())
    }
}

/// What the net row of a key does to the store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    Added,
    Amended,
    Voided,
    /// Identical to the store (or a void of an already void record): nothing is written.
    Unchanged,
    /// Added and voided within this import, and not current in the store: nothing is written.
    Withdrawn,
}

impl Effect {
    /// Whether the net row becomes a new version in the log.
    pub fn writes(self) -> bool {
        matches!(self, Effect::Added | Effect::Amended | Effect::Voided)
    }
}

/// The net row of one key: where its last row is, and what it does.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Net {
    pub kind: Kind,
    pub file: u32,
    pub row: u32,
    /// The reading position of the key's first row: versions are appended in this order.
    pub first: u32,
    /// Whether an earlier row of the key (superseded) was an `add`.
    pub had_add: bool,
    pub effect: Effect,
}

/// Counts of one kind that stay out of the import log: rows of this import replaced by a
/// later row of their key, and keys added then voided within it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WithinImport {
    pub kind_code: u8,
    /// Rows followed by a later row of the same key; the later row is what counts.
    pub superseded: u64,
    /// Keys added and voided in this import that the store does not hold: nothing written.
    pub withdrawn: u64,
}

/// An import, decided: the net row of every key, sorted by kind and key (for look-ups), and
/// the order their keys first appear in the import (the order their versions get sequence
/// numbers).
pub struct Plan<'a> {
    pub(crate) files: &'a [ParsedFile],
    pub(crate) net: Vec<Net>,
    pub(crate) order: Vec<u32>,
    /// Per kind, in dependency order, every kind (zero when the import has none).
    pub(crate) counts: Vec<KindCounts>,
    pub(crate) within: Vec<WithinImport>,
}

impl<'a> Plan<'a> {
    pub(crate) fn row(&self, net: &Net) -> Row<'a> {
        self.files[net.file as usize].rows.get(net.row as usize)
    }

    /// The net rows in the order their keys first appear in the import.
    pub(crate) fn in_order(&self) -> impl Iterator<Item = &Net> + '_ {
        self.order.iter().map(|&i| &self.net[i as usize])
    }

    /// The number of new versions the plan appends.
    pub fn writes(&self) -> u64 {
        self.counts.iter().map(KindCounts::written).sum()
    }
}

/// Decides an import against a view of the store. Rejections come back in file and line
/// order (a bounded number of them, with the total: see [`ErrorSink`]).
pub(crate) fn plan<'a>(
    files: &'a [ParsedFile],
    view: &(dyn View + Sync),
    amend: bool,
) -> Result<Result<Plan<'a>, Rejections>, StoreError> {
    let mut sink = ErrorSink::new();
    for (file, parsed) in files.iter().enumerate() {
        sink.extend_parsed(file, parsed);
    }
    let mut ctx = Ctx {
        files,
        judge: Judge {
            names: files.iter().map(|f| f.source.display()).collect(),
            sink,
        },
    };
    let (mut net, within) = net_rows(&mut ctx, amend);
    classify(&mut ctx, &mut net, view, amend)?;
    let index = Index { files, net: &net };
    check_references(&mut ctx, &net, &index, view)?;
    check_amended_targets(&mut ctx, &net, &index, view)?;
    check_voids(&mut ctx, &net, &index, view)?;
    if !ctx.judge.sink.is_empty() {
        return Ok(Err(ctx.judge.sink.finish()));
    }
    let (mut counts, mut within) = (empty_counts(), within);
    for n in &net {
        count(&mut counts, &mut within, n.kind, n.effect);
    }
    let mut order: Vec<u32> = (0..net.len() as u32).collect();
    order.sort_unstable_by_key(|&i| net[i as usize].first);
    Ok(Ok(Plan {
        files,
        net,
        order,
        counts,
        within,
    }))
}

/// Every kind's counts, zero, in dependency order.
pub(crate) fn empty_counts() -> Vec<KindCounts> {
    Kind::ALL
        .iter()
        .map(|k| KindCounts {
            kind_code: k.code(),
            ..KindCounts::default()
        })
        .collect()
}

/// Every kind's within-import counts, zero, in dependency order.
pub(crate) fn empty_within() -> Vec<WithinImport> {
    Kind::ALL
        .iter()
        .map(|k| WithinImport {
            kind_code: k.code(),
            ..WithinImport::default()
        })
        .collect()
}

/// Counts the net effect of one key.
pub(crate) fn count(
    counts: &mut [KindCounts],
    within: &mut [WithinImport],
    kind: Kind,
    effect: Effect,
) {
    let (count, w) = (
        &mut counts[kind as usize - 1],
        &mut within[kind as usize - 1],
    );
    match effect {
        Effect::Added => count.added += 1,
        Effect::Amended => count.amended += 1,
        Effect::Voided => count.voided += 1,
        Effect::Unchanged => count.unchanged += 1,
        Effect::Withdrawn => w.withdrawn += 1,
    }
}

/// Where an import's rejections go: the files' display names (in the order given) and the
/// bounded sink. Shared by the in-memory planner and the streamed import.
pub(crate) struct Judge {
    pub names: Vec<String>,
    pub sink: ErrorSink,
}

impl Judge {
    pub fn fail(&mut self, file: u32, line: u64, column: &str, reason: String) {
        self.sink.push(
            file as usize,
            ImportError::new(&self.names[file as usize], Some(line), column, reason),
        );
    }
}

/// What the passes share: the files and the rejections so far.
struct Ctx<'a> {
    files: &'a [ParsedFile],
    judge: Judge,
}

impl<'a> Ctx<'a> {
    fn row(&self, file: u32, row: u32) -> Row<'a> {
        self.files[file as usize].rows.get(row as usize)
    }

    fn net_row(&self, net: &Net) -> Row<'a> {
        self.row(net.file, net.row)
    }
}

/// Finds the net row of a kind and key: a binary search of the net rows, which are sorted by
/// kind and key (no hash map of millions of keys).
struct Index<'a, 'n> {
    files: &'a [ParsedFile],
    net: &'n [Net],
}

impl<'a> Index<'a, '_> {
    fn get(&self, kind: Kind, key: &str) -> Option<usize> {
        self.net
            .binary_search_by(|n| (n.kind, self.row(n).key).cmp(&(kind, key)))
            .ok()
    }

    /// The net row of a key the import names.
    fn row(&self, net: &Net) -> Row<'a> {
        self.files[net.file as usize].rows.get(net.row as usize)
    }
}

/// Pass 1: the net row of every key, sorted by kind and key; amendments within the import
/// are rejected unless `amend`.
///
/// Every row gets its reading position (kinds in dependency order, files as given, rows in
/// order); a stable parallel sort by kind and key then puts each key's rows together, in
/// reading order. Memory is two small integers per row, whatever the keys.
fn net_rows(ctx: &mut Ctx<'_>, amend: bool) -> (Vec<Net>, Vec<WithinImport>) {
    let files = ctx.files;
    let mut places: Vec<(Kind, u32, u32)> = Vec::new();
    for kind in Kind::ALL {
        for (file, parsed) in files
            .iter()
            .enumerate()
            .filter(|(_, f)| f.source.kind == kind)
        {
            places.extend((0..parsed.rows.len() as u32).map(|row| (kind, file as u32, row)));
        }
    }
    assert!(
        u32::try_from(places.len()).is_ok(),
        "an import of fewer than 2^32 rows"
    );
    let key_of = |p: &(Kind, u32, u32)| (p.0, files[p.1 as usize].rows.get(p.2 as usize).key);
    let mut by_key: Vec<u32> = (0..places.len() as u32).collect();
    by_key.par_sort_by(|&a, &b| key_of(&places[a as usize]).cmp(&key_of(&places[b as usize])));

    let mut within = empty_within();
    let mut net: Vec<Net> = Vec::new();
    let mut rows: Vec<(u32, Row<'_>)> = Vec::new();
    for group in
        by_key.chunk_by(|&a, &b| key_of(&places[a as usize]) == key_of(&places[b as usize]))
    {
        let (kind, _, _) = places[group[0] as usize];
        rows.clear();
        rows.extend(group.iter().map(|&position| {
            let (_, file, row) = places[position as usize];
            (file, ctx.row(file, row))
        }));
        let had_add = net_of_key(&mut ctx.judge, kind, &rows, amend);
        let &last = group.last().expect("a group has a row");
        let (_, file, row) = places[last as usize];
        within[kind as usize - 1].superseded += group.len() as u64 - 1;
        net.push(Net {
            kind,
            file,
            row,
            first: group[0],
            had_add,
            effect: Effect::Unchanged,
        });
    }
    (net, within)
}

/// Pass 1 for one key: its rows (with their files) in reading order, of which the last is
/// the net row. An `add` that differs from the `add` before it is an amendment within the
/// import, rejected at its line unless `amend`. Returns whether a row before the last was an
/// `add`.
pub(crate) fn net_of_key(
    judge: &mut Judge,
    kind: Kind,
    rows: &[(u32, Row<'_>)],
    amend: bool,
) -> bool {
    let mut previous_add: Option<(u32, Row<'_>)> = None;
    let mut had_add = false;
    for (n, &(file, row)) in rows.iter().enumerate() {
        if row.op != Op::Add {
            continue;
        }
        if n + 1 < rows.len() {
            had_add = true;
        }
        if let Some((previous_file, previous)) = previous_add
            && previous.record_bytes() != row.record_bytes()
            && !amend
        {
            let (old, new) = (
                previous.record().expect("an add has a record"),
                row.record().expect("an add has a record"),
            );
            let reason = crate::say!(
                "{} `{}` appears again with different content (earlier at {}:{}; {}); a later row of a key amends the earlier one: import with --amend to accept the change, or keep one row per key",
                "{} `{}` 再次出现，内容不同（之前在 {}:{}；{}）；同一编号后面的行会修改前面的行：要接受这一修改，请加 --amend 导入，或每个编号只保留一行",
                kind.noun_said(),
                display_key(row.key),
                judge.names[previous_file as usize],
                previous.line,
                describe(&differing_cells(&old, &new))
            );
            judge.fail(file, row.line, kind.columns()[0].name, reason);
        }
        previous_add = Some((file, row));
    }
    had_add
}

/// Pass 2: what each net row does to the store.
fn classify(
    ctx: &mut Ctx<'_>,
    net: &mut [Net],
    view: &(dyn View + Sync),
    amend: bool,
) -> Result<(), StoreError> {
    // Each key's stored version is read on every thread, a share of the keys at a time (a
    // share's records held, not the import's): planning a monthly increment at 100 000
    // customers took 0.43–0.86 s on one thread, 0.17–0.58 s of it in this pass.
    for share in net.chunks_mut(ROWS_PER_SHARE) {
        let stored: Vec<Option<Record>> = {
            let ctx = &*ctx;
            share
                .par_iter()
                .map(|n| Ok(view.current(n.kind, ctx.net_row(n).key)?.map(|c| c.record)))
                .collect::<Result<_, StoreError>>()?
        };
        for (n, stored) in share.iter_mut().zip(stored) {
            let row = ctx.net_row(n);
            n.effect = effect_of(
                &mut ctx.judge,
                n.kind,
                n.file,
                &row,
                row.record().as_ref(),
                stored.as_ref(),
                n.had_add,
                amend,
                &mut || view.has_history(n.kind, row.key),
            )?;
        }
    }
    Ok(())
}

/// Pass 2 for one key: what its net row (of `file`, with its record `new` when it is an
/// `add`) does to the store, given the record's stored current version, whether an earlier
/// row of the key was an `add`, and (asked only for a void of a record that is not current)
/// whether it ever had a version.
#[allow(clippy::too_many_arguments)]
pub(crate) fn effect_of(
    judge: &mut Judge,
    kind: Kind,
    file: u32,
    row: &Row<'_>,
    new: Option<&Record>,
    stored: Option<&Record>,
    had_add: bool,
    amend: bool,
    has_history: &mut dyn FnMut() -> Result<bool, StoreError>,
) -> Result<Effect, StoreError> {
    Ok(match (new, stored) {
        (Some(_), None) => Effect::Added,
        (Some(new), Some(old)) if new == old => Effect::Unchanged,
        (Some(new), Some(old)) => {
            if !amend {
                for (column, (was, now)) in differing_cells(old, new) {
                    judge.fail(
                        file,
                        row.line,
                        column,
                        crate::say!(
                            "{} `{}` is stored with {column} `{was}`, this row says `{now}`; to record the change as an amendment, import again with --amend",
                            "{} `{}` 在数据库中的 {column} 是 `{was}`，这一行写的是 `{now}`；要把这一变化记为修改，请加 --amend 重新导入",
                            kind.noun_said(),
                            display_key(row.key)
                        ),
                    );
                }
            }
            Effect::Amended
        }
        (None, Some(_)) => Effect::Voided,
        (None, None) if had_add => Effect::Withdrawn,
        (None, None) => {
            if !has_history()? {
                judge.fail(
                    file,
                    row.line,
                    kind.columns()[0].name,
                    crate::say!(
                        "there is no {} `{}` to void, in the store or this import; check the key",
                        "数据库和本次导入中都没有要作废的{} `{}`；请检查编号",
                        kind.noun_said(),
                        display_key(row.key)
                    ),
                );
            }
            Effect::Unchanged // already void: re-importing a void is a no-op
        }
    })
}

/// The state after the import, as passes 3 to 5 read it.
pub(crate) trait EndState {
    /// The record a key has after the import.
    fn after(&self, kind: Kind, key: &str) -> Result<Option<Record>, StoreError>;
    /// Whether a reference to the key resolves after the import (a key whose row failed to
    /// parse counts as resolving: it is in error already), and whether this import voids
    /// the key.
    fn resolves(&self, kind: Kind, key: &str) -> Result<(bool, bool), StoreError>;
}

/// The in-memory planner's state after the import: the net row of a key when the import
/// names it, else the store's.
struct Planned<'c, 'a> {
    index: &'c Index<'a, 'c>,
    view: &'c (dyn View + Sync),
    failed: &'c std::collections::HashSet<(Kind, &'a str)>,
}

impl EndState for Planned<'_, '_> {
    fn after(&self, kind: Kind, key: &str) -> Result<Option<Record>, StoreError> {
        match self.index.get(kind, key) {
            Some(i) => Ok(self.index.row(&self.index.net[i]).record()),
            None => Ok(self.view.current(kind, key)?.map(|c| c.record)),
        }
    }

    fn resolves(&self, kind: Kind, key: &str) -> Result<(bool, bool), StoreError> {
        Ok(match self.index.get(kind, key) {
            Some(i) => (self.index.row(&self.index.net[i]).op == Op::Add, true),
            None => (
                self.failed.contains(&(kind, key)) || self.view.current(kind, key)?.is_some(),
                false,
            ),
        })
    }
}

/// Pass 3: every reference of a net `add` resolves in the state after the import.
fn check_references(
    ctx: &mut Ctx<'_>,
    net: &[Net],
    index: &Index<'_, '_>,
    view: &(dyn View + Sync),
) -> Result<(), StoreError> {
    // Keys of rows that failed to parse are in error already: rows that refer to them are not
    // reported again as dangling.
    let failed: std::collections::HashSet<(Kind, &str)> = ctx
        .files
        .iter()
        .flat_map(|f| f.failed_keys.iter().map(|k| (f.source.kind, k.as_str())))
        .collect();
    let end = Planned {
        index,
        view,
        failed: &failed,
    };
    // On every thread, a share of the rows each with a sink of its own, taken in row order:
    // the same errors in the same order as one pass would find (the references of the same
    // increment took 0.2–0.25 s on one thread).
    let shares: Vec<ErrorSink> = {
        let ctx = &*ctx;
        net.par_chunks(ROWS_PER_SHARE)
            .map(|share| {
                let mut judge = Judge {
                    names: ctx.judge.names.clone(),
                    sink: ErrorSink::new(),
                };
                for n in share {
                    let row = ctx.net_row(n);
                    if let Some(record) = &row.record() {
                        check_net_add(&mut judge, n.file, row.line, record, &end)?;
                    }
                }
                Ok(judge.sink)
            })
            .collect::<Result<_, StoreError>>()?
    };
    for share in shares {
        ctx.judge.sink.merge(share);
    }
    Ok(())
}

/// Net rows a thread looks up ([`classify`]) or checks ([`check_references`]) at a time.
const ROWS_PER_SHARE: usize = 4096;

/// Pass 3 for one net `add` (of `file`, at `line`): its references resolve after the import,
/// and the rules of DOMAIN.md sections 2 and 12–13 hold between it and the records it names,
/// as they stand after the import: a survey's attempt, and a complaint's attempt and survey,
/// are of its customer; a complaint step is not dated before its complaint was raised
/// (section 12), and an action step not before the date its action was raised (the same
/// rule for actions: an approval cannot precede the action).
pub(crate) fn check_net_add(
    judge: &mut Judge,
    file: u32,
    line: u64,
    record: &Record,
    end: &dyn EndState,
) -> Result<(), StoreError> {
    for reference in record.references() {
        let (exists, voided_here) = end.resolves(reference.target, reference.key)?;
        if !exists {
            let reason = if voided_here {
                crate::say!(
                    "refers to {} `{}`, which this import voids; void this row too or keep that record",
                    "引用了{} `{}`，而本次导入会作废它；请把这一行也作废，或保留那条记录",
                    reference.target.noun_said(),
                    display_key(reference.key)
                )
            } else {
                crate::say!(
                    "refers to {} `{}`, which is neither in the store nor in this import; import {} first or together, or fix the id",
                    "引用了{} `{}`，但它既不在数据库中，也不在本次导入中；请先导入 {}（或一起导入），或改正编号",
                    reference.target.noun_said(),
                    display_key(reference.key),
                    reference.target.file_name()
                )
            };
            judge.fail(file, line, reference.column, reason);
        }
    }
    match record {
        Record::Survey(survey) => {
            if let Some(attempt_id) = &survey.attempt_id
                && let Some(Record::Attempt(attempt)) = end.after(Kind::Attempt, attempt_id)?
                && attempt.customer_id != survey.customer_id
            {
                judge.fail(
                    file,
                    line,
                    "attempt_id",
                    crate::say!(
                        "attempt `{attempt_id}` belongs to customer `{}`, not to this survey's customer `{}`; fix the attempt_id or the customer_id",
                        "联络记录 `{attempt_id}` 属于客户 `{}`，而不是这份满意度调查的客户 `{}`；请改正 attempt_id 或 customer_id",
                        attempt.customer_id, survey.customer_id
                    ),
                );
            }
        }
        Record::Complaint(complaint) => {
            let owners = [
                ("attempt_id", Kind::Attempt, &complaint.attempt_id),
                ("survey_id", Kind::Survey, &complaint.survey_id),
            ];
            for (column, kind, id) in owners {
                let Some(id) = id else { continue };
                let owner = end
                    .after(kind, id)?
                    .and_then(|r| r.customer_id().map(str::to_owned));
                if let Some(owner) = owner
                    && owner != complaint.customer_id
                {
                    judge.fail(
                        file,
                        line,
                        column,
                        crate::say!(
                            "{} `{id}` belongs to customer `{owner}`, not to this complaint's customer `{}`; fix the {column} or the customer_id",
                            "{} `{id}` 属于客户 `{owner}`，而不是这条投诉的客户 `{}`；请改正 {column} 或 customer_id",
                            kind.noun_said(),
                            complaint.customer_id
                        ),
                    );
                }
            }
        }
        Record::ComplaintStep(step) => {
            if let Some(Record::Complaint(complaint)) =
                end.after(Kind::Complaint, &step.complaint_id)?
                && step.at < complaint.raised_at
            {
                judge.fail(
                    file,
                    line,
                    "at",
                    crate::say!(
                        "the {} step is dated {}, before complaint `{}` was raised at {}; a step cannot come before its complaint: fix the at, or the complaint's raised_at",
                        "{} 步骤的时间是 {}，早于投诉 `{}` 的提出时间 {}；步骤不能早于其投诉：请改正 at，或投诉的 raised_at",
                        step.step, step.at, step.complaint_id, complaint.raised_at
                    ),
                );
            }
        }
        Record::ActionStep(step) => {
            if let Some(Record::Action(action)) = end.after(Kind::Action, &step.action_id)?
                && step.at < action.raised_on.start()
            {
                judge.fail(
                    file,
                    line,
                    "at",
                    crate::say!(
                        "the {} step is dated {}, before action `{}` was raised on {}; a step cannot come before its action: fix the at, or the action's raised_on",
                        "{} 步骤的时间是 {}，早于整改措施 `{}` 的提出日期 {}；步骤不能早于其整改措施：请改正 at，或整改措施的 raised_on",
                        step.step, step.at, step.action_id, action.raised_on
                    ),
                );
            }
        }
        _ => {}
    }
    Ok(())
}

/// Whether pass 4 looks at the records naming an amended record: an attempt or a survey
/// moved to another customer, a complaint or an action (whose steps must not precede it).
/// [`check_amended`] finds nothing wrong for any other amendment.
pub(crate) fn amendment_has_holders(old: &Record, new: &Record) -> bool {
    match (old, new) {
        (Record::Attempt(_), Record::Attempt(_)) | (Record::Survey(_), Record::Survey(_)) => {
            old.customer_id() != new.customer_id()
        }
        (Record::Complaint(_), Record::Complaint(_)) | (Record::Action(_), Record::Action(_)) => {
            true
        }
        _ => false,
    }
}

/// Pass 4: an amended record must not leave a stored record that the import does not
/// restate inconsistent with it (a restated one was checked in pass 3).
fn check_amended_targets(
    ctx: &mut Ctx<'_>,
    net: &[Net],
    index: &Index<'_, '_>,
    view: &dyn View,
) -> Result<(), StoreError> {
    for n in net.iter().filter(|n| n.effect == Effect::Amended) {
        let row = ctx.net_row(n);
        let Some(new) = row.record() else {
            continue;
        };
        let Some(old) = view.current(n.kind, row.key)?.map(|c| c.record) else {
            continue;
        };
        if !amendment_has_holders(&old, &new) {
            continue;
        }
        // Stored records naming this one that the import does not restate.
        let mut holders: Vec<(Kind, String)> = Vec::new();
        view.for_each_referrer(n.kind, row.key, &mut |kind, key| {
            if index.get(kind, key).is_none() {
                holders.push((kind, key.to_owned()));
            }
        })?;
        let stored = |kind: Kind, key: &str| Ok(view.current(kind, key)?.map(|c| c.record));
        check_amended(
            &mut ctx.judge,
            n.file,
            row.line,
            &old,
            &new,
            &holders,
            &stored,
        )?;
    }
    Ok(())
}

/// Reads a record as it stands.
pub(crate) type RecordLookup<'a> = &'a dyn Fn(Kind, &str) -> Result<Option<Record>, StoreError>;

/// Pass 4 for one amended record (of `file`, at `line`), given the stored records naming it
/// that the import does not restate (`holders`, read through `stored`): an attempt or a
/// survey moved to another customer, with surveys or complaints of the old customer still
/// naming it; a complaint or an action raised later than some of its stored steps.
pub(crate) fn check_amended(
    judge: &mut Judge,
    file: u32,
    line: u64,
    old: &Record,
    new: &Record,
    holders: &[(Kind, String)],
    stored: RecordLookup<'_>,
) -> Result<(), StoreError> {
    let kind = new.kind();
    match (old, new) {
        (Record::Attempt(_), Record::Attempt(_)) | (Record::Survey(_), Record::Survey(_)) => {
            let (Some(was), Some(now)) = (old.customer_id(), new.customer_id()) else {
                return Ok(());
            };
            if was == now {
                return Ok(());
            }
            for (holder_kind, key) in holders
                .iter()
                .filter(|(k, _)| matches!(k, Kind::Survey | Kind::Complaint))
            {
                if let Some(holder) = stored(*holder_kind, key)?
                    && let Some(holder_customer) = holder.customer_id()
                    && holder_customer != now
                {
                    judge.fail(
                        file,
                        line,
                        "customer_id",
                        crate::say!(
                            "{holder} `{key}` of customer `{holder_customer}` refers to this {this}; a {this} and the records naming it belong to one customer, so amend the {holder} too or keep the customer",
                            "客户 `{holder_customer}` 的{holder} `{key}` 引用了这条{this}；{this}和引用它的记录属于同一位客户，所以请把该{holder}也一并修改，或保留原来的客户",
                            holder = holder_kind.noun_said(),
                            this = kind.noun_said(),
                        ),
                    );
                }
            }
        }
        (Record::Complaint(_), Record::Complaint(c)) => {
            for (_, key) in holders.iter().filter(|(k, _)| *k == Kind::ComplaintStep) {
                if let Some(Record::ComplaintStep(step)) = stored(Kind::ComplaintStep, key)?
                    && step.at < c.raised_at
                {
                    judge.fail(
                        file,
                        line,
                        "raised_at",
                        crate::say!(
                            "raised at {}, after its stored {} step dated {}; a step cannot come before its complaint: fix the raised_at, or amend the step too",
                            "提出时间 {} 晚于数据库中其 {} 步骤的时间 {}；步骤不能早于其投诉：请改正 raised_at，或把该步骤也一并修改",
                            c.raised_at, step.step, step.at
                        ),
                    );
                }
            }
        }
        (Record::Action(_), Record::Action(a)) => {
            for (_, key) in holders.iter().filter(|(k, _)| *k == Kind::ActionStep) {
                if let Some(Record::ActionStep(step)) = stored(Kind::ActionStep, key)?
                    && step.at < a.raised_on.start()
                {
                    judge.fail(
                        file,
                        line,
                        "raised_on",
                        crate::say!(
                            "raised on {}, after its stored {} step dated {}; a step cannot come before its action: fix the raised_on, or amend the step too",
                            "提出日期 {} 晚于数据库中其 {} 步骤的时间 {}；步骤不能早于其整改措施：请改正 raised_on，或把该步骤也一并修改",
                            a.raised_on, step.step, step.at
                        ),
                    );
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// Pass 5: a voided record must not be left referenced by a stored record the import does
/// not restate (a restated one was checked in pass 3).
fn check_voids(
    ctx: &mut Ctx<'_>,
    net: &[Net],
    index: &Index<'_, '_>,
    view: &dyn View,
) -> Result<(), StoreError> {
    for n in net.iter().filter(|n| n.effect == Effect::Voided) {
        let row = ctx.net_row(n);
        let mut holders = Vec::new();
        view.for_each_referrer(n.kind, row.key, &mut |kind, key| {
            if index.get(kind, key).is_none() {
                holders.push((kind, key.to_owned()));
            }
        })?;
        check_void(&mut ctx.judge, n.file, row.line, n.kind, row.key, &holders);
    }
    Ok(())
}

/// Pass 5 for one voided record (of `file`, at `line`), given the stored records naming it
/// that the import does not restate.
pub(crate) fn check_void(
    judge: &mut Judge,
    file: u32,
    line: u64,
    kind: Kind,
    key: &str,
    holders: &[(Kind, String)],
) {
    if holders.is_empty() {
        return;
    }
    let named: Vec<String> = holders
        .iter()
        .take(HOLDERS_SHOWN_MAX)
        .map(|(kind, key)| format!("{} `{}`", kind.noun_said(), display_key(key)))
        .collect();
    let more = holders.len() - named.len();
    let verb = if holders.len() == 1 {
        "refers"
    } else {
        "refer"
    };
    judge.fail(
        file,
        line,
        kind.columns()[0].name,
        crate::say!(
            "cannot void {} `{}`: {}{} still {verb} to it; void those in the same import first",
            "无法作废{} `{}`：仍有记录引用它（{}{}）；请先在同一次导入中把它们作废",
            kind.noun_said(),
            display_key(key),
            named.join(crate::voice::pick(", ", "、")),
            if more > 0 {
                crate::say!(" and {more} more", " 及另外 {more} 条")
            } else {
                String::new()
            }
        ),
    );
}

/// How many records that still refer to a voided one an error names.
const HOLDERS_SHOWN_MAX: usize = 5;

/// The columns whose cells differ, with the old and the new cell. Phone numbers are masked:
/// error messages end up in terminals and CI logs (personal data under PIPL).
fn differing_cells(old: &Record, new: &Record) -> Vec<(&'static str, (String, String))> {
    let columns = new.kind().columns();
    old.cells()
        .into_iter()
        .zip(new.cells())
        .zip(columns)
        .filter(|((a, b), _)| a != b)
        .map(|((a, b), c)| match c.name {
            "phone" => (c.name, (mask_phone(&a), mask_phone(&b))),
            _ => (c.name, (a, b)),
        })
        .collect()
}

/// `name `a` → `b`, phone `…` → `…``: the differing cells of an amendment within an import.
fn describe(differing: &[(&str, (String, String))]) -> String {
    differing
        .iter()
        .map(|(column, (was, now))| format!("{column} `{was}` → `{now}`"))
        .collect::<Vec<_>>()
        .join(crate::voice::pick(", ", "，"))
}

/// The passes checked without redb: a map stands in for the store, batches are built without
/// CSV, and each case names what the plan must decide (DOMAIN.md section 3, revision 3).
#[cfg(test)]
pub(crate) mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use super::*;
    use crate::import::batch::{Rows, Source};
    use crate::model::{Customer, Day, Fen, Sale, Timestamp};

    /// A store as three maps: current records, keys with history, references.
    #[derive(Default)]
    struct MapView {
        current: BTreeMap<(Kind, String), Record>,
        history: BTreeSet<(Kind, String)>,
    }

    impl MapView {
        fn with(records: &[Record]) -> MapView {
            let mut view = MapView::default();
            for r in records {
                view.current.insert((r.kind(), r.key()), r.clone());
                view.history.insert((r.kind(), r.key()));
            }
            view
        }
    }

    impl View for MapView {
        fn current(&self, kind: Kind, key: &str) -> Result<Option<CurrentEntry>, StoreError> {
            Ok(self
                .current
                .get(&(kind, key.to_owned()))
                .map(|record| CurrentEntry {
                    seq: 1,
                    record: record.clone(),
                }))
        }
        fn has_history(&self, kind: Kind, key: &str) -> Result<bool, StoreError> {
            Ok(self.history.contains(&(kind, key.to_owned())))
        }
        fn for_each_referrer(
            &self,
            kind: Kind,
            key: &str,
            f: &mut dyn FnMut(Kind, &str),
        ) -> Result<(), StoreError> {
            for record in self.current.values() {
                if record
                    .references()
                    .iter()
                    .any(|r| r.target == kind && r.key == key)
                {
                    f(record.kind(), &record.key());
                }
            }
            Ok(())
        }
    }

    pub(crate) fn customer(id: &str, name: &str) -> Record {
        Record::Customer(Customer {
            customer_id: id.into(),
            name: name.into(),
            phone: None,
            family_id: None,
            tags: Vec::new(),
            created_on: Day(19_000),
            contact_consent: true,
        })
    }

    fn sale(id: &str, customer: &str) -> Record {
        Record::Sale(Sale {
            sale_id: id.into(),
            customer_id: customer.into(),
            vin: None,
            delivered_at: Timestamp(1_700_000_000),
            consultant_id: None,
            amount: Fen(100),
            referrer_id: None,
        })
    }

    /// A row: `Some(record)` adds it, `None` voids the key.
    type R<'a> = (&'a str, Option<Record>);

    fn file(kind: Kind, name: &str, rows: &[R<'_>]) -> ParsedFile {
        let mut parsed = Rows::default();
        for (i, (key, record)) in rows.iter().enumerate() {
            let op = if record.is_some() { Op::Add } else { Op::Void };
            parsed.push(i as u64 + 2, op, key, record.as_ref());
        }
        ParsedFile {
            source: Source {
                path: name.into(),
                kind,
            },
            sha256: String::new(),
            rows: parsed,
            errors: Vec::new(),
            errors_total: 0,
            failed_keys: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// Plans and returns, per net row in append order, (key, effect); or the rejections as
    /// `FILE:LINE: column` prefixes.
    fn check(
        store: &[Record],
        files: &[ParsedFile],
        amend: bool,
    ) -> Result<Vec<(String, Effect)>, Vec<String>> {
        match plan(files, &MapView::with(store), amend).unwrap() {
            Ok(p) => Ok(p
                .in_order()
                .map(|n| (p.row(n).key.to_owned(), n.effect))
                .collect()),
            Err(r) => Err(r
                .errors
                .iter()
                .map(|e| format!("{}:{}: {}", e.file, e.line.unwrap_or(0), e.column))
                .collect()),
        }
    }

    fn effects(list: &[(&str, Effect)]) -> Vec<(String, Effect)> {
        list.iter().map(|(k, e)| ((*k).to_owned(), *e)).collect()
    }

    #[test]
    fn the_last_row_of_a_key_is_its_net_effect() {
        use Effect::*;
        let c1 = customer("C1", "王芳");
        let files = [file(
            Kind::Customer,
            "customers.csv",
            &[
                ("C2", Some(customer("C2", "李雷"))),
                ("C1", None),
                ("C3", Some(customer("C3", "周敏"))),
                ("C2", None),
                ("C1", Some(c1.clone())),
            ],
        )];
        // C2: added then voided, never stored: withdrawn. C1: stored, voided then re-added
        // as stored: unchanged. C3: added. Order of first appearance.
        assert_eq!(
            check(std::slice::from_ref(&c1), &files, false),
            Ok(effects(&[
                ("C2", Withdrawn),
                ("C1", Unchanged),
                ("C3", Added)
            ]))
        );
        // Without C1 in the store, its void then add adds it.
        assert_eq!(
            check(&[], &files, false),
            Ok(effects(&[("C2", Withdrawn), ("C1", Added), ("C3", Added)]))
        );
        let p = plan(&files, &MapView::default(), false).unwrap().unwrap();
        let within = p.within[Kind::Customer as usize - 1];
        assert_eq!((within.superseded, within.withdrawn), (2, 1));
        assert_eq!(p.writes(), 2);
    }

    #[test]
    fn an_add_then_a_void_of_a_stored_key_voids_it_and_void_of_nothing_is_refused() {
        use Effect::*;
        let s1 = sale("S1", "C1");
        let store = [customer("C1", "王芳"), s1.clone()];
        let files = [file(
            Kind::Sale,
            "sales.csv",
            &[("S1", Some(s1)), ("S1", None)],
        )];
        assert_eq!(check(&store, &files, false), Ok(effects(&[("S1", Voided)])));
        let files = [file(Kind::Sale, "sales.csv", &[("S9", None)])];
        assert_eq!(
            check(&store, &files, false),
            Err(vec!["sales.csv:2: sale_id".into()])
        );
    }

    #[test]
    fn differing_adds_are_amendments_named_at_the_later_line() {
        let files = [file(
            Kind::Customer,
            "customers.csv",
            &[
                ("C1", Some(customer("C1", "王芳"))),
                ("C1", Some(customer("C1", "王芳"))),
                ("C1", Some(customer("C1", "王芳芳"))),
            ],
        )];
        assert_eq!(
            check(&[], &files, false),
            Err(vec!["customers.csv:4: customer_id".into()])
        );
        assert_eq!(
            check(&[], &files, true),
            Ok(effects(&[("C1", Effect::Added)]))
        );
        // Against a stored record of other content, the net row is also an amendment.
        assert_eq!(
            check(&[customer("C1", "旧名")], &files, true),
            Ok(effects(&[("C1", Effect::Amended)]))
        );
    }

    #[test]
    fn references_are_judged_on_the_state_at_the_end_of_the_import() {
        let customers = file(
            Kind::Customer,
            "customers.csv",
            &[("C1", Some(customer("C1", "王芳"))), ("C1", None)],
        );
        let sales = file(Kind::Sale, "sales.csv", &[("S1", Some(sale("S1", "C1")))]);
        assert_eq!(
            check(&[], &[sales.clone(), customers], false),
            Err(vec!["sales.csv:2: customer_id".into()])
        );
        // A stored customer voided while a stored sale still refers to it.
        let store = [customer("C1", "王芳"), sale("S1", "C1")];
        let void = file(Kind::Customer, "customers.csv", &[("C1", None)]);
        assert_eq!(
            check(&store, std::slice::from_ref(&void), false),
            Err(vec!["customers.csv:2: customer_id".into()])
        );
        // Voided together with the sale: accepted, customers before sales.
        let void_sale = file(Kind::Sale, "sales.csv", &[("S1", None)]);
        assert_eq!(
            check(&store, &[void_sale, void], false),
            Ok(effects(&[("C1", Effect::Voided), ("S1", Effect::Voided)]))
        );
    }
}

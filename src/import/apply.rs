//! One import, orchestrated: plan it against a read snapshot of the store (`plan`), then hand
//! the store the plan's versions to append in one write transaction, planning again if the
//! store says another import was committed since the snapshot (DOMAIN.md section 3).

use super::batch::{ParsedFile, Rejections};
use super::plan::{self, Plan, WithinImport};
use crate::store::{
    Appended, Basis, ImportFile, KindCounts, NewImport, NewVersion, Reader, Store, StoreError,
};

#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    /// Accept rows whose key exists with different content, as new versions.
    pub amend: bool,
    /// Validate only: plan, write nothing.
    pub dry_run: bool,
    /// The caller's wall-clock time, recorded in the import log (`YYYY-MM-DD HH:MM:SS`).
    pub at: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportOutcome {
    /// The id the import got (or, on a dry run, would have got).
    pub import_id: u64,
    /// Whether the import was committed and logged: false on a dry run, and when no key
    /// changed (re-importing the same files is a no-op that leaves no trace).
    pub recorded: bool,
    /// Per kind that had rows, in dependency order: what the net row of each key did.
    pub counts: Vec<KindCounts>,
    /// Per kind of `counts`: rows superseded by a later row of their key, and keys added
    /// then voided within the import (nothing written). Not kept in the import log.
    pub within: Vec<WithinImport>,
    pub dry_run: bool,
}

#[derive(Debug)]
pub enum ImportFailure {
    /// The input is bad; nothing was written. Sorted by file (as given) and line.
    Rejected(Rejections),
    Store(StoreError),
    /// The streamed import could not write or read its temporary files (in `path`); the
    /// store is unchanged.
    Spill {
        path: std::path::PathBuf,
        cause: std::io::Error,
    },
}

impl<E: Into<StoreError>> From<E> for ImportFailure {
    fn from(e: E) -> Self {
        ImportFailure::Store(e.into())
    }
}

/// An import decided against a snapshot of the store, ready to append: what a dry run shows,
/// and what [`ImportExt::apply`] appends unless another import was committed meanwhile.
pub struct Planned<'a> {
    plan: Plan<'a>,
    basis: Basis,
    amend: bool,
}

impl Planned<'_> {
    /// What the import would do: a dry run's outcome.
    pub fn outcome(&self) -> ImportOutcome {
        outcome(&self.plan, self.basis.next_import(), false, true)
    }

    /// The number of new versions the import would write; 0 for a no-op.
    pub fn writes(&self) -> u64 {
        self.plan.writes()
    }
}

/// Plans an import against a read snapshot, writing nothing: a dry run, or the first half of
/// an import. Works on a read-only store; `reader` is `None` when there is no store yet (an
/// empty one is assumed).
pub fn plan_import<'a>(
    files: &'a [ParsedFile],
    reader: Option<&Reader>,
    amend: bool,
) -> Result<Planned<'a>, ImportFailure> {
    let (plan, basis) = match reader {
        Some(r) => (plan::plan(files, &r.view()?, amend)?, r.basis()?),
        None => (plan::plan(files, &plan::EmptyView, amend)?, Basis::EMPTY),
    };
    Ok(Planned {
        plan: plan.map_err(ImportFailure::Rejected)?,
        basis,
        amend,
    })
}

/// The outcome of a plan, restricted to the kinds the import had files of.
fn outcome(plan: &Plan<'_>, import_id: u64, recorded: bool, dry_run: bool) -> ImportOutcome {
    let present = |code: u8| plan.files.iter().any(|f| f.source.kind.code() == code);
    ImportOutcome {
        import_id,
        recorded,
        counts: plan
            .counts
            .iter()
            .filter(|c| present(c.kind_code))
            .copied()
            .collect(),
        within: plan
            .within
            .iter()
            .filter(|w| present(w.kind_code))
            .copied()
            .collect(),
        dry_run,
    }
}

/// The import's methods on the store: `store.import(&files, &options, &progress)`. The store
/// itself knows nothing of import rows; these plan them (`plan`), hand it typed versions
/// ([`Store::append`]) and plan again when it says another import was committed meanwhile.
pub trait ImportExt {
    /// Imports parsed files as one transaction: plans against the current state, then
    /// appends (see [`ImportExt::apply`]). On any bad row nothing is written and the problems
    /// are returned. `progress` is called with (rows done, rows in all).
    fn import(
        &self,
        files: &[ParsedFile],
        options: &ImportOptions,
        progress: &dyn Fn(u64, u64),
    ) -> Result<ImportOutcome, ImportFailure>;

    /// Appends a planned import in one write transaction. The write transaction excludes
    /// every other writer; if an import was committed since the plan's snapshot, the store
    /// says so with the transaction still open, and the import is planned again against the
    /// state it is appended to (and may then be rejected). Nothing is written, and no
    /// transaction committed, when no key changes.
    fn apply(
        &self,
        planned: Planned<'_>,
        options: &ImportOptions,
        progress: &dyn Fn(u64, u64),
    ) -> Result<ImportOutcome, ImportFailure>;
}

impl ImportExt for Store {
    fn import(
        &self,
        files: &[ParsedFile],
        options: &ImportOptions,
        progress: &dyn Fn(u64, u64),
    ) -> Result<ImportOutcome, ImportFailure> {
        let planned = plan_import(files, Some(&self.reader()?), options.amend)?;
        if options.dry_run {
            return Ok(planned.outcome());
        }
        self.apply(planned, options, progress)
    }

    fn apply(
        &self,
        planned: Planned<'_>,
        options: &ImportOptions,
        progress: &dyn Fn(u64, u64),
    ) -> Result<ImportOutcome, ImportFailure> {
        assert_eq!(
            planned.amend, options.amend,
            "planned with the same --amend"
        );
        if options.dry_run {
            // Nothing is appended, so a snapshot taken now is as good as the state a write
            // transaction would start from.
            let reader = self.reader()?;
            if reader.basis()? == planned.basis {
                return Ok(planned.outcome());
            }
            return Ok(plan_import(planned.plan.files, Some(&reader), options.amend)?.outcome());
        }
        let Planned { plan, basis, .. } = planned;
        let stale =
            match self.append(basis, new_import(&plan, options), versions(&plan, progress))? {
                Ok(appended) => return Ok(finish(&plan, appended)),
                Err(stale) => stale,
            };
        // The store's read snapshot taken now is the state its open write transaction starts
        // from: no other writer can commit meanwhile, so this plan cannot be overtaken.
        let plan = match plan::plan(plan.files, &stale.reader()?.view()?, options.amend)? {
            Ok(plan) => plan,
            Err(rejections) => {
                stale.abort()?;
                return Err(ImportFailure::Rejected(rejections));
            }
        };
        let appended = stale.append(new_import(&plan, options), versions(&plan, progress))?;
        Ok(finish(&plan, appended))
    }
}

/// The import log's entry for a plan, but for the id the store gives.
fn new_import(plan: &Plan<'_>, options: &ImportOptions) -> NewImport {
    NewImport {
        at: options.at.clone(),
        amend: options.amend,
        files: plan
            .files
            .iter()
            .map(|f| ImportFile {
                path: f.source.display(),
                kind: f.source.kind,
                sha256: f.sha256.clone(),
                rows: f.rows.len() as u64,
            })
            .collect(),
        counts: plan.counts.clone(),
    }
}

/// How many net rows the store takes between two progress reports.
const PROGRESS_EVERY_ROWS: usize = 4096;

/// The versions a plan appends, in the order their keys first appear in the import. Progress
/// is reported over the net rows as the store takes them, ending with (all, all); a plan
/// that writes nothing reports none.
fn versions<'p>(
    plan: &'p Plan<'_>,
    progress: &'p dyn Fn(u64, u64),
) -> impl Iterator<Item = NewVersion<'p>> + 'p {
    let total = plan.net.len() as u64;
    let report = plan.writes() > 0;
    let mut nets = plan.in_order().enumerate();
    let mut ended = false;
    std::iter::from_fn(move || {
        for (n, net) in nets.by_ref() {
            if report && n % PROGRESS_EVERY_ROWS == 0 {
                progress(n as u64, total);
            }
            if net.effect.writes() {
                let row = plan.row(net);
                return Some(NewVersion {
                    kind: net.kind,
                    key: row.key,
                    op: row.op,
                    record: row.encoded(),
                    new_key: net.effect == plan::Effect::Added,
                });
            }
        }
        if report && !ended {
            ended = true;
            progress(total, total);
        }
        None
    })
}

/// The outcome of a plan the store appended.
fn finish(plan: &Plan<'_>, appended: Appended) -> ImportOutcome {
    match appended {
        Appended::Committed {
            import_id,
            versions,
        } => {
            assert_eq!(versions, plan.writes(), "the store appended the plan");
            outcome(plan, import_id, true, false)
        }
        Appended::Unchanged { next_import } => outcome(plan, next_import, false, false),
    }
}

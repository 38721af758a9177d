//! Deterministic generator of realistic input data: the eight CSV files of DOMAIN.md §2
//! for a dealership's customer-care department, ready for `careledger import`.
//!
//! *Invariant:* the same [`GenConfig`] gives byte-identical files, on every machine and
//! forever. Randomness comes only from ChaCha8 streams seeded from the configuration
//! (see `rng.rs`); nothing reads the clock or iterates a hash map.
//!
//! *Invariant:* memory does not grow with the customer count. The staff roster (a few
//! dozen people) is built up front; then customers are generated one at a time, each from
//! its own stream, and all of a customer's rows are written before the next customer
//! starts. Ids come from running counters, so rows are ordered by customer, not by time.
//!
//! *Invariant:* every reference resolves (customers, staff of the fitting department,
//! referrers among earlier customers, attempts of the same customer, surveys), and
//! nothing is dated outside the configured months.
//!
//! `gen` is a reserved keyword in edition 2024: declare this module as `pub mod r#gen;`
//! and call it as `careledger::r#gen::generate`.

mod calendar;
mod customer;
mod rng;
mod staff;
mod text;

#[cfg(test)]
mod tests;

use std::fs::{self, File};
use std::io::BufWriter;
use std::path::Path;

use anyhow::Context;

use calendar::Calendar;
use staff::Roster;

/// What to generate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GenConfig {
    /// Number of customers (each gets the sales, orders, contacts… of their story).
    pub customers: u64,
    /// Length of the period in months.
    pub months: u32,
    /// Seed of every random choice.
    pub seed: u64,
    /// First month of the period (`start_year`-`start_month`-01).
    pub start_year: i32,
    /// 1–12.
    pub start_month: u32,
}

impl Default for GenConfig {
    fn default() -> Self {
        GenConfig {
            customers: 2_000,
            months: 24,
            seed: 1,
            start_year: 2024,
            start_month: 1,
        }
    }
}

/// Rows written per file, in the order of DOMAIN.md §2's table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GenSummary {
    /// (file name, data rows written, header excluded).
    pub rows: Vec<(&'static str, u64)>,
}

/// The files, in the order of DOMAIN.md §2, with their headers.
const FILES: [(&str, &[&str]); 8] = [
    (
        "staff.csv",
        &[
            "staff_id",
            "name",
            "department",
            "role",
            "active_from",
            "active_to",
        ],
    ),
    (
        "customers.csv",
        &[
            "customer_id",
            "name",
            "phone",
            "family_id",
            "tags",
            "created_on",
        ],
    ),
    (
        "sales.csv",
        &[
            "sale_id",
            "customer_id",
            "vin",
            "delivered_at",
            "consultant_id",
            "amount",
            "referrer_id",
        ],
    ),
    (
        "service_orders.csv",
        &[
            "order_id",
            "customer_id",
            "vin",
            "opened_at",
            "closed_at",
            "revenue",
            "advisor_id",
            "followup_consent",
        ],
    ),
    (
        "insurance.csv",
        &["policy_id", "customer_id", "start_on", "referrer_id"],
    ),
    (
        "contacts.csv",
        &[
            "attempt_id",
            "customer_id",
            "at",
            "channel",
            "staff_id",
            "purpose",
            "outcome",
            "note",
        ],
    ),
    (
        "surveys.csv",
        &[
            "survey_id",
            "attempt_id",
            "customer_id",
            "at",
            "subject_department",
            "overall",
            "issues",
            "comment",
        ],
    ),
    ("survey_answers.csv", &["survey_id", "question", "score"]),
];

pub(crate) const F_STAFF: usize = 0;
pub(crate) const F_CUSTOMERS: usize = 1;
pub(crate) const F_SALES: usize = 2;
pub(crate) const F_ORDERS: usize = 3;
pub(crate) const F_INSURANCE: usize = 4;
pub(crate) const F_CONTACTS: usize = 5;
pub(crate) const F_SURVEYS: usize = 6;
pub(crate) const F_ANSWERS: usize = 7;

pub(crate) type Writer = csv::Writer<BufWriter<File>>;

/// Writes the eight CSV files for `cfg` into `out_dir` (created if missing), replacing
/// files of the same names.
pub fn generate(cfg: &GenConfig, out_dir: &Path) -> anyhow::Result<GenSummary> {
    let cal = Calendar::new(cfg.start_year, cfg.start_month, cfg.months)?;
    fs::create_dir_all(out_dir)
        .with_context(|| format!("cannot create output folder {}", out_dir.display()))?;

    let mut writers = Vec::with_capacity(FILES.len());
    for (name, header) in FILES {
        let path = out_dir.join(name);
        let file =
            File::create(&path).with_context(|| format!("cannot create {}", path.display()))?;
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(BufWriter::with_capacity(1 << 16, file));
        writer
            .write_record(header)
            .with_context(|| format!("cannot write {}", path.display()))?;
        writers.push(writer);
    }

    let roster = Roster::generate(cfg.seed, cfg.customers, &cal);
    let mut run = customer::Run::new(cfg, &cal, &roster, writers);
    run.write_staff()?;
    for index in 0..cfg.customers {
        run.customer(index)?;
    }
    let counts = run.finish()?;

    Ok(GenSummary {
        rows: FILES
            .iter()
            .zip(counts)
            .map(|((name, _), n)| (*name, n))
            .collect(),
    })
}

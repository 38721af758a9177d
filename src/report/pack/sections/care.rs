//! Care by tier and renewal reminders (DOMAIN.md section 14): the month's care tasks, then
//! by kind and by tier.

use super::{Figures, PackError, Section};
use crate::report::{Table, percent, t, word};

pub(super) fn section(f: &Figures) -> Result<Section, PackError> {
    let (cx, lang) = (&f.cx, f.cx.lang);
    let care = &f.care;
    let mut s = Section::new(f);
    s.h2(t(
        lang,
        "Care by tier and renewal reminders",
        "分级关怀与续保提醒",
    ));
    let k = &care.tasks.counts;
    let figures = vec![
        vec![
            t(lang, "care tasks due", "应关怀").to_owned(),
            k.due.to_string(),
        ],
        vec![
            word(lang, "completion").to_owned(),
            percent(k.performed, k.due),
        ],
        vec![
            word(lang, "success").to_owned(),
            percent(k.successful, k.due),
        ],
        vec![
            t(lang, "unscheduled care contacts", "计划外关怀联络").to_owned(),
            care.unscheduled_attempts.to_string(),
        ],
    ];
    s.table(&Table::new("", &["", ""], 1).rows(figures));
    s.table(&care.kind_table(cx));
    s.table(&care.tier_table(cx));
    Ok(s)
}

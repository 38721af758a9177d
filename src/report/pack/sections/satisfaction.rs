//! Satisfaction: the trend with the mean score of each question, satisfaction per
//! department and per question the way the 回访月报 shows it, and the most reported issues.

use super::{Figures, PackChart, PackError, Section};
use crate::chart;
use crate::report::{t, word};

pub(super) fn section(f: &Figures) -> Result<Section, PackError> {
    let (cx, lang) = (&f.cx, f.cx.lang);
    let v = f.visits_now();
    let mut s = Section::new(f);
    s.headed_chart(
        word(lang, "Satisfaction"),
        satisfaction_chart(f)?,
        t(
            lang,
            "Satisfaction trend and mean score per question",
            "满意度趋势与各问题平均分",
        ),
    );
    // Satisfaction the way the 回访月报 shows it: per department (after-sales is 对上次维修的
    // 满意度), then per department its questions with mean and 满意率.
    s.titled_table(&v.satisfaction_table(cx));
    for d in &v.questions_by_department {
        s.titled_table(&crate::report::visits::question_table(d, cx));
    }
    s.chart(
        issues_chart(f)?,
        t(
            lang,
            "Most reported issues (Pareto)",
            "客户反映最多的问题（帕累托图）",
        ),
    );
    s.table(&v.issues_table(cx));
    Ok(s)
}

/// The satisfaction rate of the trend months, the month's mean score per question, and the
/// fine line.
fn satisfaction_chart(f: &Figures) -> Result<PackChart, PackError> {
    let trend: Vec<(String, Option<f64>)> = f
        .visits
        .iter()
        .map(|v| {
            let month = v.month.clone().unwrap_or_default();
            (month, v.surveys.satisfaction_rate)
        })
        .collect();
    let questions: Vec<(String, f64)> = f
        .visits_now()
        .questions
        .iter()
        .map(|q| (q.question.clone(), q.mean_score))
        .collect();
    let fine_below = f.rules.payouts.fine_below_percent;
    Ok(PackChart {
        stem: "satisfaction",
        chart: chart::satisfaction(&trend, &questions, fine_below, f.cx.lang)?,
    })
}

/// The month's issues, most reported first, against the surveys.
fn issues_chart(f: &Figures) -> Result<PackChart, PackError> {
    let v = f.visits_now();
    let issues: Vec<(String, u64)> = v
        .top_issues
        .iter()
        .map(|i| (i.issue.clone(), i.count))
        .collect();
    Ok(PackChart {
        stem: "issues",
        chart: chart::issues_pareto(&issues, v.surveys.count, f.cx.lang)?,
    })
}

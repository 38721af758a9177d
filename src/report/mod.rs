//! Presenting reports: each report renders as JSON (DOMAIN.md section 9), Markdown (for a
//! manager's e-mail) and CSV (for a spreadsheet). Renderers return bytes and do no I/O.
//!
//! *Architecture invariant:* other formats may add to the JSON but never contradict it: the
//! Markdown and CSV show the same counts, and rates derived from the same integers.
//!
//! *Architecture invariant:* a table people read is built once, by its report
//! ([`Render::tables`]); the Markdown and the report pack's HTML render the same [`Table`].
//!
//! *Architecture invariant:* no text quotes a rule's default. Rendering takes a
//! [`RenderContext`] (the language and the rules in force), and a text that names a window,
//! a due time or a threshold reads it there (`tests/render_rules.rs` renders every report
//! under changed rules).

pub mod care;
pub mod churn;
pub mod complaints;
pub mod html;
pub mod lapse;
pub mod pack;
pub mod payouts;
pub mod statement;
pub mod table;
pub mod tiers;
pub mod visits;
pub mod xlsx;

use serde::Serialize;

use crate::rules::Rules;
pub use table::{Align, Row, Table};

/// An output format of `careledger report`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    Md,
    Csv,
}

/// What rendering needs besides the report: the language people read, and the rules in
/// force, so that a text quoting a rule (a window, a due time, a threshold) quotes the one
/// the figures were computed with, never its default.
#[derive(Clone, Copy, Debug)]
pub struct RenderContext<'a> {
    pub lang: Lang,
    pub rules: &'a Rules,
}

impl<'a> RenderContext<'a> {
    pub fn new(lang: Lang, rules: &'a Rules) -> RenderContext<'a> {
        RenderContext { lang, rules }
    }

    /// A task kind as people call it. The delivery calls are named by their due time (seed
    /// `000_*`: 交车24小时回访, 交车3日回访, 交车7日回访), so their names say the due time of
    /// the rules in force: with `due_hours = 48`, "Delivery call (2 days)".
    pub fn kind_name(&self, kind: &str) -> String {
        let timed = TIMED_KINDS.iter().find(|(k, _, _)| *k == kind);
        let rule = kind
            .parse::<crate::model::Purpose>()
            .ok()
            .and_then(|p| self.rules.visits.tasks.get(p));
        match (timed, rule) {
            (Some((_, en, zh)), Some(rule)) => {
                t(self.lang, en, zh).replace("{}", &due_text(rule.due_hours, self.lang))
            }
            _ => name(kind, self.lang),
        }
    }
}

/// The task kinds whose names say their due time, with the names in English and Chinese
/// (`{}` is the due time).
const TIMED_KINDS: [(&str, &str, &str); 3] = [
    ("delivery_call_1", "Delivery call ({})", "交车{}回访"),
    ("delivery_call_2", "Delivery call ({})", "交车{}回访"),
    ("delivery_call_3", "Delivery call ({})", "交车{}回访"),
];

/// A due time as the seed names it: whole days beyond one day in days (`3 days`, `3日`),
/// anything else in hours (`24 h`, `24小时`).
fn due_text(hours: u32, lang: Lang) -> String {
    match (hours > 24 && hours.is_multiple_of(24), lang) {
        (true, Lang::En) => format!("{} days", hours / 24),
        (true, Lang::Zh) => format!("{}日", hours / 24),
        (false, Lang::En) => format!("{hours} h"),
        (false, Lang::Zh) => format!("{hours}小时"),
    }
}

/// `n` with an English noun in its number: `1 survey`, `2 surveys`, `0 surveys`.
pub fn plural(n: impl Into<u64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `n` days in `lang`: `1 day`, `90 days`, `90 天`.
pub(crate) fn days(n: u32, lang: Lang) -> String {
    match (lang, n) {
        (Lang::En, 1) => "1 day".to_owned(),
        (Lang::En, n) => format!("{n} days"),
        (Lang::Zh, n) => format!("{n} 天"),
    }
}

/// A report that renders in every format. JSON and CSV are for machines and keep their
/// English keys in every language; Markdown is for people and follows the context's
/// language.
pub trait Render {
    fn json(&self) -> Vec<u8>;
    /// The report's tables as people read them, in the order the Markdown shows them: the
    /// Markdown and the report pack's HTML both render these, so the two cannot drift apart.
    /// (CSV keeps its own machine form: see [`table`].)
    fn tables(&self, cx: &RenderContext) -> Vec<Table>;
    fn markdown(&self, cx: &RenderContext) -> Vec<u8>;
    fn csv(&self) -> Vec<u8>;

    /// Markdown is read on terminals: names, notes and comments in it show control, bidi
    /// and zero-width characters escaped (JSON escapes controls itself; CSV keeps the data
    /// exact, with formula cells guarded by [`csv_document`]).
    fn render(&self, format: Format, cx: &RenderContext) -> Vec<u8> {
        match format {
            Format::Json => self.json(),
            Format::Md => terminal_safe(self.markdown(cx)),
            Format::Csv => self.csv(),
        }
    }
}

pub use crate::chart::Lang;

/// A text document with [hidden characters](crate::model::privacy::is_hidden_char) escaped,
/// line ends kept.
pub fn terminal_safe(text: Vec<u8>) -> Vec<u8> {
    let text = String::from_utf8_lossy(&text);
    crate::model::privacy::escape_controls_keep_lines(&text)
        .into_owned()
        .into_bytes()
}

use crate::model::Fen;

/// A total a report shows beside figures the KPIs summed already (a TOTAL row, the rewards
/// and fines of a statement): exact, never wrapped, and with no error path to render.
pub fn total_exact<I: IntoIterator<Item = Fen>>(amounts: I) -> i128 {
    Fen::total_i128(amounts)
}

/// Fen of any size as yuan with two decimals, like `Fen`'s Display: `-150.00`, never
/// `-0.00`.
pub fn yuan_exact(fen: i128) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let abs = fen.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// The text in `lang`: the English and Chinese side by side where they are used.
pub(crate) fn t(lang: Lang, en: &'static str, zh: &'static str) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::Zh => zh,
    }
}

/// The words the reports share (column headings, section titles), so that a word is
/// translated once and the same everywhere.
const WORDS: &[(&str, &str)] = &[
    ("By department", "按部门"),
    ("Lines", "明细"),
    ("People", "人员"),
    ("Satisfaction", "满意度"),
    ("all", "合计"),
    ("amount", "金额"),
    ("answers", "回答数"),
    ("completion", "完成率"),
    ("customer", "客户"),
    ("customers", "客户数"),
    ("department", "部门"),
    ("difference", "差额"),
    ("due", "应回访"),
    ("in force", "现行"),
    ("issue", "问题"),
    ("mean score", "平均分"),
    ("members", "人数"),
    ("name", "姓名"),
    ("newly lost", "新增流失"),
    ("on time", "及时"),
    ("on-time rate", "及时率"),
    ("per member", "每人"),
    ("performed", "实施"),
    ("period", "期间"),
    ("proposed", "拟议"),
    ("question", "问题"),
    ("recovered", "挽回"),
    ("recovery attempts", "挽回联络"),
    ("recovery revenue", "挽回维修产值"),
    ("satisfied", "满意"),
    ("share", "占比"),
    ("staff", "工号"),
    ("success", "成功率"),
    ("successful", "成功"),
];

/// A shared word in `lang`; an unknown word is returned as given (a test keeps the table
/// complete).
pub(crate) fn word(lang: Lang, en: &'static str) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::Zh => WORDS
            .iter()
            .find(|(e, _)| *e == en)
            .map_or(en, |(_, zh)| zh),
    }
}

/// A category token (task kind, department, issue, tier, question) as people call it.
pub(crate) fn name(token: &str, lang: Lang) -> String {
    crate::chart::token(token, lang).to_owned()
}

/// The columns of the work lists (`tasks`, `lost`) as people read them: their CSV key, and
/// the heading of the table printed in Chinese. An English table keeps the keys.
const LIST_COLUMNS: &[(&str, &str)] = &[
    ("attempts", "联络次数"),
    ("closes_at", "截止时间"),
    ("customer_id", "客户编号"),
    ("days_lost", "流失天数"),
    ("department", "部门"),
    ("due_at", "应回访时间"),
    ("expected_revenue", "预计维修产值"),
    ("expected_visits", "预计到店次数"),
    ("first_visit", "首次到店"),
    ("kind", "回访类型"),
    ("last_attempt", "最近挽回联络"),
    ("last_outcome", "最近结果"),
    ("last_visit", "最近到店"),
    ("lost_on", "流失日期"),
    ("name", "姓名"),
    ("owner", "负责人"),
    ("p_alive", "活跃概率"),
    ("phone", "电话"),
    ("recovery_attempts", "挽回联络"),
    ("repair_revenue", "维修产值"),
    ("revenue_at_risk", "风险维修产值"),
    ("sales_amount", "销售额"),
    ("status", "状态"),
    ("tier", "客户级别"),
    ("value", "价值"),
    ("visits", "到店次数"),
];

/// A work list's column, given by its CSV key, as its table heading in `lang`.
pub fn list_heading(key: &'static str, lang: Lang) -> &'static str {
    match lang {
        Lang::En => key,
        Lang::Zh => LIST_COLUMNS
            .iter()
            .find(|(k, _)| *k == key)
            .map_or(key, |(_, zh)| zh),
    }
}

/// A token in a work list's cell (a task's status, tier, kind, department, an attempt's
/// outcome) as a table printed in `lang` shows it: the token itself in English, its name
/// in Chinese.
pub fn list_token(token: &str, lang: Lang) -> String {
    if lang == Lang::En {
        return token.to_owned();
    }
    if let Ok(outcome) = token.parse::<crate::model::Outcome>() {
        return visits::outcome_name(outcome, lang).to_owned();
    }
    match token {
        "overdue" => "已逾期".to_owned(),
        "due" => "今日到期".to_owned(),
        "ahead" => "未到期".to_owned(),
        other => name(other, lang),
    }
}

/// Pretty JSON with a final newline: stable bytes for the same value.
pub fn to_json<T: Serialize>(value: &T) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(value).expect("reports serialise");
    bytes.push(b'\n');
    bytes
}

/// `n / d` as a percentage with one decimal, rounded half up with integers only; `–` when
/// the denominator is 0.
pub fn percent(n: u64, d: u64) -> String {
    if d == 0 {
        return "–".into();
    }
    let tenths = (n * 1000 + d / 2) / d;
    format!("{}.{}%", tenths / 10, tenths % 10)
}

/// A number for display with two decimals; `–` for none.
pub fn decimal2(value: Option<f64>) -> String {
    value.map_or_else(|| "–".into(), |v| format!("{v:.2}"))
}

/// A rate for CSV: the JSON number, or empty for null.
pub fn csv_number(value: Option<f64>) -> String {
    value
        .map(|v| serde_json::to_string(&v).expect("a finite number"))
        .unwrap_or_default()
}

/// A CSV document from rows of cells, with CRLF line ends (RFC 4180; what Excel writes).
/// Every cell that a spreadsheet would run as a formula gets the `'` guard of
/// [`crate::csvio::guard_cell`] (names and notes are typed by people, some by customers).
pub fn csv_document(header: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let mut write = |cells: Vec<std::borrow::Cow<'_, str>>| {
        writer
            .write_record(cells.iter().map(|c| c.as_bytes()))
            .expect("writing to memory");
    };
    write(header.iter().map(|c| crate::csvio::guard_cell(c)).collect());
    for row in rows {
        write(row.iter().map(|c| crate::csvio::guard_cell(c)).collect());
    }
    writer.into_inner().expect("writing to memory")
}

/// The long CSV of the visits and churn reports: `period,section,name,metric,value`, one row
/// per figure (the README's "Report formats"), a table that pivots in any spreadsheet. It
/// keeps English keys and raw tokens in every language, so it is not built from the
/// reports' [`Table`]s (see [`table`]).
pub struct LongCsv {
    rows: Vec<Vec<String>>,
}

impl LongCsv {
    pub fn new() -> LongCsv {
        LongCsv { rows: Vec::new() }
    }

    pub fn push(&mut self, period: &str, section: &str, name: &str, metric: &str, value: String) {
        self.rows.push(vec![
            period.to_owned(),
            section.to_owned(),
            name.to_owned(),
            metric.to_owned(),
            value,
        ]);
    }

    pub fn into_bytes(self) -> Vec<u8> {
        csv_document(
            &["period", "section", "name", "metric", "value"],
            &self.rows,
        )
    }
}

impl Default for LongCsv {
    fn default() -> LongCsv {
        LongCsv::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shared_word_has_a_translation() {
        for file in [
            include_str!("churn.rs"),
            include_str!("complaints.rs"),
            include_str!("html.rs"),
            include_str!("payouts.rs"),
            include_str!("tiers.rs"),
            include_str!("visits.rs"),
        ] {
            for part in file.split("word(lang, \"").skip(1) {
                let en = &part[..part.find('"').expect("a closing quote")];
                assert!(
                    WORDS.iter().any(|(e, _)| *e == en),
                    "`{en}` is missing from WORDS"
                );
            }
        }
    }

    #[test]
    fn delivery_calls_are_named_by_the_due_time_in_force() {
        let mut rules = Rules::default();
        let cx = |rules: &Rules, lang| RenderContext::new(lang, rules).kind_name("delivery_call_1");
        // The defaults give the seed's names (000_*), as the chart labels have them.
        assert_eq!(cx(&rules, Lang::Zh), "交车24小时回访");
        assert_eq!(cx(&rules, Lang::En), "Delivery call (24 h)");
        for (hours, en, zh) in [
            (36, "Delivery call (36 h)", "交车36小时回访"),
            (48, "Delivery call (2 days)", "交车2日回访"),
            (12, "Delivery call (12 h)", "交车12小时回访"),
        ] {
            rules.visits.tasks.delivery_call_1.due_hours = hours;
            assert_eq!(
                (cx(&rules, Lang::En), cx(&rules, Lang::Zh)),
                (en.into(), zh.into())
            );
        }
        let defaults = Rules::default();
        let kind = |k| RenderContext::new(Lang::Zh, &defaults).kind_name(k);
        assert_eq!(kind("delivery_call_2"), "交车3日回访");
        assert_eq!(kind("delivery_call_3"), "交车7日回访");
        assert_eq!(kind("thank_you_letter"), "感谢信");
    }

    #[test]
    fn percentages_round_half_up_with_integers() {
        assert_eq!(percent(1, 3), "33.3%");
        assert_eq!(percent(2, 3), "66.7%");
        assert_eq!(percent(1, 8), "12.5%");
        assert_eq!(percent(1, 16), "6.3%"); // 6.25 rounds up
        assert_eq!(percent(5, 5), "100.0%");
        assert_eq!(percent(0, 0), "–");
    }
}

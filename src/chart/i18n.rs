//! The words on the charts, in English and Chinese: titles, axes and legends ([`Ui`]), and
//! the names of the known tokens that appear as categories ([`TOKENS`]).
//!
//! The HTML and Markdown pack reuses this table, so a department or an issue is called the
//! same thing in a chart and in the table next to it.
//!
//! *Invariant:* every non-ASCII character in this file is in the embedded font. The font is
//! subset from the characters of this very file (see `src/chart/README.md`); after adding or
//! changing a Chinese label, regenerate the font, or the test `charts::zh_labels_are_in_font`
//! fails and names the characters that are missing.

use super::Lang;

/// One label: a key and its text in each language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Label {
    pub key: &'static str,
    pub en: &'static str,
    pub zh: &'static str,
}

impl Label {
    /// The text in `lang`.
    pub fn text(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.en,
            Lang::Zh => self.zh,
        }
    }
}

/// Declares [`Ui`] and its table in one place, so that `Ui::ALL` cannot miss a variant.
macro_rules! ui_labels {
    ($($variant:ident = $key:literal, $en:literal, $zh:literal;)*) => {
        /// Titles, axis descriptions, legends and notes drawn by the charts. Keys are dotted
        /// (`rates.title`), so they never collide with a token (`[a-z0-9_]+`).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Ui {
            $($variant,)*
        }

        impl Ui {
            /// Every variant, in declaration order.
            pub const ALL: &'static [Ui] = &[$(Ui::$variant,)*];

            /// The variant's key, its text in each language.
            pub const fn label(self) -> Label {
                match self {
                    $(Ui::$variant => Label { key: $key, en: $en, zh: $zh },)*
                }
            }

            /// The text in `lang`.
            pub fn text(self, lang: Lang) -> &'static str {
                self.label().text(lang)
            }
        }
    };
}

// Templates hold `{0}`, `{1}`: see `fill`.
ui_labels! {
    NoData = "chart.no_data", "No data", "无数据";
    Month = "axis.month", "Month", "月份";
    Year = "axis.year", "Year", "年份";
    Other = "chart.other", "Other", "其他";

    RatesTitle = "rates.title", "Return-visit rates by month", "回访率月度趋势";
    RatesAxis = "rates.axis", "Share of tasks due (%)", "占应回访任务比例（%）";
    Completion = "rates.completion", "Completion rate", "回访完成率";
    Success = "rates.success", "Success rate", "回访成功率";
    OnTime = "rates.on_time", "On-time rate", "回访及时率";
    RatesGapNote = "rates.gap_note",
        "A gap in a line: no return-visit tasks due that month",
        "折线断开处：当月无应回访任务";

    SatisfactionTitle = "satisfaction.title", "Customer satisfaction", "客户满意度";
    SatisfactionTrend = "satisfaction.trend", "Satisfaction rate by month", "满意率月度趋势";
    SatisfactionAxis = "satisfaction.axis", "Satisfied surveys (%)", "满意调查占比（%）";
    SatisfactionRate = "satisfaction.rate", "Satisfaction rate", "满意率";
    FineThreshold = "satisfaction.fine_threshold", "fine threshold", "罚款线";
    Questions = "satisfaction.questions", "Mean score by survey question", "各调查问题平均得分";
    ScoreAxis = "satisfaction.score_axis", "Mean score (1–5)", "平均得分（1–5分）";

    ParetoTitle = "pareto.title", "Customer issues (Pareto)", "客户问题帕累托图";
    ParetoSubtitle = "pareto.subtitle",
        "{0} surveys, {1} issue mentions",
        "调查 {0} 份，问题提及 {1} 次";
    IssueAxis = "pareto.issue_axis", "Issue", "问题类型";
    IssueCountAxis = "pareto.count_axis", "Surveys naming the issue", "提及该问题的调查数";
    CumulativeAxis = "pareto.cumulative_axis", "Cumulative share of mentions (%)", "累计占比（%）";
    IssueCount = "pareto.count", "Mentions", "提及次数";
    Cumulative = "pareto.cumulative", "Cumulative share", "累计占比";

    RevenueTitle = "revenue.title", "Churn recovery revenue", "流失客户挽回维修产值";
    RevenueByMonth = "revenue.by_month", "By month (total {0} yuan)", "按月（合计 {0} 元）";
    RevenueByYear = "revenue.by_year", "By year", "按年";
    RevenueYuan = "revenue.axis_yuan", "Revenue (yuan)", "产值（元）";
    RevenueWan = "revenue.axis_wan", "Revenue (10,000 yuan)", "产值（万元）";

    PayoutsTitle = "payouts.title", "Rewards and fines by department", "各部门奖罚金额";
    PayoutsSubtitle = "payouts.subtitle", "Net {0} yuan", "合计 {0} 元";
    PayoutsAxis = "payouts.axis", "Amount (yuan)", "金额（元）";
    DepartmentAxis = "payouts.department_axis", "Department", "部门";
    Reward = "payouts.reward", "Reward", "奖励";
    Fine = "payouts.fine", "Fine", "罚款";

    ComplaintRatesTitle = "complaints.rates_title",
        "Complaints handled in time, by month",
        "投诉及时处理率月度趋势";
    ComplaintRatesAxis = "complaints.rates_axis", "Share of complaints raised (%)", "占当月投诉比例（%）";
    ComplaintTimely = "complaints.timely", "Handled in time", "及时处理率";
    ComplaintEscalation = "complaints.escalation", "Escalated on time", "及时递交率";
    ComplaintGapNote = "complaints.gap_note",
        "A gap in a line: no complaints raised that month",
        "折线断开处：当月无投诉";
    ComplaintParetoTitle = "complaints.pareto_title", "Complaints by category (Pareto)", "投诉类别帕累托图";
    ComplaintParetoSubtitle = "complaints.pareto_subtitle", "{0} complaints", "投诉 {0} 件";
    ComplaintCategoryAxis = "complaints.category_axis", "Category", "投诉类别";
    ComplaintCountAxis = "complaints.count_axis", "Complaints raised", "投诉件数";
    ComplaintCount = "complaints.count", "Complaints", "投诉件数";
    ComplaintCumulativeAxis = "complaints.cumulative_axis",
        "Cumulative share of complaints (%)",
        "累计占比（%）";

    ReasonsTitle = "reasons.title",
        "Why customers left, beside the published split",
        "客户流失原因（与资料统计对比）";
    ReasonsSubtitle = "reasons.subtitle", "{0}: {1} lost customers with a reason", "{0}：有原因的流失客户 {1} 位";
    ReasonsAxis = "reasons.axis", "Reason", "流失原因";
    ReasonsShareAxis = "reasons.share_axis", "Share (%)", "占比（%）";
    ReasonsOwn = "reasons.own", "This dealership", "本店";
    ReasonsPublished = "reasons.published", "Published split (seed 001)", "资料统计";

    TiersTitle = "tiers.title", "Customer tiers by month", "客户分级月度分布";
    CustomersAxis = "customers.axis", "Customers", "客户数";
    FirstPurchaseTitle = "customers.first_purchase_title",
        "Customers by year of first purchase",
        "按首次购车年份统计的客户数";
    FirstPurchaseAxis = "customers.first_purchase_axis", "Year of first purchase", "首次购车年份";
}

/// Known tokens that appear as category names: task kinds, departments, issues, tiers and
/// survey questions (the generator's lists in `src/gen/text.rs`). A token may be in several
/// lists (`waiting_time` is an issue and a question); it has one entry.
pub const TOKENS: &[Label] = &[
    // Task kinds (DOMAIN.md section 4) and the `care` purpose.
    tok("delivery_call_1", "Delivery call (24 h)", "交车24小时回访"),
    tok("thank_you_letter", "Thank-you letter", "感谢信"),
    tok("delivery_call_2", "Delivery call (3 days)", "交车3日回访"),
    tok("delivery_call_3", "Delivery call (7 days)", "交车7日回访"),
    tok("service_followup", "Service follow-up", "维修后回访"),
    tok("churn_recovery", "Churn recovery", "流失客户挽回"),
    tok("care", "Care contact", "客户关怀"),
    // Care tasks and why customers left (DOMAIN.md section 14, seed `001_*`).
    tok("tier_care", "Tier care", "分级关怀"),
    tok("insurance_renewal", "Insurance renewal", "续保提醒"),
    tok("poor_service", "Poor service", "很差的服务"),
    tok("not_cared_for", "Nobody cared", "没人关心"),
    tok("cheaper_elsewhere", "Cheaper elsewhere", "价格更便宜"),
    tok("better_product", "Better product", "更好的产品"),
    tok("moved_away", "Moved away", "搬迁"),
    tok("other", "Other", "其他"),
    // Departments.
    tok("sales", "Sales", "销售部"),
    tok("after_sales", "After-sales", "售后服务部"),
    tok("customer_care", "Customer care", "客户关爱部"),
    tok("marketing", "Marketing", "市场部"),
    tok("insurance", "Insurance", "保险部"),
    // Issues.
    tok("service_attitude", "Service attitude", "服务态度"),
    tok("information", "Information", "信息告知"),
    tok("broken_promise", "Broken promise", "承诺未兑现"),
    tok("response_time", "Response time", "响应速度"),
    tok("product_quality", "Product quality", "产品质量"),
    tok("process", "Process", "办理流程"),
    tok("price", "Price", "价格"),
    tok("waiting_time", "Waiting time", "等待时间"),
    // Tiers.
    tok("super_vip", "Super VIP", "超级VIP"),
    tok("vip", "VIP", "VIP"),
    tok("general", "General", "一般客户"),
    // Survey questions.
    tok("consultant_attitude", "Consultant attitude", "销售顾问态度"),
    tok("delivery_explanation", "Delivery explanation", "交车讲解"),
    tok("vehicle_condition", "Vehicle condition", "车辆状况"),
    tok("price_transparency", "Price transparency", "价格透明度"),
    tok("delivery_timeliness", "Delivery timeliness", "交车及时性"),
    tok(
        "advisor_attitude",
        "Service advisor attitude",
        "服务顾问态度",
    ),
    tok("repair_quality", "Repair quality", "维修质量"),
    tok("car_wash", "Car wash", "洗车"),
    tok("staff_attitude", "Staff attitude", "员工态度"),
    tok("communication", "Communication", "沟通"),
    tok("problem_resolution", "Problem resolution", "问题解决"),
    tok("call_timing", "Call timing", "回访时间安排"),
    tok("claim_speed", "Claim speed", "理赔速度"),
];

/// The complaint categories with meaning (DOMAIN.md section 12, seed `001_*`), named as the
/// seed names them. Some are also survey issue tokens, which [`TOKENS`] names in the words
/// of the surveys (`information` is 信息告知 there, 需要资讯 here): a complaint's category is
/// named from this table, anything else by [`token`].
pub const COMPLAINT_CATEGORIES: &[Label] = &[
    tok("service_attitude", "Service attitude", "服务态度"),
    tok("information", "Information needed", "需要资讯"),
    tok("broken_promise", "Broken promise", "空头承诺"),
    tok("response_time", "Response time", "回应时间"),
    tok("product_quality", "Product quality", "产品品质"),
    tok("process", "Process", "系统流程"),
];

/// The display name of a complaint category: the seed's name for the six with meaning,
/// otherwise as [`token`] names it (an unknown token as it is).
pub fn complaint_category(category: &str, lang: Lang) -> &str {
    COMPLAINT_CATEGORIES
        .iter()
        .find(|l| l.key == category)
        .map_or_else(|| token(category, lang), |l| l.text(lang))
}

const fn tok(key: &'static str, en: &'static str, zh: &'static str) -> Label {
    Label { key, en, zh }
}

/// Characters the charts draw besides the labels: the ellipsis of a shortened label, the
/// dash of a range. They are here so that they are subset into the font with the labels.
pub const EXTRA_CHARACTERS: &str = "…–";

/// The text of a UI key (`rates.title`) or a known token (`after_sales`) in `lang`; `None`
/// for anything else.
pub fn label(key: &str, lang: Lang) -> Option<&'static str> {
    Ui::ALL
        .iter()
        .map(|ui| ui.label())
        .chain(TOKENS.iter().copied())
        .find(|l| l.key == key)
        .map(|l| l.text(lang))
}

/// The display name of a category token: its label when the token is known, otherwise the
/// token itself, unchanged.
pub fn token(token: &str, lang: Lang) -> &str {
    TOKENS
        .iter()
        .find(|l| l.key == token)
        .map_or(token, |l| l.text(lang))
}

/// Every label of the table: the UI texts, then the tokens. (The complaint categories share
/// keys with tokens; their own test keeps them in the font.)
pub fn all_labels() -> impl Iterator<Item = Label> {
    Ui::ALL
        .iter()
        .map(|ui| ui.label())
        .chain(TOKENS.iter().copied())
}

/// A template with `{0}`, `{1}`, … replaced by `args`.
pub(crate) fn fill(template: &str, args: &[&str]) -> String {
    let mut out = template.to_string();
    for (i, arg) in args.iter().enumerate() {
        out = out.replace(&format!("{{{i}}}"), arg);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn complaint_categories_are_in_the_embedded_font_and_named_as_the_seed_names_them() {
        use ab_glyph::Font as _;
        let font = ab_glyph::FontRef::try_from_slice(super::super::FONT_OTF).unwrap();
        for label in COMPLAINT_CATEGORIES {
            for c in label.zh.chars().chain(label.en.chars()) {
                assert!(
                    font.glyph_id(c).0 != 0,
                    "`{c}` of {} is not in the font",
                    label.key
                );
            }
        }
        assert_eq!(complaint_category("information", Lang::Zh), "需要资讯");
        assert_eq!(token("information", Lang::Zh), "信息告知");
        assert_eq!(complaint_category("after_sales", Lang::Zh), "售后服务部");
        assert_eq!(complaint_category("parking", Lang::Zh), "parking");
    }
}

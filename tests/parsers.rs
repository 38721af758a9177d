//! Every parser of user text — cells, ids, money, dates, periods, record kinds, whole rows,
//! whole files, rules and gates files — returns a value or an error for any input, and never
//! panics (issue 18: `--week 2024-é0` panicked by slicing a string inside a character).
//! Inputs mix arbitrary Unicode with the characters these formats are made of, so that the
//! parsers get past their first checks.

use std::path::PathBuf;

use proptest::prelude::*;

use careledger::csvio::{Source, decode_text, parse_source};
use careledger::model::{
    Day, Fen, Kind, Period, Record, Timestamp, check_id, check_token, parse_bool, parse_score,
    parse_tokens,
};

/// Text near the formats: digits, separators, signs, letters of tokens, CJK, combining and
/// control characters, and anything else.
fn texty() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => proptest::sample::select(vec![
            "0", "1", "2", "9", "-", "/", ":", ".", " ", "T", "W", "é", "年", "\u{301}", "\u{202e}",
            "\u{0}", "\u{1b}", "=", ",", "\"", ";", "_", "a", "z", "2024", "12", "31", "59", "60",
            "99999999999999", "true", "是", "[", "]", "{", "}", "'",
        ])
        .prop_map(str::to_owned),
        1 => any::<String>(),
    ];
    proptest::collection::vec(piece, 0..12).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn value_parsers_never_panic(text in texty()) {
        let _ = Fen::parse(&text);
        let _ = Fen::parse_signed(&text);
        let _ = Day::parse(&text);
        let _ = Timestamp::parse(&text);
        let _ = check_id(&text);
        let _ = check_token(&text);
        let _ = parse_tokens(&text);
        let _ = parse_bool(&text);
        let _ = parse_score(&text);
        let _ = Kind::parse_name(&text);
        let _ = Period::parse_month(&text);
        let _ = Period::parse_week(&text);
        let _ = Period::parse_year(&text);
        let _ = Period::parse_month_arg(&text);
        let _ = Period::parse_week_arg(&text);
        let _ = Period::parse_year_arg(&text);
        let _ = Period::parse_any_arg(&text);
        let _ = text.parse::<careledger::model::Purpose>();
        let _ = text.parse::<careledger::model::Outcome>();
        let _ = text.parse::<careledger::model::Channel>();
    }

    #[test]
    fn rows_of_every_kind_never_panic(kind in 0usize..8, cells in proptest::collection::vec(texty(), 10)) {
        let kind = Kind::ALL[kind];
        let cells: Vec<&str> = cells.iter().take(kind.columns().len()).map(String::as_str).collect();
        let _ = Record::parse(kind, &cells);
    }

    #[test]
    fn whole_files_never_panic(kind in 0usize..8, body in proptest::collection::vec(any::<u8>(), 0..300), text in texty()) {
        let kind = Kind::ALL[kind];
        let header: Vec<&str> = kind.columns().iter().map(|c| c.name).collect();
        let source = Source { path: PathBuf::from(kind.file_name()), kind };
        let mut bytes = format!("{},op\n{text}\n", header.join(",")).into_bytes();
        bytes.extend(&body);
        let _ = parse_source(&source, &bytes);
        let _ = decode_text("f.csv", &body);
    }

    #[test]
    fn rules_and_gates_files_never_panic(text in texty(), key in proptest::sample::select(vec![
        "[visits]\ngrace_hours = ", "[churn]\nlapse_days = ", "[payouts.vip]\nreward = ",
        "[[gate]]\nkpi = \"visits.completion_rate\"\nmin = ", "[[gate]]\nkpi = ",
    ])) {
        let toml = format!("{key}{text}\n");
        let _ = careledger::rules::Rules::from_toml("rules.toml", &toml);
        let _ = careledger::gate::parse_gates("gates.toml", &toml);
    }
}

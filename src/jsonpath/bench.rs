//! A loop to count instructions per evaluation under callgrind (not a timed test):
//! `MQTK_JP_N=10000 MQTK_JP_WHICH=doc-map valgrind --tool=callgrind <test binary> --ignored --exact jsonpath::bench::evaluate_in_a_loop`,
//! once with N and once with 0: the difference over N is the cost of one evaluation. `MQTK_JP_PATH`
//! replaces the path.

use serde_json::Value;

use super::Path;
use crate::doc::Doc;

const MAP: &str = r#"{"device":"press-07","site":"plant1","line":3,"shift":"B","status":"running","temperature":21.3,"humidity":40.5,"pressure":1013.25,"rpm":1453,"vibration":[0.12,0.08,0.15,0.11],"alarms":{"high":false,"low":false},"operator":"ana","batch":"B-2026-12-07-0042","n":17,"ok":true}"#;

fn ddata() -> String {
    let mut metrics = vec![
        serde_json::json!({"name": "temp", "alias": 1, "timestamp": 1765065600017u64, "dataType": "Double", "value": 21.7}),
    ];
    for k in 0..9 {
        metrics.push(serde_json::json!({"name": format!("m{k}"), "alias": k + 2, "timestamp": 1765065600017u64,
            "dataType": if k % 2 == 1 { "Int32" } else { "Float" }, "value": k * 3 + 2}));
    }
    serde_json::json!({"timestamp": 1765065600017u64, "seq": 17, "metrics": metrics}).to_string()
}

#[test]
#[ignore = "a loop for callgrind"]
fn evaluate_in_a_loop() {
    let n: usize = std::env::var("MQTK_JP_N").map_or(10_000, |v| v.parse().unwrap());
    let which = std::env::var("MQTK_JP_WHICH").unwrap_or_else(|_| "doc-map".into());
    let dd = ddata();
    let (text, json) = if which.ends_with("map") {
        ("$[?@.temperature > 0]", MAP)
    } else {
        (r#"$.metrics[?@.name=="temp" && @.value > 0]"#, dd.as_str())
    };
    let text = std::env::var("MQTK_JP_PATH").unwrap_or_else(|_| text.to_string());
    let path = Path::parse(&text).unwrap();
    let doc = Doc::from_json(json.as_bytes()).unwrap();
    let mut value: Value = serde_json::from_str(json).unwrap();
    let mut hits = 0;
    for _ in 0..n {
        let hit = if which.starts_with("doc") {
            path.matches_doc(std::hint::black_box(&doc))
        } else {
            path.matches(std::hint::black_box(&mut value))
        };
        hits += usize::from(hit);
    }
    assert!(hits == n || hits == 0);
}

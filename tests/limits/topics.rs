//! A topic over MQTT's 65,535 bytes: one short line giving its length, never its text.

use super::{error_lines, mosquitto_21};
use crate::util::{Alias, mqtk, run};

#[test]
fn a_70000_byte_topic_is_too_long_in_one_short_line() {
    let topic = "a".repeat(70_000);
    let url = format!("mqtt://127.0.0.1:1/{topic}");
    let cases: Vec<(Vec<&str>, String)> = vec![
        (
            vec!["pub", "-t", &topic, "-m", "x"],
            "Error: Topic too long in -t argument: 70000 bytes (MQTT allows at most 65535).".into(),
        ),
        (
            vec!["pub", "-L", &url, "-m", "x"],
            "Error: Topic too long in -L topic argument: 70000 bytes (MQTT allows at most 65535)."
                .into(),
        ),
        (
            vec!["pub", "-t", "a", "-m", "x", "--will-topic", &topic],
            "Error: Topic too long in --will-topic argument: 70000 bytes (MQTT allows at most 65535)."
                .into(),
        ),
        (
            vec!["sub", "-t", &topic],
            "Error: Topic too long in -t argument: 70000 bytes (MQTT allows at most 65535).".into(),
        ),
        (
            vec!["retain-clear", "-t", &topic],
            "Error: invalid filter: too long: 70000 bytes (MQTT allows at most 65535).".into(),
        ),
        (
            vec!["bench", "-t", &topic],
            "Error: Topic template too long: 70000 bytes (MQTT allows at most 65535).".into(),
        ),
    ];
    for (args, message) in cases {
        let mut all = args.clone();
        all.extend_from_slice(&["-p", "1"]);
        let out = run(&mqtk(), &all, None);
        assert_eq!(
            (out.code, error_lines(&out)),
            (1, vec![message]),
            "{}",
            &args[..2].join(" ")
        );
    }
}

#[test]
fn mosquitto_names_say_what_mosquitto_2_1_says() {
    let topic = "a".repeat(70_000);
    let alias = Alias::new();
    for name in ["mosquitto_pub", "mosquitto_sub"] {
        let args = ["-p", "1", "-t", &topic, "-m", "x"];
        let args = if name == "mosquitto_pub" {
            &args[..]
        } else {
            &args[..4]
        };
        let ours = run(&alias.path(name), args, None);
        let want = format!(
            "Error: Malformed UTF-8 in -t argument.\n\n\nUse '{name} --help' to see usage.\n"
        );
        assert_eq!((ours.code, ours.stderr_str()), (1, want), "{name}");
        if let Some(theirs) = mosquitto_21(name) {
            let theirs = run(&theirs, args, None);
            assert_eq!(
                (ours.code, &ours.stderr),
                (theirs.code, &theirs.stderr),
                "{name} against mosquitto 2.1"
            );
        }
    }
}

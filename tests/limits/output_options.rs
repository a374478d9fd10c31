//! `sub` and `rr` output options (one shared resolution) that would silently lose to another are refused in one line.

use crate::util::{mqtk, run};

#[test]
fn json_output_refuses_options_it_would_ignore() {
    let cases: &[(&[&str], &str)] = &[
        (&["--json", "--json-path", "$.a"], "--json and --json-path"),
        (&["--json", "-F", "%p"], "--json and -F"),
        (&["--json", "-v"], "--json and -v"),
        (&["--json", "-N"], "--json and -N"),
        (&["--json-path", "$.a", "-F", "%p"], "--json-path and -F"),
    ];
    let commands: &[(&str, &[&str])] = &[
        ("sub", &["sub", "-t", "a", "-p", "1"]),
        ("rr", &["rr", "-t", "a", "-e", "b", "-m", "x", "-p", "1"]),
    ];
    for (command, base) in commands {
        for (args, pair) in cases {
            let mut all = base.to_vec();
            all.extend_from_slice(args);
            let out = run(&mqtk(), &all, None);
            assert_eq!(
                (out.code, out.stderr_str()),
                (
                    1,
                    format!(
                        "Error: {pair} cannot be combined: each sets what is printed.\n\nUse 'mqtk {command} --help' to see usage.\n"
                    )
                ),
                "{all:?}"
            );
        }
    }
    // -v and -N still shape --json-path output: accepted (and then the broker is not there).
    let out = run(
        &mqtk(),
        &[
            "sub",
            "-t",
            "a",
            "-p",
            "1",
            "--json-path",
            "$.a",
            "-v",
            "-N",
        ],
        None,
    );
    assert!(!out.stderr_str().contains("cannot be combined"), "{out}");
}

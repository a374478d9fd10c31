//! No error message, trace or report ever prints a password: every error path that a password can
//! reach is run with a recognisable one, and it must appear on neither stdout nor stderr.

use crate::broker::Broker;
use crate::util::{Alias, mqtk, run, run_env};

const PASSWORD: &str = "Pw-4f7c1e-SECRET";

#[test]
fn no_error_path_prints_the_password() {
    let broker = Broker::with_users("", &[("ann", "right")]);
    let port = broker.port_str();
    let alias = Alias::new();
    let pw = PASSWORD;
    let at = |scheme: &str, rest: &str| format!("{scheme}://ann:{pw}@{rest}");
    let proxies = [
        at("ftp", "127.0.0.1:1"),
        at("socks5h", "127.0.0.1:1"),
        at("http", "127.0.0.1:1"),
        at("http", "127.0.0.1:99999"),
        at("socks5h", ""),
    ];
    let urls = [
        at("mqtt", "127.0.0.1:1/t"),
        at("mqtt", "127.0.0.1"),
        at("ftp", "127.0.0.1/t"),
        at("mqtt", &format!("127.0.0.1:{port}/t")),
        at("ws", "127.0.0.1:1/mqtt"),
    ];
    let mut cases: Vec<(std::path::PathBuf, Vec<String>)> = Vec::new();
    let strings = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    for p in &proxies {
        for (prog, cmd) in [(mqtk(), "pub"), (mqtk(), "sub"), (mqtk(), "bench")] {
            let mut a = strings(&[cmd, "-t", "t", "-p", &port, "--proxy", p]);
            if cmd == "pub" {
                a.extend(strings(&["-m", "x"]));
            }
            cases.push((prog, a));
        }
        cases.push((
            alias.path("mosquitto_pub"),
            strings(&["-t", "t", "-m", "x", "-p", &port, "--proxy", p]),
        ));
    }
    for u in &urls {
        cases.push((mqtk(), strings(&["pub", "-L", u, "-m", "x", "-d"])));
        cases.push((mqtk(), strings(&["sub", "-L", u, "-C", "1", "-W", "1"])));
        cases.push((
            alias.path("mosquitto_pub"),
            strings(&["-L", u, "-m", "x", "-d"]),
        ));
        cases.push((
            alias.path("mosquitto_sub"),
            strings(&["-L", u, "-C", "1", "-W", "1", "-d"]),
        ));
    }
    for extra in [
        &["-p", "1"][..],
        &["-p", &port][..],
        &["-p", &port, "-d"][..],
        &["-p", &port, "--trace"][..],
        &["-p", &port, "--bogus"][..],
        &["-p", &port, "-t", "a/+"][..],
    ] {
        let mut creds = strings(&["-u", "ann", "-P", pw]);
        creds.extend(strings(extra));
        let mut pub_args = strings(&["pub", "-t", "t", "-m", "x"]);
        pub_args.extend(creds.clone());
        cases.push((mqtk(), pub_args));
        let mut sub_args = strings(&["sub", "-t", "t", "-C", "1", "-W", "1"]);
        sub_args.extend(creds.clone());
        cases.push((mqtk(), sub_args));
        let mut bench_args = strings(&["bench", "--count", "1"]);
        bench_args.extend(creds.clone());
        cases.push((mqtk(), bench_args));
        let mut rc_args = strings(&["retain-clear", "-t", "a", "--yes", "-W", "1"]);
        rc_args.extend(creds.clone());
        cases.push((mqtk(), rc_args));
        let mut mp = strings(&["-t", "t", "-m", "x"]);
        mp.extend(creds.clone());
        cases.push((alias.path("mosquitto_pub"), mp));
    }
    for (prog, args) in &cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = run(prog, &args, None);
        let all = format!("{}{}", out.stdout_str(), out.stderr_str());
        assert!(
            !all.contains(pw),
            "{} {args:?} printed the password:\n{out}",
            prog.display()
        );
        assert_ne!(
            out.code,
            0,
            "{} {args:?} was meant to fail:\n{out}",
            prog.display()
        );
    }
    // The same password from the environment and an options file.
    let home = tempfile::tempdir().expect("home");
    let config = home.path().join(".config");
    std::fs::create_dir_all(&config).expect("config dir");
    std::fs::write(
        config.join("mosquitto_pub"),
        format!("-u ann\n-P {pw}\n--bogus\n"),
    )
    .expect("options file");
    let home_str = home.path().display().to_string();
    let out = run_env(
        &alias.path("mosquitto_pub"),
        &["-t", "t", "-m", "x", "-p", &port],
        None,
        &[("HOME", &home_str)],
    );
    let all = format!("{}{}", out.stdout_str(), out.stderr_str());
    assert!(!all.contains(pw), "options file: {out}");
    assert_ne!(out.code, 0, "{out}");
}

//! Options files, read before argv: mosquitto's default files (`$XDG_CONFIG_HOME/mosquitto_pub`, else
//! `~/.config/mosquitto_pub`) under the mosquitto names, mqtk's own per-command files
//! (`$XDG_CONFIG_HOME/mqtk/pub`, else `~/.config/mqtk/pub`; also `sub`, `rr`, `bench`, `retain-clear`), and
//! `-o FILE` (mosquitto 2.1), which replaces the default file.
//!
//! Each line is one option and its value, split at the first space only, and is processed on its own,
//! as its own argv (as mosquitto does): an option at the end of a line never takes a word from the
//! next line or from the command line.

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::path::PathBuf;

use crate::exit::{Code, Failure};

/// Which default file a command reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefaultFile {
    /// mosquitto's, by program name (`mosquitto_pub`, `mosquitto_sub`).
    Mosquitto(&'static str),
    /// mqtk's, by subcommand (`pub`, `sub`, `bench`, `retain-clear`).
    Mqtk(&'static str),
}

impl DefaultFile {
    /// Where the file is, if there is a place to look.
    pub fn path(self) -> Option<PathBuf> {
        let xdg = std::env::var_os("XDG_CONFIG_HOME");
        let home = || std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config"));
        match self {
            // Set but empty still counts, as in mosquitto (it then reads `/mosquitto_pub`).
            DefaultFile::Mosquitto(program) => match xdg {
                Some(dir) => Some(PathBuf::from(dir).join(program)),
                None => home().map(|d| d.join(program)),
            },
            // The XDG rule: an unset or empty variable means `~/.config`.
            DefaultFile::Mqtk(command) => {
                let dir = xdg
                    .filter(|d| !d.is_empty())
                    .map(PathBuf::from)
                    .or_else(home)?;
                Some(dir.join("mqtk").join(command))
            }
        }
    }
}

/// An options file's options, each line as its words (one option, or an option and its value).
#[derive(Debug, Default)]
pub struct OptionsFile {
    /// Where they came from (for messages); `None` when no file was read.
    pub path: Option<PathBuf>,
    pub lines: Vec<Line>,
}

/// One option line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// 1-based, counting every line of the file.
    pub number: usize,
    pub words: Vec<OsString>,
}

impl OptionsFile {
    /// Adds where a failure came from to its first line (under the mqtk names: mosquitto's own
    /// messages do not say, and scripts may compare them).
    pub fn locate(&self, failure: Failure, line: &Line) -> Failure {
        let Some(path) = &self.path else {
            return failure;
        };
        let place = format!("(line {} of {})", line.number, path.display());
        let text = match failure.text.split_once('\n') {
            Some((first, rest)) => format!("{first}\n{place}\n{rest}"),
            None => format!("{}\n{place}\n", failure.text),
        };
        Failure { text, ..failure }
    }
}

/// The option lines of an options file. Lines are split at their first space only, so
/// `-m hello world` is one option and one value; lines starting with `#` and empty lines are skipped.
pub fn lines(text: &[u8]) -> Vec<Line> {
    let mut out = Vec::new();
    for (index, raw) in text.split(|&b| b == b'\n').enumerate() {
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        if line.first() == Some(&b'#') {
            continue;
        }
        let start = line.iter().position(|&b| b != b' ').unwrap_or(line.len());
        let line = &line[start..];
        if line.is_empty() {
            continue;
        }
        let words = match line.iter().position(|&b| b == b' ') {
            Some(i) => {
                let mut words = vec![OsString::from_vec(line[..i].to_vec())];
                // strtok(NULL, "") hands back the rest as it is, leading spaces included.
                let rest = &line[i + 1..];
                if !rest.is_empty() {
                    words.push(OsString::from_vec(rest.to_vec()));
                }
                words
            }
            None => vec![OsString::from_vec(line.to_vec())],
        };
        out.push(Line {
            number: index + 1,
            words,
        });
    }
    out
}

/// `-o FILE` as mosquitto 2.1 finds it: every argv word that is exactly `-o`, before anything else is
/// parsed. It may appear once and needs a value.
pub fn prescan(args: &[OsString]) -> Result<Option<OsString>, Failure> {
    let mut found = None;
    for (i, word) in args.iter().enumerate() {
        if word != "-o" {
            continue;
        }
        if found.is_some() {
            return Err(Failure::usage("Error: Duplicate -o argument given.\n\n"));
        }
        match args.get(i + 1) {
            Some(value) => found = Some(value.clone()),
            None => {
                return Err(Failure::usage(
                    "Error: -o argument given but no options file specified.\n\n",
                ));
            }
        }
    }
    Ok(found)
}

/// The options to process before argv: those of the `-o` file when one is given (it must be
/// readable), else those of the default file (a missing or unreadable default file contributes
/// nothing, as in mosquitto).
pub fn load(explicit: Option<&OsString>, default: DefaultFile) -> Result<OptionsFile, Failure> {
    if let Some(path) = explicit {
        let path = PathBuf::from(path);
        let text = std::fs::read(&path).map_err(|e| {
            let why = e.to_string();
            let why = why.split(" (os error").next().unwrap_or(&why).to_string();
            Failure::code(
                Code::Error,
                format!(
                    "Error: cannot read the options file '{}': {why}\n",
                    path.display()
                ),
            )
        })?;
        return Ok(OptionsFile {
            lines: lines(&text),
            path: Some(path),
        });
    }
    let Some(path) = default.path() else {
        return Ok(OptionsFile::default());
    };
    match std::fs::read(&path) {
        Ok(text) => Ok(OptionsFile {
            lines: lines(&text),
            path: Some(path),
        }),
        Err(_) => Ok(OptionsFile::default()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(lines: &[Line]) -> Vec<(usize, Vec<&str>)> {
        lines
            .iter()
            .map(|l| {
                (
                    l.number,
                    l.words.iter().map(|w| w.to_str().unwrap()).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn split_at_first_space_only() {
        let l = lines(b"# comment\n-p 18830\n\n-m hello from config \r\n  -r\n-p\t1\n-D a b c\n");
        assert_eq!(
            strings(&l),
            [
                (2, vec!["-p", "18830"]),
                (4, vec!["-m", "hello from config "]),
                (5, vec!["-r"]),
                (6, vec!["-p\t1"]),
                (7, vec!["-D", "a b c"]),
            ]
        );
    }

    #[test]
    fn o_is_found_once() {
        let args = |w: &[&str]| w.iter().map(OsString::from).collect::<Vec<_>>();
        assert_eq!(prescan(&args(&["-t", "a"])).unwrap(), None);
        assert_eq!(
            prescan(&args(&["-t", "a", "-o", "f"])).unwrap(),
            Some(OsString::from("f"))
        );
        assert_eq!(
            prescan(&args(&["-o", "f", "-o", "g"])).unwrap_err().text,
            "Error: Duplicate -o argument given.\n\n"
        );
        // As in mosquitto, the duplicate is found before the missing value.
        assert_eq!(
            prescan(&args(&["-o", "f", "-o"])).unwrap_err().text,
            "Error: Duplicate -o argument given.\n\n"
        );
        assert_eq!(
            prescan(&args(&["-t", "a", "-o"])).unwrap_err().text,
            "Error: -o argument given but no options file specified.\n\n"
        );
    }

    #[test]
    fn unreadable_explicit_file() {
        let f = load(
            Some(&OsString::from("/nonexistent/opts")),
            DefaultFile::Mqtk("pub"),
        )
        .unwrap_err();
        assert_eq!(
            f.text,
            "Error: cannot read the options file '/nonexistent/opts': No such file or directory\n"
        );
        assert!(!f.usage);
    }

    #[test]
    fn failures_say_where_in_the_file() {
        let file = OptionsFile {
            path: Some(PathBuf::from("/home/ann/.config/mqtk/pub")),
            lines: lines(b"-h broker\n-p\n"),
        };
        let failure = Failure::usage("Error: -p argument given but no port specified.\n\n");
        assert_eq!(
            file.locate(failure, &file.lines[1]).text,
            "Error: -p argument given but no port specified.\n(line 2 of /home/ann/.config/mqtk/pub)\n\n"
        );
    }
}

//! Which program the user asked for: the command and the personality, from argv[0] or from the word
//! after `mqtk`. A leaf: every layer may ask it, and it imports nothing, so the layers below the
//! command line (format, cmd, conn) need not import `cli` to know it.

/// Which program the user asked for, decided by argv[0].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Personality {
    /// `mqtk …`: mosquitto's flags and output, with its harmful quirks fixed.
    Mqtk,
    /// `mosquitto_pub` / `mosquitto_sub` / `mosquitto_rr`: mosquitto's behaviour, quirks included.
    Mosquitto,
}

/// The commands mqtk runs, in the order of their rows in [`COMMANDS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Pub,
    Sub,
    Rr,
    Bench,
    RetainClear,
}

/// One command's names.
#[derive(Debug)]
pub struct Names {
    pub command: Command,
    /// The word after `mqtk` (`mqtk pub`); also the name of its options file under mqtk.
    pub word: &'static str,
    /// The mosquitto client it stands in for, under whose name it behaves as that client.
    pub mosquitto: Option<&'static str>,
    /// Its own program name (`mqtk-pub`), the same as `mqtk pub`.
    pub alias: Option<&'static str>,
}

/// Every command, in the order `mqtk --help` lists them and of [`Command`]'s variants. A new command
/// is one variant and one row here.
pub const COMMANDS: [Names; 5] = [
    Names {
        command: Command::Pub,
        word: "pub",
        mosquitto: Some("mosquitto_pub"),
        alias: Some("mqtk-pub"),
    },
    Names {
        command: Command::Sub,
        word: "sub",
        mosquitto: Some("mosquitto_sub"),
        alias: Some("mqtk-sub"),
    },
    Names {
        command: Command::Rr,
        word: "rr",
        mosquitto: Some("mosquitto_rr"),
        alias: Some("mqtk-rr"),
    },
    Names {
        command: Command::Bench,
        word: "bench",
        mosquitto: None,
        alias: None,
    },
    Names {
        command: Command::RetainClear,
        word: "retain-clear",
        mosquitto: None,
        alias: None,
    },
];

impl Command {
    /// This command's row of [`COMMANDS`].
    pub fn names(self) -> &'static Names {
        &COMMANDS[self as usize]
    }

    /// The word after `mqtk`.
    pub fn word(self) -> &'static str {
        self.names().word
    }

    /// The command a word after `mqtk` names.
    pub fn from_word(word: &str) -> Option<Command> {
        COMMANDS.iter().find(|n| n.word == word).map(|n| n.command)
    }
}

/// The command and personality a program name (argv[0]'s file name, without `.exe`) stands for:
/// `mosquitto_pub` is pub as mosquitto, `mqtk-pub` is `mqtk pub`; `None` for `mqtk` and other names.
pub fn of_program(name: &str) -> Option<(Command, Personality)> {
    COMMANDS.iter().find_map(|n| {
        if n.mosquitto == Some(name) {
            Some((n.command, Personality::Mosquitto))
        } else if n.alias == Some(name) {
            Some((n.command, Personality::Mqtk))
        } else {
            None
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn program_names() {
        assert_eq!(
            of_program("mosquitto_pub"),
            Some((Command::Pub, Personality::Mosquitto))
        );
        assert_eq!(
            of_program("mqtk-sub"),
            Some((Command::Sub, Personality::Mqtk))
        );
        assert_eq!(of_program("mqtk"), None);
        assert_eq!(of_program("mqtk-bench"), None);
        for names in &COMMANDS {
            assert_eq!(Command::from_word(names.word), Some(names.command));
            assert_eq!(names.command.word(), names.word);
        }
    }
}

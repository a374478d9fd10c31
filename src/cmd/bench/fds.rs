//! Open files: every connection is a socket, and a big `bench conn` meets the soft limit
//! (often 1024) long before the broker's. The bench raises its soft limit to the hard limit at start
//! and, when the run still cannot fit, says so before it opens a single connection.

use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};

/// Descriptors the process needs besides its connections: stdio, the runtime's, a series file.
pub const SPARE: u64 = 64;

/// Raises the soft open-files limit to the hard one; returns the limit now in force (`None`:
/// unlimited).
pub fn raise() -> Option<u64> {
    let limit = getrlimit(Resource::Nofile);
    if limit.current != limit.maximum {
        let raised = Rlimit {
            current: limit.maximum,
            maximum: limit.maximum,
        };
        if setrlimit(Resource::Nofile, raised).is_ok() {
            return limit.maximum;
        }
    }
    limit.current
}

/// Why `connections` cannot be open at once under `limit` open files, if they cannot.
pub fn check(connections: u64, limit: Option<u64>) -> Result<(), String> {
    match limit {
        Some(limit) if connections + SPARE > limit => Err(format!(
            "Error: {connections} connections need {} open files, but this process may open only {limit} (the hard limit, ulimit -Hn). Raise it, or split the load over several bench processes and combine them with mqtk bench merge.",
            connections + SPARE
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fits_or_says_why() {
        assert!(check(100, None).is_ok());
        assert!(check(1000 - SPARE, Some(1000)).is_ok());
        let e = check(1000, Some(1000)).unwrap_err();
        assert!(
            e.contains("1064 open files") && e.contains("only 1000"),
            "{e}"
        );
        // Raising is idempotent: the limit in force is the hard one afterwards.
        let now = raise();
        assert_eq!(raise(), now);
        assert_eq!(now, getrlimit(Resource::Nofile).maximum);
    }
}

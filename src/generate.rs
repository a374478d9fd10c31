//! `mqtk generate DIR`: shell completions and man pages from the clap definition, so they can never
//! drift from the real flags (a test regenerates them and compares with the checked-in copies).

use std::path::Path;

use anyhow::{Context, Result};
use clap_complete::Shell;

/// Writes `DIR/completions/*` and `DIR/man/*.1`.
pub fn write_all(dir: &Path) -> Result<()> {
    let completions = dir.join("completions");
    let man = dir.join("man");
    std::fs::create_dir_all(&completions)
        .with_context(|| format!("creating {}", completions.display()))?;
    std::fs::create_dir_all(&man).with_context(|| format!("creating {}", man.display()))?;
    for shell in [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::PowerShell,
        Shell::Elvish,
    ] {
        let mut cmd = crate::cli::Cli::command();
        clap_complete::generate_to(shell, &mut cmd, "mqtk", &completions)
            .with_context(|| format!("writing {shell} completions"))?;
    }
    let cmd = crate::cli::Cli::command();
    clap_mangen::generate_to(cmd, &man).context("writing man pages")?;
    Ok(())
}

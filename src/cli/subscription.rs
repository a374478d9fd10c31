//! The v5 subscription options of the commands that subscribe and print (`sub`, and `rr` for its
//! response topic), flattened into each.

use clap::Args;

/// `--retain-as-published`, `--retain-handling`.
#[derive(Debug, Clone, Default, Args)]
pub struct SubscriptionArgs {
    /// v5: keep the retain flag of forwarded messages
    #[arg(long = "retain-as-published")]
    pub retain_as_published: bool,

    /// v5: when the broker sends retained messages: always, new (new subscriptions only) or never
    #[arg(
        long = "retain-handling",
        value_name = "WHEN",
        allow_hyphen_values = true
    )]
    pub retain_handling: Option<String>,
}

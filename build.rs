//! Links the `mqtk` executable without PIE on Linux/glibc.
//!
//! A position-independent executable makes the dynamic loader patch every pointer in the
//! binary's read-only data at start-up (about 30,000 relative relocations here): a copy-on-write
//! page fault per touched page, before `main`. Measured on a one-shot `pub` that is the biggest
//! single start-up cost after OpenSSL's own relocations (README, "Performance": 387 page faults
//! and 1.7x mosquitto_pub's CPU time with PIE and a shared OpenSSL, 202 faults and parity without).
//! The price is address-space randomisation of the executable image itself; shared libraries, the
//! heap and the stacks are still randomised.
fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
    println!("cargo:rerun-if-changed=build.rs");
}

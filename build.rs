//! Links the `mqtk` executable without PIE on Linux/glibc, with the unwinder from the static
//! libgcc_eh instead of the shared libgcc_s (see below).
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
        // Rust's unwinder from the static libgcc_eh instead of the shared libgcc_s: loading
        // libgcc_s runs its CPU-feature probe (`__cpu_indicator_init`), a dozen CPUID
        // instructions, each a trap to the hypervisor on a virtual machine (about 5 us here), on
        // every start. This object is linked before the standard library's `-lgcc_s`, so the
        // unwinder's symbols resolve here and `--as-needed` drops libgcc_s.
        println!("cargo:rustc-link-lib=static:-bundle=gcc_eh");
    }
    println!("cargo:rerun-if-changed=build.rs");
}

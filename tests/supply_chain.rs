//! The dependency graph follows `deny.toml`: allowed licences only, crates
//! from crates.io only, no wildcard versions (cargo-deny, installed by
//! scripts/install-test-tools). Security advisories are not checked here:
//! their database is fetched from GitHub, which this workplace does not reach.

mod common;

use std::process::Command;

#[test]
fn licences_sources_and_bans_follow_deny_toml() {
    let output = Command::new("cargo")
        .args(["deny", "check", "licenses", "bans", "sources"])
        .current_dir(common::repo())
        .output()
        .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stderr.contains("no such command"),
        "cargo-deny is not installed: scripts/install-test-tools"
    );
    assert!(output.status.success(), "{stderr}");
}

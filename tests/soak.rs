//! The 30-second version of the soak (`scripts/soak`, 10 minutes by
//! default): mixed load with hostile requests against the `serve` binary,
//! no unexpected answer, the process alive, its peak memory under 512 MiB
//! with the default settings, and no large growth of memory at rest (the
//! bound is loose: 30 seconds is too short to measure 10 %).

mod common;

use std::process::Command;

#[test]
fn thirty_seconds_of_mixed_load_without_an_unexpected_answer() {
    let output = Command::new(common::repo().join("scripts/soak"))
        .args(["--seconds", "30", "--clients", "6", "--max-growth", "200"])
        .args(["--max-peak-mib", "512"])
        .arg("--binary")
        .arg(env!("CARGO_BIN_EXE_territoire-innovant"))
        .output()
        .expect("python3 runs the soak script");
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{report}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(report.contains("unexpected: 0"), "{report}");
    assert!(report.contains("server alive: True"), "{report}");
}

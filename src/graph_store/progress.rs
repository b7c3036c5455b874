//! The progress of a push on standard error: a bar redrawn in place on a
//! terminal, a line a request otherwise (logs, CI).

use std::io::{IsTerminal, Write};
use std::time::Instant;

/// Counts the triples sent against the total of a push.
pub struct Progress {
    total: usize,
    done: usize,
    started: Instant,
    terminal: bool,
}

impl Progress {
    /// A push of `total` triples.
    pub fn new(total: usize) -> Self {
        Self {
            total,
            done: 0,
            started: Instant::now(),
            terminal: std::io::stderr().is_terminal(),
        }
    }

    /// `triples` more are in the store (sent now, or found there already);
    /// `graph` names where.
    pub fn advance(&mut self, graph: &str, triples: usize) {
        self.done = (self.done + triples).min(self.total);
        let line = self.line(graph);
        let mut stderr = std::io::stderr().lock();
        if self.terminal {
            let _ = write!(stderr, "\r\x1b[2K{line}");
            if self.done == self.total {
                let _ = writeln!(stderr);
            }
        } else {
            let _ = writeln!(stderr, "{line}");
        }
    }

    fn line(&self, graph: &str) -> String {
        const WIDTH: usize = 30;
        let fraction = if self.total == 0 {
            1.0
        } else {
            self.done as f64 / self.total as f64
        };
        let filled = (fraction * WIDTH as f64).round() as usize;
        let seconds = self.started.elapsed().as_secs_f64();
        let rate = if seconds > 0.0 {
            self.done as f64 / seconds
        } else {
            0.0
        };
        format!(
            "[{}{}] {:>3.0} % {} / {} triples, {:.0} triples/s ({graph})",
            "#".repeat(filled),
            ".".repeat(WIDTH - filled),
            fraction * 100.0,
            self.done,
            self.total,
            rate
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_fills_with_the_triples_sent() {
        let mut progress = Progress::new(200);
        progress.terminal = false;
        assert!(
            progress
                .line("g")
                .starts_with("[..............................]   0 % 0 / 200")
        );
        progress.done = 100;
        assert!(
            progress
                .line("g")
                .starts_with("[###############...............]  50 % 100 / 200")
        );
        progress.advance("g", 500);
        assert!(progress.line("g").contains("100 % 200 / 200 triples"));
    }
}

//! The memory ceiling of the process: sizes given on the command line, the
//! resident memory, the limit of the container the process runs in, and the
//! check that what a server may hold fits the ceiling.

use std::fmt;
use std::str::FromStr;

/// A number of bytes, written `536870912`, `512MiB`, `512M`, `64KiB`, `64k`,
/// `2GiB` or `2G` (the suffixes are powers of 1 024).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Bytes(pub u64);

impl FromStr for Bytes {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let digits = text
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(text.len());
        let (number, unit) = text.split_at(digits);
        let expected = || {
            format!(
                "{text:?} is not a size: expected a number of bytes, optionally followed by KiB, MiB or GiB (e.g. 512MiB)"
            )
        };
        let number: u64 = number.parse().map_err(|_| expected())?;
        let shift = match unit.trim().to_ascii_lowercase().as_str() {
            "" | "b" => 0,
            "k" | "kb" | "kib" => 10,
            "m" | "mb" | "mib" => 20,
            "g" | "gb" | "gib" => 30,
            _ => return Err(expected()),
        };
        number
            .checked_mul(1 << shift)
            .map(Bytes)
            .ok_or_else(|| format!("{text:?} is too large"))
    }
}

impl fmt::Display for Bytes {
    /// In the largest unit that keeps one decimal meaningful: `512 MiB`,
    /// `1.5 GiB`, `900 B`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const UNITS: [(&str, u32); 3] = [("GiB", 30), ("MiB", 20), ("KiB", 10)];
        for (unit, shift) in UNITS {
            if self.0 >= 1 << shift {
                let value = self.0 as f64 / (1_u64 << shift) as f64;
                return if value.fract() < 0.05 || value >= 100.0 {
                    write!(f, "{value:.0} {unit}")
                } else {
                    write!(f, "{value:.1} {unit}")
                };
            }
        }
        write!(f, "{} B", self.0)
    }
}

/// The memory the process holds in RAM now (its resident set), if the
/// system says (Linux).
pub fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    // SAFETY: sysconf takes no pointer.
    let page_size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    Some(pages * u64::try_from(page_size).ok()?)
}

/// A memory line of `/proc/self/status` in KiB (`VmRSS:` the resident set,
/// `VmHWM:` its peak), if the system says (Linux). The benchmarks' examples
/// read the peak with it.
pub fn status_kib(field: &str) -> Option<u64> {
    std::fs::read_to_string("/proc/self/status")
        .ok()?
        .lines()
        .find_map(|line| {
            line.strip_prefix(field)?
                .trim()
                .strip_suffix(" kB")?
                .trim()
                .parse()
                .ok()
        })
}

/// The memory limit of the control group (container) the process runs in,
/// if it has one: cgroup v2's `memory.max`, else cgroup v1's
/// `memory.limit_in_bytes`, as a container sees them at the root of
/// `/sys/fs/cgroup`.
pub fn container_limit() -> Option<u64> {
    let read = |path: &str| std::fs::read_to_string(path).ok();
    let value = read("/sys/fs/cgroup/memory.max")
        .or_else(|| read("/sys/fs/cgroup/memory/memory.limit_in_bytes"))?;
    // "max" (v2) or a number near 2⁶³ (v1) means no limit.
    value
        .trim()
        .parse()
        .ok()
        .filter(|&bytes: &u64| bytes < 1 << 60)
}

/// Where a memory ceiling comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A setting (`--memory-limit`).
    Setting,
    /// The limit of the container (control group).
    Container,
}

impl Source {
    /// `setting` or `container`.
    pub fn name(self) -> &'static str {
        match self {
            Source::Setting => "setting",
            Source::Container => "container",
        }
    }
}

/// The most memory the process may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ceiling {
    /// The limit.
    pub bytes: Bytes,
    /// Where it comes from.
    pub source: Source,
}

impl Ceiling {
    /// The ceiling that `setting` gives, or else the container's limit.
    pub fn from_setting_or_container(setting: Option<Bytes>) -> Option<Self> {
        match setting {
            Some(bytes) => Some(Self {
                bytes,
                source: Source::Setting,
            }),
            None => container_limit().map(|bytes| Self {
                bytes: Bytes(bytes),
                source: Source::Container,
            }),
        }
    }
}

/// One use of memory in a [`Plan`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// What holds it, in words (`query evaluations (8 × 32 MiB)`).
    pub what: String,
    /// How much it may hold.
    pub bytes: Bytes,
    /// The setting that changes it, if one does (`--cache-bytes`).
    pub setting: Option<&'static str>,
}

/// What a process may hold at most, part by part.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// The parts, in the order given.
    pub parts: Vec<Part>,
}

impl Plan {
    /// Adds a part.
    pub fn with(
        mut self,
        what: impl Into<String>,
        bytes: u64,
        setting: Option<&'static str>,
    ) -> Self {
        self.parts.push(Part {
            what: what.into(),
            bytes: Bytes(bytes),
            setting,
        });
        self
    }

    /// The sum of the parts.
    pub fn total(&self) -> Bytes {
        Bytes(self.parts.iter().map(|p| p.bytes.0).sum())
    }

    /// Whether the plan fits `ceiling`; if not, an error that says what
    /// each part takes and which settings change it.
    pub fn fits(&self, ceiling: Ceiling) -> Result<(), TooLarge> {
        if self.total() <= ceiling.bytes {
            Ok(())
        } else {
            Err(TooLarge {
                plan: self.clone(),
                ceiling,
            })
        }
    }
}

/// A plan that does not fit its ceiling.
#[derive(Debug, Clone, thiserror::Error)]
pub struct TooLarge {
    plan: Plan,
    ceiling: Ceiling,
}

impl fmt::Display for TooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let limit = match self.ceiling.source {
            Source::Setting => "--memory-limit",
            Source::Container => "the container's memory limit; set --memory-limit to use less",
        };
        write!(
            f,
            "the settings may need {} of memory but the ceiling is {} ({limit}): ",
            self.plan.total(),
            self.ceiling.bytes
        )?;
        let parts: Vec<String> = self
            .plan
            .parts
            .iter()
            .map(|p| match p.setting {
                Some(setting) => format!("{} {} ({setting})", p.what, p.bytes),
                None => format!("{} {}", p.what, p.bytes),
            })
            .collect();
        write!(
            f,
            "{}; lower one of the settings or raise the ceiling",
            parts.join(", ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_os = "linux")]
    #[test]
    fn the_resident_set_and_its_peak_are_read_from_the_process_status() {
        let peak = status_kib("VmHWM:").expect("Linux reports the peak");
        let now = status_kib("VmRSS:").expect("Linux reports the resident set");
        assert!(now > 0 && peak >= now, "{now} KiB now, {peak} KiB at peak");
        assert_eq!(status_kib("NoSuchField:"), None);
    }

    #[test]
    fn sizes_are_read_with_or_without_a_unit() {
        for (text, bytes) in [
            ("536870912", 512 << 20),
            ("512MiB", 512 << 20),
            ("512M", 512 << 20),
            ("512 mib", 512 << 20),
            ("64KiB", 64 << 10),
            ("64k", 64 << 10),
            ("2GiB", 2 << 30),
            ("0", 0),
        ] {
            assert_eq!(text.parse::<Bytes>(), Ok(Bytes(bytes)), "{text}");
        }
        for wrong in [
            "",
            "MiB",
            "12 bananas",
            "-5",
            "1.5GiB",
            "99999999999999999999",
        ] {
            let error = wrong.parse::<Bytes>().unwrap_err();
            assert!(error.contains(&format!("{wrong:?}")), "{error}");
        }
    }

    #[test]
    fn sizes_are_written_in_their_unit() {
        assert_eq!(Bytes(512 << 20).to_string(), "512 MiB");
        assert_eq!(Bytes(3 << 29).to_string(), "1.5 GiB");
        assert_eq!(Bytes(900).to_string(), "900 B");
        assert_eq!(Bytes(64 << 10).to_string(), "64 KiB");
    }

    #[test]
    fn the_resident_memory_is_known_on_linux() {
        let resident = resident_bytes().expect("/proc/self/statm");
        assert!(resident > 1 << 20, "{resident}");
    }

    #[test]
    fn a_plan_over_its_ceiling_says_what_to_change() {
        let plan = Plan::default()
            .with("at rest", 40 << 20, None)
            .with(
                "query evaluations (8 × 32 MiB)",
                256 << 20,
                Some("--query-memory-bytes"),
            )
            .with("answer cache", 32 << 20, Some("--cache-bytes"));
        assert_eq!(plan.total(), Bytes(328 << 20));
        let ceiling = |mib: u64| Ceiling {
            bytes: Bytes(mib << 20),
            source: Source::Setting,
        };
        assert!(plan.fits(ceiling(512)).is_ok());
        let message = plan.fits(ceiling(256)).unwrap_err().to_string();
        assert!(message.contains("328 MiB"), "{message}");
        assert!(message.contains("256 MiB (--memory-limit)"), "{message}");
        assert!(
            message.contains("answer cache 32 MiB (--cache-bytes)"),
            "{message}"
        );
        assert!(message.contains("--query-memory-bytes"), "{message}");
    }
}

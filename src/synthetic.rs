//! Synthetic source data for benchmarks: a data directory of the same shape
//! as `data/` at any scale, which goes through the same loader, checks and
//! conversion as the real data. The real data directory is loaded (and so
//! checked) first; its label, registries and reference extract are copied,
//! its organisations file gets synthetic laureates appended, and the
//! editions are generated.
//!
//! Shape (from the 2023 edition): awards spread over the real categories
//! and levels; about 90 % of awards have one laureate, 8 % two, 2 % three;
//! laureates are drawn with a skew (some organisations win often), from a
//! pool of one organisation per two awards. Same inputs, same bytes.

use crate::source::SourceData;
use crate::source::model::Id;
use serde::Serialize;
use std::path::Path;

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    /// Number of awards over all editions.
    pub awards: usize,
    /// Seed of the pseudo-random choices.
    pub seed: u64,
}

/// Years of the generated editions end with this one.
const LAST_YEAR: i32 = 2023;
/// Awards per edition, as in 2023; editions hold more once there are
/// [`MAX_EDITIONS`] of them.
const AWARDS_PER_EDITION: usize = 25;
const MAX_EDITIONS: usize = 500;

#[derive(Serialize)]
struct OrganisationsFile {
    organisation: Vec<Organisation>,
}

#[derive(Serialize)]
struct Organisation {
    id: String,
    name: String,
}

#[derive(Serialize)]
struct EditionFile {
    edition: Edition,
    award: Vec<Award>,
}

#[derive(Serialize)]
struct Edition {
    year: i32,
    label: String,
    source: String,
    criteria: Vec<String>,
}

#[derive(Serialize)]
struct Award {
    id: String,
    category: String,
    level: String,
    laureates: Vec<String>,
    title: String,
}

/// The ids of registry entries, as text.
fn ids<'a>(entries: impl Iterator<Item = &'a Id>) -> Vec<String> {
    entries.map(|id| id.get_ref().clone()).collect()
}

/// A small deterministic pseudo-random generator (SplitMix64).
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A number in `0..n`, small numbers more likely (the square of a
    /// uniform draw): a few organisations win many awards.
    fn skewed_below(&mut self, n: usize) -> usize {
        let u = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        ((u * u) * n as f64) as usize % n
    }
}

/// Writes a synthetic data directory at `out` from the real one at `data`.
/// `out` must not exist yet.
pub fn generate(data: &Path, out: &Path, scale: Scale) -> anyhow::Result<()> {
    anyhow::ensure!(scale.awards > 0, "at least one award is needed");
    anyhow::ensure!(
        !out.exists(),
        "{} exists: give a new directory",
        out.display()
    );
    let real = SourceData::load(data)?;
    let categories = ids(real.categories.content.category.iter().map(|c| &c.id));
    let levels = ids(real.levels.content.level.iter().map(|l| &l.id));
    let criteria = ids(real.criteria.content.criterion.iter().map(|c| &c.id));
    let label_id = real.label.content.label.id.get_ref().clone();
    let source_id = real.label.content.label.source.get_ref().clone();

    std::fs::create_dir_all(out.join("registry"))?;
    std::fs::create_dir_all(out.join("reference"))?;
    std::fs::create_dir_all(out.join("editions"))?;
    for file in [
        "label.toml",
        "registry/categories.toml",
        "registry/levels.toml",
        "registry/criteria.toml",
        "registry/kinds.toml",
        "reference/decoupage-administratif.toml",
    ] {
        std::fs::copy(data.join(file), out.join(file))?;
    }

    let organisation_count = scale.awards.div_ceil(2);
    let organisations: Vec<Organisation> = (1..=organisation_count)
        .map(|n| Organisation {
            id: format!("collectivite-synthetique-{n}"),
            name: format!("Collectivité synthétique {n}"),
        })
        .collect();
    let mut text = std::fs::read_to_string(data.join("registry/organisations.toml"))?;
    text += "\n# Synthetic laureates (benchmark data).\n";
    text += &toml::to_string(&OrganisationsFile {
        organisation: organisations,
    })?;
    std::fs::write(out.join("registry/organisations.toml"), text)?;

    let mut random = Random(scale.seed);
    let editions = scale
        .awards
        .div_ceil(AWARDS_PER_EDITION)
        .clamp(1, MAX_EDITIONS);
    let mut next_award = 0;
    for edition in 0..editions {
        let year = LAST_YEAR - (editions - 1 - edition) as i32;
        let count = (scale.awards - next_award) / (editions - edition);
        let awards = (0..count)
            .map(|_| {
                next_award += 1;
                let laureate_count = match random.below(100) {
                    0..90 => 1,
                    90..98 => 2,
                    _ => 3,
                }
                .min(organisation_count);
                let mut laureates: Vec<String> = Vec::with_capacity(laureate_count);
                while laureates.len() < laureate_count {
                    let n = random.skewed_below(organisation_count) + 1;
                    let id = format!("collectivite-synthetique-{n}");
                    if !laureates.contains(&id) {
                        laureates.push(id);
                    }
                }
                Award {
                    id: format!("projet-{next_award}"),
                    category: categories[random.below(categories.len())].clone(),
                    level: levels[random.below(levels.len())].clone(),
                    laureates,
                    title: format!("Projet synthétique n° {next_award}"),
                }
            })
            .collect();
        let file = EditionFile {
            edition: Edition {
                year,
                label: label_id.clone(),
                source: source_id.clone(),
                criteria: criteria.clone(),
            },
            award: awards,
        };
        std::fs::write(
            out.join("editions").join(format!("{year}.toml")),
            toml::to_string(&file)?,
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_data_passes_the_loader_with_the_asked_number_of_awards() {
        let real = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("data");
        generate(
            &real,
            &out,
            Scale {
                awards: 1_000,
                seed: 7,
            },
        )
        .unwrap();
        let data = SourceData::load(&out).unwrap_or_else(|e| panic!("{e}"));
        let awards: usize = data.editions.iter().map(|e| e.content.award.len()).sum();
        assert_eq!(awards, 1_000);
        assert_eq!(data.editions.len(), 40);
        let shared = data
            .editions
            .iter()
            .flat_map(|e| &e.content.award)
            .filter(|a| a.get_ref().laureates.get_ref().len() > 1)
            .count();
        assert!((50..=200).contains(&shared), "{shared} co-laureate awards");
    }

    #[test]
    fn the_same_seed_gives_the_same_files() {
        let real = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
        let dir = tempfile::tempdir().unwrap();
        let scale = Scale {
            awards: 300,
            seed: 1,
        };
        generate(&real, &dir.path().join("a"), scale).unwrap();
        generate(&real, &dir.path().join("b"), scale).unwrap();
        for year in [2012, 2023] {
            let file = format!("editions/{year}.toml");
            assert_eq!(
                std::fs::read(dir.path().join("a").join(&file)).unwrap(),
                std::fs::read(dir.path().join("b").join(&file)).unwrap()
            );
        }
        assert!(generate(&real, &dir.path().join("a"), scale).is_err());
    }
}

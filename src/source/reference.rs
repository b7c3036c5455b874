//! Lookups in the reference extract: what an organisation's `reference`
//! names, and the geography it belongs to.

use super::SourceData;
use super::model::{ReferenceCommune, ReferenceDepartement, ReferenceEpci, ReferenceRegion};

/// An entity of the reference extract.
#[derive(Debug, Clone, Copy)]
pub enum Entity<'a> {
    /// A commune.
    Commune(&'a ReferenceCommune),
    /// An EPCI.
    Epci(&'a ReferenceEpci),
    /// A département.
    Departement(&'a ReferenceDepartement),
    /// A région.
    Region(&'a ReferenceRegion),
}

/// The territories an entity covers (see [`SourceData::covered`]), each
/// once, by code.
#[derive(Debug, Default)]
pub struct Covered<'a> {
    /// Its communes.
    pub communes: Vec<&'a ReferenceCommune>,
    /// The départements it covers, whole or in part.
    pub departements: Vec<&'a ReferenceDepartement>,
    /// The régions it covers, whole or in part.
    pub regions: Vec<&'a ReferenceRegion>,
}

/// Why a reference does not resolve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unresolved {
    /// Not of the form `table:code`, or an unknown table.
    Malformed,
    /// The code is not in the extract.
    Missing,
}

impl SourceData {
    /// The entity `reference` (`commune:CODE`, `epci:SIREN`,
    /// `departement:CODE`, `region:CODE`) names in the extract.
    pub fn resolve(&self, reference: &str) -> Result<Entity<'_>, Unresolved> {
        let (table, code) = reference.split_once(':').ok_or(Unresolved::Malformed)?;
        let extract = &self.reference.content;
        let found = match table {
            "commune" => extract
                .commune
                .iter()
                .find(|c| c.code.get_ref() == code)
                .map(Entity::Commune),
            "epci" => extract
                .epci
                .iter()
                .find(|e| e.code.get_ref() == code)
                .map(Entity::Epci),
            "departement" => self.departement(code).map(Entity::Departement),
            "region" => self.region(code).map(Entity::Region),
            _ => return Err(Unresolved::Malformed),
        };
        found.ok_or(Unresolved::Missing)
    }

    /// The département with INSEE code `code`.
    pub fn departement(&self, code: &str) -> Option<&ReferenceDepartement> {
        self.reference
            .content
            .departement
            .iter()
            .find(|d| d.code.get_ref() == code)
    }

    /// The commune with INSEE code `code`.
    pub fn commune(&self, code: &str) -> Option<&ReferenceCommune> {
        self.reference
            .content
            .commune
            .iter()
            .find(|c| c.code.get_ref() == code)
    }

    /// The territories `entity` covers, from the official lists: a commune
    /// itself; an EPCI its member communes; a département itself; a région
    /// its départements; with the départements and régions they are in.
    pub fn covered<'a>(&'a self, entity: Entity<'a>) -> Covered<'a> {
        let mut covered = Covered::default();
        match entity {
            Entity::Commune(c) => covered.communes.push(c),
            Entity::Epci(e) => covered
                .communes
                .extend(e.members.iter().filter_map(|m| self.commune(m.get_ref()))),
            Entity::Departement(d) => covered.departements.push(d),
            Entity::Region(r) => covered.departements.extend(
                self.reference
                    .content
                    .departement
                    .iter()
                    .filter(|d| d.region.get_ref() == r.code.get_ref()),
            ),
        }
        let departements: Vec<&ReferenceDepartement> = covered
            .communes
            .iter()
            .filter_map(|c| self.departement(c.departement.get_ref()))
            .collect();
        covered.departements.extend(departements);
        covered.departements.sort_by_key(|d| d.code.get_ref());
        covered.departements.dedup_by_key(|d| d.code.get_ref());
        let regions: Vec<&ReferenceRegion> = covered
            .departements
            .iter()
            .filter_map(|d| self.region(d.region.get_ref()))
            .chain(match entity {
                Entity::Region(r) => Some(r),
                _ => None,
            })
            .collect();
        covered.regions = regions;
        covered.regions.sort_by_key(|r| r.code.get_ref());
        covered.regions.dedup_by_key(|r| r.code.get_ref());
        covered
    }

    /// The région with INSEE code `code`.
    pub fn region(&self, code: &str) -> Option<&ReferenceRegion> {
        self.reference
            .content
            .region
            .iter()
            .find(|r| r.code.get_ref() == code)
    }
}

impl<'a> Entity<'a> {
    /// The official name, for communes and EPCIs (a département or région
    /// names a territory, not the organisation).
    pub fn official_name(self) -> Option<&'a str> {
        match self {
            Self::Commune(c) => Some(&c.name),
            Self::Epci(e) => Some(&e.name),
            _ => None,
        }
    }

    /// The SIREN, where the reference gives it (an EPCI's code is its SIREN).
    pub fn siren(self) -> Option<&'a str> {
        match self {
            Self::Commune(c) => Some(c.siren.get_ref()),
            Self::Epci(e) => Some(e.code.get_ref()),
            _ => None,
        }
    }

    /// Its population, where the package gives one (communes and EPCIs).
    pub fn population(self) -> Option<u64> {
        match self {
            Self::Commune(c) => c.population,
            Self::Epci(e) => e.population,
            _ => None,
        }
    }

    /// The INSEE code: commune, EPCI, département or région code.
    pub fn insee_code(self) -> &'a str {
        match self {
            Self::Commune(c) => c.code.get_ref(),
            Self::Epci(e) => e.code.get_ref(),
            Self::Departement(d) => d.code.get_ref(),
            Self::Region(r) => r.code.get_ref(),
        }
    }

    /// The code of its département: a commune's, a département itself, or
    /// an EPCI's when all its members are in one département (the seat is
    /// among them; the reference does not give the seat itself).
    pub fn departement_code(self) -> Option<&'a str> {
        match self {
            Self::Commune(c) => Some(c.departement.get_ref()),
            Self::Departement(d) => Some(d.code.get_ref()),
            Self::Epci(e) => match e.member_departements.as_slice() {
                [only] => Some(only.get_ref()),
                _ => None,
            },
            Self::Region(_) => None,
        }
    }
}

/// Whether `siren` is a valid SIREN: nine digits whose Luhn checksum is 0.
pub fn is_valid_siren(siren: &str) -> bool {
    siren.len() == 9
        && siren.bytes().all(|b| b.is_ascii_digit())
        && siren
            .bytes()
            .rev()
            .enumerate()
            .map(|(i, b)| {
                let digit = u32::from(b - b'0');
                if i % 2 == 1 {
                    let doubled = digit * 2;
                    doubled / 10 + doubled % 10
                } else {
                    digit
                }
            })
            .sum::<u32>()
            % 10
            == 0
}

#[cfg(test)]
mod tests {
    use super::is_valid_siren;

    #[test]
    fn siren_check_digits_follow_luhn() {
        assert!(is_valid_siren("243100633")); // CA du Sicoval
        assert!(is_valid_siren("217500016")); // Paris
        assert!(is_valid_siren("200046977")); // Métropole de Lyon
        assert!(!is_valid_siren("243100634"));
        assert!(!is_valid_siren("24310063"));
        assert!(!is_valid_siren("24310063a"));
    }
}

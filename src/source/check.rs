//! Semantic checks of the source data: identifiers, references, required
//! values. Every problem is reported with its file, line and field.

use super::model::Id;
use super::reference::{Entity, Unresolved, is_valid_siren};
use super::{SourceData, SourceError, SourceFile};
use oxigraph::model::NamedNode;
use std::collections::{HashMap, HashSet};
use toml::Spanned;

/// Returns every problem of `data`, in file order.
pub(super) fn check(data: &SourceData) -> Vec<SourceError> {
    let mut checker = Checker::default();

    let organisations = &data.organisations.content.organisation;
    let known_organisations = checker.register(
        &data.organisations,
        "organisation",
        organisations.iter().map(|o| &o.id),
    );
    let known_sources = checker.register(
        &data.label,
        "source",
        data.label.content.source.iter().map(|s| &s.id),
    );
    let known_categories = checker.register(
        &data.categories,
        "category",
        data.categories.content.category.iter().map(|c| &c.id),
    );
    let known_levels = checker.register(
        &data.levels,
        "level",
        data.levels.content.level.iter().map(|l| &l.id),
    );
    let known_criteria = checker.register(
        &data.criteria,
        "criterion",
        data.criteria.content.criterion.iter().map(|c| &c.id),
    );
    let known_kinds = checker.register(
        &data.kinds,
        "kind",
        data.kinds.content.kind.iter().map(|k| &k.id),
    );
    let kind = Registry::new(&known_kinds, "kind", "registry/kinds.toml");
    let organisation = Registry::new(
        &known_organisations,
        "organisation",
        "registry/organisations.toml",
    );
    let source = Registry::new(&known_sources, "source", "label.toml [[source]]");
    let category = Registry::new(&known_categories, "category", "registry/categories.toml");
    let level = Registry::new(&known_levels, "level", "registry/levels.toml");
    let criterion = Registry::new(&known_criteria, "criterion", "registry/criteria.toml");

    // label.toml
    let file = &data.label;
    let label = &file.content.label;
    checker.slug(file, "label.id", &label.id);
    checker.text(file, "label.name", &label.name);
    checker.reference(file, "label.organiser", &label.organiser, &organisation);
    checker.reference(file, "label.source", &label.source, &source);
    for (i, s) in file.content.source.iter().enumerate() {
        checker.text(file, &format!("source[{i}].title"), &s.title);
        if let Some(publisher) = &s.publisher {
            checker.reference(
                file,
                &format!("source[{i}].publisher"),
                publisher,
                &organisation,
            );
        }
    }
    checker.iri(file, "dataset.license", &file.content.dataset.license);
    let publisher = &file.content.publisher;
    match (&publisher.get_ref().organisation, &publisher.get_ref().name) {
        (Some(id), None) => {
            checker.reference(file, "publisher.organisation", id, &organisation);
            if let Some(homepage) = &publisher.get_ref().homepage {
                checker.push(file.error(
                    homepage.span(),
                    "publisher.homepage",
                    "a homepage goes with a name: an organisation's is in registry/organisations.toml",
                ));
            }
        }
        (None, Some(name)) => checker.text(file, "publisher.name", name),
        _ => checker.push(file.error(
            publisher.span(),
            "publisher",
            "expected either `organisation` (an id of registry/organisations.toml) or `name` (and optionally `homepage`)",
        )),
    }
    if let Some(homepage) = &publisher.get_ref().homepage {
        checker.iri(file, "publisher.homepage", homepage);
    }

    // registry/organisations.toml
    let file = &data.organisations;
    for (i, o) in organisations.iter().enumerate() {
        checker.text(file, &format!("organisation[{i}].name"), &o.name);
        for (j, founder) in o.founders.iter().enumerate() {
            checker.reference(
                file,
                &format!("organisation[{i}].founders[{j}]"),
                founder,
                &organisation,
            );
        }
        if let Some(website) = &o.website {
            checker.iri(file, &format!("organisation[{i}].website"), website);
        }
        for (j, page) in o.same_as.iter().enumerate() {
            checker.iri(file, &format!("organisation[{i}].same_as[{j}]"), page);
        }
        if let Some(id) = &o.source {
            checker.reference(file, &format!("organisation[{i}].source"), id, &source);
        }
        if let Some(id) = &o.kind {
            checker.reference(file, &format!("organisation[{i}].kind"), id, &kind);
        }
        match (&o.official_name, &o.official_name_source, &o.reference) {
            (None, None, _) => {}
            (Some(name), Some(id), None) => {
                checker.text(file, &format!("organisation[{i}].official_name"), name);
                checker.reference(
                    file,
                    &format!("organisation[{i}].official_name_source"),
                    id,
                    &source,
                );
            }
            (Some(name), _, Some(_)) => checker.push(file.error(
                name.span(),
                format!("organisation[{i}].official_name"),
                "the reference extract gives the official name of an organisation with a `reference`: expected no `official_name`",
            )),
            (Some(name), None, None) => checker.push(file.error(
                name.span(),
                format!("organisation[{i}].official_name"),
                "an official name needs the source that gives it: expected `official_name_source` (an id of label.toml [[source]])",
            )),
            (None, Some(id), _) => checker.push(file.error(
                id.span(),
                format!("organisation[{i}].official_name_source"),
                "a source without an official name: expected `official_name` too",
            )),
        }
        check_reference(&mut checker, data, i, o);
    }
    check_extract(&mut checker, data);

    // registry/kinds.toml: broader kinds are kinds, without a cycle.
    let kinds = &data.kinds.content.kind;
    for (i, k) in kinds.iter().enumerate() {
        if let Some(id) = &k.source {
            checker.reference(&data.kinds, &format!("kind[{i}].source"), id, &source);
        }
        let Some(broader) = &k.broader else { continue };
        checker.reference(&data.kinds, &format!("kind[{i}].broader"), broader, &kind);
        let mut next = Some(broader);
        for _ in 0..=kinds.len() {
            let Some(id) = next else { break };
            if id.get_ref() == k.id.get_ref() {
                checker.push(data.kinds.error(
                    broader.span(),
                    format!("kind[{i}].broader"),
                    format!(
                        "\"{}\" is broader than itself through its broader kinds: expected a hierarchy without a cycle",
                        k.id.get_ref()
                    ),
                ));
                break;
            }
            next = kinds
                .iter()
                .find(|other| other.id.get_ref() == id.get_ref())
                .and_then(|other| other.broader.as_ref());
        }
    }

    // registry/categories.toml, levels.toml, criteria.toml
    for (i, c) in data.categories.content.category.iter().enumerate() {
        checker.text(
            &data.categories,
            &format!("category[{i}].label_fr"),
            &c.label_fr,
        );
        checker.text(
            &data.categories,
            &format!("category[{i}].label_en"),
            &c.label_en,
        );
    }
    let mut ranks = HashMap::new();
    for (i, l) in data.levels.content.level.iter().enumerate() {
        checker.text(&data.levels, &format!("level[{i}].label_fr"), &l.label_fr);
        checker.text(&data.levels, &format!("level[{i}].label_en"), &l.label_en);
        if let Some(first) = ranks.insert(*l.rank.get_ref(), i) {
            checker.push(data.levels.error(
                l.rank.span(),
                format!("level[{i}].rank"),
                format!(
                    "rank {} is already used by level[{first}]: expected distinct ranks",
                    l.rank.get_ref()
                ),
            ));
        }
    }
    for (i, c) in data.criteria.content.criterion.iter().enumerate() {
        checker.text(
            &data.criteria,
            &format!("criterion[{i}].label_fr"),
            &c.label_fr,
        );
        checker.text(
            &data.criteria,
            &format!("criterion[{i}].label_en"),
            &c.label_en,
        );
    }

    // editions/*.toml
    let mut years = HashMap::new();
    for file in &data.editions {
        let edition = &file.content.edition;
        let year = *edition.year.get_ref();
        let stem = file.path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        if stem != year.to_string() {
            checker.push(file.error(
                edition.year.span(),
                "edition.year",
                format!("the file of edition {year} must be named {year}.toml, not {stem}.toml"),
            ));
        }
        if let Some(first) = years.insert(year, file.path.display().to_string()) {
            checker.push(file.error(
                edition.year.span(),
                "edition.year",
                format!("edition {year} is already defined in {first}"),
            ));
        }
        checker.reference(
            file,
            "edition.label",
            &edition.label,
            &Registry::new(
                &HashSet::from([label.id.get_ref().as_str()]),
                "label",
                "label.toml [label]",
            ),
        );
        checker.reference(file, "edition.source", &edition.source, &source);
        if let Some(reference) = &edition.forum_city_reference {
            let problem = match data.resolve(reference.get_ref()) {
                Ok(Entity::Commune(commune)) => (edition.forum_city.as_deref()
                    != Some(commune.name.as_str()))
                .then(|| {
                    format!(
                        "\"{}\" is the commune of {} in the reference extract: expected forum_city = \"{}\"",
                        reference.get_ref(),
                        commune.name,
                        commune.name
                    )
                }),
                Err(Unresolved::Missing) => Some(format!(
                    "\"{}\" is not in reference/decoupage-administratif.toml: add it with scripts/reference-extract",
                    reference.get_ref()
                )),
                Ok(_) | Err(Unresolved::Malformed) => Some(format!(
                    "\"{}\" is not a commune: expected commune:CODE",
                    reference.get_ref()
                )),
            };
            if let Some(problem) = problem {
                checker.push(file.error(reference.span(), "edition.forum_city_reference", problem));
            }
        }
        for (j, id) in edition.criteria.iter().enumerate() {
            checker.reference(file, &format!("edition.criteria[{j}]"), id, &criterion);
        }
        checker.unique_within(file, "edition.criteria", &edition.criteria);
        if let Some(jury) = &file.content.jury {
            for (j, id) in jury.members.iter().enumerate() {
                checker.reference(file, &format!("jury.members[{j}]"), id, &organisation);
            }
            checker.unique_within(file, "jury.members", &jury.members);
        }
        checker.register(
            file,
            "award",
            file.content.award.iter().map(|a| &a.get_ref().id),
        );
        if file.content.award.is_empty() {
            checker.push(file.error(0..0, "award", "expected at least one [[award]]"));
        }
        for (i, award) in file.content.award.iter().enumerate() {
            let award = award.get_ref();
            checker.reference(
                file,
                &format!("award[{i}].category"),
                &award.category,
                &category,
            );
            checker.reference(file, &format!("award[{i}].level"), &award.level, &level);
            checker.text(file, &format!("award[{i}].title"), &award.title);
            if let Some(subtitle) = &award.subtitle {
                checker.text(file, &format!("award[{i}].subtitle"), subtitle);
            }
            let laureates = award.laureates.get_ref();
            if laureates.is_empty() {
                checker.push(file.error(
                    award.laureates.span(),
                    format!("award[{i}].laureates"),
                    format!(
                        "award \"{}\" has no laureate: expected at least one organisation id",
                        award.id.get_ref()
                    ),
                ));
            }
            for (j, id) in laureates.iter().enumerate() {
                checker.reference(
                    file,
                    &format!("award[{i}].laureates[{j}]"),
                    id,
                    &organisation,
                );
            }
            checker.unique_within(file, &format!("award[{i}].laureates"), laureates);
        }
    }
    checker.errors
}

/// An organisation's `reference` and `territory` name entities of the
/// extract, and an EPCI's kind is the one its type says.
fn check_reference(
    checker: &mut Checker,
    data: &SourceData,
    i: usize,
    o: &super::model::Organisation,
) {
    let file = &data.organisations;
    for (field, value, expected) in [
        (
            "reference",
            &o.reference,
            "commune:CODE, epci:SIREN, departement:CODE or region:CODE",
        ),
        ("territory", &o.territory, "departement:CODE"),
    ] {
        let Some(value) = value else { continue };
        let field = format!("organisation[{i}].{field}");
        match data.resolve(value.get_ref()) {
            Err(Unresolved::Malformed) => checker.push(file.error(
                value.span(),
                field,
                format!("\"{}\" is not a reference: expected {expected}", value.get_ref()),
            )),
            Err(Unresolved::Missing) => checker.push(file.error(
                value.span(),
                field,
                format!(
                    "\"{}\" is not in reference/decoupage-administratif.toml: add it with scripts/reference-extract",
                    value.get_ref()
                ),
            )),
            Ok(Entity::Epci(epci)) => {
                let expected_kind = data
                    .kinds
                    .content
                    .kind
                    .iter()
                    .find(|k| k.epci_type.as_deref() == Some(epci.epci_type.as_str()));
                let declared = o.kind.as_ref().map(|k| k.get_ref().as_str());
                if let Some(expected_kind) = expected_kind
                    && declared != Some(expected_kind.id.get_ref().as_str()) {
                        checker.push(file.error(
                            value.span(),
                            format!("organisation[{i}].kind"),
                            format!(
                                "the reference gives EPCI type {}: expected kind \"{}\", found {}",
                                epci.epci_type,
                                expected_kind.id.get_ref(),
                                declared.map_or("no kind".to_owned(), |k| format!("\"{k}\""))
                            ),
                        ));
                    }
            }
            Ok(_) => {}
        }
    }
}

/// The extract itself: valid SIRENs, and every département and région it
/// refers to present.
fn check_extract(checker: &mut Checker, data: &SourceData) {
    let file = &data.reference;
    let extract = &file.content;
    let sirens = extract
        .commune
        .iter()
        .map(|c| (&c.siren, "commune"))
        .chain(extract.epci.iter().map(|e| (&e.code, "epci")));
    for (siren, table) in sirens {
        if !is_valid_siren(siren.get_ref()) {
            checker.push(file.error(
                siren.span(),
                format!("{table}.siren"),
                format!(
                    "\"{}\" is not a valid SIREN: expected nine digits with a Luhn check digit",
                    siren.get_ref()
                ),
            ));
        }
    }
    let departements = extract
        .commune
        .iter()
        .map(|c| &c.departement)
        .chain(extract.epci.iter().flat_map(|e| &e.member_departements));
    for code in departements {
        if data.departement(code.get_ref()).is_none() {
            checker.push(file.error(
                code.span(),
                "departement",
                format!("département \"{}\" is not in the extract", code.get_ref()),
            ));
        }
    }
    for member in extract.epci.iter().flat_map(|e| &e.members) {
        if data.commune(member.get_ref()).is_none() {
            checker.push(file.error(
                member.span(),
                "epci.members",
                format!(
                    "commune \"{}\" is not in the extract: every member of an EPCI is one of its [[commune]]",
                    member.get_ref()
                ),
            ));
        }
    }
    for departement in &extract.departement {
        if data.region(departement.region.get_ref()).is_none() {
            checker.push(file.error(
                departement.region.span(),
                "departement.region",
                format!(
                    "région \"{}\" is not in the extract",
                    departement.region.get_ref()
                ),
            ));
        }
    }
}

/// The ids defined by one registry, for checking references to it.
struct Registry<'a> {
    ids: &'a HashSet<&'a str>,
    kind: &'static str,
    defined_in: &'static str,
}

impl<'a> Registry<'a> {
    /// The valid ids, sorted, as a message lists them (the first twelve,
    /// and how many more).
    fn valid(&self) -> String {
        let mut ids: Vec<&str> = self.ids.iter().copied().collect();
        ids.sort_unstable();
        let shown = ids.iter().take(12).copied().collect::<Vec<_>>().join(", ");
        match ids.len() {
            0 => "nothing yet".to_owned(),
            n if n > 12 => format!("{shown}… ({} more)", n - 12),
            _ => shown,
        }
    }

    fn new(ids: &'a HashSet<&'a str>, kind: &'static str, defined_in: &'static str) -> Self {
        Self {
            ids,
            kind,
            defined_in,
        }
    }
}

#[derive(Default)]
struct Checker {
    errors: Vec<SourceError>,
}

impl Checker {
    fn push(&mut self, error: SourceError) {
        self.errors.push(error);
    }

    /// Checks that `ids` are slugs defined once; returns the set of them.
    fn register<'a, T>(
        &mut self,
        file: &SourceFile<T>,
        kind: &str,
        ids: impl Iterator<Item = &'a Id>,
    ) -> HashSet<&'a str> {
        let mut seen = HashMap::new();
        for (i, id) in ids.enumerate() {
            let field = format!("{kind}[{i}].id");
            self.slug(file, &field, id);
            if let Some(first) = seen.insert(id.get_ref().as_str(), i) {
                self.push(file.error(
                    id.span(),
                    field,
                    format!(
                        "duplicate {kind} id \"{}\" (already used by {kind}[{first}]): expected a unique id",
                        id.get_ref()
                    ),
                ));
            }
        }
        seen.into_keys().collect()
    }

    fn slug<T>(&mut self, file: &SourceFile<T>, field: &str, id: &Id) {
        if !is_slug(id.get_ref()) {
            self.push(file.error(
                id.span(),
                field,
                format!(
                    "invalid id \"{}\": expected a slug of lowercase ASCII letters and digits separated by single hyphens",
                    id.get_ref()
                ),
            ));
        }
    }

    fn reference<T>(
        &mut self,
        file: &SourceFile<T>,
        field: &str,
        id: &Id,
        registry: &Registry<'_>,
    ) {
        if !registry.ids.contains(id.get_ref().as_str()) {
            self.push(file.error(
                id.span(),
                field,
                format!(
                    "unknown {} \"{}\": expected one of {} (the ids of {})",
                    registry.kind,
                    id.get_ref(),
                    registry.valid(),
                    registry.defined_in
                ),
            ));
        }
    }

    fn unique_within<T>(&mut self, file: &SourceFile<T>, field: &str, ids: &[Id]) {
        let mut seen = HashSet::new();
        for (j, id) in ids.iter().enumerate() {
            if !seen.insert(id.get_ref()) {
                self.push(file.error(
                    id.span(),
                    format!("{field}[{j}]"),
                    format!(
                        "\"{}\" is listed twice: expected each id once",
                        id.get_ref()
                    ),
                ));
            }
        }
    }

    fn text<T>(&mut self, file: &SourceFile<T>, field: &str, value: &Spanned<String>) {
        if value.get_ref().trim().is_empty() {
            self.push(file.error(
                value.span(),
                field,
                "empty text: expected a non-empty string",
            ));
        }
    }

    fn iri<T>(&mut self, file: &SourceFile<T>, field: &str, value: &Spanned<String>) {
        if let Err(e) = NamedNode::new(value.get_ref()) {
            self.push(file.error(
                value.span(),
                field,
                format!("invalid IRI \"{}\": {e}", value.get_ref()),
            ));
        }
    }
}

/// Whether `id` is a slug: `[a-z0-9]+(-[a-z0-9]+)*`.
fn is_slug(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

#[cfg(test)]
mod tests {
    use super::is_slug;

    #[test]
    fn slugs_are_lowercase_words_joined_by_single_hyphens() {
        assert!(is_slug("cc-vallee-de-l-ubaye-serre-poncon"));
        assert!(is_slug("la-fibre64"));
        assert!(!is_slug(""));
        assert!(!is_slug("Ville-de-Paris"));
        assert!(!is_slug("double--hyphen"));
        assert!(!is_slug("-leading"));
        assert!(!is_slug("écrins"));
        assert!(!is_slug("with space"));
    }
}

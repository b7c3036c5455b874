//! The example queries of `queries/`: each `NAME.rq` starts with a `# Title`
//! line and a `# description` line. The program holds those of the
//! repository it was built from ([`embedded`]); a server may read another
//! directory instead ([`load`]).

use std::path::Path;

/// One example query.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ExampleQuery {
    /// File stem, e.g. `gold-awards`.
    pub name: String,
    /// First comment line.
    pub title: String,
    /// Second comment line.
    pub description: String,
    /// The whole file, comments included.
    pub query: String,
}

/// The example queries of `queries/` as the program was built (`build.rs`
/// compiles them in), sorted by name.
pub fn embedded() -> Vec<ExampleQuery> {
    const EMBEDDED: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/example_queries.rs"));
    EMBEDDED
        .iter()
        .map(|(name, query)| example(name, query))
        .collect()
}

/// Reads every `*.rq` file of `dir`, sorted by name.
pub fn load(dir: &Path) -> std::io::Result<Vec<ExampleQuery>> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    paths.retain(|p| p.extension().is_some_and(|e| e == "rq"));
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let name = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            Ok(example(&name, &std::fs::read_to_string(&path)?))
        })
        .collect()
}

/// The example `name` whose text is `query`: its title and description are
/// its first two comment lines.
fn example(name: &str, query: &str) -> ExampleQuery {
    let mut comments = query
        .lines()
        .map_while(|l| l.strip_prefix('#'))
        .map(|l| l.trim().to_owned());
    ExampleQuery {
        name: name.to_owned(),
        title: comments.next().unwrap_or_default(),
        description: comments.next().unwrap_or_default(),
        query: query.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_queries_are_those_of_the_directory() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("queries");
        let read = load(&dir).unwrap();
        let embedded = embedded();
        assert!(embedded.len() > 10, "{}", embedded.len());
        let names = |examples: &[ExampleQuery]| -> Vec<(String, String, String)> {
            examples
                .iter()
                .map(|e| (e.name.clone(), e.title.clone(), e.query.clone()))
                .collect()
        };
        assert_eq!(names(&embedded), names(&read));
        assert!(embedded.iter().all(|e| !e.title.is_empty()));
    }
}

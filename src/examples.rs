//! The example queries of `queries/`: each `NAME.rq` starts with a `# Title`
//! line and a `# description` line.

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
            let query = std::fs::read_to_string(&path)?;
            let mut comments = query
                .lines()
                .map_while(|l| l.strip_prefix('#'))
                .map(|l| l.trim().to_owned());
            Ok(ExampleQuery {
                name: path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                title: comments.next().unwrap_or_default(),
                description: comments.next().unwrap_or_default(),
                query,
            })
        })
        .collect()
}

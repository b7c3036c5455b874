//! The dump files: the data graph as Turtle (readable: [`super::turtle`]), N-Triples and N-Quads (each
//! also gzipped) and the ontology as Turtle. Triples are sorted (see
//! [`crate::rdf::order`]), so the same data always gives the same bytes, and
//! each file is written as it is serialized, never held whole.

use super::files::{Destination, FileSummary, Summarizing, Tee, write_file};
use super::turtle::{Prefixes, TurtleWriter};
use crate::rdf::Base;
use crate::rdf::order::Sorted;
use crate::rdf::vocab::PREFIXES;
use flate2::Compression;
use flate2::write::GzEncoder;
use oxigraph::io::{RdfFormat, RdfSerializer, WriterQuadSerializer};
use oxigraph::model::{GraphNameRef, NamedNode, Triple};
use std::io::{self, Write};

/// The stem of the data dump file names (`territoire-innovant.ttl`, …).
pub const DUMP_STEM: &str = "territoire-innovant";
/// The name of the ontology file.
pub const ONTOLOGY_DUMP: &str = "ontology.ttl";

/// What a published file holds, for its media type and catalog entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileFormat {
    /// Media type of the (uncompressed) content.
    pub media_type: &'static str,
    /// Code of the EU file-type authority table, for the files that are
    /// distributions of the data set (the data in RDF or in tables).
    pub eu_file_type: Option<&'static str>,
    /// Whether the file is gzipped.
    pub gzipped: bool,
}

impl FileFormat {
    /// The format of the file named `name`, from its extension.
    pub fn of(name: &str) -> Self {
        let (inner, gzipped) = match name.strip_suffix(".gz") {
            Some(inner) => (inner, true),
            None => (name, false),
        };
        let (media_type, eu_file_type) = match inner.rsplit('.').next() {
            Some("ttl") => ("text/turtle", Some("RDF_TURTLE")),
            Some("nt") => ("application/n-triples", Some("RDF_N_TRIPLES")),
            Some("nq") => ("application/n-quads", Some("RDF_N_QUADS")),
            Some("rdf") => ("application/rdf+xml", Some("RDF_XML")),
            Some("jsonld") => ("application/ld+json", Some("JSON_LD")),
            // IANA registered application/vnd.hdt (2016); HDT is a code of
            // the EU file-type table.
            Some("hdt") => ("application/vnd.hdt", Some("HDT")),
            Some("csv") => ("text/csv", Some("CSV")),
            // The descriptions of the tables: CSVW metadata has a media
            // type of its own (W3C, registered 2015).
            Some("json") if inner == super::CSVW_METADATA => ("application/csvm+json", None),
            Some("json") => ("application/json", None),
            _ => ("text/plain", None),
        };
        Self {
            media_type,
            eu_file_type,
            gzipped,
        }
    }

    /// The format's name, as a reader knows it (« Turtle », « CSV »), with
    /// its compression.
    pub fn name(self) -> String {
        let syntax = match self.media_type {
            "text/turtle" => "Turtle",
            "application/n-triples" => "N-Triples",
            "application/n-quads" => "N-Quads",
            "application/rdf+xml" => "RDF/XML",
            "application/ld+json" => "JSON-LD",
            "application/vnd.hdt" => "HDT",
            "text/csv" => "CSV",
            "application/csvm+json" => "JSON (CSV on the Web)",
            "application/json" => "JSON",
            _ => "Texte",
        };
        if self.gzipped {
            format!("{syntax} compressé (gzip)")
        } else {
            syntax.to_owned()
        }
    }

    /// The Content-Type the file is served with: gzipped files are served as
    /// they are stored (`application/gzip`), so that their size and checksum
    /// are those of the catalog.
    pub fn content_type(self) -> &'static str {
        if self.gzipped {
            "application/gzip"
        } else {
            match self.media_type {
                "text/turtle" => "text/turtle; charset=utf-8",
                "text/plain" => "text/plain; charset=utf-8",
                "text/csv" => "text/csv; charset=utf-8",
                other => other,
            }
        }
    }
}

/// A format the data graph is dumped in, with its file extension.
#[derive(Debug, Clone, Copy)]
pub struct DumpFormat(pub RdfFormat, pub &'static str);

/// The formats of the data dumps: Turtle, N-Triples and N-Quads.
pub const DUMP_FORMATS: [DumpFormat; 3] = [
    DumpFormat(RdfFormat::Turtle, "ttl"),
    DumpFormat(RdfFormat::NTriples, "nt"),
    DumpFormat(RdfFormat::NQuads, "nq"),
];

/// Writes the data graph — `data`, named `graph` in N-Quads — in each of
/// `formats`, ungzipped and gzipped, as HDT, and the `ontology` file to
/// `destination`, and returns their summaries.
/// One thread per format serializes the triples, gzips them and hashes both
/// files as it writes them; one more writes the HDT dump.
pub fn write_dumps<D: Destination>(
    base: &Base,
    (graph, data): (&NamedNode, &Sorted<'_>),
    ontology: &Sorted<'_>,
    destination: &D,
    formats: &[DumpFormat],
) -> io::Result<Vec<FileSummary>> {
    let graph = GraphNameRef::NamedNode(graph.as_ref());
    let (files, hdt) = std::thread::scope(|scope| {
        let hdt = scope.spawn(move || super::hdt_dump::write_hdt(destination, base, data));
        let writers: Vec<_> = formats
            .iter()
            .map(|&format| {
                scope.spawn(move || write_dump(destination, base, format, (graph, data)))
            })
            .collect();
        let files = writers
            .into_iter()
            .map(super::joined)
            .collect::<io::Result<Vec<_>>>();
        (files, super::joined(hdt))
    });
    let mut files: Vec<_> = files?.into_iter().flatten().collect();
    files.push(hdt?);
    files.push(write_file(
        destination,
        ONTOLOGY_DUMP,
        &serialize(base, RdfFormat::Turtle, ontology)?,
    )?);
    Ok(files)
}

/// The gzip level of the dumps. With zlib-rs, on the N-Triples dump of 10⁵
/// synthetic awards (221 MB), level 5 takes 0.84 s for 6.37 MB where the
/// default level 6 takes 1.23 s for 6.43 MB (the Turtle dump alike: 0.39 s
/// for 3.06 MB against 0.58 s for 3.09 MB); level 9 made the build 1.7
/// times as long for files 3 % smaller.
const GZIP_LEVEL: Compression = Compression::new(5);

/// Writes the dump of the `triples` of `graph` in `format` and its gzipped
/// copy, and returns their summaries.
fn write_dump(
    destination: &impl Destination,
    base: &Base,
    DumpFormat(format, extension): DumpFormat,
    (graph, triples): (GraphNameRef<'_>, &Sorted<'_>),
) -> io::Result<[FileSummary; 2]> {
    let name = format!("{DUMP_STEM}.{extension}");
    let gzipped_name = format!("{name}.gz");
    let plain = Summarizing::new(destination.create(&name)?);
    // A fixed gzip header (no file name, no time stamp): the same dump always
    // gives the same bytes.
    let gzipped = GzEncoder::new(
        Summarizing::new(destination.create(&gzipped_name)?),
        GZIP_LEVEL,
    );
    let both = io::BufWriter::with_capacity(1 << 16, Tee(plain, gzipped));
    let both = if format == RdfFormat::Turtle {
        write_turtle(base, triples, both)?
    } else {
        let mut writer = serializer(base, format)?.for_writer(both);
        let graph = if format.supports_datasets() {
            graph
        } else {
            GraphNameRef::DefaultGraph
        };
        write_triples(&mut writer, triples, graph)?;
        writer.finish()?
    };
    let Tee(plain, gzipped) = both.into_inner().map_err(io::IntoInnerError::into_error)?;
    let (file, plain) = plain.finish(&name)?;
    destination.close(&name, file)?;
    let (file, gzipped) = gzipped.finish()?.finish(&gzipped_name)?;
    destination.close(&gzipped_name, file)?;
    Ok([gzipped, plain])
}

/// Prefixes of the data set's own namespaces, relative to the base (IRIs
/// whose local part has a `/`, such as awards, stay written in full).
const RESOURCE_PREFIXES: &[(&str, &str)] = &[
    ("category", "category/"),
    ("criterion", "criterion/"),
    ("distribution", "distribution/"),
    ("edition", "edition/"),
    ("forum", "forum/"),
    ("jury", "jury/"),
    ("level", "level/"),
    ("organisation", "organisation/"),
    ("place", "place/"),
    ("scheme", "scheme/"),
    ("source", "source/"),
];

/// Serializes `triples` in the order of the dumps (see
/// [`crate::rdf::order`]): the same triples always give the same bytes, and
/// Turtle writes each subject once. Turtle and RDF/XML get the prefixes and
/// the base; data set formats put the triples in the default graph.
pub fn serialize_sorted(base: &Base, format: RdfFormat, triples: &[Triple]) -> io::Result<Vec<u8>> {
    serialize(base, format, &Sorted::new(triples))
}

/// Serializes `triples` in `format` (see [`serialize_sorted`]).
fn serialize(base: &Base, format: RdfFormat, triples: &Sorted<'_>) -> io::Result<Vec<u8>> {
    if format == RdfFormat::Turtle {
        return write_turtle(base, triples, Vec::new());
    }
    let mut writer = serializer(base, format)?.for_writer(Vec::new());
    write_triples(&mut writer, triples, GraphNameRef::DefaultGraph)?;
    writer.finish()
}

/// Writes `triples` in their order, in `graph` (the default graph for a
/// format without graphs).
fn write_triples<W: Write>(
    writer: &mut WriterQuadSerializer<W>,
    triples: &Sorted<'_>,
    graph: GraphNameRef<'_>,
) -> io::Result<()> {
    for triple in triples.iter() {
        writer.serialize_quad(triple.in_graph(graph))?;
    }
    Ok(())
}

/// Writes `triples` as readable Turtle (see [`super::turtle`]) to `out`:
/// one pass to find the prefixes they need, one to write them.
fn write_turtle<W: Write>(base: &Base, triples: &Sorted<'_>, out: W) -> io::Result<W> {
    let prefixes = Prefixes::for_triples(base, triples.iter());
    let mut writer = TurtleWriter::new(out, prefixes)?;
    for triple in triples.iter() {
        writer.write(triple)?;
    }
    writer.finish()
}

/// A serializer to `format`; Turtle, TriG and RDF/XML get the prefixes.
fn serializer(base: &Base, format: RdfFormat) -> io::Result<RdfSerializer> {
    let mut serializer = RdfSerializer::from_format(format);
    if matches!(
        format,
        RdfFormat::Turtle | RdfFormat::TriG | RdfFormat::RdfXml
    ) {
        let own = RESOURCE_PREFIXES
            .iter()
            .map(|(prefix, path)| (*prefix, format!("{base}{path}")));
        let standard = PREFIXES
            .iter()
            .map(|(prefix, namespace)| (*prefix, base.rebase_str(namespace)));
        for (prefix, namespace) in standard.chain(own) {
            serializer = serializer
                .with_prefix(prefix, namespace)
                .map_err(io::Error::other)?;
        }
    }
    Ok(serializer)
}

#[cfg(test)]
mod tests {
    use super::FileFormat;

    #[test]
    fn formats_follow_the_extension() {
        let ttl_gz = FileFormat::of("territoire-innovant.ttl.gz");
        assert_eq!(ttl_gz.media_type, "text/turtle");
        assert!(ttl_gz.gzipped);
        assert_eq!(ttl_gz.content_type(), "application/gzip");
        assert_eq!(FileFormat::of("x.nq").eu_file_type, Some("RDF_N_QUADS"));
        assert_eq!(ttl_gz.name(), "Turtle compressé (gzip)");
        assert_eq!(FileFormat::of("prix.csv").name(), "CSV");
        assert_eq!(
            FileFormat::of("prix.csv").content_type(),
            "text/csv; charset=utf-8"
        );
        assert_eq!(
            FileFormat::of(crate::publish::CSVW_METADATA).media_type,
            "application/csvm+json"
        );
        assert_eq!(
            FileFormat::of("SHA256SUMS").content_type(),
            "text/plain; charset=utf-8"
        );
    }
}

//! The HDT dump (Header Dictionary Triples, `application/vnd.hdt`): the
//! data graph compressed and queryable as it is, the format that the LOD
//! Laundromat, Comunica's HDT source, qEndpoint and the LDF server read.
//! Written with the `hdt` crate from the terms themselves, never from
//! N-Triples text: HDT dictionaries hold a literal's raw value between
//! quotes (`"a "quoted" word"@fr`), which readers split at the last quote,
//! where N-Triples escapes would stay in the value.

use super::files::{Destination, FileSummary, Summarizing};
use crate::rdf::Base;
use crate::rdf::order::Sorted;
use oxigraph::model::vocab::xsd;
use oxigraph::model::{TermRef, TripleRef};
use std::io::{self, Write};

/// The name of the HDT dump.
pub const HDT_DUMP: &str = "territoire-innovant.hdt";

/// A term as an HDT dictionary writes it: an IRI as it is, a blank node
/// `_:id`, a literal `"raw value"` with `@language` or `^^<datatype>` (none
/// for `xsd:string`).
fn dictionary_form(term: TermRef<'_>) -> String {
    match term {
        TermRef::NamedNode(node) => node.as_str().to_owned(),
        TermRef::BlankNode(node) => format!("_:{}", node.as_str()),
        TermRef::Literal(literal) => match literal.language() {
            Some(language) => format!("\"{}\"@{language}", literal.value()),
            None if literal.datatype() == xsd::STRING => format!("\"{}\"", literal.value()),
            None => format!("\"{}\"^^<{}>", literal.value(), literal.datatype().as_str()),
        },
        #[allow(unreachable_patterns)]
        other => other.to_string(),
    }
}

fn triple_forms(triple: TripleRef<'_>) -> [String; 3] {
    [
        dictionary_form(triple.subject.into()),
        triple.predicate.as_str().to_owned(),
        dictionary_form(triple.object),
    ]
}

/// Writes the HDT dump of `data` (the data set `BASE dataset` in its
/// header) to `destination`.
pub fn write_hdt(
    destination: &impl Destination,
    base: &Base,
    data: &Sorted<'_>,
) -> io::Result<FileSummary> {
    let bytes = hdt_bytes(data, base.iri("dataset").as_str())?;
    let mut file = Summarizing::new(destination.create(HDT_DUMP)?);
    file.write_all(&bytes)?;
    let (file, summary) = file.finish(HDT_DUMP)?;
    destination.close(HDT_DUMP, file)?;
    Ok(summary)
}

/// The HDT file of `triples`: the same bytes for the same triples.
fn hdt_bytes(triples: &Sorted<'_>, dataset: &str) -> io::Result<Vec<u8>> {
    let hdt = hdt::Hdt::from_triples(triples.iter().map(triple_forms), dataset)?;
    let mut bytes = Vec::new();
    hdt.write(&mut bytes).map_err(io::Error::other)?;
    canonical_triples_control(&mut bytes)?;
    Ok(bytes)
}

/// The start of the triples' control information: `$HDT`, its type (4,
/// triples) and its format, then its properties.
const TRIPLES_CONTROL: &[u8] = b"$HDT\x04<http://purl.org/HDT/hdt#triplesBitmap>\0";

/// Writes the properties of the triples' control information in one order.
/// The `hdt` crate keeps them in a `HashMap`, so `order` and `numTriples`
/// come out in either order from one process to the next; sorted, with the
/// checksum (CRC-16/ARC) that follows them recomputed, the same triples
/// always give the same file.
fn canonical_triples_control(bytes: &mut [u8]) -> io::Result<()> {
    let broken = |what: &str| io::Error::other(format!("HDT written without {what}"));
    let start = bytes
        .windows(TRIPLES_CONTROL.len())
        .rposition(|w| w == TRIPLES_CONTROL)
        .ok_or_else(|| broken("its triples' control information"))?;
    let properties = start + TRIPLES_CONTROL.len();
    let end = properties
        + bytes[properties..]
            .iter()
            .position(|&b| b == 0)
            .ok_or_else(|| broken("the end of the triples' properties"))?;
    let text = std::str::from_utf8(&bytes[properties..end]).map_err(io::Error::other)?;
    let mut parts: Vec<&str> = text.split(';').filter(|p| !p.is_empty()).collect();
    parts.sort_unstable();
    let sorted: String = parts.iter().map(|p| format!("{p};")).collect();
    if sorted.len() != end - properties {
        return Err(broken("properties each ending in ';'"));
    }
    bytes[properties..end].copy_from_slice(sorted.as_bytes());
    let checksum = crc16_arc(&bytes[start..=end]).to_le_bytes();
    bytes
        .get_mut(end + 1..end + 3)
        .ok_or_else(|| broken("the checksum of the triples' control information"))?
        .copy_from_slice(&checksum);
    Ok(())
}

/// CRC-16/ARC (reflected polynomial 0xA001, initial value 0), the checksum
/// of HDT control information.
fn crc16_arc(data: &[u8]) -> u16 {
    data.iter().fold(0u16, |crc, &byte| {
        (0..8).fold(crc ^ u16::from(byte), |crc, _| {
            if crc & 1 == 1 {
                (crc >> 1) ^ 0xA001
            } else {
                crc >> 1
            }
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::io::{RdfFormat, RdfParser};
    use oxigraph::model::Triple;

    #[test]
    fn literals_keep_their_raw_value_through_the_dictionary() {
        let triples: Vec<Triple> = RdfParser::from_format(RdfFormat::Turtle)
            .for_slice(
                r#"<http://e.org/s> <http://e.org/p> "a \"quoted\" \\ word"@fr , "line\nbreak" , "5"^^<http://www.w3.org/2001/XMLSchema#integer> , "é « »" , <http://e.org/o> ."#
                    .as_bytes(),
            )
            .map(|q| Triple::from(q.unwrap()))
            .collect();
        let written = hdt_bytes(&Sorted::new(&triples), "http://e.org/d").unwrap();
        let read = hdt::Hdt::read(std::io::Cursor::new(written)).unwrap();
        let mut objects: Vec<String> = read.triples_all().map(|[_, _, o]| o.to_string()).collect();
        objects.sort();
        let mut expected: Vec<String> = triples
            .iter()
            .map(|t| dictionary_form(t.object.as_ref()))
            .collect();
        expected.sort();
        assert_eq!(objects, expected);
        assert!(expected.contains(&"\"a \"quoted\" \\ word\"@fr".to_owned()));
        assert!(expected.contains(&"\"line\nbreak\"".to_owned()));
    }

    #[test]
    fn the_checksum_is_crc_16_arc() {
        assert_eq!(crc16_arc(b"123456789"), 0xBB3D);
    }

    #[test]
    fn the_triples_properties_come_out_in_one_order_with_their_checksum() {
        let control = |properties: &str| {
            let mut bytes = TRIPLES_CONTROL.to_vec();
            bytes.extend_from_slice(properties.as_bytes());
            bytes.push(0);
            let checksum = crc16_arc(&bytes);
            bytes.extend_from_slice(&checksum.to_le_bytes());
            bytes.extend_from_slice(b"rest");
            bytes
        };
        let mut one = control("order=1;numTriples=5;");
        let mut other = control("numTriples=5;order=1;");
        canonical_triples_control(&mut one).unwrap();
        canonical_triples_control(&mut other).unwrap();
        assert_eq!(one, other);
        assert_eq!(one, control("numTriples=5;order=1;"));
    }
}

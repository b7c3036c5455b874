//! The index's arrays, held the same way whether they were made in memory
//! or opened from the files `build` wrote: flat arrays of plain numbers and
//! bytes, either owned or memory-mapped ([`Region`]), and the terms packed
//! in one byte array with a hash table of their numbers ([`PackedTerms`]),
//! so that a term is found in a probe or two and read in place, without
//! being parsed.

use super::TermId;
use oxigraph::model::vocab::xsd;
use oxigraph::model::{BlankNodeRef, LiteralRef, NamedNodeRef, NamedOrBlankNodeRef, TermRef};

/// Plain numbers that any bytes of their size and alignment are a valid
/// value of: an array of them can be read from a file's bytes as they are.
///
/// # Safety
/// Every bit pattern of `size_of::<Self>()` bytes is a value of the type,
/// and it holds no pointer.
pub(super) unsafe trait Plain: Copy + 'static {}
// SAFETY: integers and arrays of integers have no invalid bit pattern.
unsafe impl Plain for u8 {}
// SAFETY: as above.
unsafe impl Plain for u32 {}
// SAFETY: as above.
unsafe impl Plain for u64 {}
// SAFETY: as above.
unsafe impl Plain for [TermId; 4] {}

/// An array of `T`, owned or mapped from a file.
pub(super) enum Region<T: Plain> {
    /// Made in memory.
    Owned(Vec<T>),
    /// Mapped from a file whose length is a multiple of `T`'s size (checked
    /// by [`Region::mapped`]); a mapping starts on a page, aligned for any
    /// `T`.
    Mapped(memmap2::Mmap),
}

impl<T: Plain> Region<T> {
    /// Maps `file`; fails if its length is not a whole number of `T`.
    pub(super) fn mapped(file: &std::fs::File, path: &std::path::Path) -> std::io::Result<Self> {
        let length = file.metadata()?.len() as usize;
        if !length.is_multiple_of(size_of::<T>()) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!(
                    "{}: {length} bytes, not a whole number of {}-byte entries: the file is damaged; run `build` again",
                    path.display(),
                    size_of::<T>()
                ),
            ));
        }
        if length == 0 {
            return Ok(Self::Owned(Vec::new()));
        }
        // SAFETY: the release's files are written once, in a staging
        // directory, and never changed after its rename (a new build
        // writes a new release, and an old one is unlinked, not rewritten):
        // the mapping's bytes do not change under it.
        let map = unsafe { memmap2::Mmap::map(file)? };
        Ok(Self::Mapped(map))
    }

    /// The array.
    pub(super) fn as_slice(&self) -> &[T] {
        match self {
            Self::Owned(values) => values,
            Self::Mapped(map) => {
                let bytes: &[u8] = map;
                debug_assert_eq!(bytes.as_ptr().align_offset(align_of::<T>()), 0);
                // SAFETY: the mapping starts on a page boundary, aligned for
                // `T`; its length is a multiple of `T`'s size (checked when
                // mapped); any bytes are a valid `T` (`Plain`).
                unsafe {
                    std::slice::from_raw_parts(
                        bytes.as_ptr().cast::<T>(),
                        bytes.len() / size_of::<T>(),
                    )
                }
            }
        }
    }

    /// The array's bytes, as they are written to a file.
    pub(super) fn as_bytes(&self) -> &[u8] {
        let values = self.as_slice();
        // SAFETY: `T` is plain numbers without padding (`Plain`): its bytes
        // are initialized.
        unsafe { std::slice::from_raw_parts(values.as_ptr().cast::<u8>(), size_of_val(values)) }
    }
}

/// How a term is written in a packed dictionary: a kind byte, then its
/// parts as UTF-8, separated by a NUL where there are two (no IRI nor
/// language tag holds one).
mod kind {
    pub const IRI: u8 = b'I';
    pub const BLANK: u8 = b'B';
    pub const SIMPLE: u8 = b'S';
    pub const LANGUAGE: u8 = b'L';
    pub const TYPED: u8 = b'T';
}

/// Appends the packed form of `term` to `out`.
pub(super) fn encode(term: TermRef<'_>, out: &mut Vec<u8>) {
    match term {
        TermRef::NamedNode(node) => {
            out.push(kind::IRI);
            out.extend_from_slice(node.as_str().as_bytes());
        }
        TermRef::BlankNode(node) => {
            out.push(kind::BLANK);
            out.extend_from_slice(node.as_str().as_bytes());
        }
        TermRef::Literal(literal) => {
            if let Some(language) = literal.language() {
                out.push(kind::LANGUAGE);
                out.extend_from_slice(language.as_bytes());
                out.push(0);
            } else if literal.datatype() == xsd::STRING {
                out.push(kind::SIMPLE);
            } else {
                out.push(kind::TYPED);
                out.extend_from_slice(literal.datatype().as_str().as_bytes());
                out.push(0);
            }
            out.extend_from_slice(literal.value().as_bytes());
        }
    }
}

/// The term packed in `bytes`, read in place. Bytes that `encode` did not
/// write (a damaged file) read as an IRI naming the damage rather than
/// stopping the server.
pub(super) fn decode(bytes: &[u8]) -> TermRef<'_> {
    fn text(bytes: &[u8]) -> Option<&str> {
        std::str::from_utf8(bytes).ok()
    }
    fn pair(rest: &[u8]) -> Option<(&str, &str)> {
        let at = rest.iter().position(|&b| b == 0)?;
        Some((text(&rest[..at])?, text(&rest[at + 1..])?))
    }
    let decoded = match bytes.split_first() {
        Some((&kind::IRI, rest)) => text(rest).map(|t| NamedNodeRef::new_unchecked(t).into()),
        Some((&kind::BLANK, rest)) => text(rest).map(|t| BlankNodeRef::new_unchecked(t).into()),
        Some((&kind::SIMPLE, rest)) => text(rest).map(|t| LiteralRef::new_simple_literal(t).into()),
        Some((&kind::LANGUAGE, rest)) => pair(rest).map(|(language, value)| {
            LiteralRef::new_language_tagged_literal_unchecked(value, language).into()
        }),
        Some((&kind::TYPED, rest)) => pair(rest).map(|(datatype, value)| {
            LiteralRef::new_typed_literal(value, NamedNodeRef::new_unchecked(datatype)).into()
        }),
        _ => None,
    };
    decoded.unwrap_or(damaged().into())
}

/// Distinct terms in their packed form, each numbered by its position:
/// `bytes[offsets[i]..offsets[i + 1]]` is term `i`; `slots` is an
/// open-addressing hash table of the numbers (by [`hash`] of the packed
/// bytes, linear probing, [`EMPTY`] where there is none), at most half full.
///
/// The numbers keep the order the terms came in (the store's order): quads
/// sorted by them keep a subject's or a predicate's values in that order,
/// which is what a scan with a `LIMIT` reads first. Numbered in the order of
/// their bytes instead, the labels came alphabetically, and a `CONTAINS`
/// with `LIMIT 50` at 10⁵ awards read twenty times more of them. A binary
/// search over the sorted bytes cost some twenty cache misses per lookup
/// where the table costs two or three (`DESCRIBE` 0.30 against 0.15 ms).
pub(super) struct PackedTerms {
    pub(super) bytes: Region<u8>,
    pub(super) offsets: Region<u64>,
    pub(super) slots: Region<TermId>,
}

/// A slot of the table that holds no number.
const EMPTY: TermId = TermId::MAX;

/// FNV-1a (64 bits) of `bytes`: the table's hash, fixed by this format
/// (a library's hasher may change from one version to the next).
fn hash(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

impl PackedTerms {
    /// Packs `terms` (distinct), numbered in their order.
    pub(super) fn new<'a>(terms: impl ExactSizeIterator<Item = TermRef<'a>>) -> Self {
        let count = terms.len();
        let mut bytes = Vec::new();
        let mut offsets = Vec::with_capacity(count + 1);
        for term in terms {
            offsets.push(bytes.len() as u64);
            encode(term, &mut bytes);
        }
        offsets.push(bytes.len() as u64);
        let mut packed = Self {
            bytes: Region::Owned(bytes),
            offsets: Region::Owned(offsets),
            slots: Region::Owned(Vec::new()),
        };
        let mut slots = vec![EMPTY; (2 * count).next_power_of_two().max(2)];
        let mask = slots.len() - 1;
        for id in 0..count as TermId {
            let mut at = hash(packed.packed(id).unwrap_or_default()) as usize & mask;
            while slots[at] != EMPTY {
                at = (at + 1) & mask;
            }
            slots[at] = id;
        }
        packed.slots = Region::Owned(slots);
        packed
    }

    /// The number of terms.
    pub(super) fn len(&self) -> usize {
        self.offsets.as_slice().len().saturating_sub(1)
    }

    /// The packed bytes of term `id`, if there is one.
    fn packed(&self, id: TermId) -> Option<&[u8]> {
        let offsets = self.offsets.as_slice();
        let (start, end) = (*offsets.get(id as usize)?, *offsets.get(id as usize + 1)?);
        self.bytes.as_slice().get(start as usize..end as usize)
    }

    /// The term numbered `id`, if any.
    pub(super) fn get(&self, id: TermId) -> Option<TermRef<'_>> {
        self.packed(id).map(decode)
    }

    /// The number of `term`, if it has one.
    pub(super) fn find(&self, term: TermRef<'_>) -> Option<TermId> {
        let mut key = Vec::with_capacity(64);
        encode(term, &mut key);
        let slots = self.slots.as_slice();
        let mask = slots.len().checked_sub(1)?;
        let mut at = hash(&key) as usize & mask;
        // At most half full: an empty slot ends every probe sequence.
        for _ in 0..slots.len() {
            match slots[at] {
                EMPTY => return None,
                id if self.packed(id)? == &key[..] => return Some(id),
                _ => at = (at + 1) & mask,
            }
        }
        None
    }

    /// The term numbered `id` where a subject or graph name stands; an IRI
    /// naming the damage if the number is no such term (a damaged file).
    pub(super) fn subject(&self, id: TermId) -> NamedOrBlankNodeRef<'_> {
        match self.get(id) {
            Some(TermRef::NamedNode(node)) => node.into(),
            Some(TermRef::BlankNode(node)) => node.into(),
            _ => damaged().into(),
        }
    }

    /// The term numbered `id` where an IRI stands (a predicate); an IRI
    /// naming the damage if it is none.
    pub(super) fn named_node(&self, id: TermId) -> NamedNodeRef<'_> {
        match self.get(id) {
            Some(TermRef::NamedNode(node)) => node,
            _ => damaged(),
        }
    }

    /// The term numbered `id` where any term stands (an object); an IRI
    /// naming the damage if there is none.
    pub(super) fn object(&self, id: TermId) -> TermRef<'_> {
        self.get(id).unwrap_or(damaged().into())
    }
}

/// What a number that names no term of its place reads as.
fn damaged() -> NamedNodeRef<'static> {
    NamedNodeRef::new_unchecked("urn:territoire-innovant:damaged-index-term")
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::model::{BlankNode, Literal, NamedNode, Term};

    fn samples() -> Vec<Term> {
        vec![
            NamedNode::new_unchecked("http://e.org/b").into(),
            NamedNode::new_unchecked("http://e.org/a").into(),
            Literal::new_simple_literal("http://e.org/a").into(),
            Literal::new_language_tagged_literal_unchecked("été\n\"", "fr").into(),
            Literal::new_language_tagged_literal_unchecked("été\n\"", "fr-ca").into(),
            Literal::new_typed_literal("01", xsd::INTEGER).into(),
            Literal::new_typed_literal("1", xsd::INTEGER).into(),
            Literal::new_simple_literal("").into(),
            BlankNode::new_unchecked("b0").into(),
        ]
    }

    #[test]
    fn every_kind_of_term_reads_back_as_it_was_packed() {
        for term in samples() {
            let mut bytes = Vec::new();
            encode(term.as_ref(), &mut bytes);
            assert_eq!(decode(&bytes), term.as_ref());
        }
    }

    #[test]
    fn terms_keep_their_numbers_and_are_found_again() {
        let terms = samples();
        let packed = PackedTerms::new(terms.iter().map(Term::as_ref));
        assert_eq!(packed.len(), terms.len());
        for (id, term) in terms.iter().enumerate() {
            assert_eq!(packed.get(id as TermId), Some(term.as_ref()));
            assert_eq!(packed.find(term.as_ref()), Some(id as TermId), "{term}");
        }
        let absent = Literal::new_language_tagged_literal_unchecked("été\n\"", "en");
        assert_eq!(packed.find(absent.as_ref().into()), None);
        assert_eq!(packed.get(terms.len() as TermId), None);
        // At most half full: every probe ends.
        let slots = packed.slots.as_slice();
        assert!(slots.len() >= 2 * terms.len());
        assert_eq!(slots.iter().filter(|&&id| id != EMPTY).count(), terms.len());
        assert_eq!(hash(b""), 0xcbf2_9ce4_8422_2325, "FNV-1a's offset basis");
        assert_eq!(hash(b"a"), 0xaf63_dc4c_8601_ec8c, "FNV-1a of « a »");
    }

    #[test]
    fn damaged_bytes_read_as_a_term_that_names_the_damage() {
        assert_eq!(decode(b"X?"), damaged().into());
        assert_eq!(decode(b"Lfr"), damaged().into());
        assert_eq!(decode(&[kind::IRI, 0xff]), damaged().into());
        assert_eq!(decode(b""), damaged().into());
    }
}

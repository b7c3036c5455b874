//! The diagram of the model on `/ontology`: one box per class with its
//! literal properties, one arrow per object property from its domain to its
//! range, and a hollow arrow from a subclass to its superclass, drawn as
//! inline SVG on the server (no script, no external resource).
//!
//! The layout is layered: a class sits one row below every class that
//! points at it (longest path), and each row is ordered by the mean position
//! of the classes pointing at its boxes, which keeps arrows short.

use super::escape_xml;
use std::fmt::Write;

/// A class drawn as a box.
#[derive(Debug, Clone)]
pub struct Class {
    /// Its short name (`ti:Award`), the box's title.
    pub name: String,
    /// Where the box links to (the class's section on the page).
    pub href: String,
    /// Its literal properties, one line each (`ti:year : xsd:gYear`).
    pub attributes: Vec<String>,
}

/// What an arrow stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    /// An object property, from its domain to its range.
    Property,
    /// `rdfs:subClassOf`, from the subclass to the superclass.
    SubClass,
}

/// An arrow between two classes, by their index.
#[derive(Debug, Clone)]
pub struct Link {
    /// The class it starts from.
    pub from: usize,
    /// The class it points at.
    pub to: usize,
    /// The property's short name (empty for a subclass).
    pub name: String,
    /// What it stands for.
    pub kind: LinkKind,
}

const MIN_WIDTH: f64 = 150.0;
const BEND_WIDTH: f64 = 24.0;
const GAP: f64 = 32.0;
const ROW_GAP: f64 = 78.0;
const HEADER: f64 = 26.0;
const LINE: f64 = 16.0;
const MARGIN: f64 = 12.0;

/// A place in a row: a class's box, or the point where an arrow that skips
/// rows crosses this one (so that it goes round the boxes of that row).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Slot {
    Class(usize),
    Bend { link: usize },
}

#[derive(Debug, Clone, Copy)]
struct Placed {
    x: f64,
    y: f64,
    width: f64,
    height: f64,
}

impl Placed {
    fn centre(&self) -> f64 {
        self.x + self.width / 2.0
    }
}

/// The width of a box: its longest line, at about 7 px a character.
fn width_of(class: &Class) -> f64 {
    let longest = class
        .attributes
        .iter()
        .map(|a| a.chars().count())
        .chain([class.name.chars().count() + 2])
        .max()
        .unwrap_or(0);
    (longest as f64 * 7.0 + 20.0).max(MIN_WIDTH)
}

/// Draws `classes` and `links` as an SVG element whose accessible name is
/// `title` and description `description`.
pub fn draw(classes: &[Class], links: &[Link], title: &str, description: &str) -> String {
    let rows = rows(classes.len(), links);
    let height_of = |class: &Class| HEADER + LINE * class.attributes.len() as f64 + 8.0;
    let slot_width = |slot: &Slot| match slot {
        Slot::Class(index) => width_of(&classes[*index]),
        Slot::Bend { .. } => BEND_WIDTH,
    };
    let row_width = |row: &Vec<Slot>| {
        row.iter().map(slot_width).sum::<f64>() + (row.len() as f64 - 1.0).max(0.0) * GAP
    };
    let width = rows.iter().map(row_width).fold(0.0, f64::max) + 2.0 * MARGIN;
    let mut boxes: Vec<Option<Placed>> = vec![None; classes.len()];
    // The points each arrow that skips rows passes through, top to bottom.
    let mut bends: Vec<Vec<(f64, f64, f64)>> = vec![Vec::new(); links.len()];
    let mut y = MARGIN;
    for row in &rows {
        let mut x = (width - row_width(row)) / 2.0;
        let tallest = row
            .iter()
            .filter_map(|slot| match slot {
                Slot::Class(index) => Some(height_of(&classes[*index])),
                Slot::Bend { .. } => None,
            })
            .fold(0.0, f64::max);
        for slot in row {
            let slot_width = slot_width(slot);
            match *slot {
                Slot::Class(index) => {
                    boxes[index] = Some(Placed {
                        x,
                        y,
                        width: slot_width,
                        height: height_of(&classes[index]),
                    })
                }
                Slot::Bend { link } => bends[link].push((x + slot_width / 2.0, y, y + tallest)),
            }
            x += slot_width + GAP;
        }
        y += tallest + ROW_GAP;
    }
    let height = y - ROW_GAP + MARGIN;
    let boxes: Vec<Placed> = boxes
        .into_iter()
        .map(|p| p.expect("every class is in a row"))
        .collect();

    let mut svg = String::new();
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="diagram" viewBox="0 0 {width:.0} {height:.0}" width="{width:.0}" height="{height:.0}" role="group" aria-labelledby="diagram-title" aria-describedby="diagram-description" font-family="system-ui, sans-serif" font-size="13">"##
    );
    let _ = write!(
        svg,
        r##"<title id="diagram-title">{}</title><desc id="diagram-description">{}</desc>"##,
        escape_xml(title),
        escape_xml(description)
    );
    svg.push_str(
        r##"<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#333"/></marker><marker id="generalisation" viewBox="0 0 12 12" refX="12" refY="6" markerWidth="12" markerHeight="12" orient="auto-start-reverse"><path d="M0,0 L12,6 L0,12 z" fill="#fff" stroke="#333"/></marker></defs>"##,
    );
    // Arrows first, so that boxes are drawn over their ends.
    let points: Vec<Vec<(f64, f64)>> = (0..links.len())
        .map(|index| path(links, index, &boxes, &bends))
        .collect();
    for (link, points) in links.iter().zip(&points) {
        let (dash, marker) = match link.kind {
            LinkKind::Property => ("", "arrow"),
            LinkKind::SubClass => (r#" stroke-dasharray="6 4""#, "generalisation"),
        };
        let coordinates: Vec<String> = points
            .iter()
            .map(|(x, y)| format!("{x:.1},{y:.1}"))
            .collect();
        let _ = write!(
            svg,
            r##"<polyline points="{}" fill="none" stroke="#333" stroke-width="1.3"{dash} marker-end="url(#{marker})"/>"##,
            coordinates.join(" ")
        );
    }
    // Then the names of the arrows, on the middle of their first stretch.
    for (link, points) in links.iter().zip(&points) {
        if !link.name.is_empty() {
            let ((x1, y1), (x2, y2)) = (points[0], points[1]);
            let _ = write!(
                svg,
                r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" dominant-baseline="middle" fill="#1a1a1a" stroke="#fff" stroke-width="4" paint-order="stroke" font-size="12">{}</text>"##,
                (x1 + x2) / 2.0,
                (y1 + y2) / 2.0,
                escape_xml(&link.name)
            );
        }
    }
    for (class, at) in classes.iter().zip(&boxes) {
        let Placed {
            x,
            y,
            width,
            height,
        } = *at;
        let _ = write!(
            svg,
            r##"<a href="{}" aria-label="{}"><rect x="{x:.1}" y="{y:.1}" width="{width:.1}" height="{height:.1}" rx="4" fill="#eef3fb" stroke="#1f4e8c" stroke-width="1.5"/><text x="{:.1}" y="{:.1}" text-anchor="middle" font-weight="bold" fill="#1a1a1a">{}</text>"##,
            escape_xml(&class.href),
            escape_xml(&class.name),
            x + width / 2.0,
            y + 18.0,
            escape_xml(&class.name)
        );
        if !class.attributes.is_empty() {
            let _ = write!(
                svg,
                r##"<line x1="{x:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#1f4e8c"/>"##,
                y + HEADER,
                x + width,
                y + HEADER
            );
        }
        for (line, attribute) in class.attributes.iter().enumerate() {
            let _ = write!(
                svg,
                r##"<text x="{:.1}" y="{:.1}" fill="#1a1a1a" font-size="12">{}</text>"##,
                x + 8.0,
                y + HEADER + LINE * (line as f64 + 1.0) - 2.0,
                escape_xml(attribute)
            );
        }
        svg.push_str("</a>");
    }
    svg.push_str("</svg>");
    svg
}

/// The rows of the layout: each class one row below the classes pointing at
/// it (arrows that close a cycle are ignored), an arrow that skips rows
/// holding a bend in each row it crosses; each row ordered by the mean
/// position of what points at its slots, then by the order given.
fn rows(count: usize, links: &[Link]) -> Vec<Vec<Slot>> {
    let mut layer = vec![0usize; count];
    // Longest path by relaxation; at most `count` rounds, so a cycle ends.
    for _ in 0..count {
        let mut changed = false;
        for link in links {
            let next = layer[link.from] + 1;
            if link.from != link.to && layer[link.to] < next && next < count {
                layer[link.to] = next;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let depth = layer.iter().max().map_or(0, |d| d + 1);
    let mut rows: Vec<Vec<Slot>> = vec![Vec::new(); depth];
    for (index, &l) in layer.iter().enumerate() {
        rows[l].push(Slot::Class(index));
    }
    // What each slot hangs from, in the row above.
    let mut parents: Vec<(usize, Slot, Slot)> = Vec::new();
    for (index, link) in links.iter().enumerate() {
        let (top, bottom) = (layer[link.from], layer[link.to]);
        if bottom <= top {
            continue;
        }
        let mut above = Slot::Class(link.from);
        for row in rows.iter_mut().take(bottom).skip(top + 1) {
            let bend = Slot::Bend { link: index };
            row.push(bend);
            parents.push((index, above, bend));
            above = bend;
        }
        parents.push((index, above, Slot::Class(link.to)));
    }
    for l in 1..rows.len() {
        let (done, rest) = rows.split_at_mut(l);
        let above = &done[l - 1];
        let position = |slot: &Slot| -> Option<f64> {
            let positions: Vec<f64> = parents
                .iter()
                .filter(|(_, _, child)| child == slot)
                .filter_map(|(_, parent, _)| above.iter().position(|s| s == parent))
                .map(|p| (p as f64 + 0.5) / above.len() as f64)
                .collect();
            (!positions.is_empty()).then(|| positions.iter().sum::<f64>() / positions.len() as f64)
        };
        let mut keyed: Vec<(f64, usize, Slot)> = rest[0]
            .iter()
            .enumerate()
            .map(|(order, slot)| (position(slot).unwrap_or(2.0), order, *slot))
            .collect();
        keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        rest[0] = keyed.into_iter().map(|(_, _, slot)| slot).collect();
    }
    rows
}

/// The points of the arrow `links[index]`: from the bottom of its box,
/// through its bends, to the top of the box it points at, its ends spread
/// along the boxes' edges when several arrows leave or reach the same box.
/// An arrow to the same row or upwards (a cycle) goes from side to side.
fn path(
    links: &[Link],
    index: usize,
    boxes: &[Placed],
    bends: &[Vec<(f64, f64, f64)>],
) -> Vec<(f64, f64)> {
    let link = &links[index];
    let (from, to) = (&boxes[link.from], &boxes[link.to]);
    if to.y <= from.y {
        let (x1, x2) = if to.x > from.x {
            (from.x + from.width, to.x)
        } else {
            (from.x, to.x + to.width)
        };
        return vec![(x1, from.y + HEADER / 2.0), (x2, to.y + HEADER / 2.0)];
    }
    // Where an arrow heads first and comes from last: its bends, or the box.
    let first = |i: usize| {
        bends[i]
            .first()
            .map_or(boxes[links[i].to].centre(), |b| b.0)
    };
    let last = |i: usize| {
        bends[i]
            .last()
            .map_or(boxes[links[i].from].centre(), |b| b.0)
    };
    let downwards = |i: usize| boxes[links[i].to].y > boxes[links[i].from].y;
    let spread = |mut siblings: Vec<usize>, key: &dyn Fn(usize) -> f64, at: &Placed| {
        siblings.sort_by(|&a, &b| key(a).total_cmp(&key(b)).then(a.cmp(&b)));
        let rank = siblings.iter().position(|&i| i == index).unwrap_or(0);
        at.x + at.width * (rank as f64 + 1.0) / (siblings.len() as f64 + 1.0)
    };
    let leaving = (0..links.len())
        .filter(|&i| links[i].from == link.from && downwards(i))
        .collect();
    let arriving = (0..links.len())
        .filter(|&i| links[i].to == link.to && downwards(i))
        .collect();
    let mut points = vec![(spread(leaving, &first, from), from.y + from.height)];
    for &(x, top, bottom) in &bends[index] {
        points.push((x, top));
        points.push((x, bottom));
    }
    points.push((spread(arriving, &last, to), to.y));
    points
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(name: &str, attributes: &[&str]) -> Class {
        Class {
            name: name.into(),
            href: format!("#{name}"),
            attributes: attributes.iter().map(|a| a.to_string()).collect(),
        }
    }

    fn link(from: usize, to: usize, name: &str) -> Link {
        Link {
            from,
            to,
            name: name.into(),
            kind: LinkKind::Property,
        }
    }

    #[test]
    fn a_class_sits_below_every_class_pointing_at_it() {
        // 0 → 1 → 2 and 0 → 2: 2 is two rows down, not one.
        let rows = rows(3, &[link(0, 1, "a"), link(1, 2, "b"), link(0, 2, "c")]);
        assert_eq!(
            rows,
            vec![
                vec![Slot::Class(0)],
                vec![Slot::Class(1), Slot::Bend { link: 2 }],
                vec![Slot::Class(2)]
            ]
        );
    }

    #[test]
    fn a_cycle_does_not_stop_the_layout() {
        let rows = rows(2, &[link(0, 1, "a"), link(1, 0, "b")]);
        let classes = rows
            .iter()
            .flatten()
            .filter(|s| matches!(s, Slot::Class(_)));
        assert_eq!(classes.count(), 2);
    }

    #[test]
    fn rows_follow_the_classes_pointing_at_them() {
        // 0 and 1 on top; 3 is pointed at by 0 (left), 2 by 1 (right).
        let rows = rows(4, &[link(1, 2, "r"), link(0, 3, "l")]);
        assert_eq!(
            rows,
            vec![
                vec![Slot::Class(0), Slot::Class(1)],
                vec![Slot::Class(3), Slot::Class(2)]
            ]
        );
    }

    #[test]
    fn every_class_is_a_named_link_and_every_property_a_labelled_arrow() {
        let classes = [
            class("ti:Award", &["ti:rank : xsd:integer"]),
            class("ti:Level", &[]),
        ];
        let svg = draw(
            &classes,
            &[link(0, 1, "ti:level")],
            "Modèle",
            "Deux classes & une flèche",
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert_eq!(svg.matches("<a href=").count(), 2);
        assert!(svg.contains(r##"<a href="#ti:Award" aria-label="ti:Award">"##));
        assert!(svg.contains(">ti:rank : xsd:integer</text>"));
        assert_eq!(svg.matches("<polyline").count(), 1);
        assert!(svg.contains(">ti:level</text>"));
        assert!(
            svg.contains("<desc id=\"diagram-description\">Deux classes &amp; une flèche</desc>")
        );
    }
}

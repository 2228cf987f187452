//! The bundled faces cover every character the domain allows in printable fields
//! (`domain::validation::printable_repertoire`): Vietnamese letters U+1EA0–U+1EF9, Latin-1
//! letters, Đđ Ăă Ơơ Ưư, ethnic-minority breve letters, ASCII.

mod support;

use printing::fonts::{covers, FaceKind};
use printing::layout::Item;
use printing::{layout, samples, Document, Paper, PrintError};
use proptest::prelude::*;

#[test]
fn every_face_covers_the_domain_printable_repertoire() {
    let mut missing = Vec::new();
    for face in FaceKind::ALL {
        for ch in domain::validation::printable_repertoire() {
            if !covers(face, ch).expect("fonts parse") {
                missing.push((face, format!("U+{:04X}", u32::from(ch))));
            }
        }
    }
    assert!(missing.is_empty(), "missing glyphs: {missing:?}");
    // The explicit Vietnamese set, independent of the domain list.
    let vietnamese =
        ('\u{1EA0}'..='\u{1EF9}').chain("ĐđĂăƠơƯưÂâÊêÔôÀÁÃÈÉÌÍÒÓÕÙÚÝàáãèéìíòóõùúýĨĩŨũ".chars());
    for ch in vietnamese {
        for face in FaceKind::ALL {
            assert!(
                covers(face, ch).expect("fonts parse"),
                "{face:?} lacks {ch}"
            );
        }
    }
}

#[test]
fn characters_outside_the_font_are_reported_not_drawn() {
    for ch in ['中', '😀', '\u{0E01}'] {
        assert!(!covers(FaceKind::Regular, ch).expect("fonts parse"));
        let mut slip = samples::slip();
        slip.address = Some(format!("Thôn {ch}"));
        let err = layout(&Document::Slip(slip), &support::options(Paper::A4)).expect_err("refused");
        assert_eq!(
            err,
            PrintError::MissingGlyph {
                code_point: u32::from(ch),
                face: FaceKind::Regular,
                field: "address"
            }
        );
    }
}

fn printable_name() -> impl Strategy<Value = String> {
    let repertoire: Vec<char> = domain::validation::printable_repertoire()
        .filter(|c| c.is_alphanumeric() || *c == ' ')
        .collect();
    proptest::collection::vec(proptest::sample::select(repertoire), 1..160)
        .prop_map(|chars| chars.into_iter().collect::<String>())
        .prop_filter("not blank", |s| !s.trim().is_empty())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    /// Any name and address made of printable characters lays out on every paper, inside the
    /// margins, with the name's words all present in the text runs.
    #[test]
    fn any_printable_name_and_address_lays_out_inside_the_margins(name in printable_name(), address in printable_name()) {
        for paper in [Paper::A4, Paper::A5, Paper::Receipt80] {
            let mut slip = samples::slip();
            slip.citizen_name = name.clone();
            slip.address = Some(address.clone());
            let laid = layout(&Document::Slip(slip), &support::options(paper)).expect("printable input lays out");
            support::assert_inside_margins(&laid);
            let all: String = laid.pages.iter().flat_map(|p| p.items.iter()).filter_map(|i| match i {
                Item::Text(t) => Some(t.text.replace(' ', "")),
                _ => None,
            }).collect();
            let compact: String = printing::text::clean(&name, "name").expect("clean").replace(' ', "");
            prop_assert!(all.contains(&compact), "the name is printed whole and in order");
        }
    }
}

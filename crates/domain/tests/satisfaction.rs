//! Satisfaction scale, criteria (NĐ 118 art. 33) and the report's satisfaction rate.

use domain::satisfaction::{Criterion, Evaluation, SatisfactionLevel, SatisfactionTally};
use proptest::prelude::*;

#[test]
fn three_level_scale_with_vietnamese_labels() {
    let labels: Vec<_> = SatisfactionLevel::ALL
        .iter()
        .map(|l| l.label_vi())
        .collect();
    assert_eq!(labels, ["Rất hài lòng", "Hài lòng", "Không hài lòng"]);
    assert!(SatisfactionLevel::Satisfied.is_satisfied());
    assert!(!SatisfactionLevel::Dissatisfied.is_satisfied());
}

/// NĐ 118 art. 33 lists nine criteria; each has its own label.
#[test]
fn nine_criteria_of_article_33() {
    let labels: std::collections::HashSet<_> =
        Criterion::ALL.iter().map(|c| c.label_vi()).collect();
    assert_eq!(labels.len(), 9);
    assert_eq!(
        Criterion::StaffAttitude.label_vi(),
        "Thái độ, ứng xử của cán bộ, công chức"
    );
}

#[test]
fn a_criterion_is_rated_once_per_evaluation() {
    let error = Evaluation::new(
        SatisfactionLevel::Satisfied,
        vec![
            (Criterion::StaffAttitude, SatisfactionLevel::VerySatisfied),
            (Criterion::StaffAttitude, SatisfactionLevel::Dissatisfied),
        ],
    )
    .expect_err("duplicate");
    assert_eq!(error.code(), "duplicate_criterion");
}

#[test]
fn rate_counts_both_satisfied_levels_over_all_evaluations() {
    let evaluations: Vec<Evaluation> = [
        SatisfactionLevel::VerySatisfied,
        SatisfactionLevel::Satisfied,
        SatisfactionLevel::Satisfied,
        SatisfactionLevel::Dissatisfied,
        SatisfactionLevel::VerySatisfied,
        SatisfactionLevel::VerySatisfied,
    ]
    .into_iter()
    .map(|level| Evaluation::new(level, vec![(Criterion::ReturnTime, level)]).expect("valid"))
    .collect();
    let tally = SatisfactionTally::of_evaluations(&evaluations);
    assert_eq!(tally.total(), 6);
    // 5 of 6 = 83.33 %.
    assert_eq!(tally.rate_basis_points(), Some(8333));
    assert_eq!(tally.rate_text_vi().as_deref(), Some("83,3%"));
    let by_criterion = SatisfactionTally::of_criterion(&evaluations, Criterion::ReturnTime);
    assert_eq!(by_criterion, tally);
    assert_eq!(
        SatisfactionTally::of_criterion(&evaluations, Criterion::OnlineService).total(),
        0
    );
}

#[test]
fn rate_of_no_evaluation_is_none_and_whole_rates_have_no_decimal() {
    assert_eq!(SatisfactionTally::default().rate_basis_points(), None);
    let all = SatisfactionTally {
        very_satisfied: 3,
        satisfied: 1,
        dissatisfied: 0,
    };
    assert_eq!(all.rate_text_vi().as_deref(), Some("100%"));
    let most = SatisfactionTally {
        very_satisfied: 197,
        satisfied: 0,
        dissatisfied: 3,
    };
    assert_eq!(most.rate_text_vi().as_deref(), Some("98,5%"));
}

proptest! {
    /// The rate is within 0..=100 % and matches the exact fraction to within half a basis point.
    #[test]
    fn rate_is_a_rounded_fraction(v in 0u64..100_000, s in 0u64..100_000, d in 0u64..100_000) {
        let tally = SatisfactionTally { very_satisfied: v, satisfied: s, dissatisfied: d };
        match tally.rate_basis_points() {
            None => prop_assert_eq!(v + s + d, 0),
            Some(rate) => {
                prop_assert!(rate <= 10_000);
                let exact = (v + s) as f64 * 10_000.0 / (v + s + d) as f64;
                prop_assert!((rate as f64 - exact).abs() <= 0.5 + 1e-9);
            }
        }
    }
}

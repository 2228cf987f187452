//! Report indicators (domain.md §7) checked against an independent count written here with
//! plain loops over a generated data set, plus properties over random data sets.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, TimeZone};
use domain::dossier::{Channel, DossierStatus};
use domain::due::Timeliness;
use domain::report::{
    compute, CutOff, DossierFacts, DueChange, Indicators, Outcome, ReportPeriod, TapFact,
};
use domain::satisfaction::SatisfactionLevel;
use proptest::prelude::*;

fn vn(year: i32, month: u32, day: u32, hour: u32, minute: u32) -> DateTime<FixedOffset> {
    FixedOffset::east_opt(7 * 3600)
        .and_then(|offset| {
            offset
                .with_ymd_and_hms(year, month, day, hour, minute, 0)
                .single()
        })
        .expect("valid test instant")
}

/// A small deterministic generator (xorshift64*), so the data set is the same on every run.
struct Seeded(u64);

impl Seeded {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const PROCEDURES: [(&str, &str); 4] = [
    ("1.001193", "Đăng ký khai sinh"),
    ("1.000656", "Đăng ký kết hôn"),
    ("1.004227", "Chứng thực bản sao từ bản chính"),
    ("2.000635", "Cấp bản sao trích lục hộ tịch"),
];
const CLERKS: [&str; 3] = ["clerk-1", "clerk-2", "clerk-3"];

/// One generated dossier: received at some time of 2026, due a few days later; then maybe a
/// supplement request (clock stopped, restarted at resubmission), maybe an apology with a new
/// due date, and an outcome (returned early / on time / late, refused, stopped, closed) or none.
fn generate_dossier(rng: &mut Seeded, index: usize) -> DossierFacts {
    let start = vn(2025, 11, 1, 7, 30);
    let received_at =
        start + Duration::days(rng.below(330) as i64) + Duration::minutes(rng.below(9 * 60) as i64);
    let channel = match rng.below(3) {
        0 => Channel::Counter,
        1 => Channel::Post,
        _ => Channel::Online,
    };
    let (procedure_code, procedure_name) = PROCEDURES[rng.below(4) as usize];
    let clerk_id = CLERKS[rng.below(3) as usize];
    let mut due = received_at + Duration::days(1 + rng.below(10) as i64);
    let mut due_history = vec![DueChange {
        at: received_at,
        due_at: Some(due),
    }];
    let mut cursor = received_at;
    let mut supplement_requested_at = None;
    let mut apology_issued_at = None;
    if rng.below(5) == 0 {
        let asked = cursor + Duration::hours(1 + rng.below(48) as i64);
        supplement_requested_at = Some(asked);
        due_history.push(DueChange {
            at: asked,
            due_at: None,
        });
        if rng.below(3) == 0 {
            // Never completed: closed after 15 days (NĐ 118 art. 19.5), or still waiting.
            let outcome = (rng.below(2) == 0).then(|| Outcome {
                status: DossierStatus::Closed,
                at: asked + Duration::days(16),
                timeliness: None,
            });
            return facts(
                index,
                received_at,
                channel,
                procedure_code,
                procedure_name,
                clerk_id,
                due_history,
                outcome,
                supplement_requested_at,
                None,
            );
        }
        let resubmitted = asked + Duration::days(1 + rng.below(10) as i64);
        due = resubmitted + Duration::days(1 + rng.below(10) as i64);
        due_history.push(DueChange {
            at: resubmitted,
            due_at: Some(due),
        });
        cursor = resubmitted;
    }
    if rng.below(8) == 0 {
        let issued = cursor + Duration::hours(1);
        apology_issued_at = Some(issued);
        due += Duration::days(3);
        due_history.push(DueChange {
            at: issued,
            due_at: Some(due),
        });
        cursor = issued;
    }
    let outcome = match rng.below(10) {
        0 => Some(Outcome {
            status: DossierStatus::Refused,
            at: cursor + Duration::hours(2),
            timeliness: None,
        }),
        1 => Some(Outcome {
            status: DossierStatus::Stopped,
            at: cursor + Duration::hours(3),
            timeliness: None,
        }),
        2 => None,
        _ => {
            let (at, timeliness) = match rng.below(3) {
                0 => (due - Duration::days(1), Timeliness::Early),
                1 => (due - Duration::minutes(30), Timeliness::OnTime),
                _ => (
                    due + Duration::days(1 + rng.below(5) as i64),
                    Timeliness::Late,
                ),
            };
            Some(Outcome {
                status: DossierStatus::Returned,
                at: at.max(cursor + Duration::minutes(1)),
                timeliness: Some(timeliness),
            })
        }
    };
    facts(
        index,
        received_at,
        channel,
        procedure_code,
        procedure_name,
        clerk_id,
        due_history,
        outcome,
        supplement_requested_at,
        apology_issued_at,
    )
}

#[allow(clippy::too_many_arguments)]
fn facts(
    index: usize,
    received_at: DateTime<FixedOffset>,
    channel: Channel,
    procedure_code: &str,
    procedure_name: &str,
    clerk_id: &str,
    due_history: Vec<DueChange>,
    outcome: Option<Outcome>,
    supplement_requested_at: Option<DateTime<FixedOffset>>,
    apology_issued_at: Option<DateTime<FixedOffset>>,
) -> DossierFacts {
    DossierFacts {
        code: format!("AA-{index:05}"),
        received_at,
        channel,
        procedure_code: procedure_code.to_string(),
        procedure_name: procedure_name.to_string(),
        clerk_id: clerk_id.to_string(),
        due_history,
        outcome,
        supplement_requested_at,
        apology_issued_at,
    }
}

fn generate_taps(rng: &mut Seeded, dossiers: &[DossierFacts], count: usize) -> Vec<TapFact> {
    (0..count)
        .map(|_| {
            let dossier = &dossiers[rng.below(dossiers.len() as u64) as usize];
            let level = SatisfactionLevel::ALL[rng.below(3) as usize];
            let known = rng.below(4) != 0;
            TapFact {
                tapped_at: dossier.received_at + Duration::hours(rng.below(200) as i64),
                level,
                clerk_id: known.then(|| dossier.clerk_id.clone()),
                procedure_code: known.then(|| dossier.procedure_code.clone()),
            }
        })
        .collect()
}

/// The independent count: for each indicator, one plain pass over the dossiers with the rules
/// of domain.md §7 spelled out again, without calling the report code.
fn expected(
    dossiers: &[&DossierFacts],
    taps: &[&TapFact],
    start: DateTime<FixedOffset>,
    end: DateTime<FixedOffset>,
    as_of: DateTime<FixedOffset>,
) -> Indicators {
    let mut out = Indicators::default();
    for d in dossiers {
        if d.received_at >= start && d.received_at < end {
            match d.channel {
                Channel::Counter => out.received.counter += 1,
                Channel::Post => out.received.post += 1,
                Channel::Online => out.received.online += 1,
            }
        }
        let finished_at = d.outcome.map(|o| o.at);
        let open_at = |t: DateTime<FixedOffset>| {
            d.received_at < t && (finished_at.is_none() || finished_at >= Some(t))
        };
        if d.received_at < start && open_at(start) {
            out.carried_over += 1;
        }
        if let Some(o) = d.outcome {
            if o.at >= start && o.at < end {
                if o.status == DossierStatus::Returned {
                    if o.timeliness == Some(Timeliness::Early) {
                        out.resolved.early += 1;
                    }
                    if o.timeliness == Some(Timeliness::OnTime) {
                        out.resolved.on_time += 1;
                    }
                    if o.timeliness == Some(Timeliness::Late) {
                        out.resolved.late += 1;
                        if d.apology_issued_at.is_none() {
                            out.late_without_apology += 1;
                        }
                    }
                }
                if o.status == DossierStatus::Refused {
                    out.refused += 1;
                }
                if o.status == DossierStatus::Stopped {
                    out.stopped += 1;
                }
                if o.status == DossierStatus::Closed {
                    out.closed += 1;
                }
            }
        }
        if open_at(end) {
            let mut due = None;
            for change in &d.due_history {
                if change.at <= as_of {
                    due = change.due_at;
                }
            }
            match due {
                None => out.pending.awaiting_supplement += 1,
                Some(due) => {
                    if as_of > due {
                        out.pending.overdue += 1;
                    } else {
                        out.pending.not_yet_due += 1;
                    }
                }
            }
        }
        if let Some(at) = d.supplement_requested_at {
            if at >= start && at < end {
                out.supplement_requests += 1;
            }
        }
        if let Some(at) = d.apology_issued_at {
            if at >= start && at < end {
                out.apologies_issued += 1;
            }
        }
    }
    for tap in taps {
        if tap.tapped_at >= start && tap.tapped_at < end {
            match tap.level {
                SatisfactionLevel::VerySatisfied => out.satisfaction.very_satisfied += 1,
                SatisfactionLevel::Satisfied => out.satisfaction.satisfied += 1,
                SatisfactionLevel::Dissatisfied => out.satisfaction.dissatisfied += 1,
            }
        }
    }
    out
}

fn data_set(seed: u64, dossier_count: usize) -> (Vec<DossierFacts>, Vec<TapFact>) {
    let mut rng = Seeded(seed);
    let dossiers: Vec<DossierFacts> = (0..dossier_count)
        .map(|index| generate_dossier(&mut rng, index))
        .collect();
    let taps = generate_taps(&mut rng, &dossiers, dossier_count / 2);
    (dossiers, taps)
}

/// Every indicator of the totals, of each procedure and of each clerk equals the independent
/// count, for a month, a quarter and a year cut on the 15th (domain.md §7) and a calendar
/// month, over 600 generated dossiers.
#[test]
fn indicators_match_an_independent_count_over_600_generated_dossiers() {
    let (dossiers, taps) = data_set(0x5EED_2026, 600);
    let now = vn(2027, 3, 1, 9, 0);
    let periods = [
        ReportPeriod::month(2026, 6, CutOff::FIFTEENTH).expect("period"),
        ReportPeriod::quarter(2026, 2, CutOff::FIFTEENTH).expect("period"),
        ReportPeriod::year(2026, CutOff::FIFTEENTH).expect("period"),
        ReportPeriod::month(2026, 3, CutOff::Calendar).expect("period"),
    ];
    for period in periods {
        let (start, end) = period.instants();
        let report = compute(&period, now, &dossiers, &taps);
        let all: Vec<&DossierFacts> = dossiers.iter().collect();
        let all_taps: Vec<&TapFact> = taps.iter().collect();
        let totals = expected(&all, &all_taps, start, end, end);
        assert_eq!(report.totals, totals, "totals of {period:?}");
        // The data set must exercise every indicator, or the comparison proves little.
        assert!(totals.received.counter > 0 && totals.received.post > 0);
        assert!(totals.resolved.early > 0 && totals.resolved.on_time > 0);
        assert!(totals.resolved.late > 0 && totals.pending.total() > 0);
        assert!(totals.satisfaction.total() > 0);
        if period.kind() == domain::report::PeriodKind::Year {
            assert!(totals.supplement_requests > 0 && totals.apologies_issued > 0);
            assert!(totals.refused > 0 && totals.stopped > 0 && totals.closed > 0);
            assert!(totals.carried_over > 0 && totals.pending.awaiting_supplement > 0);
            assert!(totals.late_without_apology > 0);
        }

        for (code, _) in PROCEDURES {
            let of: Vec<&DossierFacts> = dossiers
                .iter()
                .filter(|d| d.procedure_code == code)
                .collect();
            let of_taps: Vec<&TapFact> = taps
                .iter()
                .filter(|t| t.procedure_code.as_deref() == Some(code))
                .collect();
            let want = expected(&of, &of_taps, start, end, end);
            let row = report
                .by_procedure
                .iter()
                .find(|r| r.procedure_code == code);
            match row {
                Some(row) => assert_eq!(row.indicators, want, "{code} in {period:?}"),
                None => assert_eq!(want, Indicators::default(), "{code} missing"),
            }
        }
        for clerk in CLERKS {
            let of: Vec<&DossierFacts> = dossiers.iter().filter(|d| d.clerk_id == clerk).collect();
            let of_taps: Vec<&TapFact> = taps
                .iter()
                .filter(|t| t.clerk_id.as_deref() == Some(clerk))
                .collect();
            let want = expected(&of, &of_taps, start, end, end);
            let row = report.by_clerk.iter().find(|r| r.clerk_id == clerk);
            assert_eq!(row.map(|r| r.indicators), Some(want), "{clerk}");
        }
    }
}

/// A period not yet over is judged at `now`: a dossier due after now is not yet overdue even
/// though it will be by the period's end.
#[test]
fn open_dossiers_of_a_period_not_yet_over_are_judged_at_now() {
    let received_at = vn(2026, 11, 2, 9, 0);
    let dossier = facts(
        1,
        received_at,
        Channel::Counter,
        "1.001193",
        "Đăng ký khai sinh",
        "clerk-1",
        vec![DueChange {
            at: received_at,
            due_at: Some(vn(2026, 11, 5, 17, 0)),
        }],
        None,
        None,
        None,
    );
    let period = ReportPeriod::month(2026, 11, CutOff::FIFTEENTH).expect("period");
    let before_due = compute(
        &period,
        vn(2026, 11, 4, 10, 0),
        std::slice::from_ref(&dossier),
        &[],
    );
    assert_eq!(before_due.totals.pending.not_yet_due, 1);
    assert_eq!(before_due.as_of, vn(2026, 11, 4, 10, 0));
    let after_due = compute(
        &period,
        vn(2026, 11, 6, 8, 0),
        std::slice::from_ref(&dossier),
        &[],
    );
    assert_eq!(after_due.totals.pending.overdue, 1);
    // After the period, judged at its end (15/11 00:00), not at a later now.
    let later = compute(&period, vn(2027, 1, 1, 8, 0), &[dossier], &[]);
    assert_eq!(later.as_of, vn(2026, 11, 15, 0, 0));
    assert_eq!(later.totals.pending.overdue, 1);
}

/// An extension issued after the period's end does not make a dossier overdue at the end
/// "not yet due": the due date in force at the end counts (NĐ 118 art. 19.6 resets it from the
/// apology on).
#[test]
fn due_date_in_force_at_the_period_end_decides_overdue() {
    let received_at = vn(2026, 11, 2, 9, 0);
    let dossier = facts(
        1,
        received_at,
        Channel::Post,
        "1.001193",
        "Đăng ký khai sinh",
        "clerk-1",
        vec![
            DueChange {
                at: received_at,
                due_at: Some(vn(2026, 11, 10, 17, 0)),
            },
            DueChange {
                at: vn(2026, 11, 20, 8, 0),
                due_at: Some(vn(2026, 11, 30, 17, 0)),
            },
        ],
        None,
        None,
        Some(vn(2026, 11, 20, 8, 0)),
    );
    let period = ReportPeriod::month(2026, 11, CutOff::FIFTEENTH).expect("period");
    let report = compute(&period, vn(2026, 12, 20, 8, 0), &[dossier], &[]);
    assert_eq!(report.totals.pending.overdue, 1);
    assert_eq!(
        report.totals.apologies_issued, 0,
        "apology is in December's period"
    );
}

/// The on-time rate is (early + on time) / returned, half up; the target is "above 98 %"
/// (domain.md §7): 98 of 100 does not meet it, 99 of 100 does.
#[test]
fn on_time_rate_counts_returned_dossiers_only_and_target_is_above_98_percent() {
    let mut indicators = Indicators::default();
    assert_eq!(indicators.on_time_rate_basis_points(), None);
    indicators.resolved.early = 50;
    indicators.resolved.on_time = 48;
    indicators.resolved.late = 2;
    indicators.refused = 40;
    indicators.stopped = 7;
    assert_eq!(indicators.on_time_rate_basis_points(), Some(9_800));
    assert_eq!(indicators.meets_on_time_target(), Some(false));
    indicators.resolved.on_time = 49;
    indicators.resolved.late = 1;
    assert_eq!(indicators.on_time_rate_basis_points(), Some(9_900));
    assert_eq!(indicators.meets_on_time_target(), Some(true));
    // 2 of 3 = 66.666 % rounds half up to 6 667 bp.
    let two_of_three = Indicators {
        resolved: domain::report::ResolvedCounts {
            early: 1,
            on_time: 1,
            late: 1,
            unclassified: 0,
        },
        ..Indicators::default()
    };
    assert_eq!(two_of_three.on_time_rate_basis_points(), Some(6_667));
}

fn arbitrary_data_set() -> impl Strategy<Value = (u64, usize, i64, u32)> {
    (any::<u64>(), 1usize..150, 0i64..400, 1u32..=12)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Conservation: what was open at the start plus what came in equals what was finished in
    /// the period plus what is open at its end; the rows by procedure and by clerk add up to
    /// the totals; the rates are in [0, 10 000] basis points.
    #[test]
    fn counts_add_up_and_rates_are_bounded(
        (seed, count, now_offset_days, month) in arbitrary_data_set()
    ) {
        let (dossiers, taps) = data_set(seed | 1, count);
        let period = ReportPeriod::month(2026, month, CutOff::FIFTEENTH).expect("period");
        let now = vn(2025, 12, 1, 8, 0) + Duration::days(now_offset_days);
        let report = compute(&period, now, &dossiers, &taps);
        let totals = report.totals;
        prop_assert_eq!(
            totals.carried_over + totals.received.total(),
            totals.finished() + totals.pending.total()
        );
        prop_assert!(totals.late_without_apology <= totals.resolved.late);
        for rate in [totals.on_time_rate_basis_points(), totals.satisfaction_rate_basis_points()]
            .into_iter()
            .flatten()
        {
            prop_assert!(rate <= 10_000);
        }
        let mut by_procedure = Indicators::default();
        for row in &report.by_procedure {
            add(&mut by_procedure, &row.indicators);
        }
        let mut by_clerk = Indicators::default();
        for row in &report.by_clerk {
            add(&mut by_clerk, &row.indicators);
        }
        // Taps without a procedure or clerk count only in the totals.
        let known_taps = |pick: fn(&TapFact) -> bool| {
            let (start, end) = period.instants();
            taps.iter()
                .filter(|t| pick(t) && t.tapped_at >= start && t.tapped_at < end)
                .count() as u64
        };
        prop_assert_eq!(
            by_procedure.satisfaction.total(),
            known_taps(|t| t.procedure_code.is_some())
        );
        prop_assert_eq!(by_clerk.satisfaction.total(), known_taps(|t| t.clerk_id.is_some()));
        by_procedure.satisfaction = totals.satisfaction;
        by_clerk.satisfaction = totals.satisfaction;
        prop_assert_eq!(by_procedure, totals);
        prop_assert_eq!(by_clerk, totals);
    }
}

fn add(sum: &mut Indicators, row: &Indicators) {
    sum.received.counter += row.received.counter;
    sum.received.post += row.received.post;
    sum.received.online += row.received.online;
    sum.carried_over += row.carried_over;
    sum.resolved.early += row.resolved.early;
    sum.resolved.on_time += row.resolved.on_time;
    sum.resolved.late += row.resolved.late;
    sum.resolved.unclassified += row.resolved.unclassified;
    sum.refused += row.refused;
    sum.stopped += row.stopped;
    sum.closed += row.closed;
    sum.pending.not_yet_due += row.pending.not_yet_due;
    sum.pending.overdue += row.pending.overdue;
    sum.pending.awaiting_supplement += row.pending.awaiting_supplement;
    sum.supplement_requests += row.supplement_requests;
    sum.apologies_issued += row.apologies_issued;
    sum.late_without_apology += row.late_without_apology;
    sum.satisfaction.very_satisfied += row.satisfaction.very_satisfied;
    sum.satisfaction.satisfied += row.satisfaction.satisfied;
    sum.satisfaction.dissatisfied += row.satisfaction.dissatisfied;
}

/// A whole custom range given as dates includes its last day.
#[test]
fn custom_range_includes_its_last_day() {
    let first = NaiveDate::from_ymd_opt(2026, 3, 1).expect("date");
    let last = NaiveDate::from_ymd_opt(2026, 3, 31).expect("date");
    let period = ReportPeriod::custom(first, last).expect("period");
    let late_on_last_day = vn(2026, 3, 31, 23, 59);
    let dossier = facts(
        1,
        late_on_last_day,
        Channel::Online,
        "1.001193",
        "Đăng ký khai sinh",
        "clerk-2",
        vec![DueChange {
            at: late_on_last_day,
            due_at: Some(vn(2026, 4, 3, 17, 0)),
        }],
        None,
        None,
        None,
    );
    let report = compute(&period, vn(2026, 5, 1, 8, 0), &[dossier], &[]);
    assert_eq!(report.totals.received.online, 1);
    assert_eq!(report.totals.pending.not_yet_due, 1);
}

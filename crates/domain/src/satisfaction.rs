//! Citizen satisfaction (mức độ hài lòng): the scale, the criteria of NĐ 118 art. 33, and the
//! satisfaction rate the reports use.
//!
//! NĐ 118 does not fix a scale (art. 31–33). This app uses the three levels common at commune
//! counters (domain.md §6): Rất hài lòng / Hài lòng / Không hài lòng. A province that uses five
//! levels maps them onto these three before reporting (4–5 → satisfied levels, 1–3 → not).

use serde::{Deserialize, Serialize};

/// The three-level scale, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SatisfactionLevel {
    /// Rất hài lòng.
    VerySatisfied,
    /// Hài lòng.
    Satisfied,
    /// Không hài lòng.
    Dissatisfied,
}

impl SatisfactionLevel {
    /// The levels in the order the touch screen shows them.
    pub const ALL: [SatisfactionLevel; 3] = [
        SatisfactionLevel::VerySatisfied,
        SatisfactionLevel::Satisfied,
        SatisfactionLevel::Dissatisfied,
    ];

    /// The label on the evaluation screen.
    pub fn label_vi(self) -> &'static str {
        match self {
            SatisfactionLevel::VerySatisfied => "Rất hài lòng",
            SatisfactionLevel::Satisfied => "Hài lòng",
            SatisfactionLevel::Dissatisfied => "Không hài lòng",
        }
    }

    /// A stable code.
    pub fn code(self) -> &'static str {
        match self {
            SatisfactionLevel::VerySatisfied => "very_satisfied",
            SatisfactionLevel::Satisfied => "satisfied",
            SatisfactionLevel::Dissatisfied => "dissatisfied",
        }
    }

    /// Whether the level counts as satisfied in the satisfaction rate.
    pub fn is_satisfied(self) -> bool {
        !matches!(self, SatisfactionLevel::Dissatisfied)
    }
}

/// The criteria a citizen may rate, NĐ 118 art. 33 (optional, beside the overall level).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Criterion {
    /// The time the result was returned, compared with the legal time.
    ReturnTime,
    /// How many agencies and units the citizen had to deal with.
    AgenciesContacted,
    /// How many times the citizen had to come or contact to complete the dossier.
    ContactsNeeded,
    /// Whether the published procedure information was accurate and complete.
    PublishedInformation,
    /// The attitude and conduct of the staff.
    StaffAttitude,
    /// Whether the result and the costs were lawful, including no unofficial costs.
    LegalityOfResultAndCosts,
    /// How feedback and complaints were received and handled.
    ComplaintHandling,
    /// The quality of the online public service.
    OnlineService,
    /// Anything else.
    Other,
}

impl Criterion {
    /// Every criterion, in the order of NĐ 118 art. 33.
    pub const ALL: [Criterion; 9] = [
        Criterion::ReturnTime,
        Criterion::AgenciesContacted,
        Criterion::ContactsNeeded,
        Criterion::PublishedInformation,
        Criterion::StaffAttitude,
        Criterion::LegalityOfResultAndCosts,
        Criterion::ComplaintHandling,
        Criterion::OnlineService,
        Criterion::Other,
    ];

    /// The label on the evaluation screen.
    pub fn label_vi(self) -> &'static str {
        match self {
            Criterion::ReturnTime => "Thời gian trả kết quả so với quy định",
            Criterion::AgenciesContacted => "Số lượng cơ quan, đơn vị phải liên hệ",
            Criterion::ContactsNeeded => "Số lần phải liên hệ để hoàn thiện hồ sơ",
            Criterion::PublishedInformation => {
                "Tính chính xác, đầy đủ của thông tin thủ tục được công khai"
            }
            Criterion::StaffAttitude => "Thái độ, ứng xử của cán bộ, công chức",
            Criterion::LegalityOfResultAndCosts => {
                "Tính đúng quy định của kết quả và chi phí (kể cả chi phí không chính thức)"
            }
            Criterion::ComplaintHandling => "Việc tiếp nhận, xử lý phản ánh, kiến nghị",
            Criterion::OnlineService => "Chất lượng dịch vụ công trực tuyến",
            Criterion::Other => "Nội dung khác",
        }
    }
}

/// Why an evaluation was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EvaluationError {
    /// The same criterion was rated twice.
    #[error("criterion {0:?} rated twice")]
    DuplicateCriterion(Criterion),
}

impl EvaluationError {
    /// A stable machine-readable code.
    pub fn code(self) -> &'static str {
        match self {
            EvaluationError::DuplicateCriterion(_) => "duplicate_criterion",
        }
    }
}

/// One citizen's evaluation of one dossier: the overall level, and any criteria rated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evaluation {
    overall: SatisfactionLevel,
    criteria: Vec<(Criterion, SatisfactionLevel)>,
}

impl Evaluation {
    /// An evaluation; each criterion may be rated at most once.
    pub fn new(
        overall: SatisfactionLevel,
        criteria: Vec<(Criterion, SatisfactionLevel)>,
    ) -> Result<Evaluation, EvaluationError> {
        for (index, (criterion, _)) in criteria.iter().enumerate() {
            if criteria[..index].iter().any(|(seen, _)| seen == criterion) {
                return Err(EvaluationError::DuplicateCriterion(*criterion));
            }
        }
        Ok(Evaluation { overall, criteria })
    }

    /// The overall level.
    pub fn overall(&self) -> SatisfactionLevel {
        self.overall
    }

    /// The criteria rated.
    pub fn criteria(&self) -> &[(Criterion, SatisfactionLevel)] {
        &self.criteria
    }
}

/// Counts of evaluations by level, for a period's report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ts_rs::TS)]
pub struct SatisfactionTally {
    /// Rất hài lòng.
    pub very_satisfied: u64,
    /// Hài lòng.
    pub satisfied: u64,
    /// Không hài lòng.
    pub dissatisfied: u64,
}

impl SatisfactionTally {
    /// Counts one level.
    pub fn add(&mut self, level: SatisfactionLevel) {
        let count = match level {
            SatisfactionLevel::VerySatisfied => &mut self.very_satisfied,
            SatisfactionLevel::Satisfied => &mut self.satisfied,
            SatisfactionLevel::Dissatisfied => &mut self.dissatisfied,
        };
        *count = count.saturating_add(1);
    }

    /// Tallies the overall level of each evaluation.
    pub fn of_evaluations<'a>(evaluations: impl IntoIterator<Item = &'a Evaluation>) -> Self {
        let mut tally = SatisfactionTally::default();
        for evaluation in evaluations {
            tally.add(evaluation.overall);
        }
        tally
    }

    /// Tallies one criterion across evaluations (those that rated it).
    pub fn of_criterion<'a>(
        evaluations: impl IntoIterator<Item = &'a Evaluation>,
        criterion: Criterion,
    ) -> Self {
        let mut tally = SatisfactionTally::default();
        for evaluation in evaluations {
            for (rated, level) in &evaluation.criteria {
                if *rated == criterion {
                    tally.add(*level);
                }
            }
        }
        tally
    }

    /// How many evaluations.
    pub fn total(&self) -> u64 {
        self.very_satisfied
            .saturating_add(self.satisfied)
            .saturating_add(self.dissatisfied)
    }

    /// **The satisfaction rate (tỷ lệ hài lòng)** used by the reports, in basis points
    /// (10 000 = 100 %), rounded half up:
    ///
    /// (Rất hài lòng + Hài lòng) ÷ (all evaluations received in the period), one evaluation per
    /// dossier (its overall level). Dossiers nobody evaluated are left out of the denominator;
    /// the report shows how many evaluations the rate rests on ([`SatisfactionTally::total`]).
    /// `None` when there is no evaluation: a rate of nothing is not 0 % nor 100 %.
    /// It feeds the satisfaction component of the QĐ 766/QĐ-TTg index (domain.md §6).
    pub fn rate_basis_points(&self) -> Option<u32> {
        let total = u128::from(self.total());
        if total == 0 {
            return None;
        }
        let satisfied = u128::from(self.very_satisfied) + u128::from(self.satisfied);
        let basis_points = (satisfied * 20_000 + total) / (2 * total);
        u32::try_from(basis_points).ok()
    }

    /// The rate as Vietnamese reports write it, with a decimal comma: "98,5%".
    /// `None` when there is no evaluation.
    pub fn rate_text_vi(&self) -> Option<String> {
        let basis_points = self.rate_basis_points()?;
        // One decimal, rounded half up from basis points.
        let tenths = (basis_points + 5) / 10;
        Some(match tenths % 10 {
            0 => format!("{}%", tenths / 10),
            decimal => format!("{},{}%", tenths / 10, decimal),
        })
    }
}

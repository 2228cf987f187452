//! The dossier status machine: which [`Action`] is allowed in which [`DossierStatus`], and what
//! it does to the clock.
//!
//! ```text
//!  Received ──StartProcessing──▶ InProgress ──ResultReady──▶ ResultReady ──Return──▶ Returned
//!     │  ▲ ╲────────────ResultReady (same-day procedures)──────▲
//!     │  └──Resubmit── SupplementRequested ◀──RequestSupplement (once)── Received | InProgress
//!     │                      └──Close (15 days, art. 19.5)──▶ Closed
//!  Refuse (Received | InProgress) ──▶ Refused      Stop (before a result) ──▶ Stopped
//!  Extend (Received | InProgress, once): an event; the status does not change.
//! ```
//!
//! [`apply`] never panics; every refusal is a [`TransitionError`] with a stable code.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::dossier::{Action, DossierStatus};

/// What the status machine needs to know about a dossier; the fold of its events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DossierState {
    /// Where the dossier stands.
    pub status: DossierStatus,
    /// The due date-time in force, if known. `None` after a resubmission until the caller has
    /// recomputed it from the new receipt time (the clock restarts, NĐ 118 art. 19.5).
    pub due_at: Option<DateTime<FixedOffset>>,
    /// Whether the return date has already been reset (NĐ 118 art. 19.6 allows it once).
    pub extended: bool,
    /// How many supplement requests were issued (NĐ 118 art. 11.2.c, 16.3: one at most).
    pub supplement_requests: u32,
}

impl DossierState {
    /// A dossier just received complete, due at `due_at`.
    pub fn received(due_at: Option<DateTime<FixedOffset>>) -> DossierState {
        DossierState {
            status: DossierStatus::Received,
            due_at,
            extended: false,
            supplement_requests: 0,
        }
    }
}

impl DossierStatus {
    /// Final statuses accept no further action: returned, refused, stopped, closed.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            DossierStatus::Returned
                | DossierStatus::Refused
                | DossierStatus::Stopped
                | DossierStatus::Closed
        )
    }

    /// A stable code for storage and the UI.
    pub fn code(self) -> &'static str {
        match self {
            DossierStatus::Received => "received",
            DossierStatus::InProgress => "in_progress",
            DossierStatus::SupplementRequested => "supplement_requested",
            DossierStatus::ResultReady => "result_ready",
            DossierStatus::Returned => "returned",
            DossierStatus::Refused => "refused",
            DossierStatus::Stopped => "stopped",
            DossierStatus::Closed => "closed",
        }
    }

    /// The status in Vietnamese, as the screens and the tracking book show it.
    pub fn label_vi(self) -> &'static str {
        match self {
            DossierStatus::Received => "Đã tiếp nhận",
            DossierStatus::InProgress => "Đang giải quyết",
            DossierStatus::SupplementRequested => "Yêu cầu bổ sung, hoàn thiện",
            DossierStatus::ResultReady => "Đã có kết quả",
            DossierStatus::Returned => "Đã trả kết quả",
            DossierStatus::Refused => "Từ chối giải quyết",
            DossierStatus::Stopped => "Dừng giải quyết",
            DossierStatus::Closed => "Đã đóng (quá hạn bổ sung)",
        }
    }
}

impl Action {
    /// A stable name of the action, for errors and the event log.
    pub fn code(&self) -> &'static str {
        match self {
            Action::StartProcessing => "start_processing",
            Action::RequestSupplement { .. } => "request_supplement",
            Action::Resubmit => "resubmit",
            Action::Refuse { .. } => "refuse",
            Action::Stop { .. } => "stop",
            Action::Extend { .. } => "extend",
            Action::ResultReady => "result_ready",
            Action::Return => "return",
            Action::Close => "close",
        }
    }
}

/// What an allowed action does to the processing clock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "clock", rename_all = "snake_case")]
pub enum ClockEffect {
    /// The due date is unchanged.
    Unchanged,
    /// The clock no longer runs: the dossier waits for the citizen (NĐ 118 art. 19.5).
    Suspended,
    /// The clock starts again from zero at the resubmission; the caller must compute the new
    /// due date from the resubmission time (NĐ 118 art. 19.5).
    Restarted,
    /// The due date moves to `new_due_at` (the one extension of NĐ 118 art. 19.6).
    Rescheduled {
        /// The new due date-time.
        new_due_at: DateTime<FixedOffset>,
    },
    /// The dossier reached a final status; no due date applies any more.
    Ended,
}

/// The standard form (TT 03/2025, Phụ lục I) an action calls for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FormToIssue {
    /// Mẫu 02: Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ.
    SupplementRequest,
    /// Mẫu 03: Phiếu từ chối tiếp nhận giải quyết hồ sơ.
    Refusal,
    /// Mẫu 04: Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết.
    ApologyAndExtension,
    /// Mẫu 05: Thông báo dừng giải quyết hồ sơ.
    StopNotice,
}

/// The result of an allowed action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transition {
    /// The state after the action.
    pub next: DossierState,
    /// What happens to the clock.
    pub clock: ClockEffect,
    /// The form to print and give to the citizen, if the action calls for one.
    pub form: Option<FormToIssue>,
}

/// Why an action was refused. [`TransitionError::code`] is stable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// The dossier is in a final status and accepts nothing.
    #[error("the dossier is {status:?}, a final status")]
    FinalStatus {
        /// The final status.
        status: DossierStatus,
    },
    /// The action is not allowed from this status.
    #[error("action {action} is not allowed when the dossier is {from:?}")]
    IllegalTransition {
        /// The current status.
        from: DossierStatus,
        /// The action's code.
        action: &'static str,
    },
    /// The return date was already reset once (NĐ 118 art. 19.6: "chỉ được điều chỉnh một lần").
    #[error("the return date was already reset once")]
    AlreadyExtended,
    /// The new return date is not later than the current one.
    #[error("the new return date is not later than the current due date")]
    ExtensionNotLater,
    /// No due date is known to extend (recompute it after a resubmission first).
    #[error("no due date is known for this dossier")]
    DueDateUnknown,
    /// A supplement was already requested once (NĐ 118 art. 11.2.c, 16.3).
    #[error("a supplement was already requested for this dossier")]
    SupplementAlreadyRequested,
    /// A reason is required for this action.
    #[error("action {action} needs a reason")]
    ReasonRequired {
        /// The action's code.
        action: &'static str,
    },
}

impl TransitionError {
    /// A stable machine-readable code for the UI.
    pub fn code(&self) -> &'static str {
        match self {
            TransitionError::FinalStatus { .. } => "final_status",
            TransitionError::IllegalTransition { .. } => "illegal_transition",
            TransitionError::AlreadyExtended => "already_extended",
            TransitionError::ExtensionNotLater => "extension_not_later",
            TransitionError::DueDateUnknown => "due_date_unknown",
            TransitionError::SupplementAlreadyRequested => "supplement_already_requested",
            TransitionError::ReasonRequired { .. } => "reason_required",
        }
    }
}

/// Applies `action` to `state`.
///
/// Rules, with their sources:
/// - **Final statuses** (returned, refused, stopped, closed) accept nothing.
/// - **StartProcessing**: Received → InProgress.
/// - **RequestSupplement** (form 02): Received or InProgress → SupplementRequested; the clock is
///   suspended. A reason is required (art. 17.1.c: what is missing and why). It may be issued
///   **once**: the officer must list everything missing "một lần, đầy đủ" (art. 11.2.c) and
///   asking again is a prohibited act (art. 16.3), so a second request is
///   [`TransitionError::SupplementAlreadyRequested`]; if the completed dossier is still not
///   acceptable the way out is a refusal with its reason (form 03, art. 19.3).
/// - **Resubmit**: SupplementRequested → Received, and the processing time is counted again
///   from zero (art. 19.5); `due_at` is cleared until the caller recomputes it.
/// - **Close**: SupplementRequested → Closed, when the citizen has not completed the dossier
///   within 15 days (art. 19.5). The 15 days are counted by the caller with the calendar
///   (due-date code, `TimeLimit::CalendarDays(15)`); this function checks only the status.
/// - **Refuse** (form 03): Received or InProgress → Refused, with a reason (art. 19.3).
/// - **Stop** (form 05): the citizen may ask at any time before the result is issued (art. 21),
///   so from Received, InProgress or SupplementRequested → Stopped. A reason is not required.
/// - **Extend** (form 04): once per dossier (art. 19.6, "một lần"), only while the agency is
///   processing (Received or InProgress): in SupplementRequested the clock is not running and
///   restarts from zero anyway, and in ResultReady nothing is late on the agency's side. It needs
///   a reason, a known due date and a new date strictly later. It is recorded as an event and
///   does not change the status. The extension survives a resubmission: the law allows one
///   reset per dossier, not per restart.
/// - **ResultReady**: InProgress → ResultReady, or directly from Received for procedures done at
///   once at the counter (same-day civil status and certification).
/// - **Return**: ResultReady → Returned.
pub fn apply(state: &DossierState, action: &Action) -> Result<Transition, TransitionError> {
    use DossierStatus as S;
    let from = state.status;
    if from.is_final() {
        return Err(TransitionError::FinalStatus { status: from });
    }
    let illegal = TransitionError::IllegalTransition {
        from,
        action: action.code(),
    };
    let moved = |status, clock, form| Transition {
        next: DossierState {
            status,
            ..state.clone()
        },
        clock,
        form,
    };
    let require_reason = |reason: &str| {
        if reason.trim().is_empty() {
            Err(TransitionError::ReasonRequired {
                action: action.code(),
            })
        } else {
            Ok(())
        }
    };
    match action {
        Action::StartProcessing => match from {
            S::Received => Ok(moved(S::InProgress, ClockEffect::Unchanged, None)),
            _ => Err(illegal),
        },
        Action::RequestSupplement { reason } => match from {
            S::Received | S::InProgress => {
                if state.supplement_requests >= 1 {
                    return Err(TransitionError::SupplementAlreadyRequested);
                }
                require_reason(reason)?;
                let mut transition = moved(
                    S::SupplementRequested,
                    ClockEffect::Suspended,
                    Some(FormToIssue::SupplementRequest),
                );
                transition.next.supplement_requests = state.supplement_requests.saturating_add(1);
                Ok(transition)
            }
            _ => Err(illegal),
        },
        Action::Resubmit => match from {
            S::SupplementRequested => {
                let mut transition = moved(S::Received, ClockEffect::Restarted, None);
                transition.next.due_at = None;
                Ok(transition)
            }
            _ => Err(illegal),
        },
        Action::Close => match from {
            S::SupplementRequested => Ok(moved(S::Closed, ClockEffect::Ended, None)),
            _ => Err(illegal),
        },
        Action::Refuse { reason } => match from {
            S::Received | S::InProgress => {
                require_reason(reason)?;
                Ok(moved(
                    S::Refused,
                    ClockEffect::Ended,
                    Some(FormToIssue::Refusal),
                ))
            }
            _ => Err(illegal),
        },
        Action::Stop { .. } => match from {
            S::Received | S::InProgress | S::SupplementRequested => Ok(moved(
                S::Stopped,
                ClockEffect::Ended,
                Some(FormToIssue::StopNotice),
            )),
            _ => Err(illegal),
        },
        Action::Extend { reason, new_due_at } => match from {
            S::Received | S::InProgress => {
                if state.extended {
                    return Err(TransitionError::AlreadyExtended);
                }
                require_reason(reason)?;
                let due_at = state.due_at.ok_or(TransitionError::DueDateUnknown)?;
                if *new_due_at <= due_at {
                    return Err(TransitionError::ExtensionNotLater);
                }
                let mut transition = moved(
                    from,
                    ClockEffect::Rescheduled {
                        new_due_at: *new_due_at,
                    },
                    Some(FormToIssue::ApologyAndExtension),
                );
                transition.next.extended = true;
                transition.next.due_at = Some(*new_due_at);
                Ok(transition)
            }
            _ => Err(illegal),
        },
        Action::ResultReady => match from {
            S::Received | S::InProgress => Ok(moved(S::ResultReady, ClockEffect::Unchanged, None)),
            _ => Err(illegal),
        },
        Action::Return => match from {
            S::ResultReady => Ok(moved(S::Returned, ClockEffect::Ended, None)),
            _ => Err(illegal),
        },
    }
}

/// Applies `actions` in order from `initial`; on the first refusal, returns its position and
/// error. The store uses it to check an event log.
pub fn replay<'a>(
    initial: DossierState,
    actions: impl IntoIterator<Item = &'a Action>,
) -> Result<DossierState, (usize, TransitionError)> {
    let mut state = initial;
    for (index, action) in actions.into_iter().enumerate() {
        state = apply(&state, action).map_err(|error| (index, error))?.next;
    }
    Ok(state)
}

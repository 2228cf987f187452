//! The dossier status machine (NĐ 118 art. 11, 16, 19, 21).

use chrono::{DateTime, FixedOffset, TimeZone};
use domain::dossier::{Action, DossierStatus};
use domain::status::{apply, replay, ClockEffect, DossierState, FormToIssue};
use proptest::prelude::*;

fn at(day: u32, hour: u32) -> DateTime<FixedOffset> {
    FixedOffset::east_opt(7 * 3600)
        .and_then(|zone| zone.with_ymd_and_hms(2026, 11, day, hour, 0, 0).single())
        .expect("valid test instant")
}

fn received() -> DossierState {
    DossierState::received(Some(at(25, 17)))
}

fn extend(day: u32) -> Action {
    Action::Extend {
        reason: "Cần xác minh thêm tại cơ quan khác".to_owned(),
        new_due_at: at(day, 17),
    }
}

fn supplement() -> Action {
    Action::RequestSupplement {
        reason: "Thiếu Giấy chứng sinh".to_owned(),
    }
}

#[test]
fn normal_path_received_to_returned() {
    let actions = [Action::StartProcessing, Action::ResultReady, Action::Return];
    let end = replay(received(), &actions).expect("legal path");
    assert_eq!(end.status, DossierStatus::Returned);
}

/// Same-day procedures may go straight from Received to ResultReady at the counter.
#[test]
fn same_day_result_straight_from_received() {
    let next = apply(&received(), &Action::ResultReady).expect("allowed");
    assert_eq!(next.next.status, DossierStatus::ResultReady);
}

/// NĐ 118 art. 19.5: sent back for completion the clock stops, and on resubmission it restarts
/// from zero, so the old due date no longer holds.
#[test]
fn supplement_suspends_and_resubmit_restarts_the_clock() {
    let requested = apply(&received(), &supplement()).expect("allowed");
    assert_eq!(requested.next.status, DossierStatus::SupplementRequested);
    assert_eq!(requested.clock, ClockEffect::Suspended);
    assert_eq!(requested.form, Some(FormToIssue::SupplementRequest));
    let back = apply(&requested.next, &Action::Resubmit).expect("allowed");
    assert_eq!(back.next.status, DossierStatus::Received);
    assert_eq!(back.clock, ClockEffect::Restarted);
    assert_eq!(back.next.due_at, None);
}

/// NĐ 118 art. 11.2.c, 16.3: the supplement request is given once ("một lần").
#[test]
fn second_supplement_request_is_refused() {
    let state = replay(received(), &[supplement(), Action::Resubmit]).expect("legal");
    let error = apply(&state, &supplement()).expect_err("second request");
    assert_eq!(error.code(), "supplement_already_requested");
    // The way out is a refusal with its reason (art. 19.3).
    let refused = apply(
        &state,
        &Action::Refuse {
            reason: "Hồ sơ bổ sung vẫn chưa đủ".to_owned(),
        },
    )
    .expect("refusal allowed");
    assert_eq!(refused.next.status, DossierStatus::Refused);
}

/// NĐ 118 art. 19.5: a dossier not completed within 15 days is closed; only a dossier waiting
/// for completion can be closed.
#[test]
fn close_only_while_waiting_for_completion() {
    let requested = apply(&received(), &supplement()).expect("allowed").next;
    assert_eq!(
        apply(&requested, &Action::Close)
            .expect("allowed")
            .next
            .status,
        DossierStatus::Closed
    );
    let error = apply(&received(), &Action::Close).expect_err("not waiting");
    assert_eq!(error.code(), "illegal_transition");
}

/// NĐ 118 art. 19.6: the return date is reset once only, to a later date, with a reason; the
/// status does not change and form 04 is issued.
#[test]
fn extension_once_later_with_reason() {
    let first = apply(&received(), &extend(27)).expect("first extension");
    assert_eq!(first.next.status, DossierStatus::Received);
    assert!(first.next.extended);
    assert_eq!(first.next.due_at, Some(at(27, 17)));
    assert_eq!(first.form, Some(FormToIssue::ApologyAndExtension));
    assert_eq!(
        apply(&first.next, &extend(30)).expect_err("second").code(),
        "already_extended"
    );
    assert_eq!(
        apply(&received(), &extend(25))
            .expect_err("same date")
            .code(),
        "extension_not_later"
    );
    assert_eq!(
        apply(&received(), &extend(20)).expect_err("earlier").code(),
        "extension_not_later"
    );
    let no_reason = Action::Extend {
        reason: "  ".to_owned(),
        new_due_at: at(27, 17),
    };
    assert_eq!(
        apply(&received(), &no_reason)
            .expect_err("no reason")
            .code(),
        "reason_required"
    );
}

/// The one extension is per dossier: a resubmission (clock restart) does not grant another.
#[test]
fn extension_survives_a_resubmission() {
    let state = replay(received(), &[extend(27), supplement(), Action::Resubmit]).expect("legal");
    let state = DossierState {
        due_at: Some(at(28, 17)),
        ..state
    };
    assert_eq!(
        apply(&state, &extend(30)).expect_err("second").code(),
        "already_extended"
    );
}

#[test]
fn extension_needs_a_known_due_date() {
    let state = DossierState::received(None);
    assert_eq!(
        apply(&state, &extend(27)).expect_err("unknown").code(),
        "due_date_unknown"
    );
}

/// NĐ 118 art. 21: the citizen may stop the dossier any time before the result is issued.
#[test]
fn stop_allowed_before_the_result_only() {
    let stop = Action::Stop {
        reason: String::new(),
    };
    for state in [
        received(),
        apply(&received(), &Action::StartProcessing)
            .expect("ok")
            .next,
        apply(&received(), &supplement()).expect("ok").next,
    ] {
        let stopped = apply(&state, &stop).expect("stop allowed");
        assert_eq!(stopped.next.status, DossierStatus::Stopped);
        assert_eq!(stopped.form, Some(FormToIssue::StopNotice));
    }
    let ready = apply(&received(), &Action::ResultReady).expect("ok").next;
    assert_eq!(
        apply(&ready, &stop).expect_err("result issued").code(),
        "illegal_transition"
    );
}

#[test]
fn replay_reports_the_position_of_the_refused_action() {
    let error = replay(received(), &[Action::StartProcessing, Action::Return])
        .expect_err("return before result");
    assert_eq!(error.0, 1);
    assert_eq!(error.1.code(), "illegal_transition");
}

fn any_action() -> impl Strategy<Value = Action> {
    let reason = prop_oneof![Just(String::new()), Just("Lý do".to_owned())];
    prop_oneof![
        Just(Action::StartProcessing),
        reason
            .clone()
            .prop_map(|reason| Action::RequestSupplement { reason }),
        Just(Action::Resubmit),
        reason.clone().prop_map(|reason| Action::Refuse { reason }),
        reason.clone().prop_map(|reason| Action::Stop { reason }),
        (reason, 1u32..=30).prop_map(|(reason, day)| Action::Extend {
            reason,
            new_due_at: at(day, 17),
        }),
        Just(Action::ResultReady),
        Just(Action::Return),
        Just(Action::Close),
    ]
}

proptest! {
    /// Random sequences never panic; final statuses accept nothing; the return date moves at
    /// most once (art. 19.6); at most one supplement request (art. 11.2.c).
    #[test]
    fn random_sequences_respect_the_invariants(actions in prop::collection::vec(any_action(), 0..40)) {
        let mut state = received();
        let mut extensions = 0;
        let mut supplements = 0;
        for action in &actions {
            let was_final = state.status.is_final();
            match apply(&state, action) {
                Ok(transition) => {
                    prop_assert!(!was_final, "a final status accepted {:?}", action);
                    if matches!(transition.clock, ClockEffect::Rescheduled { .. }) {
                        extensions += 1;
                        prop_assert_eq!(transition.next.status, state.status);
                    }
                    if transition.next.status == DossierStatus::SupplementRequested
                        && state.status != DossierStatus::SupplementRequested
                    {
                        supplements += 1;
                    }
                    state = transition.next;
                    if state.due_at.is_none() && state.status == DossierStatus::Received {
                        // The caller recomputes the due date after a restart.
                        state.due_at = Some(at(26, 17));
                    }
                }
                Err(error) => {
                    prop_assert!(!error.code().is_empty());
                    if was_final {
                        prop_assert_eq!(error.code(), "final_status");
                    }
                }
            }
        }
        prop_assert!(extensions <= 1);
        prop_assert!(supplements <= 1);
        prop_assert_eq!(state.extended, extensions == 1);
    }
}

//! The recordOperation and commsNotifications documents, checked field by field.
#![cfg(feature = "json")]

use recresp_core::json::{
    escaped_len, notification_capacity, running_operation_capacity, ACCESS_TOKEN_MAX_LEN,
    CLIENT_CONTEXT_JSON_MAX_LEN, ESCAPE_MAX, ID_MAX_LEN, LOCATION_MAX_LEN, NOTIFICATION_MAX_LEN,
    OPERATION_MAX_LEN,
};
use recresp_core::limits::CLIENT_CONTEXT_MAX_CHARS;
use recresp_core::{
    call_terminated, write_notification, write_running_operation, Completion, CompletionReason,
    OperationRef, OperationStatus, Recording, WriteError,
};
use serde_json::{json, Value};

const OP: OperationRef<'static> = OperationRef {
    call_id: "57dab8b1-894c-409a-b240-bd8beae78896",
    operation_id: "0fe0623f-d628-42ed-b4bd-8ac290072cc5",
    client_context: "d45324c1 \"quoted\"",
};

fn completion(reason: CompletionReason) -> Completion {
    Completion {
        reason,
        status: reason.status(),
        result_info: reason.result_info(),
        at: 1234,
        recorded_samples: 5678,
    }
}

fn notification(c: &Completion, rec: Option<Recording<'_>>) -> Value {
    let mut buf = [0u8; 2048];
    let n = write_notification(&OP, c, rec, &mut buf).unwrap();
    serde_json::from_slice(&buf[..n]).unwrap()
}

#[test]
fn the_running_operation_matches_graphs_response() {
    let mut buf = [0u8; 512];
    let n = write_running_operation(&OP, &mut buf).unwrap();
    let text = std::str::from_utf8(&buf[..n]).unwrap();
    let v: Value = serde_json::from_str(text).unwrap();
    assert_eq!(
        v,
        json!({
            "@odata.type": "#microsoft.graph.recordOperation",
            "id": "0fe0623f-d628-42ed-b4bd-8ac290072cc5",
            "status": "running",
            "completionReason": null,
            "resultInfo": null,
            "recordingLocation": null,
            "clientContext": "d45324c1 \"quoted\""
        })
    );
    assert!(text.starts_with(r##"{"@odata.type":"#microsoft.graph.recordOperation","id":"##));
}

#[test]
fn a_completed_notification_carries_the_recording() {
    let c = completion(CompletionReason::StopToneDetected);
    let rec = Recording {
        location: "https://file.location/17e3b46c",
        access_token: "tok",
    };
    let path = "/communications/calls/57dab8b1-894c-409a-b240-bd8beae78896/operations/0fe0623f-d628-42ed-b4bd-8ac290072cc5";
    assert_eq!(
        notification(&c, Some(rec)),
        json!({
            "@odata.type": "#microsoft.graph.commsNotifications",
            "value": [{
                "@odata.type": "#microsoft.graph.commsNotification",
                "changeType": "deleted",
                "resourceUrl": path,
                "resourceData": {
                    "@odata.type": "#microsoft.graph.recordOperation",
                    "@odata.id": path,
                    "id": "0fe0623f-d628-42ed-b4bd-8ac290072cc5",
                    "clientContext": "d45324c1 \"quoted\"",
                    "status": "completed",
                    "resultInfo": {
                        "@odata.type": "#microsoft.graph.resultInfo",
                        "code": 200,
                        "subcode": 8514,
                        "message": "Action completed as stop tone was detected."
                    },
                    "recordingLocation": "https://file.location/17e3b46c",
                    "recordingAccessToken": "tok",
                    "completionReason": "stopToneDetected"
                }
            }]
        })
    );
}

#[test]
fn every_reason_maps_to_its_status_and_result() {
    for reason in CompletionReason::ALL {
        let v = notification(&completion(reason), None);
        let data = &v["value"][0]["resourceData"];
        assert_eq!(data["completionReason"], reason.as_str());
        assert_eq!(data["status"], reason.status().as_str());
        assert_eq!(data["resultInfo"]["subcode"], reason.result_info().subcode);
        assert_eq!(data["recordingLocation"], "");
        assert_eq!(data["recordingAccessToken"], "");
    }
    let v = notification(&completion(CompletionReason::OperationCanceled), None);
    let info = &v["value"][0]["resourceData"]["resultInfo"];
    assert_eq!(
        (info["code"].as_u64(), info["subcode"].as_u64()),
        (Some(400), Some(8508))
    );
    assert_eq!(
        info["message"],
        "Action failed, the operation was cancelled."
    );
    let (status, info) = call_terminated(true);
    assert_eq!(
        (status.as_str(), info.code, info.subcode),
        ("completed", 200, 8528)
    );
}

#[test]
fn a_small_buffer_is_an_error_not_a_panic() {
    let c = completion(CompletionReason::MaxSilenceTimeout);
    for len in [0, 1, 10, 100, 500] {
        let mut buf = vec![0u8; len];
        assert_eq!(write_notification(&OP, &c, None, &mut buf), Err(WriteError));
        assert_eq!(
            write_running_operation(&OP, &mut buf[..len.min(50)]),
            Err(WriteError)
        );
    }
}

/// Every completion a notification can carry: each reason, the call-ended variants, and the
/// largest codes.
fn every_completion() -> Vec<Completion> {
    let mut all: Vec<Completion> = CompletionReason::ALL.into_iter().map(completion).collect();
    for captured in [false, true] {
        let (status, result_info) = call_terminated(captured);
        for reason in CompletionReason::ALL {
            all.push(Completion {
                status,
                result_info,
                ..completion(reason)
            });
        }
    }
    for c in all.clone() {
        let mut big = c;
        big.result_info.code = u16::MAX;
        big.result_info.subcode = u16::MAX;
        for status in [
            OperationStatus::Completed,
            OperationStatus::Failed,
            OperationStatus::Running,
        ] {
            all.push(Completion { status, ..big });
        }
    }
    all
}

#[test]
fn escaped_len_is_what_the_writer_writes() {
    for s in [
        "",
        "plain",
        "q\"uote\\",
        "\u{1}\u{1f}\n\t\r\u{8}\u{c}",
        "é😀\u{7f}",
    ] {
        let op = OperationRef {
            call_id: "c",
            operation_id: "o",
            client_context: s,
        };
        let mut buf = [0u8; 512];
        let with = write_running_operation(&op, &mut buf).unwrap();
        let empty = OperationRef {
            client_context: "",
            ..op
        };
        let without = write_running_operation(&empty, &mut buf).unwrap();
        assert_eq!(with - without, escaped_len(s), "{s:?}");
        assert!(escaped_len(s) <= ESCAPE_MAX * s.len());
    }
}

#[test]
fn the_capacities_hold_every_document_and_are_tight() {
    // Strings at their worst: every byte a control character.
    let worst = |n: usize| "\u{1}".repeat(n);
    let (call, op, ctx) = (worst(64), worst(36), worst(CLIENT_CONTEXT_MAX_CHARS));
    let (loc, tok) = (worst(300), worst(40));
    let r = OperationRef {
        call_id: &call,
        operation_id: &op,
        client_context: &ctx,
    };
    let rec = Recording {
        location: &loc,
        access_token: &tok,
    };
    assert_eq!(escaped_len(&ctx), CLIENT_CONTEXT_JSON_MAX_LEN);
    let need = running_operation_capacity(escaped_len(&op), escaped_len(&ctx));
    let mut buf = vec![0u8; need];
    let n = write_running_operation(&r, &mut buf).unwrap();
    assert!(need - n <= 8, "running operation: {n} of {need}");
    let need = notification_capacity(
        escaped_len(&call),
        escaped_len(&op),
        escaped_len(&ctx),
        escaped_len(&loc),
        escaped_len(&tok),
    );
    let mut longest = 0;
    for c in every_completion() {
        let mut buf = vec![0u8; need];
        let n = write_notification(&r, &c, Some(rec), &mut buf)
            .unwrap_or_else(|_| panic!("{c:?} does not fit {need}"));
        longest = longest.max(n);
    }
    assert!(need - longest <= 16, "notification: {longest} of {need}");
    // The maxima hold documents with every string at its limit, with little to spare.
    let id = "i".repeat(ID_MAX_LEN);
    let (loc, tok) = (
        "l".repeat(LOCATION_MAX_LEN),
        "t".repeat(ACCESS_TOKEN_MAX_LEN),
    );
    let r = OperationRef {
        call_id: &id,
        operation_id: &id,
        client_context: &ctx,
    };
    let mut buf = vec![0u8; OPERATION_MAX_LEN];
    let n = write_running_operation(&r, &mut buf).unwrap();
    assert!(OPERATION_MAX_LEN - n <= 8);
    let mut buf = vec![0u8; NOTIFICATION_MAX_LEN];
    let rec = Recording {
        location: &loc,
        access_token: &tok,
    };
    let longest = every_completion()
        .iter()
        .map(|c| write_notification(&r, c, Some(rec), &mut buf).unwrap())
        .max()
        .unwrap();
    assert!(NOTIFICATION_MAX_LEN - longest <= 16);
}

//! The recordOperation and commsNotifications documents, checked field by field.
#![cfg(feature = "json")]

use recresp_core::completion::{call_terminated, CompletionReason};
use recresp_core::json::{
    write_notification, write_running_operation, OperationRef, Recording, WriteError,
};
use recresp_core::Completion;
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

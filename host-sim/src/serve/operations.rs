//! Graph's JSON documents for what the server adds around the core: playPrompt,
//! cancelMediaProcessing and subscribeToTone operations, the tone notification on the call,
//! the notification envelope, and what every notification gets before it is posted (Graph's
//! id form, `@odata.etag`). The recordOperation documents come from the core
//! (`recresp_core::json`).

use recresp_core::{Digit, OperationStatus, ResultInfo};
use serde_json::{json, Value};

/// `playPromptOperation`, `cancelMediaProcessingOperation` or `subscribeToToneOperation`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OtherOp {
    /// playPrompt.
    PlayPrompt,
    /// cancelMediaProcessing.
    CancelMediaProcessing,
    /// subscribeToTone.
    SubscribeToTone,
}

impl OtherOp {
    fn odata_type(self) -> &'static str {
        match self {
            OtherOp::PlayPrompt => "#microsoft.graph.playPromptOperation",
            OtherOp::CancelMediaProcessing => "#microsoft.graph.cancelMediaProcessingOperation",
            OtherOp::SubscribeToTone => "#microsoft.graph.subscribeToToneOperation",
        }
    }
}

/// The operation's path on the call.
pub fn operation_path(call_id: &str, op_id: &str) -> String {
    format!("/communications/calls/{call_id}/operations/{op_id}")
}

/// The body returned when `kind` is requested: a running playPrompt, or an already
/// completed cancelMediaProcessing or subscribeToTone (no notification follows those).
pub fn started(kind: OtherOp, op_id: &str, client_context: &str) -> Value {
    let status = match kind {
        OtherOp::PlayPrompt => OperationStatus::Running,
        _ => OperationStatus::Completed,
    };
    let mut body = json!({
        "@odata.type": kind.odata_type(),
        "id": op_id,
        "status": status.as_str(),
        "resultInfo": null,
        "clientContext": client_context,
    });
    if kind == OtherOp::PlayPrompt {
        body["completionReason"] = Value::Null;
    }
    body
}

fn result_info(info: ResultInfo) -> Value {
    json!({
        "@odata.type": "#microsoft.graph.resultInfo",
        "code": info.code,
        "subcode": info.subcode,
        "message": info.message,
    })
}

/// The final playPromptOperation.
pub fn prompt_final(
    call_id: &str,
    op_id: &str,
    client_context: &str,
    status: OperationStatus,
    info: ResultInfo,
    reason: &str,
) -> Value {
    json!({
        "@odata.type": OtherOp::PlayPrompt.odata_type(),
        "@odata.id": operation_path(call_id, op_id),
        "id": op_id,
        "clientContext": client_context,
        "status": status.as_str(),
        "resultInfo": result_info(info),
        "completionReason": reason,
    })
}

/// A `commsNotifications` envelope with one notification.
pub fn envelope(change_type: &str, resource_url: &str, resource_data: Value) -> Value {
    json!({
        "@odata.type": "#microsoft.graph.commsNotifications",
        "value": [{
            "@odata.type": "#microsoft.graph.commsNotification",
            "changeType": change_type,
            "resourceUrl": resource_url,
            "resourceData": resource_data,
        }]
    })
}

/// Graph's `tone` name of a key: `tone0`…`tone9`, `star`, `pound`, `a`…`d`.
pub fn tone_name(digit: Digit) -> String {
    match digit.as_char() {
        '*' => "star".to_string(),
        '#' => "pound".to_string(),
        c if c.is_ascii_digit() => format!("tone{c}"),
        c => c.to_ascii_lowercase().to_string(),
    }
}

/// The notification of a key press after subscribeToTone: changeType `updated` on the call.
pub fn tone_notification(call_id: &str, sequence_id: u64, digit: Digit) -> Value {
    envelope(
        "updated",
        &format!("/communications/calls/{call_id}"),
        json!({
            "@odata.type": "#microsoft.graph.call",
            "@odata.id": format!("/communications/calls/{call_id}"),
            "state": "established",
            "toneInfo": {
                "@odata.type": "#microsoft.graph.toneInfo",
                "sequenceId": sequence_id,
                "tone": tone_name(digit),
            }
        }),
    )
}

/// Makes `envelope` what Graph posts: `resourceUrl` and `@odata.id` carry their ids in
/// Graph's form (upper case, no dashes), and `"@odata.etag": W/"<etag>"` follows `@odata.id`
/// in the resourceData of every notification. Returns the resourceData of the first (the
/// operation's final state).
pub fn finish(envelope: &mut Value, etag: u64) -> Value {
    let mut first = Value::Null;
    if let Some(items) = envelope.get_mut("value").and_then(Value::as_array_mut) {
        for item in items {
            graph_form_at(item, "resourceUrl");
            if let Some(data) = item.get_mut("resourceData") {
                graph_form_at(data, "@odata.id");
            }
            if let Some(data) = item.get_mut("resourceData").and_then(Value::as_object_mut) {
                let at = data
                    .keys()
                    .position(|k| k == "@odata.id")
                    .map_or(0, |i| i + 1);
                data.shift_insert(at, "@odata.etag".into(), json!(format!("W/\"{etag}\"")));
                if first.is_null() {
                    first = Value::Object(data.clone());
                }
            }
        }
    }
    first
}

fn graph_form_at(object: &mut Value, key: &str) {
    if let Some(Value::String(path)) = object.get_mut(key) {
        *path = super::ids::graph_form_path(path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tone_names_follow_graph() {
        let names: Vec<String> = "0159*#ABCD"
            .chars()
            .map(|c| tone_name(Digit::from_char(c).unwrap()))
            .collect();
        assert_eq!(
            names,
            ["tone0", "tone1", "tone5", "tone9", "star", "pound", "a", "b", "c", "d"]
        );
    }

    #[test]
    fn etag_follows_odata_id() {
        let mut env = envelope(
            "deleted",
            "/x",
            prompt_final(
                "c",
                "o",
                "ctx",
                OperationStatus::Completed,
                ResultInfo {
                    code: 200,
                    subcode: 0,
                    message: "ok",
                },
                "completedSuccessfully",
            ),
        );
        let data = finish(&mut env, 7);
        let keys: Vec<&String> = data.as_object().unwrap().keys().collect();
        assert_eq!(keys[1], "@odata.id");
        assert_eq!(keys[2], "@odata.etag");
        assert_eq!(data["@odata.etag"], "W/\"7\"");
        assert_eq!(env["value"][0]["resourceData"], data);
        assert_eq!(data["@odata.id"], "/communications/calls/C/operations/O");
        assert_eq!(env["value"][0]["resourceUrl"], "/x");
    }
}

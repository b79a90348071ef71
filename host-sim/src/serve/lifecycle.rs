//! The call itself as Graph shows it: the `call` resource, and the notifications of its
//! lifecycle. A caller dialling the bot is an incoming call (changeType `created`, state
//! `incoming`); answering it, or a call the bot places, goes `establishing` → `established`
//! (changeType `updated`); the bot hanging up adds `terminating`; the end is a `terminated`
//! call (changeType `deleted`) whose `resultInfo` says who ended it. The shapes and result
//! codes follow Graph's docs for call: answer, call: delete and application: post calls.

use serde_json::{json, Value};

/// Who placed the call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// The caller dialled the bot (`POST /recresp/calls`).
    Incoming,
    /// The bot placed it (`POST /communications/calls`).
    Outgoing,
}

impl Direction {
    /// The value as Graph spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Incoming => "incoming",
            Direction::Outgoing => "outgoing",
        }
    }
}

/// Why a call ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EndReason {
    /// The bot hung up (`DELETE`).
    BotHungUp,
    /// The caller hung up (`POST /recresp/calls/{id}/hangUp`).
    CallerHungUp,
    /// The bot rejected the incoming call.
    Rejected,
    /// The bot redirected the incoming call elsewhere.
    Redirected,
    /// No request for the call within `--call-ttl` (Graph ends calls without a keepAlive).
    Expired,
}

impl EndReason {
    /// `(code, subcode, message)` of the terminated call's resultInfo, from Graph's table of
    /// call end reasons.
    pub fn result_info(self) -> (u16, u32, &'static str) {
        match self {
            EndReason::BotHungUp | EndReason::Rejected | EndReason::Redirected => {
                (200, 5001, "The conversation has ended.")
            }
            EndReason::CallerHungUp => (
                200,
                4521,
                "Call ended by the other participant in peer-to-peer call.",
            ),
            EndReason::Expired => (408, 8537, "Keep Alive timeout, cleaned up inactive call."),
        }
    }
}

/// The call's path (ids as the caller gave them; notifications turn them into Graph's form).
pub fn call_path(call_id: &str) -> String {
    format!("/communications/calls/{call_id}")
}

fn source() -> Value {
    json!({
        "@odata.type": "#microsoft.graph.participantInfo",
        "identity": {
            "@odata.type": "#microsoft.graph.identitySet",
            "user": {
                "@odata.type": "#microsoft.graph.identity",
                "displayName": "recresp-sim caller",
                "id": "8a34a46b-3d17-4adc-8dce-dc4e7d572698",
            }
        },
        "region": "local",
        "languageId": "en-US",
    })
}

fn targets() -> Value {
    json!([{
        "@odata.type": "#microsoft.graph.invitationParticipantInfo",
        "identity": {
            "@odata.type": "#microsoft.graph.identitySet",
            "application": {
                "@odata.type": "#microsoft.graph.identity",
                "displayName": "recresp-sim bot",
                "id": "00000000-0000-0000-0000-000000000000",
            }
        }
    }])
}

/// The call, as `POST` (either side) and `GET` return it.
pub fn call_body(call_id: &str, state: &str, direction: Direction, callback: &str) -> Value {
    json!({
        "@odata.type": "#microsoft.graph.call",
        "id": call_id,
        "state": state,
        "direction": direction.as_str(),
        "callbackUri": callback,
        "source": source(),
        "targets": targets(),
        "requestedModalities": ["audio"],
        "mediaConfig": { "@odata.type": "#microsoft.graph.serviceHostedMediaConfig" },
    })
}

fn call_notification(change_type: &str, call_id: &str, data: Value) -> Value {
    let path = call_path(call_id);
    let mut data = data;
    if let Some(map) = data.as_object_mut() {
        map.shift_insert(0, "@odata.type".into(), json!("#microsoft.graph.call"));
        map.shift_insert(1, "@odata.id".into(), json!(path));
    }
    super::operations::envelope(change_type, &path, data)
}

/// The incoming call (changeType `created`, state `incoming`), posted to the bot's callback
/// when a caller dials it.
pub fn incoming(call_id: &str) -> Value {
    call_notification(
        "created",
        call_id,
        json!({
            "state": "incoming",
            "direction": "incoming",
            "source": source(),
            "targets": targets(),
            "requestedModalities": ["audio"],
        }),
    )
}

/// A change of the call's state (`establishing`, `established`, `terminating`).
pub fn state_changed(call_id: &str, state: &str) -> Value {
    call_notification("updated", call_id, json!({ "state": state }))
}

/// The end of the call: changeType `deleted`, state `terminated`, with `resultInfo`.
pub fn terminated(call_id: &str, reason: EndReason) -> Value {
    let (code, subcode, message) = reason.result_info();
    call_notification(
        "deleted",
        call_id,
        json!({
            "state": "terminated",
            "resultInfo": {
                "@odata.type": "#microsoft.graph.resultInfo",
                "code": code,
                "subcode": subcode,
                "message": message,
            }
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notifications_have_graphs_shapes() {
        let n = incoming("c-1");
        let item = &n["value"][0];
        assert_eq!(item["changeType"], "created");
        assert_eq!(item["resourceUrl"], "/communications/calls/c-1");
        let data = &item["resourceData"];
        assert_eq!(data["@odata.type"], "#microsoft.graph.call");
        assert_eq!(data["@odata.id"], "/communications/calls/c-1");
        assert_eq!(data["state"], "incoming");
        assert!(data["source"]["identity"]["user"]["id"].is_string());
        assert!(data["targets"][0]["identity"]["application"]["id"].is_string());
        let t = terminated("c-1", EndReason::CallerHungUp);
        assert_eq!(t["value"][0]["changeType"], "deleted");
        assert_eq!(t["value"][0]["resourceData"]["resultInfo"]["subcode"], 4521);
        assert_eq!(
            state_changed("c-1", "established")["value"][0]["changeType"],
            "updated"
        );
    }
}

//! Graph's two API versions. A request under `/v1.0` is answered, and the operation it starts
//! is notified, without the properties only `/beta` has; `/beta` and the deprecated `/app`
//! paths get everything.

use serde_json::Value;

/// The API version a request came in on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApiVersion {
    /// `/v1.0`.
    V1,
    /// `/beta` (and `/app`, which the simulator answers as beta).
    Beta,
}

/// Operation types whose `completionReason` is beta only (the v1.0 pages of
/// recordOperation and playPromptOperation do not list it).
const BETA_COMPLETION_REASON: [&str; 2] = [
    "#microsoft.graph.recordOperation",
    "#microsoft.graph.playPromptOperation",
];

impl ApiVersion {
    /// The version of a request path.
    pub fn of_path(path: &str) -> ApiVersion {
        if path.starts_with("/v1.0/") {
            ApiVersion::V1
        } else {
            ApiVersion::Beta
        }
    }

    /// `doc` (an operation, or a notification envelope) as this version shows it.
    pub fn shape(self, mut doc: Value) -> Value {
        if self == ApiVersion::V1 {
            strip_beta(&mut doc);
        }
        doc
    }
}

fn strip_beta(doc: &mut Value) {
    match doc {
        Value::Object(map) => {
            let beta_op = map
                .get("@odata.type")
                .and_then(Value::as_str)
                .is_some_and(|t| BETA_COMPLETION_REASON.contains(&t));
            if beta_op {
                map.shift_remove("completionReason");
            }
            map.values_mut().for_each(strip_beta);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_beta),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn v1_leaves_out_completion_reason_of_record_and_prompt_operations() {
        let op = json!({"@odata.type": "#microsoft.graph.recordOperation", "id": "x",
            "completionReason": "stopToneDetected"});
        let envelope = json!({"value": [{"resourceData": op.clone()}]});
        assert_eq!(ApiVersion::Beta.shape(op.clone()), op);
        let v1 = ApiVersion::V1.shape(envelope);
        assert_eq!(
            v1["value"][0]["resourceData"],
            json!({"@odata.type": "#microsoft.graph.recordOperation", "id": "x"})
        );
        let other = json!({"@odata.type": "#microsoft.graph.call", "completionReason": 1});
        assert_eq!(ApiVersion::V1.shape(other.clone()), other);
        assert_eq!(
            ApiVersion::of_path("/v1.0/communications/calls"),
            ApiVersion::V1
        );
        assert_eq!(
            ApiVersion::of_path("/beta/communications/calls"),
            ApiVersion::Beta
        );
        assert_eq!(ApiVersion::of_path("/app/calls"), ApiVersion::Beta);
    }
}

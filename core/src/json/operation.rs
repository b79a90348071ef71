//! Writes the `recordOperation` Graph returns when the operation starts and the
//! `commsNotifications` it posts when the operation ends, into a caller's buffer.

use core::fmt;

use serde::ser::{Serialize, Serializer};

use crate::event::Completion;
use crate::OperationStatus;

/// Which operation a document is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OperationRef<'a> {
    /// The call's id, as in `/communications/calls/{id}`.
    pub call_id: &'a str,
    /// The operation's id.
    pub operation_id: &'a str,
    /// The request's `clientContext`, echoed back.
    pub client_context: &'a str,
}

/// Where the bot fetches the recording from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Recording<'a> {
    /// `recordingLocation`: the URL of the recording.
    pub location: &'a str,
    /// `recordingAccessToken`: the bearer token to fetch it with.
    pub access_token: &'a str,
}

/// The buffer was too small for the document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct WriteError;

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the output buffer is too small for the JSON document")
    }
}

impl core::error::Error for WriteError {}

/// The operation's path: `/communications/calls/{callId}/operations/{operationId}`.
struct ResourcePath<'a>(&'a OperationRef<'a>);

impl fmt::Display for ResourcePath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "/communications/calls/{}/operations/{}",
            self.0.call_id, self.0.operation_id
        )
    }
}

impl Serialize for ResourcePath<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[derive(serde::Serialize)]
struct ResultInfoJson<'a> {
    #[serde(rename = "@odata.type")]
    odata_type: &'static str,
    code: u16,
    subcode: u16,
    message: &'a str,
}

/// The operation as returned by the recordResponse request.
#[derive(serde::Serialize)]
struct RunningOperation<'a> {
    #[serde(rename = "@odata.type")]
    odata_type: &'static str,
    id: &'a str,
    status: &'static str,
    #[serde(rename = "completionReason")]
    completion_reason: Option<&'static str>,
    #[serde(rename = "resultInfo")]
    result_info: Option<ResultInfoJson<'a>>,
    #[serde(rename = "recordingLocation")]
    recording_location: Option<&'a str>,
    #[serde(rename = "clientContext")]
    client_context: &'a str,
}

/// The final operation inside the notification.
#[derive(serde::Serialize)]
struct FinalOperation<'a> {
    #[serde(rename = "@odata.type")]
    odata_type: &'static str,
    #[serde(rename = "@odata.id")]
    odata_id: ResourcePath<'a>,
    id: &'a str,
    #[serde(rename = "clientContext")]
    client_context: &'a str,
    status: &'static str,
    #[serde(rename = "resultInfo")]
    result_info: ResultInfoJson<'a>,
    #[serde(rename = "recordingLocation")]
    recording_location: &'a str,
    #[serde(rename = "recordingAccessToken")]
    recording_access_token: &'a str,
    #[serde(rename = "completionReason")]
    completion_reason: &'static str,
}

#[derive(serde::Serialize)]
struct Notification<'a> {
    #[serde(rename = "@odata.type")]
    odata_type: &'static str,
    #[serde(rename = "changeType")]
    change_type: &'static str,
    #[serde(rename = "resourceUrl")]
    resource_url: ResourcePath<'a>,
    #[serde(rename = "resourceData")]
    resource_data: FinalOperation<'a>,
}

#[derive(serde::Serialize)]
struct Notifications<'a> {
    #[serde(rename = "@odata.type")]
    odata_type: &'static str,
    value: [Notification<'a>; 1],
}

const RECORD_OPERATION: &str = "#microsoft.graph.recordOperation";

/// Writes the `recordOperation` body of the response to a recordResponse request (status
/// `running`); returns its length in bytes.
pub fn write_running_operation(op: &OperationRef<'_>, buf: &mut [u8]) -> Result<usize, WriteError> {
    let body = RunningOperation {
        odata_type: RECORD_OPERATION,
        id: op.operation_id,
        status: OperationStatus::Running.as_str(),
        completion_reason: None,
        result_info: None,
        recording_location: None,
        client_context: op.client_context,
    };
    serde_json_core::to_slice(&body, buf).map_err(|_| WriteError)
}

/// Writes the `commsNotifications` posted when the operation ends (changeType `deleted`,
/// resourceData the final `recordOperation`); returns its length in bytes.
/// `recordingLocation` and `recordingAccessToken` are empty strings when `recording` is
/// `None`, as Graph sends them for a failed operation.
pub fn write_notification(
    op: &OperationRef<'_>,
    completion: &Completion,
    recording: Option<Recording<'_>>,
    buf: &mut [u8],
) -> Result<usize, WriteError> {
    let info = completion.result_info;
    let body = Notifications {
        odata_type: "#microsoft.graph.commsNotifications",
        value: [Notification {
            odata_type: "#microsoft.graph.commsNotification",
            change_type: "deleted",
            resource_url: ResourcePath(op),
            resource_data: FinalOperation {
                odata_type: RECORD_OPERATION,
                odata_id: ResourcePath(op),
                id: op.operation_id,
                client_context: op.client_context,
                status: completion.status.as_str(),
                result_info: ResultInfoJson {
                    odata_type: "#microsoft.graph.resultInfo",
                    code: info.code,
                    subcode: info.subcode,
                    message: info.message,
                },
                recording_location: recording.map_or("", |r| r.location),
                recording_access_token: recording.map_or("", |r| r.access_token),
                completion_reason: completion.reason.as_str(),
            },
        }],
    };
    serde_json_core::to_slice(&body, buf).map_err(|_| WriteError)
}

/// A GUID-shaped operation id derived from the call id and the request body (FNV-1a over
/// both, two 64-bit lanes), for hosts that want the same inputs to give byte-identical
/// documents. A host that has a source of unique ids can use those instead.
pub fn derive_operation_id(call_id: &str, request: &str) -> heapless::String<36> {
    let lane = |seed: u64| {
        let mut h = seed;
        for b in call_id.bytes().chain([0]).chain(request.bytes()) {
            h ^= b as u64;
            h = h.wrapping_mul(0x100_0000_01b3);
        }
        h
    };
    let (a, b) = (lane(0xcbf2_9ce4_8422_2325), lane(0x8422_2325_cbf2_9ce4));
    let mut id = heapless::String::new();
    // 36 characters always fit.
    let _ = core::fmt::Write::write_fmt(
        &mut id,
        format_args!(
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xffff,
            b >> 48,
            b & 0xffff_ffff_ffff
        ),
    );
    id
}

//! How an operation ends: Graph's `recordCompletionReason`, `operationStatus` and
//! `resultInfo`, and the mapping between them.
//!
//! Graph documents two of the code/subcode/message triples (8515 for max duration, 8508 for
//! cancellation) and says initial silence "fails the operation". The other subcodes follow the
//! 8508–8515 block that Azure Communication Services uses for the same media stack; the
//! success/failure split follows the same sources (see the completion table in docs/bot-developer.md).

/// Graph's `operationStatus`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum OperationStatus {
    /// `notStarted`: queued behind another media operation.
    NotStarted,
    /// `running`: the operation is in progress.
    Running,
    /// `completed`: the operation ended successfully.
    Completed,
    /// `failed`: the operation ended without a usable result.
    Failed,
}

impl OperationStatus {
    /// The value as Graph sends it (camelCase).
    pub const fn as_str(self) -> &'static str {
        match self {
            OperationStatus::NotStarted => "notStarted",
            OperationStatus::Running => "running",
            OperationStatus::Completed => "completed",
            OperationStatus::Failed => "failed",
        }
    }
}

/// Graph's `recordCompletionReason`: why a recordResponse operation ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum CompletionReason {
    /// `operationCanceled`: cancelled by the host (cancelMediaProcessing), displaced by a
    /// barge-in, or cut short by the call ending.
    OperationCanceled,
    /// `stopToneDetected`: the caller pressed one of the request's stop tones.
    StopToneDetected,
    /// `maxRecordDurationReached`: the recording reached `maxRecordDurationInSeconds`.
    MaxRecordDurationReached,
    /// `initialSilenceTimeout`: no speech within `initialSilenceTimeoutInSeconds`.
    InitialSilenceTimeout,
    /// `maxSilenceTimeout`: the caller paused longer than `maxSilenceTimeoutInSeconds`.
    MaxSilenceTimeout,
    /// `playPromptFailed`: the prompt could not be loaded or played.
    PlayPromptFailed,
    /// `playBeepFailed`: the beep could not be played.
    PlayBeepFailed,
    /// `mediaReceiveTimeout`: no media arrived from the call for too long.
    MediaReceiveTimeout,
    /// `unspecifiedError`: an internal error in the host or the core.
    UnspecifiedError,
}

impl CompletionReason {
    /// All nine reasons, in Graph's documented order.
    pub const ALL: [CompletionReason; 9] = [
        CompletionReason::OperationCanceled,
        CompletionReason::StopToneDetected,
        CompletionReason::MaxRecordDurationReached,
        CompletionReason::InitialSilenceTimeout,
        CompletionReason::MaxSilenceTimeout,
        CompletionReason::PlayPromptFailed,
        CompletionReason::PlayBeepFailed,
        CompletionReason::MediaReceiveTimeout,
        CompletionReason::UnspecifiedError,
    ];

    /// The value as Graph sends it (camelCase).
    pub const fn as_str(self) -> &'static str {
        match self {
            CompletionReason::OperationCanceled => "operationCanceled",
            CompletionReason::StopToneDetected => "stopToneDetected",
            CompletionReason::MaxRecordDurationReached => "maxRecordDurationReached",
            CompletionReason::InitialSilenceTimeout => "initialSilenceTimeout",
            CompletionReason::MaxSilenceTimeout => "maxSilenceTimeout",
            CompletionReason::PlayPromptFailed => "playPromptFailed",
            CompletionReason::PlayBeepFailed => "playBeepFailed",
            CompletionReason::MediaReceiveTimeout => "mediaReceiveTimeout",
            CompletionReason::UnspecifiedError => "unspecifiedError",
        }
    }

    /// The reason Graph spells `s`, if any.
    pub fn from_graph(s: &str) -> Option<CompletionReason> {
        CompletionReason::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The operation's final status for this reason: the caller's answer was captured
    /// (`completed`) or there is no usable result (`failed`).
    pub const fn status(self) -> OperationStatus {
        match self {
            CompletionReason::StopToneDetected
            | CompletionReason::MaxRecordDurationReached
            | CompletionReason::MaxSilenceTimeout => OperationStatus::Completed,
            _ => OperationStatus::Failed,
        }
    }

    /// The `resultInfo` Graph reports with this reason.
    pub const fn result_info(self) -> ResultInfo {
        let (code, subcode, message) = match self {
            CompletionReason::OperationCanceled => {
                (400, 8508, "Action failed, the operation was cancelled.")
            }
            CompletionReason::MaxSilenceTimeout => {
                (200, 8509, "Action completed, max silence timeout reached.")
            }
            CompletionReason::InitialSilenceTimeout => {
                (400, 8510, "Action failed, initial silence timeout reached.")
            }
            CompletionReason::PlayPromptFailed => (
                400,
                8511,
                "Action failed, encountered failure while trying to play the prompt.",
            ),
            CompletionReason::PlayBeepFailed => (
                400,
                8512,
                "Action failed, encountered failure while trying to play the beep.",
            ),
            CompletionReason::MediaReceiveTimeout => {
                (400, 8513, "Action failed, media receive timeout reached.")
            }
            CompletionReason::StopToneDetected => {
                (200, 8514, "Action completed as stop tone was detected.")
            }
            CompletionReason::MaxRecordDurationReached => {
                (200, 8515, "Action completed, max record duration reached.")
            }
            CompletionReason::UnspecifiedError => (500, 9999, "Unknown internal server error."),
        };
        ResultInfo {
            code,
            subcode,
            message,
        }
    }
}

/// Graph's `resultInfo`: an HTTP-like code, a subcode and a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct ResultInfo {
    /// 2xx success, 4xx client-side failure, 5xx server-side failure.
    pub code: u16,
    /// The detail code (8508–8515 for record operations, 8528 for a call that ended, 9999 for
    /// an unknown error).
    pub subcode: u16,
    /// A human-readable sentence.
    pub message: &'static str,
}

/// The `resultInfo` of an operation cut short because the call ended (subcode 8528, "Call
/// Terminated"). Graph has no completion reason for this; recresp reports
/// [`CompletionReason::OperationCanceled`] with this result, `completed` (code 200) when some
/// of the caller's speech was captured and `failed` (code 400) when nothing was.
pub const fn call_terminated(captured_speech: bool) -> (OperationStatus, ResultInfo) {
    if captured_speech {
        (
            OperationStatus::Completed,
            ResultInfo {
                code: 200,
                subcode: 8528,
                message: "Action completed, the call was terminated.",
            },
        )
    } else {
        (
            OperationStatus::Failed,
            ResultInfo {
                code: 400,
                subcode: 8528,
                message: "Action failed, the call was terminated.",
            },
        )
    }
}

/// Graph's `playPromptCompletionReason` (beta), for playPrompt operations in the media queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum PlayPromptCompletionReason {
    /// `completedSuccessfully`: the prompt played to its end.
    CompletedSuccessfully,
    /// `mediaOperationCanceled`: cancelled or displaced by a barge-in.
    MediaOperationCanceled,
}

impl PlayPromptCompletionReason {
    /// The value as Graph sends it.
    pub const fn as_str(self) -> &'static str {
        match self {
            PlayPromptCompletionReason::CompletedSuccessfully => "completedSuccessfully",
            PlayPromptCompletionReason::MediaOperationCanceled => "mediaOperationCanceled",
        }
    }

    /// The final status for this reason.
    pub const fn status(self) -> OperationStatus {
        match self {
            PlayPromptCompletionReason::CompletedSuccessfully => OperationStatus::Completed,
            PlayPromptCompletionReason::MediaOperationCanceled => OperationStatus::Failed,
        }
    }

    /// The `resultInfo` Graph reports with this reason.
    pub const fn result_info(self) -> ResultInfo {
        match self {
            PlayPromptCompletionReason::CompletedSuccessfully => ResultInfo {
                code: 200,
                subcode: 0,
                message: "Action completed successfully.",
            },
            PlayPromptCompletionReason::MediaOperationCanceled => {
                CompletionReason::OperationCanceled.result_info()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_distinct() {
        for r in CompletionReason::ALL {
            assert_eq!(CompletionReason::from_graph(r.as_str()), Some(r));
        }
        assert_eq!(CompletionReason::from_graph("none"), None);
        let mut subcodes: Vec<u16> = CompletionReason::ALL
            .iter()
            .map(|r| r.result_info().subcode)
            .collect();
        subcodes.sort();
        subcodes.dedup();
        assert_eq!(subcodes.len(), 9);
    }

    #[test]
    fn status_agrees_with_code() {
        for r in CompletionReason::ALL {
            let ok = r.status() == OperationStatus::Completed;
            assert_eq!(ok, r.result_info().code == 200, "{r:?}");
        }
        assert_eq!(
            CompletionReason::MaxRecordDurationReached.result_info(),
            ResultInfo {
                code: 200,
                subcode: 8515,
                message: "Action completed, max record duration reached."
            }
        );
    }
}

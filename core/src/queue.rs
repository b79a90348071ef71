//! The call's media queue: playPrompt and recordResponse operations run one at a time, in the
//! order they were submitted. A recordResponse with `bargeInAllowed` cancels the running
//! operation and everything queued (each ends cancelled) and starts at once.
//!
//! The queue owns one [`Recorder`] and reuses it for each recordResponse. An operation starts
//! when the one before it has ended and its output has been polled. Capacity (`Q` pending
//! operations) is fixed at compile time; submitting to a full queue is an error.

use heapless::Deque;

use crate::completion::{CompletionReason, PlayPromptCompletionReason};
use crate::event::{Completion, Event};
use crate::media::{MediaInput, MediaSink};
use crate::recorder::{CapacityError, PromptAudio, Recorder, DEFAULT_CAPACITY};
use crate::settings::RecordOptions;
use crate::SampleRate;

/// An operation's identifier, given by the queue in submission order from 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct OpId(pub u32);

/// A media operation to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum MediaOp {
    /// Graph's playPrompt: the host plays a prompt lasting `samples` caller samples.
    PlayPrompt {
        /// Length of the prompt in caller samples.
        samples: u64,
    },
    /// Graph's recordResponse.
    Record {
        /// The validated request.
        options: RecordOptions,
        /// The prompt the host loaded for it.
        prompt: PromptAudio,
    },
}

/// The queue is full.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct QueueFull;

impl core::fmt::Display for QueueFull {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("the media queue is full")
    }
}

impl core::error::Error for QueueFull {}

/// What the queue tells its host.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum QueueEvent<'a> {
    /// The operation reached the head of the queue and is running (for a playPrompt: start
    /// playing it now).
    Started {
        /// The operation.
        op: OpId,
    },
    /// A playPrompt ended.
    PromptCompleted {
        /// The operation.
        op: OpId,
        /// How it ended.
        reason: PlayPromptCompletionReason,
    },
    /// An event of a recordResponse (its last is [`Event::Completed`]).
    Record {
        /// The operation.
        op: OpId,
        /// The event.
        event: Event<'a>,
    },
}

#[derive(Clone, Copy, Debug)]
enum Running {
    Prompt { op: OpId, left: u64 },
    Record { op: OpId },
}

/// Notices about operations other than the recorder's own output.
#[derive(Clone, Copy, Debug)]
enum Notice {
    Started(OpId),
    PromptCompleted(OpId, PlayPromptCompletionReason),
    RecordCanceled(OpId),
}

/// The media queue of one call: at most `Q` operations waiting, one recorder with hold-back
/// capacity `N`.
#[derive(Clone, Debug)]
pub struct MediaQueue<const Q: usize = 4, const N: usize = DEFAULT_CAPACITY> {
    recorder: Recorder<N>,
    running: Option<Running>,
    pending: Deque<(OpId, MediaOp), Q>,
    /// Each pending or running operation produces at most two notices.
    notices: Deque<Notice, 16>,
    next_id: u32,
}

impl<const Q: usize, const N: usize> MediaQueue<Q, N> {
    /// Queues longer than this could cause more notices than the notice buffer holds.
    const Q_FITS: () = assert!(Q <= 6, "a MediaQueue holds at most 6 pending operations");

    /// An empty queue for caller audio at `rate`. `Q` is at most 6.
    pub fn new(rate: SampleRate) -> Result<Self, CapacityError> {
        let () = Self::Q_FITS;
        Ok(MediaQueue {
            recorder: Recorder::new(rate)?,
            running: None,
            pending: Deque::new(),
            notices: Deque::new(),
            next_id: 1,
        })
    }

    /// Submits an operation. It runs after those before it, unless it is a recordResponse
    /// with `bargeInAllowed`, which cancels them all and runs next.
    pub fn submit(&mut self, op: MediaOp) -> Result<OpId, QueueFull> {
        let barge = matches!(op, MediaOp::Record { options, .. } if options.barge_in_allowed);
        // A submit adds at most two notices for each operation it cancels or starts; refuse it
        // rather than ever drop a notice when the host has not polled in a while.
        let worst = 2 * (self.pending.len() + 2);
        if self.notices.capacity() - self.notices.len() < worst {
            return Err(QueueFull);
        }
        if barge {
            self.cancel_all();
        }
        if self.pending.is_full() {
            return Err(QueueFull);
        }
        let id = OpId(self.next_id);
        self.next_id += 1;
        let _ = self.pending.push_back((id, op));
        self.advance();
        Ok(id)
    }

    /// Cancels the running operation and every queued one (Graph's cancelMediaProcessing).
    pub fn cancel_all(&mut self) {
        match self.running {
            Some(Running::Prompt { op, .. }) => {
                self.notice(Notice::PromptCompleted(
                    op,
                    PlayPromptCompletionReason::MediaOperationCanceled,
                ));
                self.running = None;
            }
            Some(Running::Record { .. }) => {
                let _ = self.recorder.cancel();
            }
            None => {}
        }
        while let Some((op, kind)) = self.pending.pop_front() {
            self.notice(match kind {
                MediaOp::PlayPrompt { .. } => {
                    Notice::PromptCompleted(op, PlayPromptCompletionReason::MediaOperationCanceled)
                }
                MediaOp::Record { .. } => Notice::RecordCanceled(op),
            });
        }
    }

    /// The call ended: the running recordResponse completes as [`Recorder::hang_up`] says,
    /// everything else is cancelled.
    pub fn hang_up(&mut self) {
        if let Some(Running::Record { .. }) = self.running {
            let _ = self.recorder.hang_up();
        }
        self.cancel_all();
    }

    /// The recorder, for commands such as [`Recorder::beep_failed`] or
    /// [`Recorder::cancel`].
    pub fn recorder(&mut self) -> &mut Recorder<N> {
        &mut self.recorder
    }

    /// The running operation, if any.
    pub fn running(&self) -> Option<OpId> {
        self.running.map(|r| match r {
            Running::Prompt { op, .. } | Running::Record { op } => op,
        })
    }

    /// The next event; poll until `None` after every input or command.
    pub fn poll(&mut self) -> Option<QueueEvent<'_>> {
        if let Some(n) = self.notices.pop_front() {
            return Some(match n {
                Notice::Started(op) => QueueEvent::Started { op },
                Notice::PromptCompleted(op, reason) => QueueEvent::PromptCompleted { op, reason },
                Notice::RecordCanceled(op) => QueueEvent::Record {
                    op,
                    event: Event::Completed(canceled_before_start()),
                },
            });
        }
        if let Some(Running::Record { op }) = self.running {
            if self.recorder.has_output() {
                return self
                    .recorder
                    .poll()
                    .map(|event| QueueEvent::Record { op, event });
            }
            if !self.recorder.is_running() {
                self.running = None;
                self.advance();
                return self.poll();
            }
        }
        None
    }

    /// Starts the next operation if nothing is running.
    fn advance(&mut self) {
        if self.running.is_some() {
            return;
        }
        let Some((op, kind)) = self.pending.pop_front() else {
            return;
        };
        self.notice(Notice::Started(op));
        self.running = Some(match kind {
            MediaOp::PlayPrompt { samples } => Running::Prompt { op, left: samples },
            MediaOp::Record { options, prompt } => {
                self.recorder.start(options, prompt);
                Running::Record { op }
            }
        });
        if let Some(Running::Prompt { left: 0, .. }) = self.running {
            self.finish_prompt();
        }
    }

    fn finish_prompt(&mut self) {
        if let Some(Running::Prompt { op, .. }) = self.running {
            self.notice(Notice::PromptCompleted(
                op,
                PlayPromptCompletionReason::CompletedSuccessfully,
            ));
            self.running = None;
            self.advance();
        }
    }

    /// Feeds `input` to whatever runs, moving on as operations end. A key goes to the
    /// running recordResponse, if any.
    fn consume(&mut self, input: MediaInput<'_>) -> u64 {
        if let MediaInput::Digit { .. } = input {
            if let Some(Running::Record { .. }) = self.running {
                self.recorder.push(input);
            }
            return 0;
        }
        let len = input.len();
        let mut used = 0;
        while used < len {
            match self.running {
                None => return len,
                Some(Running::Prompt { op, left }) => {
                    let n = left.min(len - used);
                    used += n;
                    self.running = Some(Running::Prompt { op, left: left - n });
                    if n == left {
                        self.finish_prompt();
                    }
                }
                Some(Running::Record { .. }) => {
                    if !self.recorder.is_running() {
                        // Output of the ended operation must be polled before the next starts.
                        return used;
                    }
                    let n = self.recorder.push(input.after(used));
                    used += n;
                    if n == 0 || used < len {
                        // Output must be polled, or the operation ended part way.
                        return used;
                    }
                }
            }
        }
        used
    }

    fn notice(&mut self, n: Notice) {
        // `submit` only goes ahead with room for two notices per operation it can cancel or
        // start, which leaves room for a later `cancel_all` (one per operation) as well; with
        // Q ≤ 6 the buffer cannot overflow.
        let _ = self.notices.push_back(n);
    }
}

/// The queue takes the call's media: a playPrompt lets it pass (its time counts towards the
/// prompt's end), a recordResponse's recorder takes it, and media while nothing runs is
/// consumed and dropped. A push stops short where an operation's output must be polled
/// before the next one starts.
impl<const Q: usize, const N: usize> MediaSink for MediaQueue<Q, N> {
    type Event<'a>
        = QueueEvent<'a>
    where
        Self: 'a;

    fn rate(&self) -> SampleRate {
        self.recorder.rate()
    }

    fn push(&mut self, input: MediaInput<'_>) -> u64 {
        self.consume(input)
    }

    fn poll(&mut self) -> Option<QueueEvent<'_>> {
        MediaQueue::poll(self)
    }
}

/// The completion of a recordResponse cancelled before it started.
fn canceled_before_start() -> Completion {
    let reason = CompletionReason::OperationCanceled;
    Completion {
        reason,
        status: reason.status(),
        result_info: reason.result_info(),
        at: 0,
        recorded_samples: 0,
    }
}

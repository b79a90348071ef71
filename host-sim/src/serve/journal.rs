//! What the page at `/` shows of each call: its operations in the order they were requested
//! (status, completion reason, recording), and its notifications with every delivery attempt
//! and what the bot answered.
//!
//! Bounded: a call keeps its last [`NOTIFICATIONS_PER_CALL`] notifications (older ones are
//! counted, not kept) and its last [`OPERATIONS_PER_CALL`] operations; once calls have ended,
//! the last [`ENDED_CALLS`] of them stay listed (without their recordings, which go when their
//! call ends). Live calls are listed until they end.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::SystemTime;

use serde_json::Value;

/// Notifications a call keeps for the page.
pub const NOTIFICATIONS_PER_CALL: usize = 200;
/// Operations a call keeps for the page.
pub const OPERATIONS_PER_CALL: usize = 100;
/// Ended calls that stay listed.
pub const ENDED_CALLS: usize = 20;

/// One operation of a call as the page shows it.
#[derive(Clone, Debug)]
pub struct OperationRow {
    /// Its Graph id.
    pub id: String,
    /// `recordResponse`, `playPrompt`, `cancelMediaProcessing` or `subscribeToTone`.
    pub kind: &'static str,
    /// Its `clientContext`.
    pub client_context: String,
    /// `running`, `completed` or `failed`.
    pub status: String,
    /// Its completion reason, once it has ended (empty when Graph gives none).
    pub reason: String,
    /// The recording's id, while it is stored.
    pub recording: Option<String>,
    /// Whether a timeline picture was kept for it.
    pub timeline: bool,
}

/// What the bot answered to one POST of a notification.
#[derive(Clone, Debug)]
pub enum Attempt {
    /// An HTTP status (2xx is delivered; anything else, redirects included, failed).
    Status(u16),
    /// No answer: the connection or the TLS handshake failed, or it timed out.
    NoAnswer(String),
}

/// One notification as the page shows it.
#[derive(Clone, Debug)]
pub struct NotificationRow {
    /// Position among the call's notifications, from 1.
    pub seq: u64,
    /// When it was queued.
    pub queued: SystemTime,
    /// `created`, `updated` or `deleted`.
    pub change_type: String,
    /// Its `resourceUrl`.
    pub resource: String,
    /// What it says, in a few words (the call's state, an operation's status and reason,
    /// a tone).
    pub summary: String,
    /// Every POST made so far, in order.
    pub attempts: Vec<Attempt>,
    /// Given up on after the last attempt failed.
    pub abandoned: bool,
}

/// Everything the page shows of one call.
#[derive(Debug)]
pub struct CallRecord {
    /// The call's id as it was given.
    pub id: String,
    /// `incoming` or `outgoing`.
    pub direction: &'static str,
    /// When it was created.
    pub created: SystemTime,
    /// Its state: `incoming`, `established` or `terminated`.
    pub state: String,
    /// Where its notifications go.
    pub callback: String,
    /// Its operations, oldest first.
    pub operations: VecDeque<OperationRow>,
    /// Its notifications, oldest first.
    pub notifications: VecDeque<NotificationRow>,
    /// Notifications no longer kept.
    pub dropped: u64,
    next_seq: u64,
}

/// The page's record of one call, shared by the call's media task and its delivery task.
#[derive(Debug)]
pub struct CallLog(Mutex<CallRecord>);

impl CallLog {
    /// The record, to read or change.
    pub fn lock(&self) -> MutexGuard<'_, CallRecord> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Notes a notification queued for delivery; returns its position.
    pub fn queued(&self, body: &Value) -> u64 {
        let mut r = self.lock();
        r.next_seq += 1;
        let seq = r.next_seq;
        let first = body.pointer("/value/0").unwrap_or(&Value::Null);
        let text = |v: &Value, p: &str| {
            v.pointer(p)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        if r.notifications.len() == NOTIFICATIONS_PER_CALL {
            r.notifications.pop_front();
            r.dropped += 1;
        }
        r.notifications.push_back(NotificationRow {
            seq,
            queued: SystemTime::now(),
            change_type: text(first, "/changeType"),
            resource: text(first, "/resourceUrl"),
            summary: summary(first.get("resourceData").unwrap_or(&Value::Null)),
            attempts: Vec::new(),
            abandoned: false,
        });
        seq
    }

    /// Notes one POST of notification `seq` and what came of it.
    pub fn attempted(&self, seq: u64, attempt: Attempt, abandoned: bool) {
        let mut r = self.lock();
        if let Some(n) = r.notifications.iter_mut().find(|n| n.seq == seq) {
            n.attempts.push(attempt);
            n.abandoned = abandoned;
        }
    }

    /// Notes an operation requested (`running` until [`CallLog::finished`]).
    pub fn operation(&self, id: &str, kind: &'static str, client_context: &str, status: &str) {
        let mut r = self.lock();
        if r.operations.len() == OPERATIONS_PER_CALL {
            r.operations.pop_front();
        }
        r.operations.push_back(OperationRow {
            id: id.to_string(),
            kind,
            client_context: client_context.to_string(),
            status: status.to_string(),
            reason: String::new(),
            recording: None,
            timeline: false,
        });
    }

    /// Notes how operation `id` ended, and its recording and timeline if any.
    pub fn finished(
        &self,
        id: &str,
        status: &str,
        reason: &str,
        recording: Option<String>,
        timeline: bool,
    ) {
        let mut r = self.lock();
        if let Some(op) = r.operations.iter_mut().find(|o| o.id == id) {
            op.status = status.to_string();
            op.reason = reason.to_string();
            op.recording = recording;
            op.timeline = timeline;
        }
    }

    /// Notes the call's state.
    pub fn state(&self, state: &str) {
        self.lock().state = state.to_string();
    }

    /// Notes the call's callback URI.
    pub fn callback(&self, callback: &str) {
        self.lock().callback = callback.to_string();
    }
}

/// A notification's `resourceData` in a few words.
fn summary(data: &Value) -> String {
    let field = |p: &str| data.pointer(p).and_then(Value::as_str);
    let kind = field("/@odata.type")
        .and_then(|t| t.rsplit('.').next())
        .unwrap_or("");
    let mut words = vec![kind.to_string()];
    if let Some(state) = field("/state") {
        words.push(format!("state {state}"));
    }
    if let Some(status) = field("/status") {
        words.push(status.to_string());
    }
    if let Some(reason) = field("/completionReason") {
        words.push(reason.to_string());
    }
    if let Some(tone) = field("/toneInfo/tone") {
        words.push(format!("tone {tone}"));
    }
    if let Some(code) = data.pointer("/resultInfo/code").and_then(Value::as_i64) {
        let sub = data
            .pointer("/resultInfo/subcode")
            .and_then(Value::as_i64)
            .unwrap_or(0);
        words.push(format!("resultInfo {code}/{sub}"));
    }
    words.join(", ")
}

/// Every call the page lists: the live ones and the last [`ENDED_CALLS`] that ended.
#[derive(Debug, Default)]
pub struct Journal {
    calls: Mutex<VecDeque<(Arc<CallLog>, bool)>>,
}

impl Journal {
    fn calls(&self) -> MutexGuard<'_, VecDeque<(Arc<CallLog>, bool)>> {
        self.calls.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Starts the record of a new call.
    pub fn start(
        &self,
        id: &str,
        direction: &'static str,
        state: &str,
        callback: &str,
    ) -> Arc<CallLog> {
        let log = Arc::new(CallLog(Mutex::new(CallRecord {
            id: id.to_string(),
            direction,
            created: SystemTime::now(),
            state: state.to_string(),
            callback: callback.to_string(),
            operations: VecDeque::new(),
            notifications: VecDeque::new(),
            dropped: 0,
            next_seq: 0,
        })));
        self.calls().push_back((Arc::clone(&log), false));
        log
    }

    /// Notes that a call ended (or was never added); the oldest ended calls beyond
    /// [`ENDED_CALLS`] are forgotten.
    pub fn ended(&self, log: &Arc<CallLog>) {
        let mut calls = self.calls();
        if let Some(entry) = calls.iter_mut().find(|(l, _)| Arc::ptr_eq(l, log)) {
            entry.1 = true;
        }
        let mut ended = calls.iter().filter(|(_, e)| *e).count();
        calls.retain(|(_, e)| {
            if *e && ended > ENDED_CALLS {
                ended -= 1;
                return false;
            }
            true
        });
    }

    /// Forgets a call that never started (its id was taken).
    pub fn forget(&self, log: &Arc<CallLog>) {
        self.calls().retain(|(l, _)| !Arc::ptr_eq(l, log));
    }

    /// The calls, newest first.
    pub fn list(&self) -> Vec<Arc<CallLog>> {
        self.calls()
            .iter()
            .rev()
            .map(|(l, _)| Arc::clone(l))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(state: &str) -> Value {
        serde_json::json!({"value": [{"changeType": "updated", "resourceUrl": "/communications/calls/A",
            "resourceData": {"@odata.type": "#microsoft.graph.call", "state": state}}]})
    }

    #[test]
    fn a_call_keeps_its_last_notifications_and_counts_the_rest() {
        let journal = Journal::default();
        let log = journal.start("a", "incoming", "incoming", "http://bot");
        let over = 50;
        for _ in 0..NOTIFICATIONS_PER_CALL + over {
            log.queued(&note("established"));
        }
        let seq = log.queued(&note("terminated"));
        log.attempted(seq, Attempt::Status(500), false);
        log.attempted(seq, Attempt::Status(202), false);
        let r = log.lock();
        assert_eq!(r.notifications.len(), NOTIFICATIONS_PER_CALL);
        assert_eq!(r.dropped, over as u64 + 1);
        let last = r.notifications.back().unwrap();
        assert_eq!(last.seq, seq);
        assert_eq!(last.summary, "call, state terminated");
        assert_eq!(last.attempts.len(), 2);
        assert_eq!(
            r.notifications[0].seq,
            seq - NOTIFICATIONS_PER_CALL as u64 + 1
        );
    }

    #[test]
    fn the_last_ended_calls_stay_listed_and_live_ones_always() {
        let journal = Journal::default();
        let live = journal.start("live", "incoming", "established", "http://bot");
        let ended: Vec<_> = (0..ENDED_CALLS + 5)
            .map(|i| journal.start(&format!("c{i}"), "outgoing", "established", "http://bot"))
            .collect();
        for log in &ended {
            journal.ended(log);
        }
        let listed: Vec<String> = journal.list().iter().map(|l| l.lock().id.clone()).collect();
        assert_eq!(listed.len(), ENDED_CALLS + 1);
        assert_eq!(listed[0], format!("c{}", ENDED_CALLS + 4), "newest first");
        assert!(!listed.contains(&"c4".to_string()));
        assert!(listed.contains(&"c5".to_string()));
        assert_eq!(listed.last().unwrap(), "live");
        journal.forget(&live);
        assert_eq!(journal.list().len(), ENDED_CALLS);
    }
}

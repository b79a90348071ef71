//! Posts a call's notifications to its callback URI (`http`, or `https` trusted through the
//! certificates given to `serve`), one at a time and in order, each with
//! `Authorization: Bearer <JWT>`. A POST that fails (no connection, a timeout, any status
//! other than 2xx, a redirect included: redirects are never followed) is tried again after a
//! pause that doubles each time, up to a fixed number of attempts; the server keeps serving
//! meanwhile, since each call has its own delivery task. Each notification and each attempt
//! is noted in the call's [`CallLog`] for the page.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::mpsc;

use super::journal::{Attempt, CallLog};
use super::jwt::TokenSigner;

/// How notifications are delivered.
#[derive(Clone, Copy, Debug)]
pub struct RetryPolicy {
    /// Attempts after the first one.
    pub retries: u32,
    /// Pause before the first retry; each further pause doubles, up to 8 s.
    pub first_backoff: Duration,
    /// Time allowed for one POST.
    pub timeout: Duration,
}

/// Counts of what delivery did, for `GET /recresp/stats`.
#[derive(Debug, Default)]
pub struct DeliveryStats {
    /// Notifications the bot accepted (2xx).
    pub delivered: AtomicU64,
    /// Attempts that failed and were tried again.
    pub retried: AtomicU64,
    /// Notifications given up on after the last attempt.
    pub abandoned: AtomicU64,
}

impl DeliveryStats {
    /// The counts as JSON.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "delivered": self.delivered.load(Ordering::Relaxed),
            "retried": self.retried.load(Ordering::Relaxed),
            "abandoned": self.abandoned.load(Ordering::Relaxed),
        })
    }
}

/// Delivers notifications for everyone: holds the HTTP client, the token signer and the
/// counts.
#[derive(Clone, Debug)]
pub struct Notifier {
    client: reqwest::Client,
    policy: RetryPolicy,
    signer: TokenSigner,
    stats: Arc<DeliveryStats>,
}

/// The sending end of one call's delivery queue, and where it posts to. Dropping it lets the
/// delivery task finish what is queued and stop.
#[derive(Clone, Debug)]
pub struct CallNotifications {
    queue: mpsc::UnboundedSender<(u64, String)>,
    callback: Arc<Mutex<String>>,
    log: Arc<CallLog>,
}

impl CallNotifications {
    /// Queues a notification.
    pub fn send(&self, body: &serde_json::Value) {
        let seq = self.log.queued(body);
        let _ = self.queue.send((seq, body.to_string()));
    }

    /// Sends what is queued from now on to `callback` (the `callbackUri` of an answer).
    pub fn set_callback(&self, callback: &str) {
        *self.callback.lock().unwrap_or_else(|e| e.into_inner()) = callback.to_string();
        self.log.callback(callback);
    }

    /// The call's record for the page.
    pub fn log(&self) -> &Arc<CallLog> {
        &self.log
    }
}

impl Notifier {
    /// A notifier with `policy` whose tokens `signer` makes; `https` callbacks are trusted
    /// when their certificate chains to one of `roots` (and only then).
    pub fn new(
        policy: RetryPolicy,
        signer: TokenSigner,
        roots: Vec<reqwest::Certificate>,
    ) -> Result<Notifier, reqwest::Error> {
        let client = roots
            .into_iter()
            .fold(reqwest::Client::builder(), |b, root| {
                b.add_root_certificate(root)
            })
            .timeout(policy.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .build()?;
        Ok(Notifier {
            client,
            policy,
            signer,
            stats: Arc::new(DeliveryStats::default()),
        })
    }

    /// The delivery counts.
    pub fn stats(&self) -> &DeliveryStats {
        &self.stats
    }

    /// Starts the delivery task of a call that posts to `callback` and notes what it does
    /// in `log`.
    pub fn start_call(&self, callback: String, log: Arc<CallLog>) -> CallNotifications {
        let (tx, mut rx) = mpsc::unbounded_channel::<(u64, String)>();
        let callback = Arc::new(Mutex::new(callback));
        let this = self.clone();
        let target = Arc::clone(&callback);
        let task_log = Arc::clone(&log);
        tokio::spawn(async move {
            while let Some((seq, body)) = rx.recv().await {
                let url = target.lock().unwrap_or_else(|e| e.into_inner()).clone();
                this.deliver(&url, body, &task_log, seq).await;
            }
        });
        CallNotifications {
            queue: tx,
            callback,
            log,
        }
    }

    /// Posts one notification, retrying with back-off.
    async fn deliver(&self, callback: &str, body: String, log: &CallLog, seq: u64) {
        let mut pause = self.policy.first_backoff;
        for attempt in 0..=self.policy.retries {
            let sent = self
                .client
                .post(callback)
                .header("content-type", "application/json")
                .bearer_auth(self.signer.token())
                .body(body.clone())
                .send()
                .await;
            let last = attempt == self.policy.retries;
            let why = match sent {
                Ok(r) if r.status().is_success() => {
                    log.attempted(seq, Attempt::Status(r.status().as_u16()), false);
                    self.stats.delivered.fetch_add(1, Ordering::Relaxed);
                    return;
                }
                Ok(r) => {
                    log.attempted(seq, Attempt::Status(r.status().as_u16()), last);
                    format!("status {}", r.status())
                }
                Err(e) => {
                    log.attempted(seq, Attempt::NoAnswer(no_answer(&e)), last);
                    format!("{e:?}")
                }
            };
            eprintln!("recresp-sim serve: posting to {callback} failed ({why})");
            if last {
                break;
            }
            self.stats.retried.fetch_add(1, Ordering::Relaxed);
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_secs(8));
        }
        self.stats.abandoned.fetch_add(1, Ordering::Relaxed);
        eprintln!("recresp-sim serve: gave up posting a notification to {callback}");
    }
}

/// Why a POST got no answer, in a few words.
fn no_answer(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "timed out".to_string()
    } else if e.is_connect() {
        "could not connect".to_string()
    } else {
        "no answer".to_string()
    }
}

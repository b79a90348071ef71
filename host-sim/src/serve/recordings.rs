//! The recordings the server hands out: each is stored under a random id with a random
//! bearer token, fetched with `GET` and `Authorization: Bearer <token>`, and deleted when its
//! call ends or its retention time has passed (then it is 404). Each recordResponse's
//! timeline is kept by the same rules, under the operation's id, for the page.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::timeline::Timeline;

/// One stored recording.
#[derive(Clone, Debug)]
struct Stored {
    call_id: String,
    token: String,
    wav: Arc<Vec<u8>>,
    expires: Instant,
}

/// Why a fetch was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FetchError {
    /// No such recording (never stored, deleted or expired).
    NotFound,
    /// No bearer token was given.
    NoToken,
    /// The token is not this recording's.
    WrongToken,
}

/// One stored timeline.
#[derive(Debug)]
struct StoredTimeline {
    call_id: String,
    timeline: Arc<Timeline>,
    expires: Instant,
}

/// All recordings and timelines of all calls.
#[derive(Debug)]
pub struct Recordings {
    retention: Duration,
    items: Mutex<HashMap<String, Stored>>,
    timelines: Mutex<HashMap<String, StoredTimeline>>,
}

/// Compares two strings in time that depends only on their lengths.
fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

impl Recordings {
    /// An empty store that keeps each recording for `retention`.
    pub fn new(retention: Duration) -> Recordings {
        Recordings {
            retention,
            items: Mutex::new(HashMap::new()),
            timelines: Mutex::new(HashMap::new()),
        }
    }

    fn items(&self) -> std::sync::MutexGuard<'_, HashMap<String, Stored>> {
        self.items.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn timelines(&self) -> std::sync::MutexGuard<'_, HashMap<String, StoredTimeline>> {
        self.timelines.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Stores the timeline of operation `op_id` of `call_id`.
    pub fn store_timeline(&self, call_id: &str, op_id: &str, timeline: Timeline) {
        self.timelines().insert(
            op_id.to_string(),
            StoredTimeline {
                call_id: call_id.to_string(),
                timeline: Arc::new(timeline),
                expires: Instant::now() + self.retention,
            },
        );
    }

    /// The timeline of operation `op_id`, while it is kept.
    pub fn timeline(&self, op_id: &str) -> Option<Arc<Timeline>> {
        self.timelines()
            .get(op_id)
            .filter(|t| t.expires > Instant::now())
            .map(|t| Arc::clone(&t.timeline))
    }

    /// The WAV bytes of recording `id` while it is kept, without its token: for the page,
    /// which shows everything to whoever can reach the server.
    pub fn wav(&self, id: &str) -> Option<Arc<Vec<u8>>> {
        self.items()
            .get(id)
            .filter(|s| s.expires > Instant::now())
            .map(|s| Arc::clone(&s.wav))
    }

    /// Stores a recording of `call_id`; returns its id and its access token.
    pub fn store(&self, call_id: &str, wav: Vec<u8>) -> (String, String) {
        let id = super::ids::guid();
        let token = super::ids::token();
        self.items().insert(
            id.clone(),
            Stored {
                call_id: call_id.to_string(),
                token: token.clone(),
                wav: Arc::new(wav),
                expires: Instant::now() + self.retention,
            },
        );
        (id, token)
    }

    /// The WAV bytes of recording `id`, if `authorization` (the header's value) is
    /// `Bearer <its token>`.
    pub fn fetch(&self, id: &str, authorization: Option<&str>) -> Result<Arc<Vec<u8>>, FetchError> {
        let mut items = self.items();
        let stored = match items.get(id) {
            None => return Err(FetchError::NotFound),
            Some(s) if s.expires <= Instant::now() => {
                items.remove(id);
                return Err(FetchError::NotFound);
            }
            Some(s) => s,
        };
        let given = authorization
            .and_then(|h| {
                let (scheme, rest) = h.split_once(' ')?;
                scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim())
            })
            .ok_or(FetchError::NoToken)?;
        if same_secret(given, &stored.token) {
            Ok(Arc::clone(&stored.wav))
        } else {
            Err(FetchError::WrongToken)
        }
    }

    /// Deletes every recording and timeline of `call_id`.
    pub fn delete_call(&self, call_id: &str) {
        self.items().retain(|_, s| s.call_id != call_id);
        self.timelines().retain(|_, t| t.call_id != call_id);
    }

    /// Deletes every recording and timeline whose retention time has passed.
    pub fn sweep(&self) {
        let now = Instant::now();
        self.items().retain(|_, s| s.expires > now);
        self.timelines().retain(|_, t| t.expires > now);
    }

    /// How many recordings are stored.
    pub fn len(&self) -> usize {
        self.items().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_opens_only_its_recording_until_the_call_ends() {
        let store = Recordings::new(Duration::from_secs(60));
        let (a, ta) = store.store("call-1", vec![1, 2, 3]);
        let (b, tb) = store.store("call-2", vec![4]);
        assert_ne!(ta, tb);
        assert_eq!(ta.len(), 64);
        let bearer = |t: &str| format!("Bearer {t}");
        assert_eq!(*store.fetch(&a, Some(&bearer(&ta))).unwrap(), vec![1, 2, 3]);
        assert_eq!(store.fetch(&a, None).unwrap_err(), FetchError::NoToken);
        assert_eq!(store.fetch(&a, Some(&ta)).unwrap_err(), FetchError::NoToken);
        assert_eq!(
            store.fetch(&a, Some(&bearer(&tb))).unwrap_err(),
            FetchError::WrongToken
        );
        assert_eq!(
            store.fetch("nope", Some(&bearer(&ta))).unwrap_err(),
            FetchError::NotFound
        );
        store.delete_call("call-1");
        assert_eq!(
            store.fetch(&a, Some(&bearer(&ta))).unwrap_err(),
            FetchError::NotFound
        );
        assert!(store.fetch(&b, Some(&bearer(&tb))).is_ok());
    }

    #[test]
    fn expired_recordings_are_gone() {
        let store = Recordings::new(Duration::ZERO);
        let (a, ta) = store.store("call-1", vec![1]);
        assert_eq!(
            store.fetch(&a, Some(&format!("Bearer {ta}"))).unwrap_err(),
            FetchError::NotFound
        );
        store.store("call-1", vec![1]);
        store.sweep();
        assert_eq!(store.len(), 0);
    }
}

//! The registry of live calls, and the task that runs each call's media: as fast as the
//! machine allows by default, or paced at real time (one 20 ms frame every 20 ms). Calls are
//! found by their id in either form (as given, or Graph's upper case without dashes), and
//! each remembers when a request last named it, so that idle calls can be ended.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::sync::Notify;

use super::driver::CallState;
use super::ids::graph_form;
use super::lifecycle::EndReason;
use super::Shared;

/// Caller audio fed per turn when running as fast as possible (one second at 16 kHz) before
/// the task lets others run.
const FAST_BUDGET: usize = 16_000;

/// One live call.
pub struct Call {
    state: Mutex<CallState>,
    wake: Notify,
    last_used: Mutex<Instant>,
}

impl Call {
    /// Notes that a request named the call now.
    pub fn touch(&self) {
        *self.last_used.lock().unwrap_or_else(|e| e.into_inner()) = Instant::now();
    }

    fn idle_for(&self, now: Instant) -> Duration {
        now.saturating_duration_since(*self.last_used.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// The call's media state.
    pub fn lock(&self) -> MutexGuard<'_, CallState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Tells the call's task there is work (an operation was submitted, or the call ended).
    pub fn wake(&self) {
        self.wake.notify_one();
    }
}

/// All live calls by id.
#[derive(Default)]
pub struct Calls {
    calls: Mutex<HashMap<String, Arc<Call>>>,
}

impl Calls {
    fn map(&self) -> MutexGuard<'_, HashMap<String, Arc<Call>>> {
        self.calls.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The live call `id` (in either form); counts as a use of it.
    pub fn get(&self, id: &str) -> Option<Arc<Call>> {
        let call = self.map().get(&graph_form(id)).cloned();
        if let Some(c) = &call {
            c.touch();
        }
        call
    }

    /// How many calls are live.
    pub fn len(&self) -> usize {
        self.map().len()
    }

    /// Adds a call, posts its first notifications and starts its task; `None` when the id
    /// is taken.
    pub fn add(&self, id: &str, state: CallState, shared: Arc<Shared>) -> Option<Arc<Call>> {
        let call = Arc::new(Call {
            state: Mutex::new(state),
            wake: Notify::new(),
            last_used: Mutex::new(Instant::now()),
        });
        {
            let mut map = self.map();
            let key = graph_form(id);
            if map.contains_key(&key) {
                return None;
            }
            // Announced under the registry's lock, so no request on the call can notify
            // before its first notifications are queued.
            call.lock().announce(&shared);
            map.insert(key, Arc::clone(&call));
        }
        shared.media.clone().spawn(drive(Arc::clone(&call), shared));
        Some(call)
    }

    /// Ends the live call `id` (in either form) for `reason`: takes it out of the registry,
    /// hangs it up (its operations and the call itself are notified) and deletes its
    /// recordings. `false` when there is no such call.
    pub fn end(&self, id: &str, reason: EndReason, shared: &Shared) -> bool {
        let Some(call) = self.map().remove(&graph_form(id)) else {
            return false;
        };
        let call_id = {
            let mut state = call.lock();
            state.hang_up(shared, reason);
            shared.journal.ended(state.log());
            state.id().to_string()
        };
        call.wake();
        shared.recordings.delete_call(&call_id);
        true
    }

    /// Ends every call no request has named for `ttl`, as Graph ends a call without
    /// keepAlive.
    pub fn end_idle(&self, ttl: Duration, shared: &Shared) {
        let now = Instant::now();
        let idle: Vec<String> = self
            .map()
            .iter()
            .filter(|(_, c)| c.idle_for(now) >= ttl)
            .map(|(k, _)| k.clone())
            .collect();
        for id in idle {
            self.end(&id, EndReason::Expired, shared);
        }
    }
}

/// Runs a call's media until the call ends.
async fn drive(call: Arc<Call>, shared: Arc<Shared>) {
    let mut pace = shared.realtime.then(|| {
        let mut i = tokio::time::interval(Duration::from_millis(20));
        i.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
        i
    });
    loop {
        let busy = {
            let mut state = call.lock();
            if state.ended() {
                return;
            }
            let budget = match pace {
                Some(_) => state.rate().hz() as usize / 50,
                None => FAST_BUDGET,
            };
            state.step(budget, &shared);
            if state.caller_left() {
                let id = state.id().to_string();
                drop(state);
                shared.calls.end(&id, EndReason::CallerHungUp, &shared);
                return;
            }
            state.busy()
        };
        if !busy {
            call.wake.notified().await;
            if let Some(p) = pace.as_mut() {
                p.reset();
            }
            continue;
        }
        match pace.as_mut() {
            Some(p) => {
                p.tick().await;
            }
            None => tokio::task::yield_now().await,
        }
    }
}

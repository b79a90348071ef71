//! The registry of live calls, and the task that runs each call's media: as fast as the
//! machine allows by default, or paced at real time (one 20 ms frame every 20 ms).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::Notify;

use super::driver::CallState;
use super::Shared;

/// Caller audio fed per turn when running as fast as possible (one second at 16 kHz) before
/// the task lets others run.
const FAST_BUDGET: usize = 16_000;

/// One live call.
pub struct Call {
    state: Mutex<CallState>,
    wake: Notify,
}

impl Call {
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

    /// The live call `id`.
    pub fn get(&self, id: &str) -> Option<Arc<Call>> {
        self.map().get(id).cloned()
    }

    /// How many calls are live.
    pub fn len(&self) -> usize {
        self.map().len()
    }

    /// Adds a call and starts its task; `false` when the id is taken.
    pub fn add(&self, id: &str, state: CallState, shared: Arc<Shared>) -> bool {
        let call = Arc::new(Call {
            state: Mutex::new(state),
            wake: Notify::new(),
        });
        {
            let mut map = self.map();
            if map.contains_key(id) {
                return false;
            }
            map.insert(id.to_string(), Arc::clone(&call));
        }
        shared.media.clone().spawn(drive(call, shared));
        true
    }

    /// Removes the call `id` and returns it.
    pub fn remove(&self, id: &str) -> Option<Arc<Call>> {
        self.map().remove(id)
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

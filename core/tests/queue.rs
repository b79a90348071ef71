//! The media queue: FIFO order, barge-in, cancel, hang-up, capacity.
mod common;

use common::*;
use recresp_core::{
    Event, MediaOp, MediaQueue, OpId, PromptAudio, QueueEvent, QueueFull, SampleRate,
};
use recresp_core::{MediaInput, MediaSink};

const RATE: SampleRate = SampleRate::Hz8000;

fn record(initial_s: u32, barge: bool) -> MediaOp {
    let mut options = options(initial_s, 5, 5);
    options.barge_in_allowed = barge;
    MediaOp::Record {
        options,
        prompt: PromptAudio::None,
    }
}

/// Pushes `samples` of silence and returns what the queue said, one line each.
fn drive(q: &mut MediaQueue, samples: usize) -> Vec<String> {
    let mut log = vec![];
    let silence = vec![0i16; samples];
    let mut rest = &silence[..];
    loop {
        let n = q.push(MediaInput::Pcm(rest)) as usize;
        rest = &rest[n..];
        while let Some(e) = q.poll() {
            log.push(describe(&e));
        }
        if rest.is_empty() {
            break;
        }
    }
    log
}

fn describe(e: &QueueEvent<'_>) -> String {
    match e {
        QueueEvent::Started { op } => format!("start {}", op.0),
        QueueEvent::PromptCompleted { op, reason } => {
            format!("prompt {} {}", op.0, reason.as_str())
        }
        QueueEvent::Record {
            op,
            event: Event::Completed(c),
        } => {
            format!("record {} {} at {}", op.0, c.reason.as_str(), c.at)
        }
        QueueEvent::Record { op, event } => format!("record {} {:?}", op.0, event),
    }
}

#[test]
fn operations_run_in_order() {
    let mut q: MediaQueue = MediaQueue::new(RATE).unwrap();
    assert_eq!(q.submit(MediaOp::PlayPrompt { samples: 8000 }), Ok(OpId(1)));
    assert_eq!(q.submit(record(1, false)), Ok(OpId(2)));
    assert_eq!(q.submit(MediaOp::PlayPrompt { samples: 4000 }), Ok(OpId(3)));
    assert_eq!(q.running(), Some(OpId(1)));
    let log = drive(&mut q, 8000 + 8000 + 4000 + 100);
    assert_eq!(
        log,
        vec![
            "start 1",
            "prompt 1 completedSuccessfully",
            "start 2",
            "record 2 Listening { at: 0 }",
            "record 2 initialSilenceTimeout at 8000",
            "start 3",
            "prompt 3 completedSuccessfully",
        ]
    );
    assert_eq!(q.running(), None);
}

#[test]
fn barge_in_cancels_running_and_queued_operations() {
    let mut q: MediaQueue = MediaQueue::new(RATE).unwrap();
    q.submit(record(5, false)).unwrap();
    q.submit(MediaOp::PlayPrompt { samples: 800 }).unwrap();
    q.submit(record(5, false)).unwrap();
    let log = drive(&mut q, 1000);
    assert_eq!(log, vec!["start 1", "record 1 Listening { at: 0 }"]);
    let id = q.submit(record(1, true)).unwrap();
    assert_eq!(id, OpId(4));
    let log = drive(&mut q, 8000 + 10);
    assert_eq!(
        log,
        vec![
            "prompt 2 mediaOperationCanceled",
            "record 3 operationCanceled at 0",
            "record 1 operationCanceled at 1000",
            "start 4",
            "record 4 Listening { at: 0 }",
            "record 4 initialSilenceTimeout at 8000",
        ]
    );
}

#[test]
fn cancel_and_hang_up_end_everything() {
    let mut q: MediaQueue = MediaQueue::new(RATE).unwrap();
    q.submit(MediaOp::PlayPrompt { samples: 8000 }).unwrap();
    q.submit(record(5, false)).unwrap();
    drive(&mut q, 100);
    q.cancel_all();
    let log = drive(&mut q, 100);
    assert_eq!(
        log,
        vec![
            "prompt 1 mediaOperationCanceled",
            "record 2 operationCanceled at 0"
        ]
    );

    q.submit(record(5, false)).unwrap();
    drive(&mut q, 100);
    q.hang_up();
    let log = drive(&mut q, 100);
    assert_eq!(log, vec!["record 3 operationCanceled at 100"]);
    assert_eq!(q.running(), None);
}

#[test]
fn a_full_queue_refuses_more() {
    let mut q: MediaQueue<2> = MediaQueue::new(RATE).unwrap();
    q.submit(MediaOp::PlayPrompt { samples: 10 }).unwrap();
    q.submit(MediaOp::PlayPrompt { samples: 10 }).unwrap();
    q.submit(MediaOp::PlayPrompt { samples: 10 }).unwrap();
    assert_eq!(
        q.submit(MediaOp::PlayPrompt { samples: 10 }),
        Err(QueueFull)
    );
    // A barge-in makes room by cancelling what waits.
    assert!(q.submit(record(1, true)).is_ok());
}

#[test]
fn submits_without_polling_are_refused_before_a_notice_could_be_lost() {
    let mut q: MediaQueue = MediaQueue::new(RATE).unwrap();
    let mut accepted = 0;
    for _ in 0..20 {
        if q.submit(MediaOp::PlayPrompt { samples: 0 }).is_ok() {
            accepted += 1;
        }
    }
    let mut log = vec![];
    while let Some(e) = q.poll() {
        log.push(describe(&e));
    }
    // Every accepted operation started and completed, and nothing was dropped.
    assert!(accepted >= 2, "{accepted}");
    assert_eq!(log.len(), 2 * accepted, "{log:?}");
    assert_eq!(
        log.last().unwrap(),
        &format!("prompt {accepted} completedSuccessfully")
    );
}

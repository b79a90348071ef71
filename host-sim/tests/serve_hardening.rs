//! `recresp-sim serve` against clients that misbehave: slow ones (header and body read
//! timeouts, idle connections) and a WAV upload whose header claims 4 GiB.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::*;
use serde_json::Value;

/// Reads until the server closes the connection (or `limit` passes); returns what it sent.
fn read_to_close(s: &mut TcpStream, limit: Duration) -> (bool, String) {
    s.set_read_timeout(Some(limit)).unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return (true, String::from_utf8_lossy(&got).into_owned()),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {
                return (true, String::from_utf8_lossy(&got).into_owned())
            }
            Err(_) => return (false, String::from_utf8_lossy(&got).into_owned()),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_clients_are_cut_off() {
    let server = Server::start(&["--header-timeout-ms", "300", "--body-timeout-ms", "300"]);
    let bot = Bot::start(BotMode::Ok).await;
    let c = client();
    create_call(&c, &server, "slow", &bot.url).await;
    let addr = server.base.trim_start_matches("http://").to_string();
    // Far longer than the timeouts: a connection still open then was not cut off.
    let limit = Duration::from_secs(10);

    // Connects and sends nothing.
    let mut s = TcpStream::connect(&addr).unwrap();
    let (closed, _) = read_to_close(&mut s, limit);
    assert!(closed, "a silent connection is closed");

    // Half the headers, then nothing.
    let mut s = TcpStream::connect(&addr).unwrap();
    s.write_all(b"GET /recresp/stats HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    let (closed, _) = read_to_close(&mut s, limit);
    assert!(closed, "a connection stalled in its headers is closed");

    // The headers, part of the body, then nothing: 408 with a Graph error body.
    let mut s = TcpStream::connect(&addr).unwrap();
    let body = r#"{"clientContext":"x"}"#;
    write!(
        s,
        "POST /v1.0/communications/calls/slow/subscribeToTone HTTP/1.1\r\nHost: x\r\n\
         Authorization: Bearer t\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n{}",
        body.len(),
        &body[..5]
    )
    .unwrap();
    let (_, answer) = read_to_close(&mut s, limit);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    let json = &answer[answer.find("\r\n\r\n").unwrap() + 4..];
    let e: Value = serde_json::from_str(json).unwrap();
    assert_eq!(e["error"]["code"], "RequestTimeout");

    // A complete request, then an idle keep-alive connection: closed too.
    let mut s = TcpStream::connect(&addr).unwrap();
    s.write_all(b"GET /recresp/stats HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let (closed, answer) = read_to_close(&mut s, limit);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(closed, "an idle keep-alive connection is closed");

    // The server still serves.
    let (st, _, _) = act(&c, &server, "slow", "subscribeToTone", "{}").await;
    assert_eq!(st, 200);
}

/// A 16-bit mono 8 kHz WAV of `total` bytes whose RIFF chunk claims 4 GiB and whose data
/// chunk claims `data_size` bytes.
fn lying_wav(data_size: u32, total: usize) -> Vec<u8> {
    let mut h = wav_bytes(8000, 1, &[]);
    assert_eq!(&h[36..40], b"data", "a canonical 44-byte header");
    h[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
    h[40..44].copy_from_slice(&data_size.to_le_bytes());
    h.resize(total, 0);
    h
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wav_header_claiming_4_gib_is_refused() {
    let server = Server::start(&[]);
    let bot = Bot::start(BotMode::Ok).await;
    let c = client();
    create_call(&c, &server, "big", &bot.url).await;
    let r = c
        .put(server.url("/recresp/calls/big/audio"))
        .body(lying_wav(u32::MAX - 1, 144))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let e: Value = r.json().await.unwrap();
    let message = e["error"]["message"].as_str().unwrap();
    assert!(message.contains("declares 4294967294 bytes"), "{message}");
    // Still serving, and the call still takes a good upload.
    let good = lying_wav(200, 44 + 200);
    let r = c
        .put(server.url("/recresp/calls/big/audio"))
        .body(good)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
}

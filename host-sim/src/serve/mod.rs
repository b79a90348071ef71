//! `recresp-sim serve`: a local Microsoft Graph calling endpoint for a bot's whole call: the
//! caller dialling the bot (or the bot placing the call), answer, reject, redirect, the media
//! actions (recordResponse, playPrompt, cancelMediaProcessing, subscribeToTone) backed by the
//! core's media queue, and either side hanging up. A Graph SDK can drive it end to end: it
//! answers as Graph does, posts the notifications (with a signed bearer token) to the call's
//! callback URI, and serves the recordings.
//!
//! It listens on plain HTTP/1.1 and is meant for a local address. The Graph API routes want
//! an `Authorization` header (any bearer token: nothing is verified); recordings want their
//! own `recordingAccessToken`. Slow clients are cut off (header and body read timeouts) and
//! idle calls end (`--call-ttl`).

mod calls;
mod driver;
mod errors;
mod ids;
mod journal;
mod jwt;
mod lifecycle;
mod notifier;
mod operations;
mod page;
mod recordings;
mod routes;
mod version;
mod wire;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use self::calls::Calls;
use self::journal::Journal;
use self::jwt::TokenSigner;
use self::notifier::{Notifier, RetryPolicy};
use self::recordings::Recordings;

/// Options of `recresp-sim serve`.
#[derive(clap::Args, Debug, Clone)]
pub struct ServeArgs {
    /// Address to listen on (port 0 picks a free port; the address is printed on start).
    #[arg(long, default_value = "127.0.0.1:8480")]
    pub listen: SocketAddr,
    /// Folder of caller audio: a call with id ID hears ID.wav (16-bit mono PCM WAV at 8000
    /// or 16000 Hz) from it; a call without a file hears silence.
    #[arg(long, value_name = "DIR")]
    pub audio: Option<PathBuf>,
    /// Folder where a prompt's mediaInfo.uri is found by its last path segment.
    #[arg(long, value_name = "DIR")]
    pub media: Option<PathBuf>,
    /// Play the caller's audio at real time (by default as fast as possible).
    #[arg(long)]
    pub realtime: bool,
    /// Seconds a recording is kept (it also goes when its call ends).
    #[arg(long, value_name = "SECONDS", default_value_t = 600)]
    pub retention: u64,
    /// Attempts after a failed notification POST.
    #[arg(long, default_value_t = 6)]
    pub retries: u32,
    /// Milliseconds before the first retry; each further pause doubles (up to 8 s).
    #[arg(long, value_name = "MS", default_value_t = 200)]
    pub backoff_ms: u64,
    /// Milliseconds allowed for one notification POST.
    #[arg(long, value_name = "MS", default_value_t = 5000)]
    pub callback_timeout_ms: u64,
    /// Milliseconds a client has to send a request's headers (from the connection's start,
    /// or from the end of its previous request); then the connection is closed.
    #[arg(long, value_name = "MS", default_value_t = 10_000)]
    pub header_timeout_ms: u64,
    /// Milliseconds a client has to send a request's whole body; then it gets a 408.
    #[arg(long, value_name = "MS", default_value_t = 30_000)]
    pub body_timeout_ms: u64,
    /// Seconds a call lives with no request naming it (keepAlive counts); then it ends as
    /// Graph ends a call whose bot stopped sending keepAlive (408/8537).
    #[arg(long, value_name = "SECONDS", default_value_t = 2700)]
    pub call_ttl: u64,
    /// The secret notification tokens are signed with (HS256).
    #[arg(long, value_name = "SECRET", default_value = jwt::DEFAULT_SECRET)]
    pub token_secret: String,
    /// A PEM file of certificates (one or more) that `https` callback URIs are trusted by:
    /// a local bot's self-signed certificate, or the CA that signed it. Without it, no
    /// `https` callback is trusted.
    #[arg(long, value_name = "PEM")]
    pub callback_ca: Option<PathBuf>,
    /// The `aud` claim of notification tokens (the bot's app id).
    #[arg(
        long,
        value_name = "APP_ID",
        default_value = "00000000-0000-0000-0000-000000000000"
    )]
    pub bot_app_id: String,
}

/// What every part of the server shares.
pub struct Shared {
    /// `http://ADDR` of the server, for `recordingLocation` and `Location`.
    pub base_url: String,
    /// Paced at real time.
    pub realtime: bool,
    /// Where prompts are found.
    pub media_dir: Option<PathBuf>,
    /// Where caller audio is found.
    pub audio_dir: Option<PathBuf>,
    /// The stored recordings.
    pub recordings: Recordings,
    /// Delivers notifications.
    pub notifier: Notifier,
    /// The live calls.
    pub calls: Calls,
    /// What the page shows of the live calls and the last ones that ended.
    pub journal: Journal,
    /// The runtime the calls' media run on.
    pub media: tokio::runtime::Handle,
    /// Time allowed for a request's body.
    pub body_timeout: Duration,
    etags: AtomicU64,
}

impl Shared {
    /// A fresh `@odata.etag` number.
    pub fn next_etag(&self) -> u64 {
        self.etags.fetch_add(1, Ordering::Relaxed) + 1
    }
}

/// Runs the server until SIGINT or SIGTERM.
///
/// HTTP and notification delivery run on one runtime, the calls' media on another, so that a
/// machine busy decoding many calls still answers requests and reads the bots' replies.
pub fn run(args: &ServeArgs) -> ExitCode {
    let build = |name: &str| {
        tokio::runtime::Builder::new_multi_thread()
            .thread_name(name)
            .enable_all()
            .build()
    };
    let (io, media) = match (build("recresp-io"), build("recresp-media")) {
        (Ok(io), Ok(media)) => (io, media),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("recresp-sim serve: cannot start the runtime: {e}");
            return ExitCode::from(1);
        }
    };
    let code = io.block_on(serve(args.clone(), media.handle().clone()));
    media.shutdown_background();
    code
}

async fn serve(args: ServeArgs, media: tokio::runtime::Handle) -> ExitCode {
    let listener = match tokio::net::TcpListener::bind(args.listen).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("recresp-sim serve: cannot listen on {}: {e}", args.listen);
            return ExitCode::from(1);
        }
    };
    let addr = listener.local_addr().unwrap_or(args.listen);
    let roots = match &args.callback_ca {
        None => Vec::new(),
        Some(path) => match std::fs::read(path)
            .map_err(|e| e.to_string())
            .and_then(|pem| reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| e.to_string()))
        {
            Ok(roots) if !roots.is_empty() => roots,
            Ok(_) => {
                eprintln!(
                    "recresp-sim serve: {}: no certificate in it",
                    path.display()
                );
                return ExitCode::from(1);
            }
            Err(e) => {
                eprintln!("recresp-sim serve: {}: {e}", path.display());
                return ExitCode::from(1);
            }
        },
    };
    let notifier = match Notifier::new(
        RetryPolicy {
            retries: args.retries,
            first_backoff: Duration::from_millis(args.backoff_ms),
            timeout: Duration::from_millis(args.callback_timeout_ms),
        },
        TokenSigner::new(&args.token_secret, &args.bot_app_id),
        roots,
    ) {
        Ok(n) => n,
        Err(e) => {
            eprintln!("recresp-sim serve: cannot build the HTTP client: {e}");
            return ExitCode::from(1);
        }
    };
    let shared = Arc::new(Shared {
        base_url: format!("http://{addr}"),
        realtime: args.realtime,
        media_dir: args.media.clone(),
        audio_dir: args.audio.clone(),
        recordings: Recordings::new(Duration::from_secs(args.retention)),
        notifier,
        calls: Calls::default(),
        journal: Journal::default(),
        media,
        body_timeout: Duration::from_millis(args.body_timeout_ms),
        etags: AtomicU64::new(0),
    });
    let sweeper = Arc::clone(&shared);
    let call_ttl = Duration::from_secs(args.call_ttl);
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_millis(250));
        loop {
            every.tick().await;
            sweeper.recordings.sweep();
            sweeper.calls.end_idle(call_ttl, &sweeper);
        }
    });
    let header_timeout = Duration::from_millis(args.header_timeout_ms);
    println!("recresp-sim serve: listening on http://{addr}");
    let app = routes::router(Arc::clone(&shared));
    let stop = stop_signal();
    tokio::pin!(stop);
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            () = &mut stop => return ExitCode::SUCCESS,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(e) => {
                // Out of file descriptors and the like: wait and go on serving.
                eprintln!("recresp-sim serve: accepting a connection: {e}");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let service = hyper_util::service::TowerToHyperService::new(app.clone());
        tokio::spawn(async move {
            // A client that shuts its side down after sending still gets its request carried
            // out (and the answer, if it reads it).
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(header_timeout)
                .half_close(true)
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                .await;
        });
    }
}

/// Resolves on SIGINT or SIGTERM.
async fn stop_signal() {
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = term => {}
    }
}

//! How the simulator shows Graph's side of the exchange: the HTTP response to the
//! recordResponse request, the error body of a refused request, and the notification Graph
//! posts to the bot's callback.

use std::io::{self, Write};
use std::path::Path;

use crate::simulate::Plan;

/// Graph's base URL for the operation's `Location` (recordOperation's completionReason is
/// in the beta API, so the simulator speaks beta).
pub const GRAPH_BASE: &str = "https://graph.microsoft.com/beta";
/// The bot's callback URL the notification is shown being posted to.
pub const CALLBACK: &str = "https://bot.example.com/api/calls";

/// Graph's error body for a refused request: `{"error":{"code":"BadRequest","message":…}}`.
pub fn bad_request_body(message: &str) -> String {
    serde_json::json!({ "error": { "code": "BadRequest", "message": message } }).to_string()
}

/// Prints the 200 response: status line, Location header, and the running operation.
pub fn print_response(out: &mut impl Write, call_id: &str, plan: &Plan) -> io::Result<()> {
    writeln!(out, "HTTP/1.1 200 OK")?;
    writeln!(
        out,
        "Location: {GRAPH_BASE}/communications/calls/{call_id}/operations/{}",
        plan.operation_id()
    )?;
    writeln!(out, "Content-Type: application/json")?;
    writeln!(out)?;
    writeln!(out, "{}", pretty(&plan.running_operation()))?;
    writeln!(out)
}

/// Prints the completion notification as Graph posts it to the bot.
pub fn print_notification(out: &mut impl Write, notification: &str) -> io::Result<()> {
    writeln!(out, "POST {CALLBACK}")?;
    writeln!(out, "Content-Type: application/json")?;
    writeln!(out)?;
    writeln!(out, "{}", pretty(notification))
}

/// A `file://` URL for a local path (absolute when the current folder is known).
pub fn file_url(path: &Path) -> String {
    let abs = std::env::current_dir()
        .map(|d| d.join(path))
        .unwrap_or_else(|_| path.to_path_buf());
    format!("file://{}", abs.display())
}

fn pretty(json: &str) -> String {
    serde_json::from_str::<serde_json::Value>(json)
        .and_then(|v| serde_json::to_string_pretty(&v))
        .unwrap_or_else(|_| json.to_string())
}

//! What every answer carries, whatever route made it: `request-id` and `client-request-id`
//! headers (the client's own `client-request-id` echoed), and, for every refusal the router
//! made itself (405 with its `Allow` header, a path that does not decode, ...), Graph's error
//! body in place of axum's plain text.

use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::errors::{client_request_id, GraphError};

/// Most of a plain-text refusal kept as the error's message.
const MESSAGE_MAX: usize = 1024;

/// The middleware.
pub async fn graph_wire(request: Request, next: Next) -> Response {
    let client_id = client_request_id(request.headers());
    let method = request.method().clone();
    let mut response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/json"));
    if (status.is_client_error() || status.is_server_error()) && !is_json {
        let (parts, body) = response.into_parts();
        let text = axum::body::to_bytes(body, MESSAGE_MAX)
            .await
            .unwrap_or_default();
        let text = String::from_utf8_lossy(&text).trim().to_string();
        let allow = parts.headers.get(header::ALLOW).cloned();
        let message = match (&allow, text.is_empty()) {
            (Some(a), _) => format!(
                "{method} is not allowed here; allowed: {}",
                a.to_str().unwrap_or("")
            ),
            (None, false) => text,
            (None, true) => status.canonical_reason().unwrap_or("error").to_string(),
        };
        let mut error = GraphError::for_status(status, message);
        error.client_request_id = client_id.clone();
        response = error.into_response();
        if let Some(a) = allow {
            response.headers_mut().insert(header::ALLOW, a);
        }
    }
    let request_id = match response.headers().get("request-id") {
        Some(v) => v.clone(),
        None => {
            let v = HeaderValue::from_str(&super::ids::guid()).expect("a GUID is a header value");
            response.headers_mut().insert("request-id", v.clone());
            v
        }
    };
    let echoed = client_id
        .and_then(|c| HeaderValue::from_str(&c).ok())
        .unwrap_or(request_id);
    response.headers_mut().insert("client-request-id", echoed);
    response
}

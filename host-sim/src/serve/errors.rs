//! Graph's error responses: the status and the `{"error":{code,message,innerError}}` body the
//! SDKs parse into `ODataError`, with `innerError` carrying `date`, `request-id` and
//! `client-request-id`.

use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// A refused request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GraphError {
    /// The HTTP status.
    pub status: StatusCode,
    /// Graph's error code, e.g. `BadRequest`.
    pub code: &'static str,
    /// A sentence saying what is wrong.
    pub message: String,
    /// The client's `client-request-id` header, echoed back (a fresh id when absent).
    pub client_request_id: Option<String>,
}

impl GraphError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> GraphError {
        GraphError {
            status,
            code,
            message: message.into(),
            client_request_id: None,
        }
    }

    /// 400: the body is not a valid request.
    pub fn bad_request(message: impl Into<String>) -> GraphError {
        GraphError::new(StatusCode::BAD_REQUEST, "BadRequest", message)
    }

    /// 401: no `Authorization` header.
    pub fn unauthenticated(message: impl Into<String>) -> GraphError {
        GraphError::new(
            StatusCode::UNAUTHORIZED,
            "InvalidAuthenticationToken",
            message,
        )
    }

    /// 403: a token that does not open this resource.
    pub fn forbidden(message: impl Into<String>) -> GraphError {
        GraphError::new(StatusCode::FORBIDDEN, "Forbidden", message)
    }

    /// 404: no such call, operation or recording.
    pub fn not_found(message: impl Into<String>) -> GraphError {
        GraphError::new(StatusCode::NOT_FOUND, "itemNotFound", message)
    }

    /// 409: the request conflicts with the call's state.
    pub fn conflict(message: impl Into<String>) -> GraphError {
        GraphError::new(StatusCode::CONFLICT, "Conflict", message)
    }

    /// 413: the body is larger than the server takes.
    pub fn too_large(limit: usize) -> GraphError {
        GraphError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "RequestEntityTooLarge",
            format!("the request body is larger than {limit} bytes"),
        )
    }

    /// 415: the body is not JSON.
    pub fn unsupported_media_type(expected: &str) -> GraphError {
        GraphError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UnsupportedMediaType",
            format!("the request body must be {expected}"),
        )
    }

    /// 400: a Graph call action the simulator does not carry out.
    pub fn not_supported(action: &str) -> GraphError {
        GraphError::new(
            StatusCode::BAD_REQUEST,
            "NotSupported",
            format!("recresp-sim does not simulate the call action {action}"),
        )
    }

    /// 408: the request's body did not arrive in time.
    pub fn request_timeout(limit: std::time::Duration) -> GraphError {
        GraphError::new(
            StatusCode::REQUEST_TIMEOUT,
            "RequestTimeout",
            format!(
                "the request body did not arrive within {} ms",
                limit.as_millis()
            ),
        )
    }

    /// An error for a response the router made itself (405 for a method a path does not
    /// take, 400 for a path that does not decode, ...): Graph's code for the status, and
    /// `message`.
    pub fn for_status(status: StatusCode, message: impl Into<String>) -> GraphError {
        let code = match status {
            StatusCode::BAD_REQUEST => "BadRequest",
            StatusCode::UNAUTHORIZED => "InvalidAuthenticationToken",
            StatusCode::FORBIDDEN => "Forbidden",
            StatusCode::NOT_FOUND => "itemNotFound",
            StatusCode::METHOD_NOT_ALLOWED => "MethodNotAllowed",
            StatusCode::CONFLICT => "Conflict",
            StatusCode::PAYLOAD_TOO_LARGE => "RequestEntityTooLarge",
            StatusCode::UNSUPPORTED_MEDIA_TYPE => "UnsupportedMediaType",
            s if s.is_server_error() => "InternalServerError",
            _ => "BadRequest",
        };
        GraphError::new(status, code, message)
    }

    /// Echoes the request's `client-request-id` header in `innerError`.
    pub fn for_request(mut self, headers: &HeaderMap) -> GraphError {
        self.client_request_id = client_request_id(headers);
        self
    }

    /// The error body.
    pub fn body(&self, request_id: &str) -> serde_json::Value {
        let date = humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string();
        let client = self
            .client_request_id
            .clone()
            .unwrap_or_else(|| request_id.to_string());
        serde_json::json!({
            "error": {
                "code": self.code,
                "message": self.message,
                "innerError": {
                    "date": date.trim_end_matches('Z'),
                    "request-id": request_id,
                    "client-request-id": client,
                }
            }
        })
    }
}

/// The request's `client-request-id` header, if it has a readable one.
pub fn client_request_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get("client-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

impl IntoResponse for GraphError {
    fn into_response(self) -> Response {
        let request_id = super::ids::guid();
        let body = self.body(&request_id).to_string();
        let mut response = (
            self.status,
            [(axum::http::header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response();
        if let Ok(v) = HeaderValue::from_str(&request_id) {
            response.headers_mut().insert("request-id", v);
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_has_inner_error_with_ids_and_date() {
        let mut headers = HeaderMap::new();
        headers.insert("client-request-id", HeaderValue::from_static("abc-1"));
        let e = GraphError::bad_request("no").for_request(&headers);
        let body = e.body("req-9");
        assert_eq!(body["error"]["code"], "BadRequest");
        assert_eq!(body["error"]["message"], "no");
        let inner = &body["error"]["innerError"];
        assert_eq!(inner["request-id"], "req-9");
        assert_eq!(inner["client-request-id"], "abc-1");
        let date = inner["date"].as_str().unwrap();
        assert_eq!(date.len(), 19, "{date}");
        assert!(
            humantime::parse_rfc3339(&format!("{date}Z")).is_ok(),
            "{date}"
        );
    }
}

//! Graph's JSON shapes, in `no_std` with fixed buffers: the recordResponse request body in
//! (a strict RFC 8259 reader of recresp's own), the `recordOperation` returned at start and
//! the `commsNotifications` sent at completion out (serde-json-core), and the sizes of all
//! three documents.
//!
//! Enum values are written camelCase, as the service sends them.

mod operation;
mod request;
mod scan;
mod size;

pub use operation::{
    derive_operation_id, write_notification, write_running_operation, OperationRef, Recording,
    WriteError,
};
pub use request::{
    parse_request, parse_request_into, Request, RequestError, MAX_DEPTH, PATH_CAPACITY,
    REQUEST_MAX_LEN,
};
pub use scan::{validate, JsonError, JsonErrorKind, MAX_NESTING};
pub use size::{
    escaped_len, notification_capacity, running_operation_capacity, ACCESS_TOKEN_MAX_LEN,
    CLIENT_CONTEXT_JSON_MAX_LEN, ESCAPE_MAX, ID_MAX_LEN, LOCATION_MAX_LEN, NOTIFICATION_MAX_LEN,
    OPERATION_MAX_LEN,
};

//! Graph's JSON shapes, in `no_std` with fixed buffers (serde-json-core): the recordResponse
//! request body in, the `recordOperation` returned at start and the `commsNotifications`
//! sent at completion out.
//!
//! Enum values are written camelCase, as the service sends them.

mod operation;
mod request;

pub use operation::{
    derive_operation_id, write_notification, write_running_operation, OperationRef, Recording,
    WriteError,
};
pub use request::{parse_request, RequestError, MAX_DEPTH, PATH_CAPACITY};

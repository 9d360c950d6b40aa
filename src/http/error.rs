//! The API's error type: every failure is a status and `{"error": {"code", "message"}}`.

use crate::response::Failure;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

pub use crate::response::{ErrorBody, ErrorDetail};

/// An error answered to the client.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// See [`ErrorDetail::code`].
    pub code: &'static str,
    /// See [`ErrorDetail::message`].
    pub message: String,
}

impl ApiError {
    /// A 400 with this code and message.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            code,
            message: message.into(),
        }
    }

    /// A 404 with this message.
    pub fn not_found(message: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::NOT_FOUND,
            code: "not_found",
            message: message.into(),
        }
    }

    /// A 500; the cause is logged, not shown.
    pub fn internal(cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "internal",
            message: "internal error".into(),
        }
    }
}

impl From<Failure> for ApiError {
    fn from(f: Failure) -> Self {
        if f.is_internal() {
            return ApiError::internal(&f.message);
        }
        ApiError {
            status: StatusCode::from_u16(f.status).unwrap_or(StatusCode::BAD_REQUEST),
            code: f.code,
            message: f.message,
        }
    }
}

impl From<crate::Error> for ApiError {
    fn from(e: crate::Error) -> Self {
        Failure::from(&e).into()
    }
}

impl From<QueryRejection> for ApiError {
    fn from(r: QueryRejection) -> Self {
        let text = r.body_text();
        let detail = text
            .strip_prefix("Failed to deserialize query string: ")
            .unwrap_or(&text);
        ApiError::bad_request(
            "bad_parameter",
            format!(
                "invalid query parameter: {detail} (limit: integer 1..=100; offset: integer \
                 0..=10000; chapter: integer; kind: paragraph, sidebar or preface)"
            ),
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.to_string(),
                message: self.message,
            },
        };
        (self.status, Json(body)).into_response()
    }
}

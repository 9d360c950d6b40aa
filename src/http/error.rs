//! The API's error type: every failure is a status and `{"error": {"code", "message"}}`.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// The body of every error response.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorDetail,
}

/// What went wrong, for programs (`code`) and for people (`message`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// A stable machine-readable code: `missing_query`, `empty_query`, `query_too_long`,
    /// `bad_query`, `bad_parameter`, `not_found`, `method_not_allowed`, `timeout`,
    /// `body_too_large`, `internal`.
    #[schema(example = "bad_parameter")]
    pub code: String,
    /// What to fix, in plain words.
    #[schema(example = "limit must be between 1 and 100, got 0")]
    pub message: String,
}

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

    /// A 408: the request's work ran past its deadline and was stopped.
    pub fn timeout() -> Self {
        ApiError {
            status: StatusCode::REQUEST_TIMEOUT,
            code: "timeout",
            message: format!(
                "the request took longer than {} s; try a simpler query",
                super::REQUEST_TIMEOUT.as_secs()
            ),
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

impl From<crate::Error> for ApiError {
    fn from(e: crate::Error) -> Self {
        match &e {
            crate::Error::Query(m) | crate::Error::NoSearchableWords(m) => {
                ApiError::bad_request("bad_query", m.clone())
            }
            crate::Error::BadRequest(m) => ApiError::bad_request("bad_parameter", m.clone()),
            crate::Error::NotFound(id) => {
                ApiError::not_found(format!("no passage has the id {id:?}"))
            }
            crate::Error::Timeout => ApiError::timeout(),
            _ => ApiError::internal(&e),
        }
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

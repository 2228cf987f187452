//! The HTTP routes (axum 0.8): `/health`, `POST /api/v1/enroll`, `POST /api/v1/sync`, and the
//! public lookup page `/tra-cuu/{commune}/{code}` that the slip's QR code opens.
//!
//! Logs carry device ids, communes, counts and codes, never payloads or anything personal.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use sync_protocol::{
    codec, EnrollReply, EnrollRequest, ErrorBody, MAX_REQUEST_BYTES, SYNC_CONTENT_TYPE,
};

use crate::devices::{authenticate, enrol};
use crate::lookup::{self, RateLimiter};
use crate::storage::Database;
use crate::sync::{handle_push, validate_request};
use crate::{now_ms, ServerError};

/// State shared by the handlers.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub db: Arc<Database>,
    /// The public lookup page's limit per client address.
    pub lookup_limit: Arc<RateLimiter>,
}

impl AppState {
    /// The state over `db`, with the public lookup limited to bursts of 10 and one more
    /// lookup every 6 seconds per address (a citizen checks a handful of dossiers; a script
    /// walking codes gets 10 a minute).
    pub fn new(db: Arc<Database>) -> AppState {
        AppState {
            db,
            lookup_limit: Arc::new(RateLimiter::new(10, 6.0)),
        }
    }
}

impl IntoResponse for ServerError {
    fn into_response(self) -> Response {
        let status = match &self {
            ServerError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ServerError::Forbidden(_) => StatusCode::FORBIDDEN,
            ServerError::BadRequest(..) => StatusCode::BAD_REQUEST,
            ServerError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ServerError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ServerError::Storage(crate::storage::StorageError::Unavailable(_)) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            ServerError::Storage(_) | ServerError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        };
        if status.is_server_error() {
            tracing::error!(code = self.code(), error = %self, "request failed");
        } else {
            tracing::warn!(code = self.code(), "request refused");
        }
        let message = if status.is_server_error() {
            "server error, retry later".to_owned()
        } else {
            self.to_string()
        };
        let mut response = (
            status,
            Json(ErrorBody {
                code: self.code().to_owned(),
                message,
            }),
        )
            .into_response();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
        }
        response
    }
}

/// The router with every route.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/api/v1/enroll", post(enroll_route))
        .route("/api/v1/sync", post(sync_route))
        .route("/tra-cuu", get(lookup_form))
        .route("/tra-cuu/{commune}/{code}", get(lookup_route))
        // Read up to twice the limit so that most oversize bodies get our own 413 JSON body
        // (beyond that axum answers a plain 413 without reading further).
        .layer(DefaultBodyLimit::max(MAX_REQUEST_BYTES * 2))
        .with_state(state)
}

async fn health(State(state): State<AppState>) -> Response {
    let db = state.db.clone();
    let ok =
        tokio::task::spawn_blocking(move || db.transaction(|tx| tx.query("SELECT 1", &[])).is_ok())
            .await
            .unwrap_or(false);
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(serde_json::json!({ "status": if ok { "ok" } else { "database_unavailable" }, "protocol": sync_protocol::PROTOCOL_VERSION }))).into_response()
}

async fn enroll_route(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Json<EnrollReply>, ServerError> {
    let request: EnrollRequest = serde_json::from_slice(&body).map_err(|_| {
        ServerError::BadRequest("malformed_body", "expected {\"code\", \"label\"}".into())
    })?;
    let db = state.db.clone();
    let (device_id, token, commune) =
        tokio::task::spawn_blocking(move || enrol(&db, &request.code, &request.label, now_ms()))
            .await
            .map_err(|e| ServerError::Internal(e.to_string()))??;
    tracing::info!(device_id = %device_id, commune = %commune, "device enrolled");
    Ok(Json(EnrollReply {
        device_id,
        token,
        commune,
    }))
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    value.strip_prefix("Bearer ").map(|t| t.trim().to_owned())
}

async fn sync_route(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ServerError> {
    let token = bearer(&headers).ok_or(ServerError::Unauthorized("missing_token"))?;
    if body.len() > MAX_REQUEST_BYTES {
        return Err(ServerError::PayloadTooLarge);
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if content_type != SYNC_CONTENT_TYPE {
        return Err(ServerError::UnsupportedMediaType);
    }
    let db = state.db.clone();
    let started = std::time::Instant::now();
    let (device, reply_body, n_events, hwm, n_rejected) = tokio::task::spawn_blocking(move || {
        // Authenticate before decoding: an unauthenticated body costs no decompression.
        let device = db
            .transaction(|tx| authenticate(tx, &token))?
            .ok_or(ServerError::Unauthorized("unknown_token"))?;
        let request = codec::decode_request(&body)
            .map_err(|e| ServerError::BadRequest(e.code(), e.to_string()))?;
        validate_request(&device, &request)?;
        let now = now_ms();
        let reply = db.transaction(|tx| handle_push(tx, &device, &request, now))?;
        let encoded =
            codec::encode_reply(&reply).map_err(|e| ServerError::Internal(e.to_string()))?;
        Ok::<_, ServerError>((
            device,
            encoded,
            request.events.len(),
            reply.hwm,
            reply.rejected.len(),
        ))
    })
    .await
    .map_err(|e| ServerError::Internal(e.to_string()))??;
    tracing::info!(
        device_id = %device.device_id,
        commune = %device.commune,
        events = n_events,
        hwm,
        rejected = n_rejected,
        reply_bytes = reply_body.len(),
        ms = started.elapsed().as_millis() as u64,
        "sync"
    );
    Ok(([(header::CONTENT_TYPE, SYNC_CONTENT_TYPE)], reply_body).into_response())
}

fn html(status: StatusCode, body: String) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

/// The lookup form, for a citizen typing the codes from the slip.
async fn lookup_form() -> Response {
    html(
        StatusCode::OK,
        lookup::page(
            "Tra cứu hồ sơ",
            "<form method=\"get\" onsubmit=\"location.href='/tra-cuu/'+encodeURIComponent(             this.xa.value.trim())+'/'+encodeURIComponent(this.ma.value.trim());return false\">\
             <label for=\"xa\">Mã xã (in trên giấy hẹn)</label><input id=\"xa\" name=\"xa\" required>\
             <label for=\"ma\">Mã hồ sơ</label><input id=\"ma\" name=\"ma\" required>\
             <button type=\"submit\">Tra cứu</button></form>",
        ),
    )
}

/// One dossier's status by the address in the slip's QR. Rate-limited per client address
/// before the database is read, so a limited caller learns nothing about which codes exist.
async fn lookup_route(
    State(state): State<AppState>,
    axum::extract::Path((commune, code)): axum::extract::Path<(String, String)>,
    request: axum::extract::Request,
) -> Response {
    // Served through `serve`, every request carries its peer address; a router driven without
    // one (in-process tests) counts as loopback.
    let address = request
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map_or(std::net::IpAddr::from([127, 0, 0, 1]), |c| c.0.ip());
    if !state.lookup_limit.allow(address, std::time::Instant::now()) {
        let mut response = html(
            StatusCode::TOO_MANY_REQUESTS,
            lookup::page(
                "Tra cứu quá nhiều lần",
                "<p>Bạn đã tra cứu quá nhiều lần trong thời gian ngắn. Vui lòng thử lại sau \
                 một phút.</p>",
            ),
        );
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
        return response;
    }
    let db = state.db.clone();
    let found = tokio::task::spawn_blocking(move || {
        db.transaction(|tx| lookup::find(tx, commune.trim(), code.trim()))
    })
    .await;
    match found {
        Ok(Ok(Some(view))) => html(StatusCode::OK, lookup::dossier_page(&view)),
        Ok(Ok(None)) => html(
            StatusCode::NOT_FOUND,
            lookup::page(
                "Không tìm thấy hồ sơ",
                "<p>Không tìm thấy hồ sơ với mã này. Kiểm tra lại mã trên giấy hẹn; hồ sơ vừa \
                 tiếp nhận có thể chưa được xã đồng bộ lên máy chủ.</p>",
            ),
        ),
        _ => {
            tracing::error!("lookup failed");
            html(
                StatusCode::SERVICE_UNAVAILABLE,
                lookup::page(
                    "Chưa tra cứu được",
                    "<p>Máy chủ đang bận. Vui lòng thử lại sau.</p>",
                ),
            )
        }
    }
}

/// Serves until `shutdown` resolves, then stops accepting and lets in-flight requests finish:
/// each batch either commits or rolls back, none is cut half-way.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

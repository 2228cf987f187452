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

use crate::devices::{authenticate, enrol_counter, EnrolRequest};
use crate::lookup::{self, RateLimiter};
use crate::storage::Database;
use crate::sync::{handle_push, validate_request};
use crate::{dashboard, officers};
use crate::{now_ms, ServerError};
use axum::extract::FromRequest;

/// State shared by the handlers.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub db: Arc<Database>,
    /// The public lookup page's limit per client address.
    pub lookup_limit: Arc<RateLimiter>,
    /// Sign-in attempts per client address (password guessing).
    pub login_limit: Arc<RateLimiter>,
}

impl AppState {
    /// The state over `db`, with the public lookup limited to bursts of 10 and one more
    /// lookup every 6 seconds per address (a citizen checks a handful of dossiers; a script
    /// walking codes gets 10 a minute).
    pub fn new(db: Arc<Database>) -> AppState {
        AppState {
            db,
            lookup_limit: Arc::new(RateLimiter::new(10, 6.0)),
            login_limit: Arc::new(RateLimiter::new(5, 30.0)),
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
        .route("/dashboard", get(dashboard_table))
        .route("/dashboard/xa/{commune}", get(dashboard_commune))
        .route("/dashboard/login", get(login_form).post(login_submit))
        .route("/dashboard/logout", post(logout))
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
    let enrolled = tokio::task::spawn_blocking(move || {
        let request = EnrolRequest {
            code: &request.code,
            label: &request.label,
            counter_id: request.counter_id.as_deref(),
            counter_prefix: request.counter_prefix.as_deref(),
        };
        enrol_counter(&db, &request, now_ms())
    })
    .await
    .map_err(|e| ServerError::Internal(e.to_string()))??;
    tracing::info!(
        device_id = %enrolled.device_id,
        commune = %enrolled.commune,
        counter_prefix = %enrolled.counter_prefix,
        "device enrolled"
    );
    Ok(Json(EnrollReply {
        device_id: enrolled.device_id,
        token: enrolled.token,
        commune: enrolled.commune,
        counter_prefix: Some(enrolled.counter_prefix),
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
            "<form method=\"get\" onsubmit=\"location.href='/tra-cuu/'+encodeURIComponent(this.xa.value.trim())+'/'+encodeURIComponent(this.ma.value.trim());return false\">\
             <label for=\"xa\">Mã xã</label><input id=\"xa\" name=\"xa\" required>\
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

const SESSION_COOKIE: &str = "motcua_session";

fn peer(request_extensions: &axum::http::Extensions) -> std::net::IpAddr {
    request_extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map_or(std::net::IpAddr::from([127, 0, 0, 1]), |c| c.0.ip())
}

fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_string())
}

fn redirect(to: &'static str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, to)]).into_response()
}

fn vietnam_now() -> chrono::DateTime<chrono::FixedOffset> {
    chrono::Utc::now().with_timezone(&domain::calendar::vietnam_offset())
}

/// The officer of the request's session, or the answer to give instead (the sign-in page).
async fn officer_of(state: &AppState, headers: &HeaderMap) -> Result<officers::Officer, Response> {
    let Some(token) = session_token(headers) else {
        return Err(redirect("/dashboard/login"));
    };
    let db = state.db.clone();
    let found = tokio::task::spawn_blocking(move || {
        db.transaction(|tx| officers::session(tx, &token, now_ms()))
    })
    .await;
    match found {
        Ok(Ok(Some(officer))) => Ok(officer),
        Ok(Ok(None)) => Err(redirect("/dashboard/login")),
        _ => Err(html(
            StatusCode::SERVICE_UNAVAILABLE,
            lookup::page("Máy chủ đang bận", "<p>Vui lòng thử lại sau.</p>"),
        )),
    }
}

async fn login_form() -> Response {
    html(StatusCode::OK, dashboard::login_page(None))
}

#[derive(serde::Deserialize)]
struct LoginForm {
    login: String,
    password: String,
}

async fn login_submit(State(state): State<AppState>, request: axum::extract::Request) -> Response {
    let address = peer(request.extensions());
    if !state.login_limit.allow(address, std::time::Instant::now()) {
        tracing::warn!("sign-in attempts limited");
        return html(
            StatusCode::TOO_MANY_REQUESTS,
            dashboard::login_page(Some(
                "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau ít phút.",
            )),
        );
    }
    let Ok(axum::extract::Form(form)) =
        axum::extract::Form::<LoginForm>::from_request(request, &()).await
    else {
        return html(
            StatusCode::BAD_REQUEST,
            dashboard::login_page(Some("Thiếu tên đăng nhập hoặc mật khẩu.")),
        );
    };
    let db = state.db.clone();
    // PBKDF2 is deliberately slow: off the async workers.
    let signed = tokio::task::spawn_blocking(move || {
        officers::sign_in(&db, &form.login, &form.password, now_ms())
    })
    .await;
    match signed {
        Ok(Ok(Some(token))) => {
            let cookie = format!(
                "{SESSION_COOKIE}={token}; Path=/dashboard; HttpOnly; SameSite=Strict; Max-Age={}",
                officers::SESSION_MS / 1000
            );
            let mut response = redirect("/dashboard");
            if let Ok(value) = HeaderValue::from_str(&cookie) {
                response.headers_mut().insert(header::SET_COOKIE, value);
            }
            response
        }
        Ok(Ok(None)) => html(
            StatusCode::UNAUTHORIZED,
            dashboard::login_page(Some("Sai tên đăng nhập hoặc mật khẩu.")),
        ),
        _ => html(
            StatusCode::SERVICE_UNAVAILABLE,
            dashboard::login_page(Some("Máy chủ đang bận. Vui lòng thử lại sau.")),
        ),
    }
}

async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = session_token(&headers) {
        let db = state.db.clone();
        let _ = tokio::task::spawn_blocking(move || officers::sign_out(&db, &token)).await;
    }
    let mut response = redirect("/dashboard/login");
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static(
            "motcua_session=; Path=/dashboard; HttpOnly; SameSite=Strict; Max-Age=0",
        ),
    );
    response
}

#[derive(serde::Deserialize)]
struct TableQuery {
    /// `YYYY-MM`: the month to show; the current one when absent.
    thang: Option<String>,
}

/// The table of the officer's communes for a calendar month (`?thang=YYYY-MM`, default the
/// current one).
async fn dashboard_table(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::extract::Query(query): axum::extract::Query<TableQuery>,
) -> Response {
    let officer = match officer_of(&state, &headers).await {
        Ok(officer) => officer,
        Err(response) => return response,
    };
    let db = state.db.clone();
    let now = vietnam_now();
    let month = query
        .thang
        .as_deref()
        .and_then(|m| chrono::NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d").ok())
        .filter(|first| *first <= now.date_naive())
        .unwrap_or(now.date_naive());
    let built = tokio::task::spawn_blocking(move || {
        db.transaction(|tx| {
            let period = dashboard::last_months(month, 1);
            let mut lines = Vec::new();
            for (commune, last) in dashboard::communes(tx)? {
                if officer.scope.allows(&commune) {
                    if let Some(period) = period.first() {
                        lines.push(dashboard::commune_line(tx, &commune, last, period, now)?);
                    }
                }
            }
            Ok::<_, crate::storage::StorageError>((officer.login, lines))
        })
    })
    .await;
    match built {
        Ok(Ok((login, lines))) => html(
            StatusCode::OK,
            dashboard::table_page(&login, month, now.date_naive(), &lines, now_ms()),
        ),
        _ => html(
            StatusCode::SERVICE_UNAVAILABLE,
            lookup::page("Máy chủ đang bận", "<p>Vui lòng thử lại sau.</p>"),
        ),
    }
}

/// One commune: this month's figures, 12 months of rates, its overdue dossiers.
async fn dashboard_commune(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::extract::Path(commune): axum::extract::Path<String>,
) -> Response {
    let officer = match officer_of(&state, &headers).await {
        Ok(officer) => officer,
        Err(response) => return response,
    };
    if !officer.scope.allows(&commune) {
        return html(
            StatusCode::FORBIDDEN,
            lookup::page(
                "Không có quyền",
                "<p>Tài khoản này không được xem xã này.</p>",
            ),
        );
    }
    let db = state.db.clone();
    let now = vietnam_now();
    let built = tokio::task::spawn_blocking(move || {
        db.transaction(|tx| {
            let known = dashboard::communes(tx)?;
            let Some((_, last)) = known.into_iter().find(|(c, _)| *c == commune) else {
                return Ok(None);
            };
            let months = dashboard::last_months(now.date_naive(), 12);
            let (facts, taps) = dashboard::commune_facts(tx, &commune)?;
            let series: Vec<(String, domain::report::Indicators)> = months
                .iter()
                .map(|period| {
                    let label = period.range().0.format("%m/%Y").to_string();
                    (
                        label,
                        domain::report::compute(period, now, &facts, &taps).totals,
                    )
                })
                .collect();
            let Some(current) = months.last() else {
                return Ok(None);
            };
            let line = dashboard::commune_line(tx, &commune, last, current, now)?;
            let mut overdue: Vec<_> = facts
                .iter()
                .filter(|f| f.outcome.is_none())
                .filter_map(|f| {
                    let due = f.due_in_force(now)?;
                    (due < now).then(|| {
                        (
                            f.code.clone(),
                            f.procedure_name.clone(),
                            due,
                            (now - due).num_days(),
                        )
                    })
                })
                .collect();
            overdue.sort_by_key(|o| o.2);
            Ok::<_, crate::storage::StorageError>(Some((line, series, overdue)))
        })
    })
    .await;
    match built {
        Ok(Ok(Some((line, series, overdue)))) => html(
            StatusCode::OK,
            dashboard::commune_page(
                &officer.login,
                &line,
                &format!("tháng {}", now.format("%m/%Y")),
                &series,
                &overdue,
            ),
        ),
        Ok(Ok(None)) => html(
            StatusCode::NOT_FOUND,
            lookup::page(
                "Không tìm thấy xã",
                "<p>Máy chủ chưa có quầy nào của xã này.</p>",
            ),
        ),
        _ => html(
            StatusCode::SERVICE_UNAVAILABLE,
            lookup::page("Máy chủ đang bận", "<p>Vui lòng thử lại sau.</p>"),
        ),
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

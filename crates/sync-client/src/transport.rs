//! One request/reply exchange with the server, and device enrolment.

use std::time::Duration;

use sync_protocol::{EnrollReply, EnrollRequest, ErrorBody, SYNC_CONTENT_TYPE};

/// A failed exchange, classified by what the client should do about it.
#[derive(Debug, Clone, thiserror::Error)]
pub enum TransportError {
    /// The connection failed, was cut or timed out: shrink the batch and retry after backoff.
    #[error("network: {0}")]
    Network(String),
    /// A 200 reply that is not a sync body (captive portal HTML, truncated by a proxy):
    /// nothing is applied; retry after backoff (sync.md §4.3).
    #[error("garbled reply: {0}")]
    Garbled(String),
    /// The server answered with an error status and a stable code.
    #[error("server answered {status} ({code})")]
    Http {
        /// HTTP status.
        status: u16,
        /// The error body's code, or "unknown".
        code: String,
        /// Seconds from a Retry-After header.
        retry_after: Option<u64>,
    },
}

/// One request/reply exchange: the body of a sync request in, the body of the reply out.
pub trait Transport {
    /// Sends one encoded request and returns the encoded reply.
    fn round_trip(&mut self, body: Vec<u8>) -> Result<Vec<u8>, TransportError>;
}

/// The credential a counter keeps after enrolment (store the token encrypted at rest).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DeviceCredential {
    /// The server's base URL.
    pub server_url: String,
    /// The device id.
    pub device_id: String,
    /// The bearer token.
    pub token: String,
    /// The commune the device belongs to.
    pub commune: String,
    /// The counter prefix the server granted at enrolment (absent from older servers).
    #[serde(default)]
    pub counter_prefix: Option<String>,
}

fn http_error(response: reqwest::blocking::Response) -> TransportError {
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    let code = response
        .json::<ErrorBody>()
        .map(|b| b.code)
        .unwrap_or_else(|_| "unknown".into());
    TransportError::Http {
        status,
        code,
        retry_after,
    }
}

fn network(e: reqwest::Error) -> TransportError {
    TransportError::Network(e.to_string())
}

/// Exchanges a one-time enrolment code for this counter's credential (`POST /api/v1/enroll`).
pub fn enroll(
    server_url: &str,
    request: &EnrollRequest,
) -> Result<DeviceCredential, TransportError> {
    let base = server_url.trim_end_matches('/');
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .map_err(network)?;
    let response = client
        .post(format!("{base}/api/v1/enroll"))
        .json(request)
        .send()
        .map_err(network)?;
    if !response.status().is_success() {
        return Err(http_error(response));
    }
    let reply: EnrollReply = response
        .json()
        .map_err(|e| TransportError::Garbled(e.to_string()))?;
    Ok(DeviceCredential {
        server_url: base.to_owned(),
        device_id: reply.device_id,
        token: reply.token,
        commune: reply.commune,
        counter_prefix: reply.counter_prefix,
    })
}

/// The real transport: HTTP POST to `/api/v1/sync` over one kept-alive connection.
pub struct HttpTransport {
    client: reqwest::blocking::Client,
    url: String,
    token: String,
}

impl HttpTransport {
    /// A transport for `credential`; `timeout` bounds one whole exchange.
    pub fn new(
        credential: &DeviceCredential,
        timeout: Duration,
    ) -> Result<HttpTransport, TransportError> {
        let client = reqwest::blocking::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(30)))
            .pool_idle_timeout(Duration::from_secs(90))
            .pool_max_idle_per_host(1)
            .tcp_keepalive(Duration::from_secs(30))
            .build()
            .map_err(network)?;
        Ok(HttpTransport {
            client,
            url: format!("{}/api/v1/sync", credential.server_url),
            token: credential.token.clone(),
        })
    }
}

impl Transport for HttpTransport {
    fn round_trip(&mut self, body: Vec<u8>) -> Result<Vec<u8>, TransportError> {
        let response = self
            .client
            .post(&self.url)
            .bearer_auth(&self.token)
            .header(reqwest::header::CONTENT_TYPE, SYNC_CONTENT_TYPE)
            .body(body)
            .send()
            .map_err(network)?;
        if !response.status().is_success() {
            return Err(http_error(response));
        }
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        if content_type != SYNC_CONTENT_TYPE {
            return Err(TransportError::Garbled(format!(
                "content type {content_type:?}"
            )));
        }
        Ok(response.bytes().map_err(network)?.to_vec())
    }
}

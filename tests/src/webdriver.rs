//! A W3C WebDriver client, just big enough to drive the app's webview through tauri-driver and
//! the district dashboard in headless Chromium through chromedriver.
//!
//! It keeps one keep-alive connection: a client opening a connection per request failed about
//! one run in five with "connection reset" against WebKitWebDriver (shared/tauri.md).

use base64::Engine;
use serde_json::{json, Value};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running tauri-driver process, killed on drop.
pub struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    /// Starts `tauri-driver` on a free port and waits until it accepts connections. The app
    /// inherits `env` through tauri-driver and WebKitWebDriver (tauri-driver 2.1 ignores an
    /// `env` capability).
    pub fn start(env: &[(&str, &str)]) -> Driver {
        let port = free_port();
        let native_port = free_port();
        let child = Command::new("tauri-driver")
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("tauri-driver is on PATH (make deps installs it into .tools/bin)");
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "tauri-driver did not listen on {port}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Driver { child, port }
    }

    /// Starts Debian's `chromedriver` on a free port (for pages served by motcua-server).
    pub fn chromedriver() -> Driver {
        let port = free_port();
        let child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver is installed (make deps installs chromium-driver)");
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "chromedriver did not listen on {port}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Driver { child, port }
    }

    /// Opens a headless Chromium session with a fresh profile in `profile_dir`. The flags keep
    /// Chromium off the network (this machine's closed network refuses its background calls).
    pub fn chromium_session(&self, profile_dir: &Path) -> Session {
        let args = [
            "--headless=new".to_string(),
            "--no-sandbox".to_string(),
            "--disable-gpu".to_string(),
            "--disable-quic".to_string(),
            "--no-first-run".to_string(),
            "--disable-background-networking".to_string(),
            "--disable-component-update".to_string(),
            "--disable-sync".to_string(),
            "--window-size=1280,900".to_string(),
            format!("--user-data-dir={}", profile_dir.display()),
        ];
        self.session_with(json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": "/usr/bin/chromium", "args": args}
        }}}))
    }

    /// Opens a session running the app binary at `application`.
    pub fn session(&self, application: &Path) -> Session {
        self.session_with(json!({"capabilities": {"alwaysMatch": {
            "browserName": "wry",
            "tauri:options": {"application": application}
        }}}))
    }

    /// Opens a session with the given W3C capabilities.
    pub fn session_with(&self, caps: Value) -> Session {
        let http = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(60))
            .pool_max_idle_per_host(1)
            .build()
            .expect("http client");
        let base = format!("http://127.0.0.1:{}", self.port);
        // The driver can drop the first connection while the previous app is still closing.
        let mut attempts = 0;
        let reply: Value = loop {
            match http
                .post(format!("{base}/session"))
                .json(&caps)
                .send()
                .and_then(|r| r.json())
            {
                Ok(reply) => break reply,
                Err(error) if attempts < 3 => {
                    attempts += 1;
                    eprintln!("new WebDriver session, attempt {attempts}: {error}");
                    std::thread::sleep(Duration::from_secs(2));
                }
                Err(error) => panic!("new WebDriver session: {error}"),
            }
        };
        let id = reply["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session id in {reply}"))
            .to_string();
        Session {
            http,
            url: format!("{base}/session/{id}"),
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// One WebDriver session: one running app.
pub struct Session {
    http: reqwest::blocking::Client,
    url: String,
}

impl Session {
    fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut request = self.http.request(method, format!("{}{path}", self.url));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let reply: Value = request
            .send()
            .and_then(|r| r.json())
            .expect("WebDriver reply");
        if let Some(error) = reply["value"]["error"].as_str() {
            panic!("WebDriver {path}: {error}: {}", reply["value"]["message"]);
        }
        reply["value"].clone()
    }

    /// Opens `url` in the session's window.
    pub fn goto(&self, url: &str) {
        self.call(reqwest::Method::POST, "/url", Some(json!({ "url": url })));
    }

    /// The document title.
    pub fn title(&self) -> String {
        self.call(reqwest::Method::GET, "/title", None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Finds an element by CSS selector, waiting up to `timeout` for it to appear.
    pub fn find(&self, css: &str, timeout: Duration) -> Element<'_> {
        let deadline = Instant::now() + timeout;
        loop {
            let mut request = self.http.post(format!("{}/element", self.url));
            request = request.json(&json!({"using": "css selector", "value": css}));
            let reply: Value = request
                .send()
                .and_then(|r| r.json())
                .expect("WebDriver reply");
            if let Some(obj) = reply["value"].as_object() {
                if let Some(id) = obj.values().next().and_then(Value::as_str) {
                    if !obj.contains_key("error") {
                        return Element {
                            session: self,
                            id: id.to_string(),
                        };
                    }
                }
            }
            assert!(
                Instant::now() < deadline,
                "no element matches {css}: {reply}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits until the element matching `css` has text containing `needle`; returns the text.
    pub fn wait_for_text(&self, css: &str, needle: &str, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let text = self.find(css, timeout).text();
            if text.contains(needle) {
                return text;
            }
            assert!(
                Instant::now() < deadline,
                "{css} says {text:?}, never {needle:?}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Saves a PNG screenshot of the window.
    pub fn screenshot(&self, path: &Path) {
        let b64 = self.call(reqwest::Method::GET, "/screenshot", None);
        let png = base64::engine::general_purpose::STANDARD
            .decode(b64.as_str().unwrap_or_default())
            .expect("screenshot is base64");
        assert!(png.starts_with(b"\x89PNG"), "screenshot is a PNG");
        std::fs::write(path, png).expect("screenshot written");
    }

    /// Runs JavaScript in the page and returns its result.
    pub fn execute(&self, script: &str, args: Vec<Value>) -> Value {
        self.call(
            reqwest::Method::POST,
            "/execute/sync",
            Some(json!({"script": script, "args": args})),
        )
    }

    /// Runs asynchronous JavaScript (it calls its last argument with the result).
    pub fn execute_async(&self, script: &str, args: Vec<Value>) -> Value {
        self.call(
            reqwest::Method::POST,
            "/execute/async",
            Some(json!({"script": script, "args": args})),
        )
    }

    /// The handles of the app's windows.
    pub fn window_handles(&self) -> Vec<String> {
        let handles = self.call(reqwest::Method::GET, "/window/handles", None);
        handles
            .as_array()
            .map(|all| {
                all.iter()
                    .filter_map(|h| h.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Makes the window with `handle` the one the next commands act on.
    pub fn switch_to_window(&self, handle: &str) {
        self.call(
            reqwest::Method::POST,
            "/window",
            Some(json!({"handle": handle})),
        );
    }

    /// Switches to the window whose document title contains `needle`, waiting for it.
    pub fn switch_to_window_titled(&self, needle: &str, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        loop {
            for handle in self.window_handles() {
                self.switch_to_window(&handle);
                if self.title().contains(needle) {
                    return;
                }
            }
            assert!(Instant::now() < deadline, "no window titled {needle:?}");
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Ends the session, which closes the app.
    pub fn quit(self) {
        let _ = self.http.delete(&self.url).send();
    }
}

/// An element of the page.
pub struct Element<'s> {
    session: &'s Session,
    id: String,
}

impl Element<'_> {
    /// Its visible text.
    pub fn text(&self) -> String {
        let path = format!("/element/{}/text", self.id);
        self.session
            .call(reqwest::Method::GET, &path, None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Clicks it.
    pub fn click(&self) {
        let path = format!("/element/{}/click", self.id);
        self.session
            .call(reqwest::Method::POST, &path, Some(json!({})));
    }

    /// The WebDriver id of the element, for passing it to scripts.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// An attribute's value.
    pub fn attribute(&self, name: &str) -> Option<String> {
        let path = format!("/element/{}/attribute/{name}", self.id);
        self.session
            .call(reqwest::Method::GET, &path, None)
            .as_str()
            .map(str::to_string)
    }

    /// Types text into it.
    pub fn send_keys(&self, text: &str) {
        let path = format!("/element/{}/value", self.id);
        self.session
            .call(reqwest::Method::POST, &path, Some(json!({"text": text})));
    }
}

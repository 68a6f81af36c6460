//! A headless Chromium session for one test: its own chromedriver, profile
//! and download folder, all gone when the [`Browser`] is dropped. Every
//! session also checks, when the test is done, that the pages logged no
//! console error and no CSP violation.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::LazyLock;
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};

use crate::helpers::free_port;

/// Chromium's flags for a sandboxless container with no network beyond loopback.
const CHROMIUM_FLAGS: [&str; 8] = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
];

/// How long a test waits for the page to reach a state.
pub const PATIENCE: Duration = Duration::from_secs(15);

/// One browser at a time: two cores do not run several Chromiums well.
static ONE_AT_A_TIME: LazyLock<tokio::sync::Mutex<()>> = LazyLock::new(Default::default);

/// Where chromedriver and Chromium are, if installed.
fn installed() -> Option<(PathBuf, PathBuf)> {
    let find = |var: &str, names: &[&str]| -> Option<PathBuf> {
        if let Some(path) = std::env::var_os(var) {
            return Some(PathBuf::from(path));
        }
        let path = std::env::var_os("PATH")?;
        std::env::split_paths(&path)
            .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
            .find(|candidate| candidate.is_file())
    };
    Some((
        find("CHROMEDRIVER", &["chromedriver"])?,
        find(
            "CHROME_BIN",
            &["chromium", "chromium-browser", "google-chrome"],
        )?,
    ))
}

/// The test's browser, or `None` (after a loud `SKIP`) when no driver is
/// installed and `OMS_REQUIRE_BROWSER` is not `1`.
pub async fn open(test: &str) -> Option<Browser> {
    let Some((driver, chromium)) = installed() else {
        let required = std::env::var("OMS_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
        assert!(
            !required,
            "OMS_REQUIRE_BROWSER=1 but chromedriver or chromium is not installed"
        );
        let _ = writeln!(
            std::io::stderr(),
            "SKIP: browser test {test} NOT RUN (install chromium and chromium-driver, \
             or set CHROMEDRIVER and CHROME_BIN)"
        );
        return None;
    };
    let turn = ONE_AT_A_TIME.lock().await;
    Some(Browser::start(&driver, &chromium, turn).await)
}

/// A running chromedriver with one Chromium session.
pub struct Browser {
    pub client: Client,
    pub downloads: PathBuf,
    driver: Child,
    profile: PathBuf,
    closed: bool,
    _turn: tokio::sync::MutexGuard<'static, ()>,
}

impl Browser {
    async fn start(
        driver_path: &Path,
        chromium: &Path,
        turn: tokio::sync::MutexGuard<'static, ()>,
    ) -> Browser {
        let port = free_port();
        let mut command = Command::new(driver_path);
        command
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        // Its own process group, so dropping it also ends the Chromium it started.
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let driver = command.spawn().expect("chromedriver starts");
        let scratch = std::env::temp_dir().join(format!("oms-browser-{}", crate::helpers::uuid()));
        let profile = scratch.join("profile");
        let downloads = scratch.join("downloads");
        std::fs::create_dir_all(&downloads).unwrap();
        let mut args: Vec<String> = CHROMIUM_FLAGS.iter().map(|f| (*f).to_owned()).collect();
        args.push(format!("--user-data-dir={}", profile.display()));
        args.push("--window-size=1280,900".to_owned());
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": args,
                "prefs": {
                    "download.default_directory": downloads,
                    "download.prompt_for_download": false,
                },
            },
            "goog:loggingPrefs": { "browser": "ALL" },
        });
        let capabilities = match capabilities {
            Value::Object(map) => map,
            _ => unreachable!("an object literal"),
        };
        let url = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        let client = loop {
            let attempt = ClientBuilder::new(HttpConnector::new())
                .capabilities(capabilities.clone())
                .connect(&url)
                .await;
            match attempt {
                Ok(client) => break client,
                Err(e) if started.elapsed() < Duration::from_secs(20) => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => panic!("no WebDriver session: {e}"),
            }
        };
        Browser {
            client,
            downloads,
            driver,
            profile: scratch,
            closed: false,
            _turn: turn,
        }
    }

    /// Opens `url` and waits for its scripts to have run.
    pub async fn goto(&self, url: &str) {
        self.client.goto(url).await.unwrap();
    }

    /// The element `css` once it is in the page.
    pub async fn find(&self, css: &str) -> Element {
        let found = self
            .client
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css(css))
            .await;
        match found {
            Ok(element) => element,
            Err(e) => panic!("no {css} on {}: {e}", self.url().await),
        }
    }

    /// Waits until `script` (a function body returning a value) returns
    /// something truthy; returns it.
    pub async fn until(&self, what: &str, script: &str) -> Value {
        let started = Instant::now();
        loop {
            let value = self.client.execute(script, vec![]).await.unwrap();
            let truthy = !matches!(&value, Value::Null | Value::Bool(false))
                && value != json!("")
                && value != json!(0);
            if truthy {
                return value;
            }
            assert!(
                started.elapsed() < PATIENCE,
                "waited {PATIENCE:?} for {what} on {}",
                self.url().await
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until the text of `css` contains `text`.
    pub async fn until_text(&self, css: &str, text: &str) {
        let script = format!(
            "const e = document.querySelector({css}); return !!e && e.textContent.includes({text});",
            css = json!(css),
            text = json!(text)
        );
        self.until(&format!("{css} to say {text:?}"), &script).await;
    }

    /// Waits until the page's live-feed indicator says it is connected.
    pub async fn until_live(&self) {
        self.until(
            "the live feed",
            "const e = document.querySelector('#live-status'); \
             return !!e && e.getAttribute('data-state') === 'live';",
        )
        .await;
    }

    /// Types `text` into the empty field `css`.
    pub async fn fill(&self, css: &str, text: &str) {
        let field = self.find(css).await;
        field.clear().await.unwrap();
        field.send_keys(text).await.unwrap();
    }

    /// Closes every toast, as a person does before reaching what one covers.
    pub async fn dismiss_toasts(&self) {
        self.client
            .execute(
                "document.querySelectorAll('.toast-close').forEach(b => b.click());",
                vec![],
            )
            .await
            .unwrap();
    }

    /// Clicks `css`.
    pub async fn click(&self, css: &str) {
        self.find(css).await.click().await.unwrap();
    }

    async fn url(&self) -> String {
        self.client
            .current_url()
            .await
            .map(|u| u.to_string())
            .unwrap_or_default()
    }

    /// Signs in through `/login` and waits to land on `lands_on`.
    pub async fn sign_in(&self, base: &str, email: &str, password: &str, lands_on: &str) {
        self.goto(&format!("{base}/login")).await;
        self.fill("#login-email", email).await;
        self.fill("#login-password", password).await;
        self.click("#login-submit").await;
        let script = format!("return location.pathname === {};", json!(lands_on));
        self.until(&format!("landing on {lands_on}"), &script).await;
    }

    /// Everything the pages wrote to the console that is an error: script
    /// errors, CSP violations, assets that failed to load. A refused API
    /// call is the API answering (the page shows it), not a page error.
    pub async fn console_errors(&self) -> Vec<String> {
        let logs = self.client.issue_cmd(BrowserLog).await.unwrap();
        logs.as_array()
            .into_iter()
            .flatten()
            .filter(|entry| entry["level"] == "SEVERE" || entry["level"] == "WARNING")
            .filter_map(|entry| entry["message"].as_str())
            .filter(|message| !is_api_answer(message))
            .map(str::to_owned)
            .collect()
    }

    /// Closes the session, after checking the console stayed clean.
    pub async fn finish(mut self) {
        let errors = self.console_errors().await;
        self.closed = true;
        let closed = self.client.clone().close().await;
        assert!(errors.is_empty(), "console errors: {errors:#?}");
        closed.unwrap();
    }

    /// Saves a PNG of the viewport when `OMS_SCREENSHOT_DIR` is set.
    pub async fn screenshot(&self, name: &str) {
        if let Some(dir) = std::env::var_os("OMS_SCREENSHOT_DIR") {
            let png = self.client.screenshot().await.unwrap();
            std::fs::write(Path::new(&dir).join(format!("{name}.png")), png).unwrap();
        }
    }
}

impl Browser {
    /// Shows the pages at `width` x `height` CSS pixels, as a phone below
    /// 600 px wide (touch, mobile viewport), else as a desktop.
    pub async fn viewport(&self, width: u32, height: u32) {
        self.cdp(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600 }),
        )
        .await;
    }

    /// Sends a DevTools protocol command to the page (chromedriver's
    /// `goog/cdp/execute`), e.g. to emulate a screen size or colour scheme.
    pub async fn cdp(&self, command: &str, params: Value) {
        let sent = self
            .client
            .issue_cmd(Cdp {
                command: command.to_owned(),
                params,
            })
            .await;
        sent.unwrap_or_else(|e| panic!("{command}: {e}"));
    }
}

#[derive(Debug)]
struct Cdp {
    command: String,
    params: Value,
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({ "cmd": self.command, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}

/// A 4xx answer from the API (`/api/`, `/auth/`) that the page handles,
/// or the 404 of the not-found page itself; not a missing page file.
fn is_api_answer(message: &str) -> bool {
    let status = message.split("status of ").nth(1).unwrap_or_default();
    let api = (message.contains("/api/") || message.contains("/auth/")) && status.starts_with('4');
    let page = !message.contains("/assets/") && status.starts_with("404");
    message.contains("Failed to load resource") && (api || page)
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.closed {
            // A failed test: the session was not closed, so end Chromium with its driver.
            let group = format!("-{}", self.driver.id());
            let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// chromedriver's console log (`POST /session/{id}/se/log`), which W3C
/// WebDriver has no command for. Reading it empties it.
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/se/log",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (
            http::Method::POST,
            Some(json!({ "type": "browser" }).to_string()),
        )
    }
}

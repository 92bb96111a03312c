//! The report as a reader sees it. Headless Chromium (Debian's `chromium`)
//! opens `report.html` of the example study, in English and in French,
//! over the DevTools protocol; the test fails if the page asks the network
//! for anything, writes to the console (errors, warnings, exceptions), has
//! an image that did not load, or a figure without its alternative text,
//! and it saves a full-page screenshot (`report-en.png`, `report-fr.png` in
//! Cargo's test scratch folder) after checking it is not blank.
//!
//! Without Chromium on the machine the test says so and passes, unless
//! `MIZAN_REQUIRE_BROWSER` is set — as `.ci/run` sets it, after installing
//! Chromium — in which case a missing browser fails it.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use base64::Engine;
use serde_json::{Value, json};

use crate::common::{mizan, repo};

/// The browser: `MIZAN_CHROMIUM`, or `chromium` / `chromium-browser` on the PATH.
fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("MIZAN_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|d| [d.join("chromium"), d.join("chromium-browser")])
        .find(|p| p.is_file())
}

/// A DevTools-protocol connection: commands with ids, events kept in order.
struct DevTools {
    socket: tungstenite::WebSocket<tungstenite::stream::MaybeTlsStream<std::net::TcpStream>>,
    next: u64,
    events: Vec<Value>,
}

impl DevTools {
    fn call(&mut self, method: &str, params: Value, session: Option<&str>) -> Value {
        self.next += 1;
        let mut msg = json!({ "id": self.next, "method": method, "params": params });
        if let Some(s) = session {
            msg["sessionId"] = json!(s);
        }
        self.socket
            .send(tungstenite::Message::text(msg.to_string()))
            .expect("send to the browser");
        loop {
            let reply = self.read();
            if reply["id"] == json!(self.next) {
                assert!(reply.get("error").is_none(), "{method}: {reply}");
                return reply["result"].clone();
            }
            self.events.push(reply);
        }
    }

    fn read(&mut self) -> Value {
        loop {
            match self.socket.read().expect("read from the browser") {
                tungstenite::Message::Text(t) => {
                    return serde_json::from_str(t.as_str()).expect("JSON");
                }
                tungstenite::Message::Close(_) => panic!("the browser closed the connection"),
                _ => {}
            }
        }
    }

    fn wait_for(&mut self, method: &str) {
        if self.events.iter().any(|e| e["method"] == method) {
            return;
        }
        loop {
            let e = self.read();
            let done = e["method"] == method;
            self.events.push(e);
            if done {
                return;
            }
        }
    }
}

/// Starts the browser and returns it with its DevTools WebSocket address.
fn launch(browser: &Path, profile: &Path) -> (Child, String) {
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--remote-debugging-port=0",
            "--window-size=1280,900",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("about:blank")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start chromium");
    let stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(url) = line.split("DevTools listening on ").nth(1) {
                let _ = tx.send(url.trim().to_string());
            }
        }
    });
    let url = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("chromium announces its DevTools address");
    (child, url)
}

/// Opens `page` and returns what a reader's browser did with it.
fn open(devtools: &mut DevTools, page: &Path) -> (Vec<Value>, Value, Vec<u8>) {
    let target = devtools.call("Target.createTarget", json!({ "url": "about:blank" }), None);
    let attached = devtools.call(
        "Target.attachToTarget",
        json!({ "targetId": target["targetId"], "flatten": true }),
        None,
    );
    let session = attached["sessionId"].as_str().expect("session").to_string();
    let s = Some(session.as_str());
    for domain in ["Page", "Network", "Runtime", "Log"] {
        devtools.call(&format!("{domain}.enable"), json!({}), s);
    }
    devtools.events.clear();
    let url = format!("file://{}", page.display());
    devtools.call("Page.navigate", json!({ "url": url }), s);
    devtools.wait_for("Page.loadEventFired");
    let checks = devtools.call(
        "Runtime.evaluate",
        json!({
            "returnByValue": true,
            "awaitPromise": true,
            "expression": "document.fonts.ready.then(() => ({\
                broken: [...document.images].filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src),\
                figures: document.querySelectorAll('figure').length,\
                svgs: document.querySelectorAll('figure svg').length,\
                unlabelled: [...document.querySelectorAll('figure [role=img]')].filter(e => !(e.getAttribute('aria-label') || '').trim()).length,\
                headings: [...document.querySelectorAll('h1, h2, h3')].map(h => +h.tagName[1]),\
                height: document.documentElement.scrollHeight,\
                direction: getComputedStyle(document.body).direction,\
                fonts: [...document.fonts].filter(f => f.status === 'loaded').map(f => f.family.replace(/\"/g, '')),\
                outside: [...document.querySelectorAll('figure svg')].flatMap(svg => {\
                    const b = svg.getBoundingClientRect();\
                    return [...svg.querySelectorAll('text')].filter(t => {\
                        const r = t.getBoundingClientRect();\
                        return r.width > 0 && (r.left < b.left - 1 || r.right > b.right + 1);\
                    }).map(t => t.textContent);\
                })\
            }))"
        }),
        s,
    );
    let shot = devtools.call(
        "Page.captureScreenshot",
        json!({ "format": "png", "captureBeyondViewport": true }),
        s,
    );
    let png = base64::engine::general_purpose::STANDARD
        .decode(shot["data"].as_str().expect("screenshot data"))
        .expect("base64");
    let events = std::mem::take(&mut devtools.events);
    (events, checks["result"]["value"].clone(), png)
}

/// Width, height and whether any pixel differs from the first, of a PNG.
fn inspect_png(bytes: &[u8]) -> (u32, u32, bool) {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().expect("PNG");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("frame");
    let data = &buf[..info.buffer_size()];
    let px = info.color_type.samples();
    let varied = data.chunks(px).any(|p| p != &data[..px]);
    (info.width, info.height, varied)
}

#[test]
fn report_opens_cleanly_in_a_real_browser() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("MIZAN_REQUIRE_BROWSER").is_none(),
            "MIZAN_REQUIRE_BROWSER is set but chromium is not installed"
        );
        eprintln!("skipped: chromium not found (apt-get install -y chromium; .ci/run does)");
        return;
    };
    let scratch = tempfile::tempdir().expect("temp dir");
    let (mut child, url) = launch(&browser, &scratch.path().join("profile"));
    let (socket, _) = tungstenite::connect(url.as_str()).expect("connect to DevTools");
    let mut devtools = DevTools {
        socket,
        next: 0,
        events: Vec::new(),
    };
    // The example publishes English (report.html) and Arabic, right to
    // left; the French-only copy checks a study of one other language.
    for (lang, study, page) in [
        ("en", "reports/example", "report.html"),
        ("ar", "reports/example", "report.ar.html"),
        ("fr", "reports/example-fr", "report.html"),
    ] {
        let out = scratch.path().join(study);
        if !out.exists() {
            let (code, _, err) = mizan(
                &["run", study, "--out", out.to_str().expect("utf-8")],
                &repo(),
            );
            assert_eq!(code, 0, "{err}");
        }
        let (events, checks, png) = open(&mut devtools, &out.join(page));
        let requests: Vec<&str> = events
            .iter()
            .filter(|e| e["method"] == "Network.requestWillBeSent")
            .filter_map(|e| e["params"]["request"]["url"].as_str())
            .filter(|u| !u.starts_with("file://") && !u.starts_with("data:"))
            .collect();
        assert!(
            requests.is_empty(),
            "{lang}: the page asked the network for {requests:?}"
        );
        let console: Vec<&Value> = events
            .iter()
            .filter(|e| {
                matches!(
                    e["method"].as_str(),
                    Some("Runtime.consoleAPICalled" | "Runtime.exceptionThrown")
                ) || (e["method"] == "Log.entryAdded"
                    && matches!(
                        e["params"]["entry"]["level"].as_str(),
                        Some("error" | "warning")
                    ))
            })
            .collect();
        assert!(console.is_empty(), "{lang}: console output {console:?}");
        assert_eq!(checks["broken"], json!([]), "{lang}: broken images");
        assert_eq!(
            checks["unlabelled"],
            json!(0),
            "{lang}: figures without alt text"
        );
        let figures = checks["figures"].as_u64().expect("figures");
        let spec = mizan::spec::load(&repo().join(study)).expect("spec");
        let charts: usize = spec.report.sections.iter().map(|s| s.charts.len()).sum();
        assert!(
            charts >= 18,
            "{lang}: the example's sections hold {charts} charts"
        );
        assert_eq!(
            figures as usize, charts,
            "{lang}: every chart of the example's sections is shown"
        );
        assert_eq!(
            checks["svgs"],
            json!(figures),
            "{lang}: every figure is an inline SVG"
        );
        let headings: Vec<u64> = checks["headings"]
            .as_array()
            .expect("headings")
            .iter()
            .filter_map(Value::as_u64)
            .collect();
        assert_eq!(
            headings.first(),
            Some(&1),
            "{lang}: the page starts with its h1"
        );
        assert!(
            headings.windows(2).all(|w| w[1] <= w[0] + 1),
            "{lang}: heading levels never skip one: {headings:?}"
        );
        let (width, height, varied) = inspect_png(&png);
        // The 1280-pixel window less its scroll bar.
        assert!(
            (1200..=1280).contains(&width),
            "{lang}: screenshot width {width}"
        );
        assert!(
            u64::from(height) >= checks["height"].as_u64().expect("height").min(16_000),
            "{lang}: the screenshot covers the page"
        );
        assert!(varied, "{lang}: the screenshot is not blank");
        assert_eq!(
            checks["outside"],
            json!([]),
            "{lang}: chart texts drawn outside their figure"
        );
        let rtl = lang == "ar";
        assert_eq!(
            checks["direction"],
            json!(if rtl { "rtl" } else { "ltr" }),
            "{lang}: the page's direction"
        );
        if rtl {
            assert!(
                checks["fonts"]
                    .as_array()
                    .expect("fonts")
                    .contains(&json!("Noto Naskh Arabic")),
                "the Arabic page loads the Arabic font it carries: {}",
                checks["fonts"]
            );
        }
        let keep = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("report-{lang}.png"));
        std::fs::write(&keep, &png).expect("save the screenshot");
    }
    let _ = devtools.socket.send(tungstenite::Message::text(
        json!({ "id": 0, "method": "Browser.close" }).to_string(),
    ));
    let _ = child.wait();
}

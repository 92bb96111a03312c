//! Nightly-safe runs under faults: the second run with nothing changed does
//! nothing; stages rerun for the reason `mizan status` gives; drift and
//! schema changes are recorded and `--fail-on-drift` publishes nothing; a
//! held lock stops a second run (exit 4) and a dead one is taken over; runs
//! killed at any moment leave the published outputs byte-identical; a
//! vanished source fails cleanly; `mizan verify` reproduces a study and
//! catches a one-digit change in an input or an output.

use std::path::Path;
use std::time::Duration;

use crate::common::{mizan, repo, temp_study};

const STUDY: &str = "[study]\nid = \"n\"\ntitle = \"Nightly\"\n\n[datasets.people]\npath = \"people.csv\"\n\n[datasets.people.design]\nweights = \"w\"\n\n[[indicators]]\nid = \"net\"\ndataset = \"people\"\nstatistic = \"proportion\"\nexpr = \"used = 1\"\nby = [\"region\"]\n\n[[charts]]\nid = \"by_region\"\nindicator = \"net\"\nkind = \"bar\"\nby = \"region\"\ntitle = \"Internet use\"\n";

/// 400 people in 4 regions; `shift` more of region 1 use the Internet.
fn people(shift: usize) -> String {
    let mut s = String::from("id,region,w,used\n");
    for i in 0..400 {
        let region = i % 4 + 1;
        let used = usize::from(i % 3 != 0 || (region == 1 && i / 4 < shift));
        s += &format!("{i},{region},{},{used}\n", 10 + i % 7);
    }
    s
}

/// blake3 of every file under `dir` except `runs/`, by relative path.
fn snapshot(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if !dir.exists() {
        return out;
    }
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            if p.is_dir() {
                if rel != "runs" {
                    stack.push(p);
                }
            } else {
                out.push((
                    rel,
                    blake3::hash(&std::fs::read(&p).unwrap())
                        .to_hex()
                        .to_string(),
                ));
            }
        }
    }
    out.sort();
    out
}

/// The state `mizan status` gives `stage`.
fn state<'a>(status: &'a str, stage: &str) -> &'a str {
    status
        .lines()
        .find_map(|l| l.trim().strip_prefix(stage).map(str::trim))
        .unwrap_or_else(|| panic!("no {stage} in {status}"))
}

fn record(out: &Path, newest: usize) -> serde_json::Value {
    let mut runs: Vec<_> = std::fs::read_dir(out.join("runs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    runs.sort();
    serde_json::from_slice(&std::fs::read(&runs[runs.len() - 1 - newest]).unwrap()).unwrap()
}

fn action(rec: &serde_json::Value, stage: &str) -> (String, String) {
    let s = rec["stages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["stage"] == stage)
        .unwrap_or_else(|| panic!("no stage {stage} in {rec}"));
    (
        s["action"].as_str().unwrap().to_string(),
        s["reason"].as_str().unwrap().to_string(),
    )
}

#[test]
fn unchanged_runs_do_nothing_and_stale_stages_say_why() {
    let dir = temp_study(&[("study.toml", STUDY), ("people.csv", &people(0))]);
    let run = |args: &[&str]| mizan(&[&["run", "."], args].concat(), dir.path());
    let (code, _, err) = run(&[]);
    assert_eq!(code, 0, "{err}");
    let out = dir.path().join("out");
    let first = snapshot(&out);

    let (code, stdout, _) = run(&[]);
    assert_eq!(code, 0);
    assert!(stdout.contains("is up to date"), "{stdout}");
    assert_eq!(snapshot(&out), first, "an unchanged run touches nothing");
    assert_eq!(record(&out, 0)["status"], "unchanged");
    let (_, status, _) = mizan(&["status", "."], dir.path());
    assert!(status.contains("everything is up to date"), "{status}");

    // A chart's title: that chart is stale, the data not.
    let edited = STUDY.replace(
        "title = \"Internet use\"",
        "title = \"Internet use by region\"",
    );
    std::fs::write(dir.path().join("study.toml"), edited).unwrap();
    let (_, status, _) = mizan(&["status", "."], dir.path());
    assert_eq!(state(&status, "ingest:people"), "up to date");
    assert_eq!(
        state(&status, "chart:by_region"),
        "stale: the chart spec (or its geometry) changed"
    );
    let (code, _, err) = run(&[]);
    assert_eq!(code, 0, "{err}");
    let rec = record(&out, 0);
    assert_eq!(action(&rec, "ingest:people").0, "reused");
    assert_eq!(action(&rec, "chart:by_region").0, "run");
    assert!(
        std::fs::read_to_string(out.join("figures/by_region.svg"))
            .unwrap()
            .contains("Internet use by region")
    );

    // An output touched by hand is put back.
    std::fs::write(out.join("figures/by_region.csv"), "edited").unwrap();
    let (_, status, _) = mizan(&["status", "."], dir.path());
    assert_eq!(
        state(&status, "chart:by_region"),
        "stale: output figures/by_region.csv was modified"
    );
    let (code, _, _) = run(&[]);
    assert_eq!(code, 0);
    assert_ne!(
        std::fs::read_to_string(out.join("figures/by_region.csv")).unwrap(),
        "edited"
    );

    // --force reruns everything.
    let (code, _, _) = run(&["--force"]);
    assert_eq!(code, 0);
    assert_eq!(
        action(&record(&out, 0), "ingest:people"),
        ("run".into(), "--force".into())
    );
}

#[test]
fn drift_and_schema_changes_are_recorded_and_can_stop_publishing() {
    let dir = temp_study(&[("study.toml", STUDY), ("people.csv", &people(0))]);
    let (code, _, err) = mizan(&["run", "."], dir.path());
    assert_eq!(code, 0, "{err}");
    let out = dir.path().join("out");
    let before = snapshot(&out);

    // Region 1 jumps from 2/3 to nearly all users; a new column arrives.
    let changed = people(90).replace("id,region,w,used", "id,region,w,used,extra");
    let changed: String = changed
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                format!("{l}\n")
            } else {
                format!("{l},x\n")
            }
        })
        .collect();
    std::fs::write(dir.path().join("people.csv"), changed).unwrap();
    let (_, status, _) = mizan(&["status", "."], dir.path());
    assert_eq!(
        state(&status, "ingest:people"),
        "stale: source people.csv changed"
    );
    assert_eq!(
        state(&status, "estimate"),
        "stale: depends on ingest:people, which is stale"
    );

    let (code, _, err) = mizan(&["run", ".", "--fail-on-drift"], dir.path());
    assert_eq!(code, 5, "{err}");
    assert!(err.contains("net [region = 1]"), "{err}");
    assert_eq!(snapshot(&out), before, "nothing published on drift");
    assert_eq!(record(&out, 0)["status"], "failed");
    assert_eq!(record(&out, 0)["exit_code"], 5);

    let (code, stdout, err) = mizan(&["run", "."], dir.path());
    assert_eq!(code, 0, "{err}");
    assert!(stdout.contains("drift:"), "{stdout}");
    let rec = record(&out, 0);
    let drift = rec["drift"].as_array().unwrap();
    assert!(
        drift
            .iter()
            .any(|d| d["by"] == "region" && d["domain"] == "1"),
        "{rec}"
    );
    assert!(
        drift
            .iter()
            .all(|d| d["in_se"].as_f64().unwrap().abs() > 3.0)
    );
    let schema = rec["schema_changes"].as_array().unwrap();
    assert_eq!(schema.len(), 1, "{rec}");
    assert!(
        schema[0]
            .as_str()
            .unwrap()
            .contains("column `extra` (str) added"),
        "{rec}"
    );
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("Changes since the last published run"));
}

#[test]
fn a_held_lock_stops_a_second_run_and_a_dead_one_is_taken_over() {
    let dir = temp_study(&[("study.toml", STUDY), ("people.csv", &people(0))]);
    let lock = dir.path().join(".out.lock");
    // A live holder: this process holds the OS lock on the file.
    let holder = std::fs::File::create(&lock).unwrap();
    holder.try_lock().unwrap();
    std::fs::write(
        &lock,
        format!("pid {} since 2026-11-28T00:00:00Z\n", std::process::id()),
    )
    .unwrap();
    let (code, _, err) = mizan(&["run", "."], dir.path());
    assert_eq!(code, 4, "{err}");
    assert!(
        err.contains(&format!(
            "pid {} since 2026-11-28T00:00:00Z",
            std::process::id()
        )),
        "{err}"
    );
    assert!(
        !dir.path().join("out/manifest.json").exists(),
        "nothing published"
    );

    // The lock of a process that has exited.
    drop(holder);
    let mut gone = std::process::Command::new("true").spawn().unwrap();
    let pid = gone.id();
    gone.wait().unwrap();
    std::fs::write(&lock, format!("pid {pid} since 2026-11-28T00:00:00Z\n")).unwrap();
    let (code, _, err) = mizan(&["run", "."], dir.path());
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("took over the lock"), "{err}");
    assert!(!lock.exists(), "released at the end");

    // Two runs started together: each publishes or is turned away, never both at once.
    let spawn = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_mizan"))
            .args(["run", ".", "--force", "--quiet"])
            .current_dir(dir.path())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    for child in [a, b] {
        let o = child.wait_with_output().unwrap();
        let code = o.status.code().unwrap();
        assert!(
            code == 0 || code == 4,
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let (code, _, _) = mizan(&["verify", "out"], dir.path());
    assert_eq!(code, 0, "the published study is whole");
}

#[test]
fn runs_killed_at_any_moment_leave_the_published_outputs_intact() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let run = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_mizan"))
            .args(["run", "reports/example", "--force", "--quiet", "--out"])
            .arg(&out)
            .current_dir(repo())
            .spawn()
            .unwrap()
    };
    assert!(run().wait().unwrap().success());
    let published = snapshot(&out);
    let mut killed = 0;
    for delay in [30, 80, 150, 250, 400, 600, 900] {
        let mut child = run();
        std::thread::sleep(Duration::from_millis(delay));
        if child.try_wait().unwrap().is_none() {
            // SIGKILL: no handler runs, nothing is cleaned up.
            child.kill().unwrap();
            killed += 1;
        }
        let status = child.wait().unwrap();
        let now = snapshot(&out);
        assert!(
            now == published || status.success(),
            "killed after {delay} ms: the published outputs changed"
        );
    }
    assert!(killed >= 3, "only {killed} runs were caught mid-way");
    assert!(run().wait().unwrap().success(), "the next run completes");
    let (code, stdout, err) = mizan(&["verify", out.to_str().unwrap()], &repo());
    assert_eq!(code, 0, "{stdout}{err}");
}

#[test]
fn a_vanished_source_fails_cleanly() {
    let dir = temp_study(&[("study.toml", STUDY), ("people.csv", &people(0))]);
    let (code, _, _) = mizan(&["run", "."], dir.path());
    assert_eq!(code, 0);
    let out = dir.path().join("out");
    let before = snapshot(&out);
    std::fs::remove_file(dir.path().join("people.csv")).unwrap();
    let (code, _, err) = mizan(&["run", "."], dir.path());
    assert_eq!(code, 3, "{err}");
    assert!(
        err.contains("dataset `people`") && err.contains("people.csv"),
        "{err}"
    );
    assert_eq!(snapshot(&out), before);
}

#[test]
fn verify_reproduces_and_catches_a_one_digit_change() {
    let dir = temp_study(&[("study.toml", STUDY), ("people.csv", &people(0))]);
    let (code, _, _) = mizan(&["run", "."], dir.path());
    assert_eq!(code, 0);
    let (code, stdout, err) = mizan(&["verify", "out"], dir.path());
    assert_eq!(code, 0, "{err}");
    assert!(stdout.contains("reproduced"), "{stdout}");

    // One digit of a published figure.
    let table = dir.path().join("out/indicators.csv");
    let text = std::fs::read_to_string(&table).unwrap();
    let line = text.lines().nth(2).unwrap();
    let estimate = line.split(',').nth(5).unwrap();
    let digit = estimate.chars().last().unwrap();
    let other = if digit == '1' { '2' } else { '1' };
    let forged = format!("{}{other}", &estimate[..estimate.len() - 1]);
    std::fs::write(&table, text.replacen(estimate, &forged, 1)).unwrap();
    let (code, _, err) = mizan(&["verify", "out"], dir.path());
    assert_eq!(code, 6, "{err}");
    assert!(err.contains("output indicators.csv differs"), "{err}");
    assert!(err.contains("net [region = 1]: estimate"), "{err}");
    std::fs::write(&table, text).unwrap();

    // One digit of an input.
    let data = dir.path().join("people.csv");
    let csv = std::fs::read_to_string(&data).unwrap();
    std::fs::write(&data, csv.replacen("\n5,2,15,1\n", "\n5,2,16,1\n", 1)).unwrap();
    assert_ne!(
        std::fs::read_to_string(&data).unwrap(),
        csv,
        "the test changed a digit"
    );
    let (code, _, err) = mizan(&["verify", "out"], dir.path());
    assert_eq!(code, 6, "{err}");
    assert!(
        err.contains("input `people` people.csv differs from the one recorded"),
        "{err}"
    );
}

#[test]
fn schedulers_get_json_lines_or_silence() {
    let dir = temp_study(&[("study.toml", STUDY), ("people.csv", &people(0))]);
    let (code, stdout, stderr) = mizan(&["run", ".", "--log-format", "json"], dir.path());
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    let events: Vec<serde_json::Value> = stderr
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert!(
        events
            .iter()
            .any(|e| e["event"] == "stage" && e["stage"] == "estimate")
    );
    let done = events.last().unwrap();
    assert_eq!(done["event"], "done");
    assert_eq!(done["status"], "published");
    assert_eq!(done["rows"][0]["read"], 400);

    let (code, stdout, stderr) = mizan(&["run", ".", "--quiet"], dir.path());
    assert_eq!((code, stdout.as_str(), stderr.as_str()), (0, "", ""));

    let held = std::fs::File::create(dir.path().join(".out.lock")).unwrap();
    held.try_lock().unwrap();
    std::fs::write(
        dir.path().join(".out.lock"),
        format!("pid {} since now\n", std::process::id()),
    )
    .unwrap();
    let (code, _, stderr) = mizan(&["run", ".", "--log-format", "json"], dir.path());
    assert_eq!(code, 4);
    let e: serde_json::Value = serde_json::from_str(stderr.trim()).expect("one JSON line");
    assert_eq!(e["event"], "error");
    assert_eq!(e["exit_code"], 4);
}

#[test]
fn a_pattern_reads_a_file_per_wave_and_picks_up_new_ones() {
    let study = "[study]\nid = \"w\"\ntitle = \"Waves\"\n\n[datasets.survey]\npath = \"landing/survey_*.csv\"\n\n[datasets.survey.design]\nweights = \"w\"\n\n[[indicators]]\nid = \"net\"\ndataset = \"survey\"\nstatistic = \"proportion\"\nexpr = \"used = 1\"\nby = [\"wave\"]\n";
    let wave = |ones: usize| {
        let mut s = String::from("id,w,used\n");
        for i in 0..10 {
            s += &format!("{i},1,{}\n", usize::from(i < ones));
        }
        s
    };
    let dir = temp_study(&[
        ("study.toml", study),
        ("landing/survey_2024.csv", &wave(4)),
        ("landing/survey_2025.csv", &wave(6)),
    ]);
    let (code, _, err) = mizan(&["run", "."], dir.path());
    assert_eq!(code, 0, "{err}");
    let table = |dir: &Path| std::fs::read_to_string(dir.join("out/indicators.csv")).unwrap();
    let t = table(dir.path());
    assert!(t.contains("net,survey,wave,2024,proportion,0.4,"), "{t}");
    assert!(t.contains("net,survey,wave,2025,proportion,0.6,"), "{t}");

    // Next year's file lands: the dataset is stale, and read again.
    std::fs::write(dir.path().join("landing/survey_2026.csv"), wave(9)).unwrap();
    let (_, status, _) = mizan(&["status", "."], dir.path());
    assert_eq!(
        state(&status, "ingest:survey"),
        "stale: source landing/survey_*.csv changed"
    );
    let (code, _, err) = mizan(&["run", "."], dir.path());
    assert_eq!(code, 0, "{err}");
    assert!(table(dir.path()).contains("net,survey,wave,2026,proportion,0.9,"));
    let (code, _, err) = mizan(&["verify", "out"], dir.path());
    assert_eq!(code, 0, "{err}");

    // A file whose columns differ is refused, naming it.
    std::fs::write(dir.path().join("landing/survey_2027.csv"), "id,w\n1,1\n").unwrap();
    let (code, _, err) = mizan(&["run", "."], dir.path());
    assert_eq!(code, 3, "{err}");
    assert!(
        err.contains("survey_2027.csv") && err.contains("columns differ"),
        "{err}"
    );
}

/// A source rewritten while runs read it: whatever the timing, a run either
/// publishes figures that agree with the hash it records for the source, or
/// fails (exit 3) and publishes nothing.
#[test]
fn a_source_rewritten_during_runs_never_gives_inconsistent_outputs() {
    let study = "[study]\nid = \"r\"\ntitle = \"R\"\n\n[datasets.people]\npath = \"people.csv\"\n\n[[indicators]]\nid = \"net\"\ndataset = \"people\"\nstatistic = \"proportion\"\nexpr = \"used = 1\"\n";
    let version = |used: u8| {
        let mut s = String::from("id,used,note\n");
        for i in 0..200_000 {
            s += &format!("{i},{used},some text to read\n");
        }
        s
    };
    let (all, none) = (version(1), version(0));
    let hash = |s: &str| blake3::hash(s.as_bytes()).to_hex().to_string();
    let dir = temp_study(&[("study.toml", study), ("people.csv", &all)]);
    let source = dir.path().join("people.csv");
    let mut outcomes = std::collections::BTreeSet::new();
    for (k, delay) in [0u64, 40, 120, 250, 400, 700].into_iter().enumerate() {
        let before = snapshot(&dir.path().join("out"));
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_mizan"))
            .args(["run", ".", "--quiet"])
            .current_dir(dir.path())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        std::fs::write(&source, if k % 2 == 0 { &none } else { &all }).unwrap();
        let o = child.wait_with_output().unwrap();
        let code = o.status.code().unwrap();
        outcomes.insert(code);
        if code == 3 {
            let err = String::from_utf8_lossy(&o.stderr);
            assert!(
                err.contains("changed while the run was reading it"),
                "{err}"
            );
            assert_eq!(
                snapshot(&dir.path().join("out")),
                before,
                "nothing published"
            );
            continue;
        }
        assert_eq!(code, 0, "{}", String::from_utf8_lossy(&o.stderr));
        let manifest: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.path().join("out/manifest.json")).unwrap())
                .unwrap();
        let recorded = manifest["inputs"][0]["blake3"]
            .as_str()
            .unwrap()
            .to_string();
        let table = std::fs::read_to_string(dir.path().join("out/indicators.csv")).unwrap();
        let estimate: f64 = table
            .lines()
            .nth(1)
            .unwrap()
            .split(',')
            .nth(5)
            .unwrap()
            .parse()
            .unwrap();
        let expected = if estimate == 1.0 {
            hash(&all)
        } else {
            hash(&none)
        };
        assert_eq!(
            recorded, expected,
            "the published estimate {estimate} matches the recorded source"
        );
    }
    eprintln!("exit codes seen: {outcomes:?}");
    assert!(outcomes.contains(&0), "{outcomes:?}");
}

/// Fingerprints hold the spec with paths relative to the study: a study
/// moved to another folder with its outputs (a copy on another machine, a
/// renamed project) is still up to date.
#[test]
fn a_moved_study_stays_up_to_date() {
    let dir = temp_study(&[("study.toml", STUDY), ("people.csv", &people(0))]);
    let from = dir.path().join("first");
    std::fs::create_dir(&from).unwrap();
    for f in ["study.toml", "people.csv"] {
        std::fs::rename(dir.path().join(f), from.join(f)).unwrap();
    }
    let (code, _, err) = mizan(&["run", "."], &from);
    assert_eq!(code, 0, "{err}");
    let to = dir.path().join("elsewhere").join("second");
    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
    std::fs::rename(&from, &to).unwrap();
    let (code, stdout, err) = mizan(&["run", "."], &to);
    assert_eq!(code, 0, "{err}");
    assert!(stdout.contains("is up to date"), "{stdout}");
    let (_, status, _) = mizan(&["status", "."], &to);
    assert!(status.contains("everything is up to date"), "{status}");
}

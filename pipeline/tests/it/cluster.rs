//! The first pass on a real Apache DataFusion Ballista cluster: a scheduler
//! and two executors started as separate `mizan cluster` processes on
//! 127.0.0.1, a study over Parquet files split in parts, and the same study
//! run on this machine. Without the `ballista` feature: a study that asks
//! for a cluster is refused with how to get one.

use crate::common::{mizan, temp_study};

/// R's `apiclus1` (one-stage cluster sample of 15 districts) as a study:
/// the parity indicators overall, by school type, by a cross, and on a
/// subpopulation, over `path`.
fn clus1_study(path: &str, engine: &str) -> String {
    let mut s = format!(
        "[study]\nid = \"clus1\"\ntitle = \"apiclus1\"\n{engine}\n[datasets.api]\npath = \"{path}\"\n\n[datasets.api.design]\nweights = \"pw\"\nclusters = \"dnum\"\nfpc = \"fpc\"\n\n"
    );
    for (id, stat, expr, sub) in [
        ("mean_api00", "mean", "expr = \"api00\"", false),
        ("total_enroll", "total", "expr = \"enroll\"", false),
        (
            "prop_yes",
            "proportion",
            "expr = \"\\\"sch.wide\\\" = 'Yes'\"",
            false,
        ),
        (
            "count_yes",
            "count",
            "expr = \"\\\"sch.wide\\\" = 'Yes'\"",
            false,
        ),
        (
            "ratio",
            "ratio",
            "numerator = \"\\\"api.stu\\\"\"\ndenominator = \"enroll\"",
            false,
        ),
        ("mean_api00_sub", "mean", "expr = \"api00\"", true),
        (
            "prop_yes_sub",
            "proportion",
            "expr = \"\\\"sch.wide\\\" = 'Yes'\"",
            true,
        ),
    ] {
        s += &format!(
            "[[indicators]]\nid = \"{id}\"\ndataset = \"api\"\nstatistic = \"{stat}\"\n{expr}\nby = [\"stype\", [\"stype\", \"awards\"]]\n{}\n",
            if sub {
                "where = \"enroll > 500\"\n"
            } else {
                ""
            }
        );
    }
    s
}

#[cfg(not(feature = "ballista"))]
#[test]
fn a_study_asking_for_a_cluster_says_how_to_build_mizan_for_one() {
    let dir = temp_study(&[(
        "study.toml",
        &clus1_study(
            "api.parquet",
            "[study.engine]\nkind = \"ballista\"\nscheduler = \"df://127.0.0.1:50050\"\n",
        ),
    )]);
    let (code, _, err) = mizan(&["validate", "."], dir.path());
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("study.toml:"), "{err}");
    assert!(err.contains("--features ballista"), "{err}");
    let dir = temp_study(&[("study.toml", &clus1_study("api.parquet", ""))]);
    let (code, _, err) = mizan(
        &["run", ".", "--engine", "df://127.0.0.1:50050"],
        dir.path(),
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--features ballista"), "{err}");
}

#[test]
fn an_engine_is_local_or_ballista_with_a_scheduler_url() {
    for (engine, expected) in [
        ("kind = \"spark\"", "unknown kind `spark`"),
        (
            "scheduler = \"df://h:1\"",
            "`scheduler` is for kind = \"ballista\"",
        ),
        (
            "kind = \"ballista\"\nscheduler = \"http://h:1\"",
            if cfg!(feature = "ballista") {
                "expected `df://host:port`"
            } else {
                "--features ballista"
            },
        ),
    ] {
        let dir = temp_study(&[(
            "study.toml",
            &clus1_study("api.parquet", &format!("[study.engine]\n{engine}\n")),
        )]);
        let (code, _, err) = mizan(&["validate", "."], dir.path());
        assert_eq!(code, 2, "{engine}: {err}");
        assert!(err.contains(expected), "{engine}: {err}");
    }
}

#[cfg(feature = "ballista")]
mod real {
    use std::net::TcpListener;
    use std::path::Path;
    use std::process::{Child, Command, Stdio};
    use std::time::{Duration, Instant};

    use super::clus1_study;
    use crate::common::{mizan, temp_study};

    /// Writes R's apiclus1 as `parts` Parquet files `parts/part-<i>.parquet`
    /// (each holding its `wave` column), rows dealt round-robin.
    fn write_parts(dir: &Path, parts: usize) {
        use polars::prelude::*;
        let csv = crate::common::fixtures().join("survey-api/apiclus1.csv");
        let df = CsvReadOptions::default()
            .with_has_header(true)
            .try_into_reader_with_file_path(Some(csv))
            .expect("reader")
            .finish()
            .expect("apiclus1");
        std::fs::create_dir_all(dir.join("parts")).expect("parts");
        for p in 0..parts {
            let idx: Vec<IdxSize> = (0..df.height() as IdxSize)
                .filter(|i| *i as usize % parts == p)
                .collect();
            let mut part = df.take(&IdxCa::from_vec("i".into(), idx)).expect("take");
            let n = part.height();
            part.with_column(Column::new("wave".into(), vec![p.to_string(); n]))
                .expect("wave");
            let file =
                std::fs::File::create(dir.join(format!("parts/part-{p}.parquet"))).expect("create");
            ParquetWriter::new(file).finish(&mut part).expect("write");
        }
    }

    /// A scheduler and executors, each a `mizan cluster` process; killed
    /// when dropped.
    struct Cluster {
        scheduler: String,
        executors: Vec<Child>,
        scheduler_process: Child,
        _work: tempfile::TempDir,
    }

    /// A port nobody listens on now.
    fn free_port() -> u16 {
        TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port()
    }

    /// Waits until something listens on `port`.
    fn wait_for(port: u16) {
        let start = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "nothing on port {port}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    impl Cluster {
        fn start(executors: usize) -> Self {
            let work = tempfile::tempdir().expect("work dir");
            let port = free_port();
            let quiet = |c: &mut Command| {
                c.stdout(Stdio::null()).stderr(Stdio::null());
            };
            let mut cmd = Command::new(env!("CARGO_BIN_EXE_mizan"));
            cmd.args(["cluster", "scheduler", "--port", &port.to_string()])
                .args(["--executor-timeout", "6"]);
            quiet(&mut cmd);
            let scheduler_process = cmd.spawn().expect("scheduler");
            wait_for(port);
            let mut children = Vec::new();
            for i in 0..executors {
                let (flight, grpc) = (free_port(), free_port());
                let dir = work.path().join(format!("executor-{i}"));
                std::fs::create_dir_all(&dir).expect("executor dir");
                let mut cmd = Command::new(env!("CARGO_BIN_EXE_mizan"));
                cmd.args(["cluster", "executor", "--scheduler-port", &port.to_string()])
                    .args([
                        "--port",
                        &flight.to_string(),
                        "--grpc-port",
                        &grpc.to_string(),
                    ])
                    .args(["--slots", "1", "--heartbeat", "2"])
                    .arg("--work-dir")
                    .arg(&dir);
                quiet(&mut cmd);
                children.push(cmd.spawn().expect("executor"));
                wait_for(flight);
            }
            // Registered at start: a moment for the scheduler to list them.
            std::thread::sleep(Duration::from_secs(2));
            Cluster {
                scheduler: format!("df://127.0.0.1:{port}"),
                executors: children,
                scheduler_process,
                _work: work,
            }
        }
    }

    impl Drop for Cluster {
        fn drop(&mut self) {
            for c in self
                .executors
                .iter_mut()
                .chain([&mut self.scheduler_process])
            {
                let _ = c.kill();
                let _ = c.wait();
            }
        }
    }

    /// The rows of `out/indicators.csv`.
    fn indicators(out: &Path) -> Vec<Vec<String>> {
        table(out, "indicators.csv")
    }

    /// The rows of the CSV file `name` in `out`.
    fn table(out: &Path, name: &str) -> Vec<Vec<String>> {
        let text = std::fs::read_to_string(out.join(name)).expect(name);
        crate::common::records(&text)
            .iter()
            .map(|r| r.iter().map(str::to_string).collect())
            .collect()
    }

    /// Two tables equal: text cells exactly, numbers to 1e-12 relative.
    fn assert_same(a: &[Vec<String>], b: &[Vec<String>]) {
        assert_eq!(a.len(), b.len());
        for (ra, rb) in a.iter().zip(b) {
            for (x, y) in ra.iter().zip(rb) {
                match (x.parse::<f64>(), y.parse::<f64>()) {
                    (Ok(x), Ok(y)) => assert!(
                        (x - y).abs() <= 1e-12 * x.abs().max(y.abs()).max(1e-300),
                        "{x} vs {y} in {ra:?}"
                    ),
                    _ => assert_eq!(x, y, "{ra:?} vs {rb:?}"),
                }
            }
        }
    }

    #[test]
    fn a_real_two_executor_cluster_gives_the_local_numbers() {
        let cluster = Cluster::start(2);
        let dir = temp_study(&[("study.toml", &clus1_study("parts/part-*.parquet", ""))]);
        write_parts(dir.path(), 4);
        let (code, _, err) = mizan(&["run", ".", "--out", "local", "-q"], dir.path());
        assert_eq!(code, 0, "{err}");
        let (code, _, err) = mizan(
            &[
                "run",
                ".",
                "--out",
                "cluster",
                "-q",
                "--engine",
                &cluster.scheduler,
            ],
            dir.path(),
        );
        assert_eq!(code, 0, "{err}");
        let (local, remote) = (
            indicators(&dir.path().join("local")),
            indicators(&dir.path().join("cluster")),
        );
        assert!(local.len() > 40, "{}", local.len());
        assert_same(&local, &remote);
        // Each file's sums made by one task in row order, added up here in
        // file order: a second run on the cluster gives the same bytes.
        let (code, _, err) = mizan(
            &[
                "run",
                ".",
                "--out",
                "again",
                "-q",
                "--engine",
                &cluster.scheduler,
            ],
            dir.path(),
        );
        assert_eq!(code, 0, "{err}");
        for file in ["indicators.csv", "codebook.csv", "design.csv"] {
            let read = |out: &str| std::fs::read(dir.path().join(out).join(file)).expect(file);
            assert!(
                read("cluster") == read("again"),
                "{file} differs between two cluster runs"
            );
        }
        // The codebook too: the cluster's aggregates, this machine's rows.
        let codebook = |out: &str| table(&dir.path().join(out), "codebook.csv");
        assert!(codebook("local").len() > 10);
        assert_same(&codebook("local"), &codebook("cluster"));
        // And R's `survey` on the same sample (fixtures/survey-api/golden.R):
        // estimates to 1e-9, standard errors to 1e-7, overall and by type.
        let golden = crate::common::api_golden("golden.csv");
        let header = std::fs::read_to_string(dir.path().join("cluster/indicators.csv")).unwrap();
        let cols: Vec<&str> = header.lines().next().unwrap().split(',').collect();
        let at = |name: &str| cols.iter().position(|c| *c == name).expect(name);
        let mut checked = 0;
        for r in &remote {
            let (statistic, variable) = match r[at("indicator")].trim_end_matches("_sub") {
                "mean_api00" => ("mean", "api00"),
                "total_enroll" => ("total", "enroll"),
                "prop_yes" => ("proportion", "sch.wide == 'Yes'"),
                "count_yes" => ("count", "sch.wide == 'Yes'"),
                "ratio" => ("ratio", "api.stu/enroll"),
                other => panic!("{other}"),
            };
            let sub = if r[at("indicator")].ends_with("_sub") {
                "enroll > 500"
            } else {
                ""
            };
            if !["", "stype"].contains(&r[at("by")].as_str()) {
                continue;
            }
            let g = golden
                .iter()
                .find(|g| {
                    &g[0] == "clus1"
                        && &g[1] == statistic
                        && &g[2] == variable
                        && &g[3] == sub
                        && g[4] == r[at("domain")]
                })
                .unwrap_or_else(|| panic!("no golden row for {r:?}"));
            for (col, g, tol) in [("estimate", &g[5], 1e-9), ("se", &g[6], 1e-7)] {
                let (ours, theirs): (f64, f64) = (r[at(col)].parse().unwrap(), g.parse().unwrap());
                assert!(
                    (ours - theirs).abs() <= tol * theirs.abs(),
                    "{col} {ours} vs R {theirs} in {r:?}"
                );
            }
            checked += 1;
        }
        assert_eq!(checked, 7 * 4);
        // The typed rows are the source files: not copied into the outputs.
        assert!(dir.path().join("local/data/api.parquet").exists());
        assert!(!dir.path().join("cluster/data/api.parquet").exists());
        // The run record and the methods say who made the pass.
        let manifest = std::fs::read_to_string(dir.path().join("cluster/manifest.json")).unwrap();
        assert!(manifest.contains("\"engine\": \"ballista\""), "{manifest}");
        assert!(manifest.contains(&cluster.scheduler), "{manifest}");
        let report = std::fs::read_to_string(dir.path().join("cluster/report.md")).unwrap();
        assert!(report.contains("Ballista cluster"), "{report}");
        assert!(
            !std::fs::read_to_string(dir.path().join("local/report.md"))
                .unwrap()
                .contains("Ballista")
        );
    }

    #[test]
    fn an_unreachable_scheduler_fails_with_exit_1_and_publishes_nothing() {
        let dir = temp_study(&[("study.toml", &clus1_study("parts/part-*.parquet", ""))]);
        write_parts(dir.path(), 2);
        let (code, _, err) = mizan(&["run", ".", "-q"], dir.path());
        assert_eq!(code, 0, "{err}");
        let before = std::fs::read(dir.path().join("out/indicators.csv")).unwrap();
        let url = format!("df://127.0.0.1:{}", free_port());
        let (code, _, err) = mizan(&["run", ".", "-q", "--engine", &url], dir.path());
        assert_eq!(code, 1, "{err}");
        assert!(
            err.contains(&format!("the cluster at {url} failed")),
            "{err}"
        );
        assert_eq!(
            std::fs::read(dir.path().join("out/indicators.csv")).unwrap(),
            before
        );
    }

    /// A generated survey of `rows` rows (40 strata × 10 PSUs, a weight,
    /// two 0/1 answers and a region) split by PSU into `parts` files.
    fn write_survey(dir: &Path, rows: usize, parts: usize) {
        use polars::prelude::*;
        std::fs::create_dir_all(dir.join("parts")).expect("parts");
        for p in 0..parts {
            let ids: Vec<u32> = (0..rows as u32)
                .filter(|i| (i % 400) as usize % parts == p)
                .collect();
            let psu: Vec<u32> = ids.iter().map(|i| i % 400).collect();
            let mut df = df![
                "stratum" => psu.iter().map(|u| u / 10).collect::<Vec<_>>(),
                "psu" => psu.clone(),
                "weight" => ids.iter().map(|i| 50.0 + f64::from(i % 97) * 1.25).collect::<Vec<_>>(),
                "u01" => ids.iter().map(|i| i32::from(i % 3 == 0)).collect::<Vec<_>>(),
                "u02" => ids.iter().map(|i| i32::from((i / 7) % 5 < 2)).collect::<Vec<_>>(),
                "region" => ids.iter().map(|i| format!("R{:02}", i % 12)).collect::<Vec<_>>(),
                "wave" => vec![p.to_string(); ids.len()],
            ]
            .expect("frame");
            let file =
                std::fs::File::create(dir.join(format!("parts/part-{p}.parquet"))).expect("create");
            ParquetWriter::new(file).finish(&mut df).expect("write");
        }
    }

    const SURVEY: &str = "[study]\nid = \"gen\"\ntitle = \"Generated\"\n\n[datasets.s]\npath = \"parts/part-*.parquet\"\n\n[datasets.s.design]\nweights = \"weight\"\nstrata = \"stratum\"\nclusters = \"psu\"\n\n[[indicators]]\nid = \"u01\"\ndataset = \"s\"\nstatistic = \"proportion\"\nexpr = \"u01 = 1\"\nby = [\"region\"]\n\n[[indicators]]\nid = \"u02\"\ndataset = \"s\"\nstatistic = \"total\"\nexpr = \"u02\"\nby = [\"region\"]\n";

    /// Whether a task of some job has written shuffle files in `dir`.
    fn running(dir: &Path) -> bool {
        fn any_file(d: &Path) -> bool {
            std::fs::read_dir(d)
                .into_iter()
                .flatten()
                .flatten()
                .any(|e| {
                    let p = e.path();
                    if p.is_dir() { any_file(&p) } else { true }
                })
        }
        any_file(dir)
    }

    #[test]
    fn an_executor_killed_mid_query_is_replaced_or_the_run_fails_cleanly() {
        let mut cluster = Cluster::start(2);
        let dir = temp_study(&[("study.toml", SURVEY)]);
        write_survey(dir.path(), 3_000_000, 8);
        let (code, _, err) = mizan(&["run", ".", "--out", "local", "-q"], dir.path());
        assert_eq!(code, 0, "{err}");
        // The last good outputs the failed run must leave as they are.
        let (code, _, err) = mizan(&["run", ".", "-q"], dir.path());
        assert_eq!(code, 0, "{err}");
        let before = std::fs::read(dir.path().join("out/indicators.csv")).unwrap();
        let mut run = Command::new(env!("CARGO_BIN_EXE_mizan"))
            .args(["run", ".", "-q", "--engine", &cluster.scheduler])
            .current_dir(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run");
        // Killed once its tasks have started writing their shuffle files.
        let work = cluster._work.path().to_path_buf();
        let start = Instant::now();
        while !running(&work) {
            assert!(
                start.elapsed() < Duration::from_secs(120),
                "no task started"
            );
            assert!(
                run.try_wait().unwrap().is_none(),
                "the run ended before a task started"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        cluster.executors[0].kill().expect("kill");
        cluster.executors[0].wait().expect("killed");
        assert!(
            run.try_wait().unwrap().is_none(),
            "the run ended before the kill"
        );
        let out = run.wait_with_output().expect("run");
        let err = String::from_utf8_lossy(&out.stderr);
        match out.status.code() {
            Some(0) => {
                eprintln!("the executor's tasks were run again on the other: same numbers");
                assert_same(
                    &indicators(&dir.path().join("local")),
                    &indicators(&dir.path().join("out")),
                );
            }
            Some(1) => {
                eprintln!("the run failed: {err}");
                assert!(
                    err.contains(&format!("the cluster at {} failed", cluster.scheduler)),
                    "{err}"
                );
                assert_eq!(
                    std::fs::read(dir.path().join("out/indicators.csv")).unwrap(),
                    before
                );
            }
            other => panic!("exit {other:?}: {err}"),
        }
    }
}

//! `mizan cluster scheduler` and `mizan cluster executor`: a Ballista
//! scheduler and executor started from the crates Mizan's client uses, so
//! one build gives every process of a cluster (DataFusion compiled once).
//! Each runs until it is stopped (Ctrl-C, SIGTERM).

use std::sync::Arc;

use ballista_executor::executor_process::{ExecutorProcessConfig, start_executor_process};
use ballista_scheduler::cluster::BallistaCluster;
use ballista_scheduler::config::SchedulerConfig;
use ballista_scheduler::scheduler_process::start_server;

use crate::error::{Error, Result};

/// Where a scheduler listens and how soon it gives up on a silent executor.
#[derive(Debug, Clone, clap::Args)]
pub struct SchedulerArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: String,
    /// Port to listen on.
    #[arg(long, default_value_t = 50050)]
    pub port: u16,
    /// Seconds without a heartbeat after which an executor is taken as
    /// lost and its tasks are run elsewhere (longer than the executors'
    /// `--heartbeat`).
    #[arg(long, default_value_t = 30)]
    pub executor_timeout: u64,
}

/// Where an executor listens, which scheduler it joins, what it may use.
#[derive(Debug, Clone, clap::Args)]
pub struct ExecutorArgs {
    /// The scheduler's host.
    #[arg(long, default_value = "127.0.0.1")]
    pub scheduler_host: String,
    /// The scheduler's port.
    #[arg(long, default_value_t = 50050)]
    pub scheduler_port: u16,
    /// Address to listen on (and advertise to the scheduler).
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: String,
    /// Port of its Arrow Flight service (results and shuffle data).
    #[arg(long, default_value_t = 50051)]
    pub port: u16,
    /// Port of its gRPC service (tasks from the scheduler).
    #[arg(long, default_value_t = 50061)]
    pub grpc_port: u16,
    /// Tasks it runs at once (default: the machine's cores).
    #[arg(long)]
    pub slots: Option<usize>,
    /// Folder for its shuffle files (default: a temporary folder).
    #[arg(long)]
    pub work_dir: Option<std::path::PathBuf>,
    /// Seconds between its heartbeats to the scheduler.
    #[arg(long, default_value_t = 5)]
    pub heartbeat: u64,
}

/// Runs a scheduler until it is stopped.
pub fn scheduler(args: &SchedulerArgs) -> Result<()> {
    let addr = format!("{}:{}", args.bind, args.port)
        .parse()
        .map_err(|e| Error::Usage(format!("--bind {} --port {}: {e}", args.bind, args.port)))?;
    let config = SchedulerConfig {
        bind_host: args.bind.clone(),
        external_host: args.bind.clone(),
        bind_port: args.port,
        executor_timeout_seconds: args.executor_timeout,
        expire_dead_executor_interval_seconds: args.executor_timeout.clamp(1, 15),
        // With no executor left, running jobs fail after this long rather than wait.
        no_executors_grace_period_seconds: args.executor_timeout,
        ..SchedulerConfig::default()
    };
    runtime()?.block_on(async {
        let cluster = BallistaCluster::new_from_config(&config)
            .await
            .map_err(|e| Error::internal("starting the scheduler", e))?;
        println!("mizan: Ballista scheduler listening on df://{addr}");
        start_server(cluster, addr, Arc::new(config))
            .await
            .map_err(|e| Error::internal("the scheduler", e))
    })
}

/// Runs an executor until it is stopped.
pub fn executor(args: &ExecutorArgs) -> Result<()> {
    let config = ExecutorProcessConfig {
        bind_host: args.bind.clone(),
        external_host: Some(args.bind.clone()),
        port: args.port,
        grpc_port: args.grpc_port,
        scheduler_host: args.scheduler_host.clone(),
        scheduler_port: args.scheduler_port,
        vcores: args
            .slots
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from)),
        work_dir: args
            .work_dir
            .as_ref()
            .map(|d| d.to_string_lossy().into_owned()),
        executor_heartbeat_interval_seconds: args.heartbeat,
        ..ExecutorProcessConfig::default()
    };
    println!(
        "mizan: Ballista executor on {}:{} joining the scheduler at {}:{}",
        args.bind, args.port, args.scheduler_host, args.scheduler_port
    );
    runtime()?.block_on(async {
        start_executor_process(Arc::new(config))
            .await
            .map_err(|e| Error::internal("the executor", e))
    })
}

/// The runtime a cluster process runs on (DataFusion's deep plans want
/// large stacks).
fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(32 * 1024 * 1024)
        .build()
        .map_err(|e| Error::internal("starting the runtime", e))
}

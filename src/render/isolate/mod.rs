//! Reports render in worker processes: this binary run as `kpipress render-worker`,
//! with an empty environment (a spec from a pull request never sees CI's secrets), a
//! memory limit the kernel enforces (`RLIMIT_DATA`), and a wall-clock limit after which
//! it is killed. A template that loops in minijinja, in typst or in a WASM plugin, or
//! doubles a string until the machine runs out, then fails its own client with a clear
//! error and the build goes on; in-process, typst can be neither stopped nor kept from
//! aborting the whole process when an allocation fails.
//!
//! The workers are shared by a build's threads, at most one per core ([`Pool`]): a
//! thread borrows one for a render and gives it back, and keeps no worker while it
//! computes its next report, so a build can run a thread more than it has cores and
//! keep every core rendering. A worker keeps its fonts and typst's caches from report
//! to report. It reads each [`Job`] on stdin and answers on stdout, in the frames of
//! `wire`; the memory limit is the worker's, across its reports.

use std::cell::Cell;
use std::io::Read;
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, ExitCode, Stdio};
use std::sync::mpsc;
use std::time::Duration;

mod pool;
mod wire;

use pool::Pool;

use super::{FontCache, Job, RenderError, Rendered};

/// The hidden subcommand that runs a worker.
pub const WORKER_COMMAND: &str = "render-worker";

/// What one report may take to render.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub seconds: u64,
    pub memory_mib: u64,
}

thread_local! {
    /// Whether this thread has had its worker started ahead of its first report.
    static PRESTARTED: Cell<bool> = const { Cell::new(false) };
}

/// Starts a worker for this thread's first report, without waiting for it, unless every
/// core has one already: it warms up ([`super::warm_up`]) while the caller computes the
/// report it will be sent. A worker that cannot start is said by [`render`], which
/// tries again.
pub fn prestart(limits: Limits) {
    if PRESTARTED.replace(true) {
        return;
    }
    Pool::get().start_spare(limits.memory_mib);
}

/// Renders `job` in a worker process under `limits`. A worker that fails its limits is
/// killed, and a later report starts a new one.
pub fn render(job: &Job, limits: Limits) -> Result<Rendered, RenderError> {
    let request = wire::Request {
        job: serde_json::to_vec(job).expect("a render job serialises"),
        logo: job.logo.as_deref(),
    };
    let mut lent = Pool::get().lend(limits.memory_mib)?;
    match lent.worker().exchange(&request, Duration::from_secs(limits.seconds)) {
        Ok((header, pdf)) => {
            lent.give_back();
            wire::read_reply(&header, pdf)
        }
        Err(timed_out) => Err(lent.failed(timed_out, limits)),
    }
}

/// Ends the idle workers, and waits for them to exit.
pub fn stop_workers() {
    Pool::get().stop_idle();
}

/// A running worker: its pipes, and a thread that reads its answers.
struct Worker {
    child: Child,
    stdin: Option<ChildStdin>,
    answers: mpsc::Receiver<(Vec<u8>, Vec<u8>)>,
    errors: Option<std::thread::JoinHandle<String>>,
    memory_mib: u64,
}

impl Worker {
    fn start(memory_mib: u64) -> Result<Self, RenderError> {
        let worker = |message: String| RenderError::Worker { message };
        let mut command = Command::new(own_binary().map_err(|e| worker(format!("cannot find kpipress itself ({e})")))?);
        command
            .args([WORKER_COMMAND, "--memory-mib", &memory_mib.to_string()])
            .env_clear()
            // glibc's heap in 2 MiB pages, grown 32 MiB at a time: a report touches a few
            // tens of MiB of fresh heap, and each 4 KiB page of it costs a page fault of
            // about 3 us on a 2-core virtual machine. One client's build took about 8,000
            // faults, now about 4,400.
            .env("GLIBC_TUNABLES", "glibc.malloc.hugetlb=1:glibc.malloc.top_pad=33554432");
        // And where a developer asked for typst's timings, if they did.
        if let Some(dir) = std::env::var_os(super::TIMINGS_VARIABLE) {
            command.env(super::TIMINGS_VARIABLE, dir);
        }
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| worker(format!("cannot start it ({e})")))?;
        let mut stdout = child.stdout.take().expect("stdout is piped");
        let mut stderr = child.stderr.take().expect("stderr is piped");
        let (send, answers) = mpsc::channel();
        std::thread::spawn(move || {
            while let Ok(Some(header)) = wire::read_frame(&mut stdout) {
                let Ok(Some(pdf)) = wire::read_frame(&mut stdout) else {
                    break;
                };
                if send.send((header, pdf)).is_err() {
                    break;
                }
            }
        });
        let errors = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            text
        });
        Ok(Self {
            stdin: child.stdin.take(),
            child,
            answers,
            errors: Some(errors),
            memory_mib,
        })
    }

    /// Sends one request and waits for its answer; `Err(true)` when the time ran out,
    /// `Err(false)` when the worker ended without one.
    fn exchange(&mut self, request: &wire::Request, limit: Duration) -> Result<(Vec<u8>, Vec<u8>), bool> {
        let stdin = self.stdin.as_mut().ok_or(false)?;
        request.write(stdin).map_err(|_| false)?;
        match self.answers.recv_timeout(limit) {
            Ok(answer) => Ok(answer),
            Err(mpsc::RecvTimeoutError::Timeout) => Err(true),
            Err(mpsc::RecvTimeoutError::Disconnected) => Err(false),
        }
    }

    /// Ends a worker that failed, and says why.
    fn failed(mut self, timed_out: bool, limits: Limits) -> RenderError {
        if timed_out {
            let _ = self.child.kill();
        }
        self.stdin = None;
        let status = self.child.wait();
        let errors = self.errors.take().and_then(|h| h.join().ok()).unwrap_or_default();
        match status {
            _ if timed_out => RenderError::TimeLimit {
                seconds: limits.seconds,
            },
            Ok(status) => exit_error(status, &errors, limits),
            Err(e) => RenderError::Worker { message: e.to_string() },
        }
    }
}

impl Drop for Worker {
    /// Closing its input ends an idle worker; waiting for it leaves no zombie.
    fn drop(&mut self) {
        if self.stdin.take().is_some() {
            let _ = self.child.wait();
        }
    }
}

/// Why a worker that gave no answer ended: out of memory (an allocation refused under
/// the limit aborts it), or a panic, whose message it printed.
fn exit_error(status: std::process::ExitStatus, errors: &str, limits: Limits) -> RenderError {
    if errors.contains("memory allocation of") || errors.contains("capacity overflow") {
        return RenderError::MemoryLimit { mib: limits.memory_mib };
    }
    // A panic prints "thread 'main' panicked at FILE:", then its message on the next line.
    let mut lines = errors.lines();
    let panic = lines.by_ref().find(|l| l.contains("panicked at")).and(lines.next());
    RenderError::Worker {
        message: panic.map_or_else(|| status.to_string(), |m| format!("it panicked ({m})")),
    }
}

/// The binary this process runs, to start a worker of the same version. On Linux the
/// kernel's own link to it, which still runs this binary after an upgrade has replaced
/// (or removed) the file under a running `watch`; the path that `current_exe` gives then
/// ends in ` (deleted)`, or starts another version.
fn own_binary() -> std::io::Result<PathBuf> {
    #[cfg(target_os = "linux")]
    {
        let link = PathBuf::from("/proc/self/exe");
        if link.exists() {
            return Ok(link);
        }
    }
    std::env::current_exe()
}

/// The worker's side: limits itself, then renders each job it is sent until its input
/// ends, answering each.
pub fn serve(memory_mib: u64) -> ExitCode {
    limit_memory(memory_mib);
    end_with_parent();
    let fonts = FontCache::new();
    // The warm-up runs beside the wait for the first job, not before it: a job that comes
    // sooner starts at once, on the other core, and shares whatever the warm-up has
    // already built (typst's library, the parsed fonts).
    std::thread::scope(|scope| {
        scope.spawn(|| super::warm_up(&fonts));
        answer_jobs(&fonts)
    })
}

/// Renders each job read from stdin until it ends, answering each on stdout.
fn answer_jobs(fonts: &FontCache) -> ExitCode {
    let (mut input, mut out) = (std::io::stdin().lock(), std::io::stdout().lock());
    loop {
        let reply = match wire::read_job(&mut input) {
            Ok(Some(job)) => job.and_then(|job| super::render(&job, fonts)),
            Ok(None) => return ExitCode::SUCCESS,
            Err(()) => return ExitCode::FAILURE,
        };
        if wire::write_reply(&mut out, reply).is_err() {
            return ExitCode::FAILURE;
        }
    }
}

/// Ends the worker when the build that started it is gone, even mid-render: a build
/// killed (SIGKILL, a CI job cancelled) while a template loops would otherwise leave its
/// worker spinning under init for ever. An idle worker ends anyway, when its input
/// closes. The parent is looked at four times a second, rather than asked of the kernel
/// with `PR_SET_PDEATHSIG`, whose signal comes when the *thread* that started the worker
/// ends, and build threads end while the workers they started serve the others.
fn end_with_parent() {
    #[cfg(unix)]
    {
        let parent = rustix::process::getppid();
        std::thread::spawn(move || loop {
            std::thread::sleep(Duration::from_millis(250));
            if rustix::process::getppid() != parent {
                std::process::exit(1);
            }
        });
    }
}

/// Caps the worker's heap and anonymous memory: past it an allocation fails and the
/// worker aborts, which its parent reports as [`RenderError::MemoryLimit`].
fn limit_memory(mib: u64) {
    #[cfg(unix)]
    {
        use rustix::process::{setrlimit, Resource, Rlimit};
        let bytes = Some(mib.saturating_mul(1024 * 1024));
        let _ = setrlimit(
            Resource::Data,
            Rlimit {
                current: bytes,
                maximum: bytes,
            },
        );
    }
    #[cfg(not(unix))]
    let _ = mib;
}

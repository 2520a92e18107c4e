//! Each report renders in a worker process: this binary run as `kpipress render-worker`,
//! with an empty environment (a spec from a pull request never sees CI's secrets), a
//! memory limit the kernel enforces (`RLIMIT_DATA`), and a wall-clock limit after which
//! it is killed. A template that loops in minijinja, in typst or in a WASM plugin, or
//! doubles a string until the machine runs out, then fails its own client with a clear
//! error and the build goes on; in-process, typst can be neither stopped nor kept from
//! aborting the whole process when an allocation fails.
//!
//! The worker reads a [`Job`] as JSON on stdin and answers with one JSON line, a
//! [`Reply`], followed by the PDF's bytes.

use std::io::{Read, Write};
use std::process::{Command, ExitCode, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use miette::{NamedSource, SourceSpan};
use serde::{Deserialize, Serialize};

use super::{FontCache, Job, RenderError, Rendered};

/// The hidden subcommand that runs a worker.
pub const WORKER_COMMAND: &str = "render-worker";

/// What one report may take to render.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub seconds: u64,
    pub memory_mib: u64,
}

/// The worker's answer, before the PDF's bytes.
#[derive(Debug, Serialize, Deserialize)]
enum Reply {
    Done { typst: String, pdf: bool },
    Failed(WireError),
}

/// A [`RenderError`] as it crosses the pipe.
#[derive(Debug, Serialize, Deserialize)]
enum WireError {
    Template(WireSnippet),
    Typst(WireSnippet),
    Fonts { dir: String, message: String },
    Other(String),
}

#[derive(Debug, Serialize, Deserialize)]
struct WireSnippet {
    message: String,
    name: String,
    text: String,
    span: Option<(usize, usize)>,
    help: Option<String>,
}

/// Renders `job` in a worker process under `limits`.
pub fn render(job: &Job, limits: Limits) -> Result<Rendered, RenderError> {
    let worker = |message: String| RenderError::Worker { message };
    let exe = std::env::current_exe().map_err(|e| worker(format!("cannot find kpipress itself ({e})")))?;
    let request = serde_json::to_vec(job).expect("a render job serialises");
    let mut child = Command::new(exe)
        .args([WORKER_COMMAND, "--memory-mib", &limits.memory_mib.to_string()])
        .env_clear()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| worker(format!("cannot start it ({e})")))?;
    let (mut stdin, mut stdout, mut stderr) = (
        child.stdin.take().expect("stdin is piped"),
        child.stdout.take().expect("stdout is piped"),
        child.stderr.take().expect("stderr is piped"),
    );
    let (finished, done) = mpsc::channel();
    let (output, errors, timed_out) = std::thread::scope(|scope| {
        // A worker that dies before reading it all makes this write fail; its exit says why.
        scope.spawn(move || stdin.write_all(&request));
        let errors = scope.spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            text
        });
        let output = scope.spawn(move || {
            let mut bytes = Vec::new();
            let _ = stdout.read_to_end(&mut bytes);
            let _ = finished.send(());
            bytes
        });
        let timed_out = done.recv_timeout(Duration::from_secs(limits.seconds)).is_err();
        if timed_out {
            let _ = child.kill();
        }
        let output = output.join().unwrap_or_default();
        (output, errors.join().unwrap_or_default(), timed_out)
    });
    let status = child.wait().map_err(|e| worker(e.to_string()))?;
    if timed_out {
        return Err(RenderError::TimeLimit {
            seconds: limits.seconds,
        });
    }
    if !status.success() {
        return Err(exit_error(status, &errors, limits));
    }
    read_reply(output)
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

fn read_reply(output: Vec<u8>) -> Result<Rendered, RenderError> {
    let garbled = || RenderError::Worker {
        message: "its answer was cut short".to_owned(),
    };
    let split = output.iter().position(|&b| b == b'\n').ok_or_else(garbled)?;
    let reply: Reply = serde_json::from_slice(&output[..split]).map_err(|_| garbled())?;
    match reply {
        Reply::Done { typst, pdf } => Ok(Rendered {
            typst,
            pdf: pdf.then(|| output[split + 1..].to_vec()),
        }),
        Reply::Failed(error) => Err(from_wire(error)),
    }
}

/// The worker's side: limits itself, reads the job, renders it, answers.
pub fn serve(memory_mib: u64) -> ExitCode {
    limit_memory(memory_mib);
    let mut request = Vec::new();
    if std::io::stdin().read_to_end(&mut request).is_err() {
        return ExitCode::FAILURE;
    }
    let reply = match serde_json::from_slice::<Job>(&request) {
        Ok(job) => super::render(&job, &FontCache::new()),
        Err(e) => Err(RenderError::Worker {
            message: format!("it was sent a job it cannot read ({e})"),
        }),
    };
    let (header, pdf) = match reply {
        Ok(rendered) => (
            Reply::Done {
                typst: rendered.typst,
                pdf: rendered.pdf.is_some(),
            },
            rendered.pdf.unwrap_or_default(),
        ),
        Err(error) => (Reply::Failed(to_wire(error)), Vec::new()),
    };
    let mut out = std::io::stdout().lock();
    let mut line = serde_json::to_vec(&header).expect("a reply serialises");
    line.push(b'\n');
    match out
        .write_all(&line)
        .and_then(|()| out.write_all(&pdf))
        .and_then(|()| out.flush())
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::FAILURE,
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

fn to_wire(error: RenderError) -> WireError {
    let snippet = |message: String, src: NamedSource<String>, span: Option<SourceSpan>, help| WireSnippet {
        message,
        name: src.name().to_owned(),
        text: src.inner().clone(),
        span: span.map(|s| (s.offset(), s.len())),
        help,
    };
    match error {
        RenderError::Template {
            message,
            src,
            span,
            help,
        } => WireError::Template(snippet(message, src, span, help)),
        RenderError::Typst {
            message,
            src,
            span,
            help,
        } => WireError::Typst(snippet(message, src, span, help)),
        RenderError::Fonts { dir, message } => WireError::Fonts { dir, message },
        other => WireError::Other(other.to_string()),
    }
}

fn from_wire(error: WireError) -> RenderError {
    match error {
        WireError::Template(s) => RenderError::Template {
            message: s.message,
            src: NamedSource::new(s.name, s.text),
            span: s.span.map(SourceSpan::from),
            help: s.help,
        },
        WireError::Typst(s) => RenderError::Typst {
            message: s.message,
            src: NamedSource::new(s.name, s.text),
            span: s.span.map(SourceSpan::from),
            help: s.help,
        },
        WireError::Fonts { dir, message } => RenderError::Fonts { dir, message },
        WireError::Other(message) => RenderError::Worker { message },
    }
}

//! What crosses the pipe between a build and its render worker: length-prefixed frames
//! holding a job (its JSON, then the logo's bytes) one way, and a reply (its JSON, then
//! the PDF's bytes) the other, with typst's and minijinja's errors carried as plain data.

use std::io::{Read, Write};

use miette::{NamedSource, SourceSpan};
use serde::{Deserialize, Serialize};

use crate::render::{Job, RenderError, Rendered};

/// The worker's answer, before the PDF's bytes.
#[derive(Debug, Serialize, Deserialize)]
enum Reply {
    Done {
        typst: String,
        pdf: bool,
        warnings: Vec<String>,
    },
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

/// The largest message either side reads: a report's PDF is a few megabytes.
const MAX_FRAME: u64 = 1 << 30;

/// What a worker is sent for one report: three frames, the job as JSON, whether it has
/// a logo (one byte), and the logo's bytes as they are.
pub(super) struct Request<'a> {
    pub job: Vec<u8>,
    pub logo: Option<&'a [u8]>,
}

impl Request<'_> {
    pub fn write(&self, out: &mut impl Write) -> std::io::Result<()> {
        write_frame(out, &self.job)?;
        write_frame(out, &[u8::from(self.logo.is_some())])?;
        write_frame(out, self.logo.unwrap_or_default())
    }
}

/// Reads a [`Request`]'s frames back into the job; `None` at the end of the input.
pub(super) fn read_job(input: &mut impl Read) -> Result<Option<Result<Job, RenderError>>, ()> {
    let Some(request) = read_frame(input).map_err(|_| ())? else {
        return Ok(None);
    };
    let has_logo = read_frame(input).map_err(|_| ())?.ok_or(())?;
    let logo = read_frame(input).map_err(|_| ())?.ok_or(())?;
    let job = serde_json::from_slice::<Job>(&request)
        .map(|job| Job {
            logo: (has_logo == [1]).then_some(logo),
            ..job
        })
        .map_err(|e| RenderError::Worker {
            message: format!("it was sent a job it cannot read ({e})"),
        });
    Ok(Some(job))
}

pub(super) fn write_frame(out: &mut impl Write, bytes: &[u8]) -> std::io::Result<()> {
    out.write_all(&(bytes.len() as u64).to_le_bytes())?;
    out.write_all(bytes)?;
    out.flush()
}

/// The next message, or `None` at the end of the stream.
pub(super) fn read_frame(input: &mut impl Read) -> std::io::Result<Option<Vec<u8>>> {
    let mut length = [0u8; 8];
    match input.read_exact(&mut length) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    let length = u64::from_le_bytes(length);
    if length > MAX_FRAME {
        return Err(std::io::Error::other("a message larger than 1 GiB"));
    }
    let mut bytes = vec![0u8; length as usize];
    input.read_exact(&mut bytes)?;
    Ok(Some(bytes))
}

pub(super) fn read_reply(header: &[u8], pdf: Vec<u8>) -> Result<Rendered, RenderError> {
    let reply: Reply = serde_json::from_slice(header).map_err(|_| RenderError::Worker {
        message: "its answer was garbled".to_owned(),
    })?;
    match reply {
        Reply::Done {
            typst,
            pdf: has_pdf,
            warnings,
        } => Ok(Rendered {
            typst,
            pdf: has_pdf.then_some(pdf),
            warnings,
        }),
        Reply::Failed(error) => Err(from_wire(error)),
    }
}

/// Answers one job: the [`Reply`] as JSON, then the PDF's bytes (none when it failed).
pub(super) fn write_reply(out: &mut impl Write, reply: Result<Rendered, RenderError>) -> std::io::Result<()> {
    let (header, pdf) = match reply {
        Ok(rendered) => (
            Reply::Done {
                typst: rendered.typst,
                pdf: rendered.pdf.is_some(),
                warnings: rendered.warnings,
            },
            rendered.pdf.unwrap_or_default(),
        ),
        Err(error) => (Reply::Failed(to_wire(error)), Vec::new()),
    };
    let header = serde_json::to_vec(&header).expect("a reply serialises");
    write_frame(out, &header)?;
    write_frame(out, &pdf)
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
        RenderError::Fonts { dir, source } => WireError::Fonts {
            dir,
            message: source.to_string(),
        },
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
        // An `io::Error` does not cross processes; its words do.
        WireError::Fonts { dir, message } => RenderError::Fonts {
            dir,
            source: std::io::Error::other(message),
        },
        WireError::Other(message) => RenderError::Worker { message },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::templates::TemplateSet;
    use crate::spec::TemplateRef;

    fn job(logo: Option<Vec<u8>>) -> Job {
        Job {
            set: TemplateSet::load(&TemplateRef::Builtin("audit".to_owned())).unwrap(),
            report_json: "{ \"client\": \"T\" }\n".to_owned(),
            plots: "{}".to_owned(),
            brand_fonts: None,
            logo,
            root: std::path::PathBuf::from("/specs"),
            pdf: true,
            ident: "kpipress/t/2026-10".to_owned(),
            created: 0,
            today: 0,
            fuel: 1,
        }
    }

    #[test]
    fn a_job_and_its_logo_cross_the_pipe() {
        let mut pipe = Vec::new();
        for job in [
            job(Some(vec![0x89, b'P', b'N', b'G', 0, 255])),
            job(Some(Vec::new())),
            job(None),
        ] {
            let request = Request {
                job: serde_json::to_vec(&job).unwrap(),
                logo: job.logo.as_deref(),
            };
            request.write(&mut pipe).unwrap();
        }
        let mut input = std::io::Cursor::new(pipe);
        let mut read = || read_job(&mut input).unwrap().map(|job| job.unwrap().logo);
        assert_eq!(read(), Some(Some(vec![0x89, b'P', b'N', b'G', 0, 255])));
        assert_eq!(read(), Some(Some(Vec::new())));
        assert_eq!(read(), Some(None));
        assert_eq!(read(), None);
    }
}

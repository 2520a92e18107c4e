//! Printing: one graphical renderer for every stage's errors, with colour only on a
//! terminal, so piped output and golden files are plain text; and the two streams
//! written so that a closed pipe or a full device never panics.

use std::io::{IsTerminal, Write};

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme};

/// `error` with its source snippet, as printed on stderr. Lines are wrapped on a
/// terminal only: in a CI log, a pipe or a golden file, a message stays on its line
/// whatever the length of the paths in it, so that grep and tests find its words.
pub fn diagnostic(error: &dyn Diagnostic) -> String {
    let terminal = std::io::stderr().is_terminal();
    let colour = terminal && std::env::var_os("NO_COLOR").is_none();
    let theme = if colour {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let mut out = String::new();
    GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_wrap_lines(terminal)
        .render_report(&mut out, error)
        .expect("writing to a String cannot fail");
    out
}

/// Writes `text` to standard output. A reader that has gone (`kpipress inspect … | head`)
/// ends the program quietly and successfully, as ripgrep does; any other failure to
/// write (a full device) ends it with the error code.
pub fn out(text: &str) {
    let mut stdout = std::io::stdout().lock();
    if let Err(error) = stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        let code = if error.kind() == std::io::ErrorKind::BrokenPipe {
            0
        } else {
            i32::from(super::FAILED)
        };
        std::process::exit(code);
    }
}

/// Writes `text` to standard error; where that cannot be written, nothing more can be
/// said, and the run goes on to its exit code.
pub fn err(text: &str) {
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// Prints an error that stopped one spec, or a warning with its place in the spec.
pub fn error(error: &dyn Diagnostic) {
    err(&diagnostic(error));
}

pub fn warning(client: &str, text: &str) {
    err(&format!("warning: {client}: {text}\n"));
}

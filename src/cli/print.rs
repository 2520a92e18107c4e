//! Printing diagnostics: one graphical renderer for every stage's errors, with colour
//! only on a terminal, so piped output and golden files are plain text.

use std::io::IsTerminal;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme};

/// `error` with its source snippet, as printed on stderr.
pub fn diagnostic(error: &dyn Diagnostic) -> String {
    let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let theme = if colour {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let mut out = String::new();
    GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .render_report(&mut out, error)
        .expect("writing to a String cannot fail");
    out
}

/// Prints an error that stopped one spec, or a warning with its place in the spec.
pub fn error(error: &dyn Diagnostic) {
    eprint!("{}", diagnostic(error));
}

pub fn warning(client: &str, text: &str) {
    eprintln!("warning: {client}: {text}");
}

//! A source read from PostgreSQL (and the services that speak its protocol): the URL from
//! the environment variable the spec names, the query run read-only with a statement
//! timeout, its rows as a polars frame. The URL is never shown: messages name the server
//! as [`address::Address::shown`] writes it, without the password.

mod address;
mod errors;
mod frame;
mod tls;
mod wire;

use chrono::NaiveDate;
use polars::prelude::DataFrame;

use crate::spec::Database;

pub use frame::{BadCell, Unmapped};

/// Why a database source could not be read; the source stage adds where in the spec.
#[derive(Debug)]
pub enum Failure {
    /// The environment variable is not set, empty, or not text.
    Unset,
    /// The variable's value is not a PostgreSQL URL, and why (without quoting it).
    NotAUrl(&'static str),
    /// The URL asks for TLS (`sslmode=require` and up), and the server cannot give it.
    Tls {
        server: String,
        reason: String,
    },
    Connect {
        server: String,
        reason: String,
    },
    Refused {
        server: String,
        message: String,
    },
    Unsupported {
        server: String,
        what: &'static str,
    },
    Query {
        message: String,
        hint: Option<String>,
        position: Option<usize>,
    },
    Broken {
        server: String,
        reason: String,
    },
    Unmapped(Unmapped),
    BadCell(BadCell),
    Frame(polars::prelude::PolarsError),
}

/// The rows of `database`'s query; `window`, the first and last day the report needs,
/// binds `$1` and `$2` where the query uses them (`-infinity` to `infinity` when the
/// period is not known before the data is read).
pub fn read(database: &Database, window: Option<(NaiveDate, NaiveDate)>) -> Result<Rows, Failure> {
    let table = fetch(database, window)?;
    let (frame, unmapped) = frame::frame(table.columns).map_err(|e| match e {
        frame::FrameError::BadCell(b) => Failure::BadCell(b),
        frame::FrameError::Polars(p) => Failure::Frame(p),
    })?;
    Ok(Rows {
        frame,
        unmapped,
        digest: table.digest,
    })
}

/// A query's rows: the columns kpipress reads as a frame, those it left out, and a
/// digest of the rows as the server sent them, for the build record.
pub struct Rows {
    pub frame: DataFrame,
    pub unmapped: Vec<Unmapped>,
    pub digest: String,
}

/// The query's columns, as the server wrote them.
fn fetch(database: &Database, window: Option<(NaiveDate, NaiveDate)>) -> Result<wire::Table, Failure> {
    // A CI secret that is not set reaches the variable as empty text.
    let url = std::env::var(&database.env)
        .ok()
        .filter(|url| !url.is_empty())
        .ok_or(Failure::Unset)?;
    let address = address::Address::parse(&url).map_err(|e| Failure::NotAUrl(e.0))?;
    let server = address.shown();
    let parameters = match (database.query.contains("$1"), window) {
        (false, _) => Vec::new(),
        (true, Some((first, last))) => vec![first.to_string(), last.to_string()],
        (true, None) => vec!["-infinity".to_owned(), "infinity".to_owned()],
    };
    let parameters = match database.query.contains("$2") {
        true => parameters,
        false => parameters.into_iter().take(1).collect(),
    };
    wire::fetch(&address, &database.query, &parameters).map_err(|e| match e {
        wire::WireError::Connect(reason) => Failure::Connect {
            server: server.clone(),
            reason,
        },
        wire::WireError::Tls(reason) => Failure::Tls {
            server: server.clone(),
            reason,
        },
        wire::WireError::Refused(message) => Failure::Refused {
            server: server.clone(),
            message,
        },
        wire::WireError::Unsupported(what) => Failure::Unsupported {
            server: server.clone(),
            what,
        },
        wire::WireError::Query {
            message,
            hint,
            position,
        } => Failure::Query {
            message,
            hint,
            position,
        },
        wire::WireError::Broken(reason) => Failure::Broken {
            server: server.clone(),
            reason,
        },
    })
}

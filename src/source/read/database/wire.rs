//! A PostgreSQL session over a blocking socket, in the frontend/backend protocol (version
//! 3): start-up with the session's settings, the password (cleartext, MD5 or
//! SCRAM-SHA-256), then one query in the extended protocol, which takes a single
//! statement: a query cannot end the read-only transaction and run another.
//! The messages are `postgres-protocol`'s, the crate tokio-postgres speaks with.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::os::unix::net::UnixStream;
use std::time::Duration;

use bytes::BytesMut;
use fallible_iterator::FallibleIterator;
use postgres_protocol::authentication::{md5_hash, sasl};
use postgres_protocol::message::backend::Message;
use postgres_protocol::message::frontend;
use postgres_protocol::IsNull;

use super::address::{Address, Host, Tls};

/// How long to wait for the server to answer a connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// How long the server may run the query; the socket waits a little longer, so that the
/// server's own message says why.
pub const STATEMENT_TIMEOUT: Duration = Duration::from_secs(120);

/// What a query returned: its columns, each with its type and its cells as the server
/// wrote them in text, and a digest of its rows.
pub struct Table {
    pub columns: Vec<Column>,
    /// BLAKE3 over the columns' names and types and the rows as a set: each row's bytes
    /// are hashed and the hashes added, so that rows a query returns in no fixed order (a
    /// parallel scan) give the same digest every time.
    pub digest: String,
}

/// One column's cells, kept one after another in one buffer rather than a string each: a
/// million rows are five million cells.
pub struct Column {
    pub name: String,
    pub type_oid: u32,
    text: Vec<u8>,
    /// Where each cell ends in `text`, and whether it is `NULL`.
    ends: Vec<(usize, bool)>,
}

impl Column {
    pub fn new(name: String, type_oid: u32) -> Self {
        Self {
            name,
            type_oid,
            text: Vec::new(),
            ends: Vec::new(),
        }
    }

    pub fn push(&mut self, cell: Option<&[u8]>) {
        self.text.extend_from_slice(cell.unwrap_or_default());
        self.ends.push((self.text.len(), cell.is_none()));
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Each cell's bytes, `NULL` as `None`.
    pub fn cells(&self) -> impl Iterator<Item = Option<&[u8]>> + '_ {
        let starts = std::iter::once(0).chain(self.ends.iter().map(|(end, _)| *end));
        starts
            .zip(&self.ends)
            .map(|(start, (end, null))| (!null).then(|| &self.text[start..*end]))
    }
}

/// The rows of a table as a set: the sum, lane by lane, of each row's hash.
#[derive(Default)]
struct RowSet([u64; 4]);

impl RowSet {
    fn add(&mut self, row: &[u8]) {
        let hash = blake3::hash(row);
        for (lane, bytes) in self.0.iter_mut().zip(hash.as_bytes().chunks_exact(8)) {
            *lane = lane.wrapping_add(u64::from_le_bytes(bytes.try_into().expect("eight bytes")));
        }
    }

    fn digest(&self, columns: &[Column]) -> String {
        let mut hasher = blake3::Hasher::new();
        for column in columns {
            hasher.update(&(column.name.len() as u64).to_le_bytes());
            hasher.update(column.name.as_bytes());
            hasher.update(&column.type_oid.to_le_bytes());
            hasher.update(&(column.len() as u64).to_le_bytes());
        }
        for lane in self.0 {
            hasher.update(&lane.to_le_bytes());
        }
        hasher.finalize().to_hex().to_string()
    }
}

#[derive(Debug)]
pub enum WireError {
    /// No connection: the server is unreachable, or the socket is not there.
    Connect(String),
    /// The URL asks for TLS and the server does not offer it, or the handshake failed.
    Tls(String),
    /// The server refused the session (a wrong password, an unknown database).
    Refused(String),
    /// The server asks for a way of logging in kpipress does not speak.
    Unsupported(&'static str),
    /// The query failed; `position` is the 1-based character in the query at fault.
    Query {
        message: String,
        hint: Option<String>,
        position: Option<usize>,
    },
    /// The conversation broke off: a timeout, a closed socket, a message out of turn.
    Broken(String),
}

pub(super) trait Stream: Read + Write {}
impl<T: Read + Write> Stream for T {}

struct Session {
    stream: Box<dyn Stream>,
    incoming: BytesMut,
    outgoing: BytesMut,
}

/// Connects to `address` and runs `query` with `parameters` (text, bound to `$1`, `$2`,
/// …) in a read-only transaction with a statement timeout.
pub fn fetch(address: &Address, query: &str, parameters: &[String]) -> Result<Table, WireError> {
    let mut session = Session::connect(address)?;
    session.start(address)?;
    let table = session.query(query, parameters);
    // A polite goodbye; the server ends the session when the socket closes anyway.
    frontend::terminate(&mut session.outgoing);
    let _ = session.flush();
    table
}

impl Session {
    fn connect(address: &Address) -> Result<Self, WireError> {
        let patience = Some(STATEMENT_TIMEOUT + Duration::from_secs(15));
        let stream: Box<dyn Stream> = match &address.host {
            Host::Tcp(host) => {
                let addrs = (host.as_str(), address.port)
                    .to_socket_addrs()
                    .map_err(|e| WireError::Connect(format!("cannot resolve the host ({e})")))?;
                let mut last = None;
                let mut connected = None;
                for addr in addrs {
                    match TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT) {
                        Ok(stream) => {
                            connected = Some(stream);
                            break;
                        }
                        Err(e) => last = Some(e),
                    }
                }
                let stream = connected.ok_or_else(|| {
                    WireError::Connect(last.map_or_else(|| "the host has no address".to_owned(), |e| e.to_string()))
                })?;
                stream.set_read_timeout(patience).map_err(broken)?;
                stream.set_write_timeout(patience).map_err(broken)?;
                let _ = stream.set_nodelay(true);
                match address.tls {
                    Tls::Required => super::tls::wrap(stream, host, address.root_cert.as_deref())?,
                    Tls::Off | Tls::Preferred => Box::new(stream),
                }
            }
            Host::Socket(dir) => {
                let path = dir.join(format!(".s.PGSQL.{}", address.port));
                let stream = UnixStream::connect(&path).map_err(|e| WireError::Connect(e.to_string()))?;
                stream.set_read_timeout(patience).map_err(broken)?;
                stream.set_write_timeout(patience).map_err(broken)?;
                Box::new(stream)
            }
        };
        Ok(Self {
            stream,
            incoming: BytesMut::with_capacity(64 * 1024),
            outgoing: BytesMut::with_capacity(1024),
        })
    }

    /// The start-up message and the log-in, until the server is ready for a query.
    fn start(&mut self, address: &Address) -> Result<(), WireError> {
        let timeout = STATEMENT_TIMEOUT.as_millis().to_string();
        let parameters = [
            ("user", address.user.as_str()),
            ("database", address.database.as_str()),
            ("application_name", "kpipress"),
            ("client_encoding", "UTF8"),
            // Dates as `2026-10-01`, time stamps with a zone in UTC: the day a row
            // counts for does not depend on the server's settings.
            ("DateStyle", "ISO, YMD"),
            ("TimeZone", "UTC"),
            ("extra_float_digits", "3"),
            ("default_transaction_read_only", "on"),
            ("statement_timeout", timeout.as_str()),
        ];
        frontend::startup_message(parameters, &mut self.outgoing).map_err(broken)?;
        self.flush()?;
        let password = || {
            address
                .password
                .as_deref()
                .ok_or_else(|| WireError::Refused("the server asks for a password, and the URL has none".into()))
        };
        let mut scram: Option<sasl::ScramSha256> = None;
        loop {
            match self.next()? {
                Message::AuthenticationOk | Message::ParameterStatus(_) | Message::BackendKeyData(_) => {}
                Message::NoticeResponse(_) => {}
                Message::AuthenticationCleartextPassword => {
                    frontend::password_message(password()?.as_bytes(), &mut self.outgoing).map_err(broken)?;
                    self.flush()?;
                }
                Message::AuthenticationMd5Password(body) => {
                    let hash = md5_hash(address.user.as_bytes(), password()?.as_bytes(), body.salt());
                    frontend::password_message(hash.as_bytes(), &mut self.outgoing).map_err(broken)?;
                    self.flush()?;
                }
                Message::AuthenticationSasl(body) => {
                    let mut mechanisms = body.mechanisms();
                    let mut offered = false;
                    while let Some(mechanism) = mechanisms.next().map_err(broken)? {
                        offered |= mechanism == sasl::SCRAM_SHA_256;
                    }
                    if !offered {
                        return Err(WireError::Unsupported("a SASL mechanism other than SCRAM-SHA-256"));
                    }
                    let exchange = sasl::ScramSha256::new(password()?.as_bytes(), sasl::ChannelBinding::unsupported());
                    frontend::sasl_initial_response(sasl::SCRAM_SHA_256, exchange.message(), &mut self.outgoing)
                        .map_err(broken)?;
                    self.flush()?;
                    scram = Some(exchange);
                }
                Message::AuthenticationSaslContinue(body) => {
                    let exchange = scram.as_mut().ok_or_else(|| out_of_turn("SASL continue"))?;
                    exchange.update(body.data()).map_err(broken)?;
                    frontend::sasl_response(exchange.message(), &mut self.outgoing).map_err(broken)?;
                    self.flush()?;
                }
                Message::AuthenticationSaslFinal(body) => {
                    let exchange = scram.as_mut().ok_or_else(|| out_of_turn("SASL final"))?;
                    exchange.finish(body.data()).map_err(broken)?;
                }
                Message::ErrorResponse(body) => return Err(WireError::Refused(error_fields(&body).message)),
                Message::ReadyForQuery(_) => return Ok(()),
                Message::AuthenticationGss
                | Message::AuthenticationKerberosV5
                | Message::AuthenticationSspi
                | Message::AuthenticationGssContinue(_)
                | Message::AuthenticationScmCredential => {
                    return Err(WireError::Unsupported("GSSAPI, Kerberos or SSPI log-in"));
                }
                _ => return Err(out_of_turn("start-up")),
            }
        }
    }

    fn query(&mut self, query: &str, parameters: &[String]) -> Result<Table, WireError> {
        frontend::parse("", query, std::iter::empty(), &mut self.outgoing).map_err(broken)?;
        let bound = frontend::bind(
            "",
            "",
            std::iter::empty(),
            parameters,
            |value, buf| {
                buf.extend_from_slice(value.as_bytes());
                Ok(IsNull::No)
            },
            std::iter::empty(),
            &mut self.outgoing,
        );
        bound.map_err(|_| WireError::Broken("a parameter could not be written".into()))?;
        frontend::describe(b'P', "", &mut self.outgoing).map_err(broken)?;
        frontend::execute("", 0, &mut self.outgoing).map_err(broken)?;
        frontend::sync(&mut self.outgoing);
        self.flush()?;
        let mut columns: Vec<Column> = Vec::new();
        let mut rows = RowSet::default();
        let mut failure = None;
        loop {
            match self.next()? {
                Message::ParseComplete | Message::BindComplete | Message::NoData => {}
                Message::CommandComplete(_) | Message::EmptyQueryResponse => {}
                Message::NoticeResponse(_) | Message::ParameterStatus(_) => {}
                Message::RowDescription(body) => {
                    let mut fields = body.fields();
                    while let Some(field) = fields.next().map_err(broken)? {
                        columns.push(Column::new(field.name().to_owned(), field.type_oid()));
                    }
                }
                Message::DataRow(row) => {
                    let buffer = row.buffer();
                    rows.add(buffer);
                    let mut ranges = row.ranges();
                    let mut index = 0;
                    while let Some(range) = ranges.next().map_err(broken)? {
                        let column = columns.get_mut(index).ok_or_else(|| out_of_turn("a row"))?;
                        column.push(range.map(|r| &buffer[r]));
                        index += 1;
                    }
                }
                Message::ErrorResponse(body) => failure = Some(error_fields(&body)),
                Message::ReadyForQuery(_) => break,
                _ => return Err(out_of_turn("the query")),
            }
        }
        match failure {
            Some(fields) => Err(WireError::Query {
                message: fields.message,
                hint: fields.hint,
                position: fields.position,
            }),
            None => Ok(Table {
                digest: rows.digest(&columns),
                columns,
            }),
        }
    }

    fn flush(&mut self) -> Result<(), WireError> {
        self.stream.write_all(&self.outgoing).map_err(broken)?;
        self.outgoing.clear();
        self.stream.flush().map_err(broken)
    }

    /// The next message from the server, reading as much as it takes.
    fn next(&mut self) -> Result<Message, WireError> {
        loop {
            if let Some(message) = Message::parse(&mut self.incoming).map_err(broken)? {
                return Ok(message);
            }
            let mut chunk = [0u8; 64 * 1024];
            let read = self.stream.read(&mut chunk).map_err(broken)?;
            if read == 0 {
                return Err(WireError::Broken("the server closed the connection".into()));
            }
            self.incoming.extend_from_slice(&chunk[..read]);
        }
    }
}

struct ErrorText {
    message: String,
    hint: Option<String>,
    position: Option<usize>,
}

fn error_fields(body: &postgres_protocol::message::backend::ErrorResponseBody) -> ErrorText {
    let mut text = ErrorText {
        message: "the server gave no message".into(),
        hint: None,
        position: None,
    };
    let mut fields = body.fields();
    while let Ok(Some(field)) = fields.next() {
        let value = String::from_utf8_lossy(field.value_bytes()).into_owned();
        match field.type_() {
            b'M' => text.message = value,
            b'H' => text.hint = Some(value),
            b'P' => text.position = value.parse().ok(),
            _ => {}
        }
    }
    text
}

pub(super) fn broken(e: impl std::fmt::Display) -> WireError {
    WireError::Broken(e.to_string())
}

fn out_of_turn(during: &str) -> WireError {
    WireError::Broken(format!("the server sent a message out of turn during {during}"))
}

//! The connection URL a database source's environment variable holds, in libpq's URI
//! form (PostgreSQL's `doc/src/sgml/libpq.sgml`, "Connection URIs"):
//! `postgresql://[user[:password]@][host][:port][/dbname][?param=value&...]`, scheme
//! `postgres` or `postgresql`; a Unix socket's folder as the host percent-encoded
//! (`postgresql://%2Fvar%2Frun%2Fpostgresql/db`) or as `?host=/var/run/postgresql`.
//! The password is kept only here, and [`Address::shown`] never includes it.

use std::fmt;
use std::path::PathBuf;

/// Where to connect and as whom.
pub struct Address {
    pub host: Host,
    pub port: u16,
    pub user: String,
    pub password: Option<String>,
    pub database: String,
    /// `sslmode`: whether the server must speak TLS.
    pub tls: Tls,
    /// `sslrootcert`: a PEM file of the authorities to trust besides the system's.
    pub root_cert: Option<PathBuf>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Host {
    Tcp(String),
    /// The folder holding the server's socket, `.s.PGSQL.<port>`.
    Socket(PathBuf),
}

/// libpq's `sslmode`, in the three ways it acts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tls {
    /// `disable`.
    Off,
    /// `allow` and `prefer` (libpq's default): kpipress connects without TLS, since
    /// libpq would not check the certificate either.
    Preferred,
    /// `require`, `verify-ca`, `verify-full`: TLS, with the server's certificate checked
    /// against the system's authorities (and `sslrootcert`'s) for its host name.
    Required,
}

/// Why a URL is not one: said without quoting it, which would show the password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadAddress(pub &'static str);

impl fmt::Display for BadAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl Address {
    pub fn parse(text: &str) -> Result<Self, BadAddress> {
        let url = url::Url::parse(text.trim()).map_err(|_| BadAddress("it is not a URL"))?;
        if !matches!(url.scheme(), "postgres" | "postgresql") {
            return Err(BadAddress("its scheme is not `postgresql://` or `postgres://`"));
        }
        let decode = |s: &str| percent_decode(s).ok_or(BadAddress("a part of it is not valid percent-encoded UTF-8"));
        let mut host = match url.host_str() {
            Some(h) if h.starts_with('%') || h.starts_with('/') => Some(Host::Socket(decode(h)?.into())),
            Some(h) if !h.is_empty() => Some(Host::Tcp(h.trim_matches(['[', ']']).to_owned())),
            _ => None,
        };
        let mut port = url.port();
        let mut user = (!url.username().is_empty())
            .then(|| decode(url.username()))
            .transpose()?;
        let mut password = url.password().map(decode).transpose()?;
        let mut database = Some(decode(url.path().trim_start_matches('/'))?).filter(|d| !d.is_empty());
        let mut tls = Tls::Preferred;
        let mut root_cert = None;
        for (key, value) in url.query_pairs() {
            let value = value.into_owned();
            match key.as_ref() {
                "host" if value.starts_with('/') => host = Some(Host::Socket(value.into())),
                "host" => host = Some(Host::Tcp(value)),
                "port" => {
                    port = Some(
                        value
                            .parse()
                            .map_err(|_| BadAddress("its `port` is not a port number"))?,
                    )
                }
                "user" => user = Some(value),
                "password" => password = Some(value),
                "dbname" => database = Some(value),
                "sslrootcert" => root_cert = Some(PathBuf::from(value)),
                "sslmode" => {
                    tls = match value.as_str() {
                        "disable" => Tls::Off,
                        "allow" | "prefer" => Tls::Preferred,
                        "require" | "verify-ca" | "verify-full" => Tls::Required,
                        _ => return Err(BadAddress("its `sslmode` is not one libpq knows")),
                    }
                }
                _ => {}
            }
        }
        let user = user.ok_or(BadAddress("it names no user (`postgresql://USER@HOST/DATABASE`)"))?;
        Ok(Self {
            host: host.unwrap_or_else(|| Host::Tcp("localhost".to_owned())),
            port: port.unwrap_or(5432),
            database: database.unwrap_or_else(|| user.clone()),
            user,
            password,
            tls,
            root_cert,
        })
    }

    /// The server and database, for messages: never the password.
    pub fn shown(&self) -> String {
        match &self.host {
            Host::Tcp(host) => format!("{}@{host}:{}/{}", self.user, self.port, self.database),
            Host::Socket(dir) => format!(
                "{}@{} (socket, port {})/{}",
                self.user,
                dir.display(),
                self.port,
                self.database
            ),
        }
    }
}

fn percent_decode(text: &str) -> Option<String> {
    percent_encoding::percent_decode_str(text)
        .decode_utf8()
        .ok()
        .map(|t| t.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_libpqs_examples() {
        let a = Address::parse("postgresql://other:s%40cret@db.example.com:6543/sales?sslmode=require").unwrap();
        assert_eq!(a.host, Host::Tcp("db.example.com".into()));
        assert_eq!((a.port, a.user.as_str(), a.database.as_str()), (6543, "other", "sales"));
        assert_eq!(a.password.as_deref(), Some("s@cret"));
        assert_eq!(a.tls, Tls::Required);
        assert!(!a.shown().contains("cret"), "{}", a.shown());

        let socket = Address::parse("postgresql://%2Fvar%2Flib%2Fpostgresql/dbname?user=kp").unwrap();
        assert_eq!(socket.host, Host::Socket("/var/lib/postgresql".into()));
        let param = Address::parse("postgres:///dbname?host=/tmp/pg&port=5433&user=kp").unwrap();
        assert_eq!((param.host, param.port), (Host::Socket("/tmp/pg".into()), 5433));
        assert_eq!(Address::parse("postgresql://kp@localhost").unwrap().database, "kp");
    }

    #[test]
    fn a_bad_url_is_said_without_quoting_it() {
        for bad in [
            "mysql://u:hunter2@h/d",
            "hunter2",
            "postgresql://h/d",
            "postgresql://u@h/d?sslmode=hunter2",
        ] {
            let why = Address::parse(bad).err().unwrap().to_string();
            assert!(!why.contains("hunter2"), "{why}");
        }
    }
}

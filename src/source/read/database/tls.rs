//! TLS to a server that the URL requires it of (`sslmode=require` and up): PostgreSQL's
//! `SSLRequest`, then rustls over the socket, the certificate checked against the
//! system's authorities and the URL's `sslrootcert` for the host name. Over a Unix socket
//! no TLS is spoken, as libpq speaks none.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::sync::Arc;

use bytes::BytesMut;
use postgres_protocol::message::frontend;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};

use super::wire::{broken, Stream, WireError};

pub fn wrap(mut stream: TcpStream, host: &str, root_cert: Option<&Path>) -> Result<Box<dyn Stream>, WireError> {
    let mut request = BytesMut::new();
    frontend::ssl_request(&mut request);
    stream.write_all(&request).map_err(broken)?;
    let mut answer = [0u8; 1];
    stream.read_exact(&mut answer).map_err(broken)?;
    if answer[0] != b'S' {
        return Err(WireError::Tls(
            "the server does not offer TLS, which the URL's `sslmode` requires".into(),
        ));
    }
    let mut roots = rustls::RootCertStore::empty();
    roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
    if let Some(path) = root_cert {
        let certs = CertificateDer::pem_file_iter(path)
            .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
            .map_err(|_| WireError::Tls("the URL's `sslrootcert` is not a readable PEM file of certificates".into()))?;
        roots.add_parsable_certificates(certs);
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| WireError::Tls(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = ServerName::try_from(host.to_owned())
        .map_err(|_| WireError::Tls("the host is not a valid name for TLS".into()))?;
    let mut connection =
        rustls::ClientConnection::new(Arc::new(config), name).map_err(|e| WireError::Tls(e.to_string()))?;
    // The handshake now, so that a certificate the server cannot prove is said as such.
    while connection.is_handshaking() {
        connection
            .complete_io(&mut stream)
            .map_err(|e| WireError::Tls(format!("the TLS handshake failed: {e}")))?;
    }
    Ok(Box::new(rustls::StreamOwned::new(connection, stream)))
}

//! A throwaway PostgreSQL cluster on a loopback port, for the database tests and the
//! benchmark (`benches/build.rs` includes this file): started with the server's own
//! `initdb` and `pg_ctl` (as the `postgres` user when run as root, since `initdb` refuses
//! root), with SCRAM-SHA-256 passwords, and stopped and removed when dropped.

use std::path::PathBuf;
use std::process::Command;

/// The password of the cluster's user `kp`.
pub const PASSWORD: &str = "s3cret-Hunter2";

/// A running cluster, stopped when dropped.
pub struct Cluster {
    bin: PathBuf,
    /// Its folder: the data, the socket, the log, and with TLS `ca.pem`.
    pub dir: PathBuf,
    pub port: u16,
    as_postgres: bool,
}

impl Cluster {
    /// A fresh cluster, or `None` where the server is not installed and not required;
    /// with `tls`, it speaks TLS with a certificate for `localhost` from a throwaway
    /// authority, `ca.pem` in its folder.
    pub fn start(name: &str, tls: bool) -> Option<Self> {
        let Some(bin) = server_bin() else {
            assert!(
                std::env::var("KPIPRESS_EXTERNAL_TESTS").as_deref() != Ok("required"),
                "PostgreSQL's initdb is not installed; .ci/run installs Debian's `postgresql`"
            );
            eprintln!("skipped: PostgreSQL is not installed");
            return None;
        };
        let dir = std::env::temp_dir().join(format!("kpipress-pg-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("password"), PASSWORD).unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        // SAFETY: geteuid has no preconditions.
        let as_postgres = unsafe { libc::geteuid() } == 0;
        let cluster = Self {
            bin,
            dir,
            port,
            as_postgres,
        };
        if as_postgres {
            let status = Command::new("chown")
                .args(["-R", "postgres"])
                .arg(&cluster.dir)
                .status()
                .unwrap();
            assert!(status.success());
        }
        let data = cluster.dir.join("data");
        cluster.run(
            "initdb",
            &[
                "-D",
                data.to_str().unwrap(),
                "-U",
                "kp",
                "--auth=scram-sha-256",
                &format!("--pwfile={}", cluster.dir.join("password").display()),
                "-E",
                "UTF8",
                "--locale=C",
            ],
        );
        let mut options = format!(
            "-c listen_addresses=127.0.0.1 -p {port} -k {} -c fsync=off",
            cluster.dir.display()
        );
        if tls {
            cluster.certificates();
            options.push_str(&format!(
                " -c ssl=on -c ssl_cert_file={0}/server.pem -c ssl_key_file={0}/server.key",
                cluster.dir.display()
            ));
        }
        cluster.run(
            "pg_ctl",
            &[
                "-D",
                data.to_str().unwrap(),
                "-o",
                &options,
                "-l",
                cluster.dir.join("log").to_str().unwrap(),
                "-w",
                "start",
            ],
        );
        Some(cluster)
    }

    /// A throwaway authority and a certificate it signs for `localhost`, with openssl.
    fn certificates(&self) {
        let dir = &self.dir;
        std::fs::write(dir.join("san"), "subjectAltName=DNS:localhost\n").unwrap();
        let steps: [&[&str]; 3] = [
            &[
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem",
                "-days",
                "2",
                "-subj",
                "/CN=kpipress test authority",
            ],
            &[
                "req",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                "server.key",
                "-out",
                "server.csr",
                "-subj",
                "/CN=localhost",
            ],
            &[
                "x509",
                "-req",
                "-in",
                "server.csr",
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                "server.pem",
                "-days",
                "2",
                "-extfile",
                "san",
            ],
        ];
        for args in steps {
            let output = Command::new("openssl").args(args).current_dir(dir).output().unwrap();
            assert!(
                output.status.success(),
                "openssl: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let key = dir.join("server.key");
        std::fs::set_permissions(&key, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
        if self.as_postgres {
            let status = Command::new("chown")
                .args(["-R", "postgres"])
                .arg(dir)
                .status()
                .unwrap();
            assert!(status.success());
        }
    }

    /// The server's `program` with `args`, run as `postgres` where the tests run as root.
    fn command(&self, program: &str, args: &[&str]) -> Command {
        let program = self.bin.join(program);
        let mut command = match self.as_postgres {
            true => {
                let mut runuser = Command::new("runuser");
                runuser.args(["-u", "postgres", "--"]).arg(&program);
                runuser
            }
            false => Command::new(&program),
        };
        command.args(args);
        command
    }

    fn run(&self, program: &str, args: &[&str]) {
        let output = self.command(program, args).output().unwrap();
        assert!(
            output.status.success(),
            "{program}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    pub fn url(&self, password: &str) -> String {
        format!(
            "postgresql://kp:{password}@127.0.0.1:{}/postgres?sslmode=prefer",
            self.port
        )
    }

    /// psql, to run `sql` as the cluster's user.
    pub fn psql(&self, sql: &str) -> Command {
        let mut command = Command::new(self.bin.join("psql"));
        command.args(["-v", "ON_ERROR_STOP=1", "-q", "-c", sql, &self.url(PASSWORD)]);
        command
    }

    /// Runs SQL with psql as the cluster's user.
    pub fn sql(&self, sql: &str) {
        let output = self.psql(sql).output().unwrap();
        assert!(
            output.status.success(),
            "psql: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let data = self.dir.join("data");
        let args = ["-D", data.to_str().unwrap(), "-m", "immediate", "stop"];
        let _ = self.command("pg_ctl", &args).output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The folder of the server's programs: Debian keeps them out of `PATH`.
fn server_bin() -> Option<PathBuf> {
    let debian = std::fs::read_dir("/usr/lib/postgresql")
        .ok()
        .into_iter()
        .flatten()
        .flatten();
    let mut versions: Vec<PathBuf> = debian
        .map(|e| e.path().join("bin"))
        .filter(|b| b.join("initdb").is_file())
        .collect();
    versions.sort();
    versions.pop().or_else(|| {
        let path = std::env::var_os("PATH")?;
        std::env::split_paths(&path).find(|dir| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file())
    })
}

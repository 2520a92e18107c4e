//! The `kpipress` command line; everything it does lives in [`kpipress::cli`].

use std::process::ExitCode;

fn main() -> ExitCode {
    kpipress::cli::main()
}

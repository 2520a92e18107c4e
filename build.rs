//! Links the binary at a fixed address on Linux (`-no-pie`). A position-independent
//! kpipress spends about 4 ms of every start applying 236,000 relocations to its 190 MB
//! image (1,270 page faults; `perf stat kpipress --version`: 5.4-7.2 ms, fixed: 2.0 ms),
//! and a build starts two processes, itself and its render worker; one client takes about
//! 110 ms in all. The trade: the binary's own code is not placed at a random address.
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}

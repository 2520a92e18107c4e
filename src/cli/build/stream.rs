//! Clients built on `--jobs` threads, their results handed on in order.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

/// Runs `build` on every path, `jobs` at a time, and hands each result to `done` in the
/// order of `paths` as soon as it and those before it are finished: the log reads the
/// same on every run, and a result is dropped once it is handed on. Clients are taken in
/// order, so a result rarely waits for long. False when no thread could be started.
pub fn stream<T: Send>(
    paths: &[PathBuf],
    jobs: usize,
    build: impl Fn(&Path) -> T + Sync,
    mut done: impl FnMut(usize, T),
) -> bool {
    let next = AtomicUsize::new(0);
    let (sender, receiver) = mpsc::channel();
    std::thread::scope(|scope| {
        let mut started = 0;
        for _ in 0..jobs.min(paths.len()).max(1) {
            let (sender, next, build) = (sender.clone(), &next, &build);
            let thread = std::thread::Builder::new().spawn_scoped(scope, move || loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(path) = paths.get(index) else { break };
                if sender.send((index, build(path))).is_err() {
                    break;
                }
            });
            started += usize::from(thread.is_ok());
        }
        drop(sender);
        let mut waiting = BTreeMap::new();
        let mut printed = 0;
        for (index, result) in receiver {
            waiting.insert(index, result);
            while let Some(result) = waiting.remove(&printed) {
                done(printed, result);
                printed += 1;
            }
        }
        started > 0 || paths.is_empty()
    })
}

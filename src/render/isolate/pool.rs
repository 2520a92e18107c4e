//! The render workers of this process, shared by the build's threads: at most one per
//! core runs, each lent to one render at a time.

use std::sync::{Condvar, Mutex, MutexGuard, OnceLock};

use super::{Limits, Worker};
use crate::render::RenderError;

/// The workers of this process: those idle, and how many run in all, which stays at
/// most one per core.
pub(super) struct Pool {
    state: Mutex<PoolState>,
    given_back: Condvar,
    cores: usize,
}

pub(super) struct PoolState {
    idle: Vec<Worker>,
    running: usize,
}

impl Pool {
    pub(super) fn get() -> &'static Pool {
        static POOL: OnceLock<Pool> = OnceLock::new();
        POOL.get_or_init(|| Pool {
            state: Mutex::new(PoolState {
                idle: Vec::new(),
                running: 0,
            }),
            given_back: Condvar::new(),
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        })
    }

    fn lock(&self) -> MutexGuard<'_, PoolState> {
        // A worker is a process and a pipe: a thread that panicked holding the lock left
        // nothing half-changed that the others could trip on.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Starts a worker with `memory_mib` and keeps it idle, if a core has none.
    pub(super) fn start_spare(&self, memory_mib: u64) {
        let reserved = self.reserve(&mut self.lock());
        if reserved {
            match Worker::start(memory_mib) {
                Ok(worker) => self.give_back(worker),
                Err(_) => self.lost(),
            }
        }
    }

    /// Ends the idle workers, and waits for them to exit (outside the lock). Their cores
    /// are free again, so a later build in this process can start workers of its own.
    pub(super) fn stop_idle(&self) {
        let idle = {
            let mut state = self.lock();
            let idle = std::mem::take(&mut state.idle);
            state.running -= idle.len();
            idle
        };
        self.given_back.notify_all();
        drop(idle);
    }

    /// Counts a worker about to be started, if a core has none.
    fn reserve(&self, state: &mut PoolState) -> bool {
        let free = state.running < self.cores;
        state.running += usize::from(free);
        free
    }

    /// A worker with `memory_mib` for one render: an idle one, a new one while a core
    /// has none, or else the next one given back.
    pub(super) fn lend(&self, memory_mib: u64) -> Result<Lent, RenderError> {
        let mut state = self.lock();
        loop {
            if let Some(worker) = state.idle.pop() {
                if worker.memory_mib == memory_mib {
                    return Ok(Lent(Some(worker)));
                }
                state.running -= 1;
                drop(worker);
                continue;
            }
            if self.reserve(&mut state) {
                drop(state);
                return match Worker::start(memory_mib) {
                    Ok(worker) => Ok(Lent(Some(worker))),
                    Err(error) => {
                        self.lost();
                        Err(error)
                    }
                };
            }
            state = self
                .given_back
                .wait(state)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
    }

    fn give_back(&self, worker: Worker) {
        self.lock().idle.push(worker);
        self.given_back.notify_one();
    }

    /// A worker that ended or never started: a core is free for another.
    fn lost(&self) {
        self.lock().running -= 1;
        self.given_back.notify_one();
    }
}

/// A worker lent for one render. One that is neither given back nor failed (its
/// thread panicked) frees its core as it is dropped, so no other thread waits for it.
pub(super) struct Lent(Option<Worker>);

impl Lent {
    pub(super) fn worker(&mut self) -> &mut Worker {
        self.0.as_mut().expect("a lent worker is there until it goes")
    }

    pub(super) fn give_back(mut self) {
        if let Some(worker) = self.0.take() {
            Pool::get().give_back(worker);
        }
    }

    /// Ends a worker that failed, and says why.
    pub(super) fn failed(mut self, timed_out: bool, limits: Limits) -> RenderError {
        let worker = self.0.take().expect("a lent worker is there until it goes");
        Pool::get().lost();
        worker.failed(timed_out, limits)
    }
}

impl Drop for Lent {
    fn drop(&mut self) {
        if self.0.take().is_some() {
            Pool::get().lost();
        }
    }
}

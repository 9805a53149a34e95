//! A guard that turns a SIGBUS on a mapped list file into a damaged list, not a crash.
//!
//! Installed list files are memory-mapped. If another process or a disk fault truncates
//! one under a running engine, touching a page past the new end raises SIGBUS, which
//! kills the process: on a phone, the screening service or the SMS filter would die
//! mid-call. The guard registers every mapped range. A process-wide SIGBUS handler that
//! finds the faulting address inside one maps anonymous zero pages over that whole range
//! (`MAP_FIXED`), marks it faulted and returns, so the faulting read sees zeros and the
//! process goes on. The engine notices the fault ([`faults`]), stops using that list and
//! falls back (see `Engine`), and `status` says so. A fault anywhere else is passed to
//! the handler that was installed before (on Android, ART's chain), or gets the default
//! action, exactly as without the guard.
//!
//! The handler only reads atomics and calls `mmap` and `sigaction`, which are
//! async-signal-safe. On platforms without Unix signals the guard does nothing.

#![allow(unsafe_code)]

use std::sync::atomic::{AtomicU64, Ordering};

/// How many SIGBUS faults on mapped list files the guard has absorbed in this process.
/// The engine compares it before and after a decision: a change means a list it read may
/// have been damaged under it.
pub fn faults() -> u64 {
    FAULTS.load(Ordering::Acquire)
}

static FAULTS: AtomicU64 = AtomicU64::new(0);

/// A read-only file mapping registered with the guard for as long as it lives.
pub struct Guarded {
    map: memmap2::Mmap,
    slot: Option<usize>,
}

impl Guarded {
    /// Registers `map` with the guard (installing the handler on first use). When all
    /// slots are taken the mapping still works, unguarded.
    pub fn new(map: memmap2::Mmap) -> Guarded {
        let slot = imp::register(map.as_ptr() as usize, map.len());
        Guarded { map, slot }
    }

    /// Whether a fault inside this mapping was absorbed: its bytes now read as zeros.
    pub fn faulted(&self) -> bool {
        self.slot.is_some_and(imp::faulted)
    }
}

impl AsRef<[u8]> for Guarded {
    fn as_ref(&self) -> &[u8] {
        &self.map
    }
}

impl Drop for Guarded {
    fn drop(&mut self) {
        // Unregistered before `map` is unmapped (fields drop after this body).
        if let Some(slot) = self.slot {
            imp::unregister(slot);
        }
    }
}

#[cfg(unix)]
mod imp {
    use std::sync::atomic::{AtomicBool, AtomicU8, AtomicUsize, Ordering};
    use std::sync::Once;

    use super::FAULTS;

    /// Mapped files guarded at once: each list set maps five; an engine holds one or two.
    const SLOTS: usize = 512;

    const FREE: u8 = 0;
    const BUSY: u8 = 1;
    const ACTIVE: u8 = 2;

    struct Slot {
        state: AtomicU8,
        start: AtomicUsize,
        len: AtomicUsize,
        faulted: AtomicBool,
    }

    #[allow(clippy::declare_interior_mutable_const)]
    const EMPTY: Slot = Slot {
        state: AtomicU8::new(FREE),
        start: AtomicUsize::new(0),
        len: AtomicUsize::new(0),
        faulted: AtomicBool::new(false),
    };

    static TABLE: [Slot; SLOTS] = [EMPTY; SLOTS];
    static INSTALL: Once = Once::new();
    /// The action in place before ours, written once before ours is installed.
    static mut PREVIOUS: Option<libc::sigaction> = None;

    pub fn register(start: usize, len: usize) -> Option<usize> {
        if len == 0 {
            return None;
        }
        INSTALL.call_once(install);
        for (index, slot) in TABLE.iter().enumerate() {
            if slot
                .state
                .compare_exchange(FREE, BUSY, Ordering::AcqRel, Ordering::Relaxed)
                .is_ok()
            {
                slot.start.store(start, Ordering::Relaxed);
                slot.len.store(len, Ordering::Relaxed);
                slot.faulted.store(false, Ordering::Relaxed);
                slot.state.store(ACTIVE, Ordering::Release);
                return Some(index);
            }
        }
        None
    }

    pub fn unregister(index: usize) {
        if let Some(slot) = TABLE.get(index) {
            slot.state.store(BUSY, Ordering::Release);
            slot.len.store(0, Ordering::Relaxed);
            slot.state.store(FREE, Ordering::Release);
        }
    }

    pub fn faulted(index: usize) -> bool {
        TABLE
            .get(index)
            .is_some_and(|slot| slot.faulted.load(Ordering::Acquire))
    }

    fn install() {
        // SAFETY: a zeroed `sigaction` is a valid "no handler" value; `sigaction` is given
        // valid pointers; PREVIOUS is written here once, before the handler that reads it
        // can run, and never again.
        unsafe {
            let mut previous: libc::sigaction = std::mem::zeroed();
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = handler as *const () as libc::sighandler_t;
            action.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK | libc::SA_NODEFER;
            libc::sigemptyset(&mut action.sa_mask);
            if libc::sigaction(libc::SIGBUS, std::ptr::null(), &mut previous) != 0 {
                return;
            }
            PREVIOUS = Some(previous);
            libc::sigaction(libc::SIGBUS, &action, std::ptr::null_mut());
        }
    }

    #[cfg(any(target_os = "linux", target_os = "android"))]
    unsafe fn fault_address(info: *const libc::siginfo_t) -> usize {
        // SAFETY: the kernel passes a valid siginfo for SA_SIGINFO handlers.
        unsafe { (*info).si_addr() as usize }
    }

    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    unsafe fn fault_address(info: *const libc::siginfo_t) -> usize {
        // SAFETY: the kernel passes a valid siginfo for SA_SIGINFO handlers.
        unsafe { (*info).si_addr as usize }
    }

    extern "C" fn handler(
        signal: libc::c_int,
        info: *mut libc::siginfo_t,
        context: *mut libc::c_void,
    ) {
        // SAFETY: see `fault_address`; `info` is non-null for SA_SIGINFO handlers.
        let address = if info.is_null() {
            0
        } else {
            unsafe { fault_address(info) }
        };
        for slot in &TABLE {
            if slot.state.load(Ordering::Acquire) != ACTIVE {
                continue;
            }
            let start = slot.start.load(Ordering::Relaxed);
            let len = slot.len.load(Ordering::Relaxed);
            if address < start || address - start >= len {
                continue;
            }
            // SAFETY: [start, start + len) is a live read-only mapping owned by a
            // `Guarded`; replacing it in place with zero pages keeps it mapped, so every
            // later read (and the munmap in `Drop`) stays valid.
            let replaced = unsafe {
                libc::mmap(
                    start as *mut libc::c_void,
                    len,
                    libc::PROT_READ,
                    libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_FIXED,
                    -1,
                    0,
                )
            };
            if replaced != libc::MAP_FAILED {
                slot.faulted.store(true, Ordering::Release);
                FAULTS.fetch_add(1, Ordering::AcqRel);
                return;
            }
        }
        // Not ours: behave as if the guard were not there.
        // SAFETY: PREVIOUS was written before this handler was installed; calling the
        // previous handler with the kernel's arguments is what chaining means, and
        // restoring the default action makes the re-executed fault take its default.
        unsafe {
            let previous = *std::ptr::addr_of!(PREVIOUS);
            match previous {
                Some(previous)
                    if previous.sa_sigaction != libc::SIG_DFL
                        && previous.sa_sigaction != libc::SIG_IGN =>
                {
                    if previous.sa_flags & libc::SA_SIGINFO != 0 {
                        let chained: extern "C" fn(
                            libc::c_int,
                            *mut libc::siginfo_t,
                            *mut libc::c_void,
                        ) = std::mem::transmute(previous.sa_sigaction);
                        chained(signal, info, context);
                    } else {
                        let chained: extern "C" fn(libc::c_int) =
                            std::mem::transmute(previous.sa_sigaction);
                        chained(signal);
                    }
                }
                _ => {
                    let mut default: libc::sigaction = std::mem::zeroed();
                    default.sa_sigaction = libc::SIG_DFL;
                    libc::sigaction(libc::SIGBUS, &default, std::ptr::null_mut());
                }
            }
        }
    }
}

#[cfg(not(unix))]
mod imp {
    pub fn register(_start: usize, _len: usize) -> Option<usize> {
        None
    }
    pub fn unregister(_index: usize) {}
    pub fn faulted(_index: usize) -> bool {
        false
    }
}

//! Layer 0: SIGTERM, SIGHUP and SIGINT, taken by one thread. By default a signal kills the
//! process groups hfdoctor started (`proc::kill_all_live`) and then hfdoctor itself, by the
//! same signal, so nothing it started outlives it; `hfdoctor -- CMD` installs a handler that
//! forwards them to the command instead (docs/notes/processes.md).

use std::sync::{Mutex, Once};

/// The signals taken.
pub const SIGNALS: [i32; 3] = [libc::SIGTERM, libc::SIGHUP, libc::SIGINT];

/// Called with (signal, sent by the kernel, as a terminal's Ctrl-C is); true: handled, false:
/// do the default (kill the children, then die of the signal).
type Handler = Box<dyn Fn(i32, bool) -> bool + Send>;

static HANDLER: Mutex<Option<Handler>> = Mutex::new(None);
static INSTALL: Once = Once::new();

fn set() -> libc::sigset_t {
    // SAFETY: sigset_t is plain data; sigemptyset/sigaddset initialise it before any read.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        for s in SIGNALS {
            libc::sigaddset(&mut set, s);
        }
        set
    }
}

/// Block the signals in this thread, and so in every thread started from it later, and start
/// the thread that takes them. Call it first thing in main, before any other thread exists
/// (a thread started before keeps its own mask and could take a signal the default way).
/// Children start with a clean mask: std resets it before exec.
pub fn install() {
    INSTALL.call_once(|| {
        let set = set();
        // SAFETY: `set` is initialised; pthread_sigmask changes only this thread's mask.
        unsafe {
            libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
        }
        std::thread::spawn(move || loop {
            // SAFETY: `set` is an initialised sigset_t owned by this thread; `info` a zeroed
            // siginfo_t that sigwaitinfo fills in.
            let (sig, code) = unsafe {
                let mut info: libc::siginfo_t = std::mem::zeroed();
                let sig = libc::sigwaitinfo(&set, &mut info);
                (sig, info.si_code)
            };
            if sig <= 0 {
                continue;
            }
            let handled = HANDLER
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .as_ref()
                .is_some_and(|h| h(sig, code == libc::SI_KERNEL));
            if !handled {
                crate::world::proc::kill_all_live();
                die_of(sig);
            }
        });
    });
}

/// Handle the signals with `f` from now on (`install` first).
pub fn set_handler(f: impl Fn(i32, bool) -> bool + Send + 'static) {
    install();
    *HANDLER.lock().unwrap_or_else(|e| e.into_inner()) = Some(Box::new(f));
}

pub fn clear_handler() {
    *HANDLER.lock().unwrap_or_else(|e| e.into_inner()) = None;
}

/// End hfdoctor as the signal would have: whoever started it sees it killed by `sig`.
fn die_of(sig: i32) -> ! {
    use std::io::Write;
    let _ = std::io::stdout().flush();
    // SAFETY: plain libc calls on integers and an initialised sigset_t: back to the default
    // action, unblocked in this thread, then raised here, which ends the process.
    unsafe {
        libc::signal(sig, libc::SIG_DFL);
        let mut one: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut one);
        libc::sigaddset(&mut one, sig);
        libc::pthread_sigmask(libc::SIG_UNBLOCK, &one, std::ptr::null_mut());
        libc::raise(sig);
    }
    std::process::exit(128 + sig)
}

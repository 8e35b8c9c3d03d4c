//! Standard output for every command. `println!` panics when stdout is a
//! closed pipe (`recgate eval … | head -1`); a command line tool ends quietly
//! there instead, as `grep` and `rg` do: exit 0 on a broken pipe, and exit 2
//! ("the command could not run") with a message on any other write error.

use std::fmt;
use std::io::{ErrorKind, Write};

/// `println!` that ends the process cleanly when stdout is gone.
macro_rules! outln {
    () => { $crate::out::write(format_args!(""), true) };
    ($($arg:tt)*) => { $crate::out::write(format_args!($($arg)*), true) };
}

/// `print!` that ends the process cleanly when stdout is gone.
macro_rules! out {
    ($($arg:tt)*) => { $crate::out::write(format_args!($($arg)*), false) };
}

pub(crate) use {out, outln};

/// Writes `args` (and a newline) to stdout, or ends the process as [`failed`] says.
pub fn write(args: fmt::Arguments<'_>, newline: bool) {
    let mut stdout = std::io::stdout().lock();
    let written = stdout.write_fmt(args).and_then(|()| {
        if newline {
            stdout.write_all(b"\n")
        } else {
            Ok(())
        }
    });
    if let Err(e) = written {
        failed(&e);
    }
}

/// Ends the process after a failed write to stdout: quietly (0) when the
/// reader has gone, 2 with the error otherwise.
pub fn failed(e: &std::io::Error) -> ! {
    if e.kind() == ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    eprintln!("recgate: cannot write: {e}");
    std::process::exit(2);
}

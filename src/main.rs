//! The `vimes` binary: everything lives in the library crate.

fn main() -> std::process::ExitCode {
    vimes::run()
}

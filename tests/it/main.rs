//! Integration tests: the real `vimes` binary against the real test bed.

mod support;

mod admission;
mod config_cmd;
mod copy;
mod cosign_compat;
mod promote;
mod scan;
mod secrets;
mod signing;
mod trivy_bed;

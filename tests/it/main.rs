//! Integration tests: the real `vimes` binary against the real test bed.

mod support;

mod admission;
mod build;
mod check;
mod check_evasions;
mod config_cmd;
mod consumers;
mod copy;
mod cosign_compat;
mod docs;
mod fail_closed;
mod faults;
mod harbor;
mod hook;
mod pins;
mod pkcs11;
mod promote;
mod promote_inventory;
mod provenance;
mod quickstart;
mod registry_trust;
mod report;
mod rescan;
mod runbooks;
mod sbom;
mod scan;
mod secrets;
mod signing;
mod snapshots;
mod status;
mod trivy_bed;
mod vex;

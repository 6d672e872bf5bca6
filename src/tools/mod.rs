//! External programs, each behind one module with a typed invocation and a
//! typed parsed result, sharing one runner.

pub mod builder;
pub mod runner;
pub mod syft;
pub mod trivy;

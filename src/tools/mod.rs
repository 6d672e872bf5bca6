//! External programs, each behind one module with a typed invocation and a
//! typed parsed result, all run through [`crate::process`].

pub mod builder;
pub mod git;
pub mod pin;
pub mod syft;
pub mod trivy;

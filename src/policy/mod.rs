//! Policy decisions: what may run, and the admission policies that make a
//! cluster enforce the same rules as vimes itself.

pub mod admission;
pub mod exceptions;
pub mod export;
pub mod gate;
pub mod provenance;
pub mod rollback;
pub mod sarif;
pub mod vex;

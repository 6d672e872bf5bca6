//! Multi-step workflows built from the engine's parts: scan gate, review,
//! promotion.

pub mod build;
pub mod evidence;
pub mod promote;
pub mod review;
pub mod scan;

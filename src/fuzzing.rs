//! Entry points for fuzz targets and property tests: each feeds arbitrary
//! bytes to one parser of untrusted input and discards the result. They exist
//! so the parsers can stay private to the crate; a panic in any of them is a
//! bug.

//! copy tests

//! `vimes hook` integration tests (being written).

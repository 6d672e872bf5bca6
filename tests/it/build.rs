//! `vimes build` integration tests (being written).

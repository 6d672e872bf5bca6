//! `vimes check` integration tests (being written).

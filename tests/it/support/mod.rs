//! Test bed (being written).

//! HTTP sync from the counter to the district server.

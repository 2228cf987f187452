//! The versioned wire types shared by the counter and the district server.

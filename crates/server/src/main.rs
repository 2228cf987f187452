//! The district server `motcua-server`.

fn main() {}

//! `motcua`: the counter's headless face, for scripting, support staff and tests.

fn main() {}

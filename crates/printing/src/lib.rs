//! Every printed page of the counter: a layout model and its PDF renderer.

//! Examples live in `examples/`; run them with `cargo run -p interconnect-examples --example NAME`.

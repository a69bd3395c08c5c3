//! # check_pair: checking a customer's two networks before connecting them
//!
//! Reads the customer-side golden documents of `interconnect-core`
//! (`crates/interconnect-core/tests/data/customer/`): one `Attachment` per
//! end, the network each provider attaches to with its CIDR ranges, IP stack
//! and MTU. `customer::validate_pair` reports every broken `CUST-` rule with
//! its path, and the `Report` says whether the pair is valid. The first pair
//! is valid; the second has a remote range inside a local one.
//!
//! Run it with `cargo run -p interconnect-examples --example check_pair`.

use std::error::Error;
use std::path::{Path, PathBuf};

use interconnect_core::customer::{self, Attachment, PairContext};
use interconnect_core::validation::Report;
use interconnect_core::wire::from_json;

fn main() -> Result<(), Box<dyn Error>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../crates/interconnect-core/tests/data/customer");
    let valid = check(&dir, "local.json", "remote.json")?;
    if !valid.valid {
        return Err("the valid pair was refused".into());
    }
    let overlapping = check(&dir, "overlap/local.json", "overlap/remote.json")?;
    if overlapping.rules() != [customer::rules::CIDR_OVERLAP] {
        return Err("the overlapping pair was not refused for its overlap".into());
    }
    Ok(())
}

/// Reads two attachments, validates them as a pair and prints the report.
fn check(dir: &Path, local: &str, remote: &str) -> Result<Report, Box<dyn Error>> {
    let local_end = read(dir.join(local))?;
    let remote_end = read(dir.join(remote))?;
    println!("local  {local}: {}", describe(&local_end));
    println!("remote {remote}: {}", describe(&remote_end));
    let report = Report::from(customer::validate_pair(
        &local_end,
        &remote_end,
        &PairContext::default(),
    ));
    println!("{}\n", serde_json::to_string_pretty(&report)?);
    Ok(report)
}

/// Reads one attachment; a bad document names the file and the JSON path.
fn read(path: PathBuf) -> Result<Attachment, Box<dyn Error>> {
    let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(from_json(&bytes).map_err(|e| format!("{}: {e}", path.display()))?)
}

fn describe(end: &Attachment) -> String {
    let cidrs: Vec<String> = end.cidrs.iter().map(ToString::to_string).collect();
    format!(
        "{} {}, {}, MTU {}",
        end.provider,
        cidrs.join(" "),
        end.ip_stack,
        end.mtu_bytes
    )
}

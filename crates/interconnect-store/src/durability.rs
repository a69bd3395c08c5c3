//! [`Durability`]: which crash a commit that has left the provider survives
//! (`spec/REQUIREMENTS.md` OPS-33, `spec/ERRATA.md` E-407 and E-408).
//!
//! Both stores commit without waiting for the disk (SQLite
//! `synchronous = NORMAL` in WAL mode, PostgreSQL `synchronous_commit =
//! off`): a commit is in the database's log when it returns, so it survives
//! a crash of `serve` (SIGKILL, a panic, the OOM killer) either way. What
//! the setting chooses is whether the disk is waited for before anything
//! leaves the provider ([`Store::make_durable`]), which is what a crash of
//! the machine, or of the PostgreSQL server, needs.
//!
//! [`Store::make_durable`]: interconnect_provider::store::Store::make_durable

use serde::Deserialize;

/// Which crash a commit survives once a partner, customer or device has
/// seen its effect.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Durability {
    /// A crash of the machine or of the database server too: before an
    /// answer or a call leaves the provider, the store waits once for the
    /// disk, which covers every commit before it (one wait per message,
    /// not per commit). The default.
    #[default]
    Machine,
    /// A crash of `serve` only: nothing waits for the disk. A power failure
    /// of the machine holding SQLite, or a crash of the PostgreSQL server,
    /// can take back the last commits (PostgreSQL: up to three times its
    /// `wal_writer_delay`) although the partner may have acted on them;
    /// the partner checks of the reference provider then find and repair
    /// the difference, as after a restart on a lost store. For a store
    /// whose disk survives power failures (a battery-backed cache) or whose
    /// database server replicates synchronously.
    Process,
}

impl Durability {
    /// The setting's text, as in the `[store]` section.
    pub fn as_str(self) -> &'static str {
        match self {
            Durability::Machine => "machine",
            Durability::Process => "process",
        }
    }
}

impl std::fmt::Display for Durability {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

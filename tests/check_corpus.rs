//! Placeholder replaced by the check corpus runner.

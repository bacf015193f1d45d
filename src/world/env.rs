//! The environment variables, snapshotted once at start. Nothing else in hfdoctor reads
//! `std::env`: tests build an `Env` from pairs, the binary from the process.

use std::collections::BTreeMap;
use std::ffi::OsString;

/// A snapshot of the environment variables, taken once. Values stay `OsString` because a
/// variable may hold bytes that are not UTF-8, and that is itself something to diagnose.
#[derive(Debug, Clone, Default)]
pub struct Env {
    vars: BTreeMap<String, OsString>,
}

impl Env {
    pub fn from_process() -> Self {
        let vars = std::env::vars_os()
            .filter_map(|(k, v)| k.into_string().ok().map(|k| (k, v)))
            .collect();
        Env { vars }
    }

    pub fn from_pairs<K: Into<String>, V: Into<OsString>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        Env {
            vars: pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        }
    }

    /// The raw value, `None` when unset. A set-but-empty variable is `Some("")`: Python's
    /// `os.getenv` makes the same distinction and several quirks depend on it.
    pub fn raw(&self, name: &str) -> Option<&OsString> {
        self.vars.get(name)
    }

    /// The value as text (lossy for non-UTF-8 bytes), `None` when unset.
    pub fn get(&self, name: &str) -> Option<String> {
        self.vars
            .get(name)
            .map(|v| v.to_string_lossy().into_owned())
    }

    /// Set and not empty: the truthiness of Python's `os.environ.get(name)` in an `or` chain.
    pub fn non_empty(&self, name: &str) -> Option<String> {
        self.get(name).filter(|v| !v.is_empty())
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &OsString)> {
        self.vars.iter()
    }

    /// This environment with `name` set to `value`.
    pub fn with(&self, name: &str, value: &str) -> Env {
        let mut vars = self.vars.clone();
        vars.insert(name.to_string(), value.into());
        Env { vars }
    }

    /// This environment without `names`: what a new shell has once a start-up line is gone.
    pub fn without(&self, names: &[&str]) -> Env {
        let mut vars = self.vars.clone();
        vars.retain(|k, _| !names.contains(&k.as_str()));
        Env { vars }
    }

    pub fn is_set(&self, name: &str) -> bool {
        self.vars.contains_key(name)
    }

    /// `huggingface_hub.constants._is_true`: only 1, ON, YES, TRUE (any case) are true.
    pub fn is_true(&self, name: &str) -> bool {
        self.get(name).is_some_and(|v| is_true_value(&v))
    }

    /// The variable that decides offline mode, `HF_HUB_OFFLINE or TRANSFORMERS_OFFLINE` as
    /// constants.py reads it (the first non-empty one), with its raw value.
    pub fn offline_setting(&self) -> Option<(&'static str, String)> {
        ["HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"]
            .into_iter()
            .find_map(|v| self.non_empty(v).map(|value| (v, value)))
    }

    /// Offline mode is on, as the client decides it.
    pub fn offline(&self) -> bool {
        self.offline_setting()
            .is_some_and(|(_, v)| is_true_value(&v))
    }
}

pub fn is_true_value(v: &str) -> bool {
    matches!(v.to_ascii_uppercase().as_str(), "1" | "ON" | "YES" | "TRUE")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truthiness_matches_the_python_client() {
        for v in ["1", "on", "ON", "yes", "True", "TRUE"] {
            assert!(is_true_value(v), "{v}");
        }
        for v in ["", "0", "y", "2", "false", " 1", "enabled"] {
            assert!(!is_true_value(v), "{v}");
        }
    }

    #[test]
    fn offline_is_decided_by_the_first_non_empty_variable() {
        let env = |pairs: &[(&str, &str)]| Env::from_pairs(pairs.iter().copied());
        assert!(!env(&[]).offline());
        assert!(env(&[("TRANSFORMERS_OFFLINE", "1")]).offline());
        let e = env(&[("HF_HUB_OFFLINE", "0"), ("TRANSFORMERS_OFFLINE", "1")]);
        assert_eq!(
            e.offline_setting(),
            Some(("HF_HUB_OFFLINE", "0".to_string()))
        );
        assert!(!e.offline());
        let e = env(&[("HF_HUB_OFFLINE", ""), ("TRANSFORMERS_OFFLINE", "yes")]);
        assert_eq!(
            e.offline_setting().map(|(v, _)| v),
            Some("TRANSFORMERS_OFFLINE")
        );
        assert!(e.offline());
    }
}

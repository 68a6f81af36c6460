//! Where settings are read from: the process environment, then an
//! optional TOML file of the same names.

use std::collections::{BTreeSet, HashMap};
use std::sync::Mutex;

use super::SettingsError;

/// Variables looked up by name: the environment first, then the file.
#[derive(Debug, Default)]
pub struct Source {
    pub(super) env: HashMap<String, String>,
    file: HashMap<String, String>,
    /// Every name looked up, so a test can hold the documentation to the
    /// variables the configuration really reads.
    read: Mutex<BTreeSet<String>>,
}

impl Source {
    /// The process environment plus, when given, a TOML file of
    /// `NAME = "value"` pairs.
    ///
    /// # Errors
    /// When the file cannot be read or is not such a table.
    pub fn from_env(config_file: Option<&str>) -> Result<Source, SettingsError> {
        let env = std::env::vars().collect();
        let file = match config_file {
            Some(path) => read_file(path).map_err(|e| SettingsError(vec![e]))?,
            None => HashMap::new(),
        };
        Ok(Source {
            env,
            file,
            read: Mutex::default(),
        })
    }

    /// Only these variables, as a test or embedder would pass them.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Source {
        let env = pairs
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        Source {
            env,
            file: HashMap::new(),
            read: Mutex::default(),
        }
    }

    /// The names looked up so far.
    pub fn names_read(&self) -> BTreeSet<String> {
        self.read
            .lock()
            .map(|read| read.clone())
            .unwrap_or_default()
    }

    pub(super) fn get(&self, name: &str) -> Option<&str> {
        if let Ok(mut read) = self.read.lock() {
            read.insert(name.to_owned());
        }
        self.env
            .get(name)
            .or_else(|| self.file.get(name))
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
    }
}

fn read_file(path: &str) -> Result<HashMap<String, String>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("config file {path}: {e}"))?;
    let table: toml::Table = text
        .parse()
        .map_err(|e| format!("config file {path}: {e}"))?;
    table
        .into_iter()
        .map(|(k, v)| match v {
            toml::Value::String(s) => Ok((k, s)),
            toml::Value::Integer(n) => Ok((k, n.to_string())),
            toml::Value::Boolean(b) => Ok((k, b.to_string())),
            other => Err(format!(
                "config file {path}: {k} must be a string, number or boolean, not {}",
                other.type_str()
            )),
        })
        .collect()
}

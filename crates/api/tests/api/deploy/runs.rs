//! Reading what the files under `deploy/` set: the Dockerfile's `ENV`,
//! the environment of each compose service and Kubernetes container that
//! runs the oms image, and Railway's variables.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use compose_spec::ShortOrLong;
use compose_spec::service::Command;
use compose_spec::service::build::Dockerfile;
use compose_spec::service::volumes::Source;
use yaml_rust2::{Yaml, YamlLoader};

/// A variable's value as a file sets it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// Written in the file.
    Literal(String),
    /// Filled in where it runs: `${VAR:?...}` from the operator's shell, a
    /// Kubernetes Secret's key, a Railway reference.
    Supplied,
}

/// One way of running oms that a file describes.
#[derive(Debug)]
pub struct Run {
    /// The file and the service or container in it.
    pub what: String,
    /// What it sets, over the image's `ENV`.
    pub env: BTreeMap<String, Value>,
    /// How many copies may run at once.
    pub replicas: Scale,
    /// Where it mounts storage that outlives the container.
    pub mounts: Vec<String>,
    /// Whether it runs the server (not a one-off command).
    pub serves: bool,
    /// Seconds from the stop signal to the kill, and of them the seconds
    /// spent before the signal reaches the server (a preStop pause).
    pub grace: Option<(u64, u64)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    One,
    Many,
}

pub fn deploy_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../deploy")
}

/// Every file under `deploy/`, by path relative to it.
pub fn every_file() -> Vec<String> {
    fn walk(dir: &Path, base: &Path, into: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, base, into);
            } else {
                let relative = path.strip_prefix(base).unwrap();
                into.push(relative.to_string_lossy().into_owned());
            }
        }
    }
    let base = deploy_dir();
    let mut files = Vec::new();
    walk(&base, &base, &mut files);
    files.sort();
    files
}

pub fn read(relative: &str) -> String {
    std::fs::read_to_string(deploy_dir().join(relative))
        .unwrap_or_else(|e| panic!("deploy/{relative}: {e}"))
}

/// The Dockerfile's instructions of the final stage, continuation lines
/// joined: `(INSTRUCTION, arguments)`.
pub fn dockerfile_final_stage() -> Vec<(String, String)> {
    let text = read("Dockerfile");
    let mut instructions = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let line = line.trim();
        if current.is_empty() && (line.is_empty() || line.starts_with('#')) {
            continue;
        }
        if let Some(continued) = line.strip_suffix('\\') {
            current.push_str(continued);
            current.push(' ');
            continue;
        }
        current.push_str(line);
        let (word, rest) = current.split_once(' ').unwrap_or((&current, ""));
        instructions.push((word.to_uppercase(), rest.trim().to_owned()));
        current.clear();
    }
    let last_from = instructions
        .iter()
        .rposition(|(word, _)| word == "FROM")
        .expect("a FROM");
    instructions.split_off(last_from)
}

/// The image's `ENV` (`NAME=value` pairs).
pub fn image_env() -> BTreeMap<String, Value> {
    dockerfile_final_stage()
        .into_iter()
        .filter(|(word, _)| word == "ENV")
        .flat_map(|(_, args)| {
            args.split_whitespace()
                .map(|pair| {
                    let (name, value) = pair.split_once('=').expect("ENV NAME=value");
                    (name.to_owned(), Value::Literal(value.to_owned()))
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// A compose value: `${VAR:?...}` is the operator's, `${VAR:-default}`
/// the default when unset, anything else literal.
fn compose_value(raw: &str) -> Value {
    match raw.strip_prefix("${").and_then(|r| r.strip_suffix('}')) {
        Some(inner) if inner.contains(":?") => Value::Supplied,
        Some(inner) => Value::Literal(inner.split_once(":-").map_or("", |(_, d)| d).to_owned()),
        None => Value::Literal(raw.to_owned()),
    }
}

fn scalar(yaml: &Yaml) -> Option<String> {
    match yaml {
        Yaml::String(s) | Yaml::Real(s) => Some(s.clone()),
        Yaml::Integer(n) => Some(n.to_string()),
        Yaml::Boolean(b) => Some(b.to_string()),
        _ => None,
    }
}

pub fn yaml_documents(relative: &str) -> Vec<Yaml> {
    YamlLoader::load_from_str(&read(relative))
        .unwrap_or_else(|e| panic!("deploy/{relative} is not YAML: {e}"))
}

/// The compose services that run the image built from `deploy/Dockerfile`,
/// from a file read as the Compose specification defines it (unknown
/// fields refused, `<<` merge keys applied).
pub fn compose_runs(relative: &str) -> Vec<Run> {
    let text = read(relative);
    assert_interpolates(relative, &text);
    let compose = compose_spec::Compose::options()
        .apply_merge(true)
        .from_yaml_str(&text)
        .unwrap_or_else(|e| panic!("deploy/{relative} breaks the Compose specification: {e}"));
    let mut runs = Vec::new();
    for (name, service) in compose.services {
        let dockerfile = match &service.build {
            Some(ShortOrLong::Long(build)) => build.dockerfile.clone(),
            _ => None,
        };
        if dockerfile != Some(Dockerfile::File("deploy/Dockerfile".into())) {
            continue;
        }
        let env = service
            .environment
            .into_map()
            .unwrap_or_else(|e| panic!("deploy/{relative} service {name}: {e}"))
            .into_iter()
            .map(|(key, value)| {
                let raw = value.map(|v| v.to_string()).unwrap_or_default();
                (key.to_string(), compose_value(&raw))
            })
            .collect();
        let mounts = service
            .volumes
            .iter()
            .filter_map(|volume| match volume {
                ShortOrLong::Short(short) => short
                    .options
                    .as_ref()
                    .filter(|o| matches!(o.source, Source::Volume(_)))
                    .map(|_| short.container_path.as_path().display().to_string()),
                ShortOrLong::Long(_) => None,
            })
            .collect();
        let serves = match &service.command {
            None => true,
            Some(Command::List(args)) => args.first().is_some_and(|a| a == "serve"),
            Some(Command::String(line)) => line.trim() == "serve",
        };
        // Compose's default when a service names none.
        let grace = service.stop_grace_period.map_or(10, |d| d.as_secs());
        let replicas = service.deploy.and_then(|d| d.replicas).unwrap_or(1);
        runs.push(Run {
            what: format!("deploy/{relative} service {name}"),
            env,
            replicas: if replicas > 1 {
                Scale::Many
            } else {
                Scale::One
            },
            mounts,
            serves,
            grace: Some((grace, 0)),
        });
    }
    runs
}

/// Compose expands `$` everywhere but in comments, error messages of
/// `${VAR:?message}` included, and refuses the whole file over one it
/// cannot read: every `$` must start `$$`, `${` or `$NAME`.
fn assert_interpolates(relative: &str, text: &str) {
    for line in text.lines().filter(|l| !l.trim_start().starts_with('#')) {
        let mut rest = line;
        while let Some(at) = rest.find('$') {
            let next = rest[at + 1..].chars().next().unwrap_or(' ');
            assert!(
                next == '$' || next == '{' || next == '_' || next.is_ascii_alphabetic(),
                "deploy/{relative}: compose cannot expand `${next}` in {line:?}"
            );
            rest = &rest[at + 1 + usize::from(next == '$')..];
        }
    }
}

/// The containers of every workload in a Kubernetes folder, each with the
/// Secrets' keys it reads checked to exist in that folder's Secrets.
pub fn kubernetes_runs(folder: &str) -> Vec<Run> {
    let docs: Vec<Yaml> = every_file()
        .into_iter()
        .filter(|f| f.starts_with(&format!("{folder}/")) && f.ends_with(".yaml"))
        .flat_map(|f| yaml_documents(&f))
        .collect();
    let secret_keys: Vec<(String, String)> = docs
        .iter()
        .filter(|d| d["kind"].as_str() == Some("Secret"))
        .flat_map(|d| {
            let name = d["metadata"]["name"].as_str().unwrap().to_owned();
            ["stringData", "data"]
                .into_iter()
                .filter_map(|field| d[field].as_hash())
                .flat_map(|keys| keys.keys().filter_map(Yaml::as_str).map(str::to_owned))
                .map(|key| (name.clone(), key))
                .collect::<Vec<_>>()
        })
        .collect();
    let autoscaled: Vec<&str> = docs
        .iter()
        .filter(|d| d["kind"].as_str() == Some("HorizontalPodAutoscaler"))
        .filter_map(|d| d["spec"]["scaleTargetRef"]["name"].as_str())
        .collect();
    let mut runs = Vec::new();
    for doc in &docs {
        let kind = doc["kind"].as_str().unwrap_or_default();
        if !matches!(kind, "Deployment" | "StatefulSet") {
            continue;
        }
        let name = doc["metadata"]["name"].as_str().unwrap();
        let spec = &doc["spec"];
        let many = spec["replicas"].as_i64().unwrap_or(1) > 1 || autoscaled.contains(&name);
        let claims: Vec<&str> = spec["volumeClaimTemplates"]
            .as_vec()
            .into_iter()
            .flatten()
            .filter_map(|claim| claim["metadata"]["name"].as_str())
            .collect();
        let pod = &spec["template"]["spec"];
        // Kubernetes' default when a pod names none.
        let grace = pod["terminationGracePeriodSeconds"].as_i64().unwrap_or(30);
        for container in pod["containers"].as_vec().unwrap() {
            let mut env = BTreeMap::new();
            for var in container["env"].as_vec().into_iter().flatten() {
                let var_name = var["name"].as_str().unwrap().to_owned();
                let value = match scalar(&var["value"]) {
                    Some(v) => Value::Literal(v),
                    None => {
                        let from = &var["valueFrom"]["secretKeyRef"];
                        let wanted = (
                            from["name"].as_str().unwrap_or_default().to_owned(),
                            from["key"].as_str().unwrap_or_default().to_owned(),
                        );
                        assert!(
                            secret_keys.contains(&wanted),
                            "deploy/{folder} {kind} {name}: {var_name} reads Secret key {wanted:?}, which no Secret there holds"
                        );
                        Value::Supplied
                    }
                };
                env.insert(var_name, value);
            }
            let mounts = container["volumeMounts"]
                .as_vec()
                .into_iter()
                .flatten()
                .filter(|m| claims.contains(&m["name"].as_str().unwrap_or_default()))
                .filter_map(|m| m["mountPath"].as_str().map(str::to_owned))
                .collect();
            let args: Vec<&str> = container["args"]
                .as_vec()
                .into_iter()
                .flatten()
                .filter_map(Yaml::as_str)
                .collect();
            let pause = container["lifecycle"]["preStop"]["sleep"]["seconds"]
                .as_i64()
                .unwrap_or(0);
            runs.push(Run {
                what: format!("deploy/{folder} {kind} {name}"),
                env,
                replicas: if many { Scale::Many } else { Scale::One },
                mounts,
                serves: args.first().is_none_or(|a| *a == "serve"),
                grace: Some((seconds(grace), seconds(pause))),
            });
        }
    }
    runs
}

/// `NAME=value` lines; `${{...}}` references are Railway's to fill in.
pub fn env_file_run(relative: &str) -> Run {
    let env = read(relative)
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| {
            let (name, value) = line
                .split_once('=')
                .unwrap_or_else(|| panic!("deploy/{relative}: {line:?} is not NAME=value"));
            let value = if value.starts_with("${{") {
                Value::Supplied
            } else {
                Value::Literal(value.to_owned())
            };
            (name.to_owned(), value)
        })
        .collect();
    Run {
        what: format!("deploy/{relative}"),
        env,
        replicas: Scale::One,
        mounts: Vec::new(),
        serves: true,
        grace: None,
    }
}

fn seconds(n: i64) -> u64 {
    u64::try_from(n).expect("a count of seconds")
}

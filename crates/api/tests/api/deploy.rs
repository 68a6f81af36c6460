//! The files under `deploy/` against the code: every variable they set is
//! one the configuration reads; every way they run oms starts in production
//! with what production requires, keeps its data on a volume or MongoDB,
//! and gets its shutdown time before the kill; only MongoDB is scaled past
//! one copy; and the image's health check really asks the server.

mod runs;

use std::time::Duration;

use oms_api::settings::{Settings, Source, StoreSettings};
use yaml_rust2::Yaml;

use crate::binary::{oms, signal, start_answering};
use crate::configuration::names_read;
use runs::{Run, Scale, Value};

/// What an operator or platform fills in, as the settings would see it:
/// a secret, unless the variable takes an address.
const SUPPLIED: &str = "supplied-where-it-runs-0123456789abcdef0123456789";

fn supplied(name: &str) -> &'static str {
    match name {
        "OMS_CORS_ORIGINS" => "https://pages.shop.example",
        "MONGODB_URI" => "mongodb://db.shop.example/oms?replicaSet=rs0",
        _ => SUPPLIED,
    }
}

/// The probe paths the server answers.
const PROBES: [&str; 2] = ["/healthz", "/readyz"];

/// Every way the files run the oms image, each over the image's `ENV`.
fn runs() -> Vec<Run> {
    let mut runs = Vec::new();
    for compose in ["compose.yaml", "compose.embedded.yaml"] {
        runs.extend(runs::compose_runs(compose));
    }
    for folder in ["k8s/mongodb", "k8s/embedded"] {
        runs.extend(runs::kubernetes_runs(folder));
    }
    let mut railway = runs::env_file_run("railway/variables.env");
    let draining = railway_config()["deploy"]["drainingSeconds"].as_u64();
    railway.grace = draining.map(|seconds| (seconds, 0));
    runs.push(railway);
    let image = runs::image_env();
    for run in &mut runs {
        for (name, value) in &image {
            run.env.entry(name.clone()).or_insert_with(|| value.clone());
        }
    }
    runs
}

fn railway_config() -> serde_json::Value {
    serde_json::from_str(&runs::read("railway/railway.json")).expect("railway.json is JSON")
}

/// The settings `run` starts with, each supplied value filled in, except
/// `unresolved`, left empty as a reference that did not resolve would be.
fn load(run: &Run, unresolved: Option<&str>) -> Result<Settings, String> {
    let pairs: Vec<(&str, &str)> = run
        .env
        .iter()
        .map(|(name, value)| match value {
            Value::Literal(v) => (name.as_str(), v.as_str()),
            Value::Supplied if unresolved == Some(name.as_str()) => (name.as_str(), ""),
            Value::Supplied => (name.as_str(), supplied(name)),
        })
        .collect();
    Settings::load(&Source::from_pairs(pairs)).map_err(|e| e.to_string())
}

fn settings_of(run: &Run) -> Settings {
    load(run, None).unwrap_or_else(|e| panic!("{} does not start:\n{e}", run.what))
}

fn store_kind(settings: &Settings) -> &'static str {
    match settings.store {
        StoreSettings::Memory => "memory",
        StoreSettings::Sqlite { .. } => "sqlite",
        StoreSettings::Mongo { .. } => "mongodb",
    }
}

#[test]
fn every_file_under_deploy_is_known_and_well_formed() {
    let read: Vec<&str> = vec![
        "Dockerfile",
        "Dockerfile.dockerignore",
        "README.md",
        "compose.embedded.yaml",
        "compose.yaml",
        "k8s/embedded/kustomization.yaml",
        "k8s/embedded/secret.example.yaml",
        "k8s/embedded/service.yaml",
        "k8s/embedded/statefulset.yaml",
        "k8s/mongodb/deployment.yaml",
        "k8s/mongodb/hpa.yaml",
        "k8s/mongodb/kustomization.yaml",
        "k8s/mongodb/secret.example.yaml",
        "k8s/mongodb/service.yaml",
        "railway/railway.json",
        "railway/variables.env",
    ];
    assert_eq!(
        runs::every_file(),
        read,
        "a file under deploy/ no test reads"
    );
    for file in runs::every_file() {
        if file.ends_with(".yaml") {
            assert!(!runs::yaml_documents(&file).is_empty(), "{file} is empty");
        }
    }
    // Each kustomization lists exactly the manifests beside it.
    for folder in ["k8s/mongodb", "k8s/embedded"] {
        let kustomization = runs::yaml_documents(&format!("{folder}/kustomization.yaml"));
        let mut listed: Vec<String> = kustomization[0]["resources"]
            .as_vec()
            .unwrap()
            .iter()
            .map(|r| format!("{folder}/{}", r.as_str().unwrap()))
            .collect();
        listed.sort();
        let beside: Vec<String> = runs::every_file()
            .into_iter()
            .filter(|f| f.starts_with(folder) && !f.ends_with("kustomization.yaml"))
            .filter(|f| !f.ends_with(".example.yaml"))
            .collect();
        assert_eq!(listed, beside, "{folder}/kustomization.yaml");
        // The image it renames is the one the workloads run.
        let renamed = kustomization[0]["images"][0]["name"]
            .as_str()
            .expect("an images entry");
        let images: Vec<String> = beside
            .iter()
            .flat_map(|f| runs::yaml_documents(f))
            .filter_map(|doc| {
                let container = &doc["spec"]["template"]["spec"]["containers"][0];
                container["image"].as_str().map(str::to_owned)
            })
            .collect();
        assert!(
            !images.is_empty() && images.iter().all(|image| image == renamed),
            "{folder}: the workloads run {images:?}, the kustomization renames {renamed}"
        );
    }
}

#[test]
fn every_variable_set_is_one_the_configuration_reads() {
    let known = names_read();
    let runs = runs();
    assert!(runs.len() >= 6, "{runs:#?}");
    for run in &runs {
        let unknown: Vec<&String> = run.env.keys().filter(|n| !known.contains(*n)).collect();
        assert!(
            unknown.is_empty(),
            "{} sets {unknown:?}, which oms never reads",
            run.what
        );
    }
}

#[test]
fn every_deployment_starts_in_production_reachable_and_durable() {
    for run in runs() {
        let settings = settings_of(&run);
        let what = &run.what;
        assert!(settings.production, "{what} is not OMS_ENV=production");
        assert!(!settings.jwt.generated, "{what} has no OMS_JWT_SECRET");
        assert_eq!(
            settings.jwt.secret.expose(),
            SUPPLIED,
            "{what}: the JWT secret must come from where it runs, never the file"
        );
        assert!(
            settings.bind.ip().is_unspecified(),
            "{what} listens on {} only, out of reach of other containers",
            settings.bind
        );
        if run.replicas == Scale::Many {
            assert!(
                run.env.contains_key("OMS_STORE"),
                "{what} runs several copies without naming OMS_STORE, so a missing MONGODB_URI would not stop it"
            );
        }
        match (&settings.store, run.replicas) {
            (StoreSettings::Mongo { .. }, _) => {}
            (StoreSettings::Sqlite { path }, Scale::One) => assert!(
                run.mounts.iter().any(|mount| path.starts_with(mount)),
                "{what}: {path:?} is on none of its volumes {:?}",
                run.mounts
            ),
            (StoreSettings::Sqlite { .. }, Scale::Many) => {
                panic!("{what} runs several copies on one SQLite file")
            }
            (StoreSettings::Memory, _) => panic!("{what} keeps its data in memory"),
        }
    }
}

#[test]
fn a_value_left_unresolved_stops_a_deployment_or_leaves_its_store_alone() {
    for run in runs() {
        let store = store_kind(&settings_of(&run));
        let supplied = run.env.iter().filter(|(_, v)| **v == Value::Supplied);
        for (name, _) in supplied {
            if let Ok(settings) = load(&run, Some(name)) {
                assert_eq!(
                    store_kind(&settings),
                    store,
                    "{}: with {name} empty it starts on another store",
                    run.what
                );
            }
        }
    }
}

#[test]
fn every_server_is_given_its_shutdown_time_before_the_kill() {
    let mut checked = 0;
    for run in runs().into_iter().filter(|run| run.serves) {
        let settings = settings_of(&run);
        let (grace, pause) = run
            .grace
            .unwrap_or_else(|| panic!("{}: no stop grace", run.what));
        let needed = pause + settings.shutdown_timeout.as_secs();
        assert!(
            grace > needed,
            "{}: killed {grace} s after the stop signal, but it may need {needed} s",
            run.what
        );
        checked += 1;
    }
    assert!(checked >= 5, "only {checked} servers");
}

#[test]
fn the_image_runs_as_a_user_owning_its_data_and_checks_its_health() {
    let stage = runs::dockerfile_final_stage();
    let user = stage
        .iter()
        .rev()
        .find(|(word, _)| word == "USER")
        .expect("a USER");
    let owner = user.1.trim();
    let uid = owner.split(':').next().unwrap();
    assert!(uid != "0" && uid != "root", "the image runs as {uid}");
    let data = match runs::image_env().get("OMS_DATA_DIR") {
        Some(Value::Literal(dir)) => dir.clone(),
        other => panic!("the image sets no OMS_DATA_DIR: {other:?}"),
    };
    let chown = format!("chown {owner} {data}");
    assert!(
        stage
            .iter()
            .any(|(word, args)| word == "RUN" && args.contains(&chown)),
        "no `{chown}`: the user could not write its store"
    );
    assert!(
        stage
            .iter()
            .any(|(word, args)| word == "HEALTHCHECK" && args.contains("CMD"))
    );
    let first = stage.first().unwrap();
    assert!(
        first.1.contains("slim"),
        "a small final image, not {}",
        first.1
    );
    // Railway refuses to build either.
    let text = runs::read("Dockerfile");
    assert!(!stage.iter().any(|(word, _)| word == "VOLUME"), "a VOLUME");
    assert!(!text.contains("--mount=type=cache"), "a cache mount");
}

#[test]
fn kubernetes_probes_ask_the_servers_probe_paths() {
    for folder in ["k8s/mongodb", "k8s/embedded"] {
        let manifests = runs::every_file()
            .into_iter()
            .filter(|f| f.starts_with(folder) && !f.ends_with("kustomization.yaml"));
        for file in manifests {
            for doc in runs::yaml_documents(&file) {
                let Some(containers) = doc["spec"]["template"]["spec"]["containers"].as_vec()
                else {
                    continue;
                };
                for container in containers {
                    let port = container["ports"][0]["name"].as_str();
                    let probes = ["livenessProbe", "readinessProbe"];
                    for probe in probes {
                        let get = &container[probe]["httpGet"];
                        let path = get["path"].as_str().unwrap_or_default();
                        assert!(PROBES.contains(&path), "{file} {probe}: {path:?}");
                        assert_eq!(get["port"].as_str(), port, "{file} {probe}");
                    }
                    assert_eq!(
                        container["readinessProbe"]["httpGet"]["path"].as_str(),
                        Some("/readyz")
                    );
                    let limits = &container["resources"]["limits"]["memory"];
                    assert!(!matches!(limits, Yaml::BadValue), "{file}: no memory limit");
                }
            }
        }
    }
}

#[test]
fn metrics_are_served_off_the_public_port_and_scraped_there() {
    let mut served = 0;
    for run in runs().into_iter().filter(|run| run.serves) {
        let settings = settings_of(&run);
        let what = &run.what;
        let metrics = settings
            .metrics_bind
            .unwrap_or_else(|| panic!("{what} serves no metrics"));
        assert_ne!(metrics.port(), settings.bind.port(), "{what}");
        assert!(
            metrics.ip().is_unspecified(),
            "{what}: a scraper in another container cannot reach {metrics}"
        );
        served += 1;
    }
    assert!(served >= 5, "only {served} servers");
    let image = match runs::image_env().get("OMS_METRICS_BIND") {
        Some(Value::Literal(bind)) => bind.parse::<std::net::SocketAddr>().unwrap().port(),
        other => panic!("the image sets no OMS_METRICS_BIND: {other:?}"),
    };
    let mut scraped = 0;
    for folder in ["k8s/mongodb", "k8s/embedded"] {
        let manifests = runs::every_file()
            .into_iter()
            .filter(|f| f.starts_with(folder) && !f.ends_with("kustomization.yaml"));
        for file in manifests {
            for doc in runs::yaml_documents(&file) {
                if doc["kind"].as_str() == Some("Service") {
                    for port in doc["spec"]["ports"].as_vec().into_iter().flatten() {
                        let target = &port["targetPort"];
                        assert!(
                            target.as_str() != Some("metrics")
                                && target.as_i64() != Some(i64::from(image)),
                            "{file}: the Service exposes the metrics port"
                        );
                    }
                }
                let template = &doc["spec"]["template"];
                let Some(containers) = template["spec"]["containers"].as_vec() else {
                    continue;
                };
                let annotations = &template["metadata"]["annotations"];
                let port = annotations["prometheus.io/port"].as_str();
                assert_eq!(port, Some(image.to_string().as_str()), "{file}");
                assert_eq!(annotations["prometheus.io/scrape"].as_str(), Some("true"));
                let declared = containers.iter().any(|c| {
                    c["ports"].as_vec().into_iter().flatten().any(|p| {
                        p["name"].as_str() == Some("metrics")
                            && p["containerPort"].as_i64() == Some(i64::from(image))
                    })
                });
                assert!(declared, "{file}: no container port `metrics` on {image}");
                scraped += 1;
            }
        }
    }
    assert_eq!(scraped, 2, "the Deployment and the StatefulSet");
}

#[test]
fn railway_builds_the_image_and_waits_for_readiness() {
    let config = railway_config();
    let dockerfile = config["build"]["dockerfilePath"].as_str().unwrap();
    let from_root = runs::deploy_dir().join("..").join(dockerfile);
    assert!(
        from_root.is_file(),
        "{dockerfile} (from the repository root)"
    );
    let path = config["deploy"]["healthcheckPath"].as_str().unwrap();
    assert!(PROBES.contains(&path), "{path}");
}

/// Runs the Dockerfile's `HEALTHCHECK` command, with the image's `ENV`,
/// against `PORT`: its exit status and what it said.
async fn health_check(port: u16) -> (Option<i32>, String) {
    let stage = runs::dockerfile_final_stage();
    let (_, args) = stage
        .iter()
        .find(|(word, _)| word == "HEALTHCHECK")
        .unwrap();
    let exec = args.split_once("CMD").unwrap().1.trim();
    let argv: Vec<String> = serde_json::from_str(exec).expect("CMD in exec form");
    assert_eq!(argv[0], "oms", "{argv:?}");
    let mut command = oms();
    command.args(&argv[1..]);
    for (name, value) in runs::image_env() {
        if let Value::Literal(v) = value {
            command.env(name, v);
        }
    }
    let output = command
        .env("PORT", port.to_string())
        .env("OMS_JWT_SECRET", SUPPLIED)
        .output()
        .await
        .unwrap();
    let said = String::from_utf8_lossy(&output.stderr).into_owned();
    (output.status.code(), said)
}

#[tokio::test]
async fn the_images_health_check_asks_the_server_on_port() {
    let (mut child, port, _, _log) = start_answering().await;
    let (up, said) = health_check(port).await;
    assert_eq!(up, Some(0), "healthy server: {said}");

    signal(&child, "TERM").await;
    let status = tokio::time::timeout(Duration::from_secs(30), child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success());
    let (down, said) = health_check(port).await;
    assert_eq!(down, Some(1), "{said}");
    assert!(
        said.contains(&format!("no server on 127.0.0.1:{port}")),
        "{said}"
    );
    // A setting it cannot read is a failed check too: Docker reserves 2.
    let output = oms()
        .args(["health"])
        .env("OMS_ENV", "production")
        .output()
        .await
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(said.contains("OMS_JWT_SECRET is required"), "{said}");
}

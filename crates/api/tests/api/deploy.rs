//! The files under `deploy/` against the code: every variable they set is
//! one the configuration reads, every way they run oms starts in production
//! with what production requires, only MongoDB is scaled past one copy,
//! and the image's health check really asks the server.

mod files;

use std::time::Duration;

use oms_api::settings::{Settings, Source, StoreSettings};
use yaml_rust2::Yaml;

use crate::binary::{oms, signal, start_answering};
use crate::configuration::names_read;
use files::{Run, Scale, Value};

/// What an operator or platform fills in, as the settings would see it.
const SUPPLIED: &str = "supplied-where-it-runs-0123456789abcdef0123456789";

/// The probe paths the server answers.
const PROBES: [&str; 2] = ["/healthz", "/readyz"];

/// Every way the files run the oms image, each over the image's `ENV`.
fn runs() -> Vec<Run> {
    let mut runs = Vec::new();
    for compose in ["compose.yaml", "compose.embedded.yaml"] {
        runs.extend(files::compose_runs(compose));
    }
    for folder in ["k8s/mongodb", "k8s/embedded"] {
        runs.extend(files::kubernetes_runs(folder));
    }
    runs.push(files::env_file_run("railway/variables.env"));
    let image = files::image_env();
    for run in &mut runs {
        for (name, value) in &image {
            run.env.entry(name.clone()).or_insert_with(|| value.clone());
        }
    }
    runs
}

fn settings_of(run: &Run) -> Settings {
    let pairs: Vec<(&str, &str)> = run
        .env
        .iter()
        .map(|(name, value)| match value {
            Value::Literal(v) => (name.as_str(), v.as_str()),
            Value::Supplied => (name.as_str(), SUPPLIED),
        })
        .collect();
    Settings::load(&Source::from_pairs(pairs))
        .unwrap_or_else(|e| panic!("{} does not start:\n{e}", run.what))
}

#[test]
fn every_file_under_deploy_is_one_these_tests_read() {
    let read: Vec<&str> = vec![
        "Dockerfile",
        "Dockerfile.dockerignore",
        "README.md",
        "compose.embedded.yaml",
        "compose.yaml",
        "k8s/embedded/kustomization.yaml",
        "k8s/embedded/secret.yaml",
        "k8s/embedded/service.yaml",
        "k8s/embedded/statefulset.yaml",
        "k8s/mongodb/deployment.yaml",
        "k8s/mongodb/hpa.yaml",
        "k8s/mongodb/kustomization.yaml",
        "k8s/mongodb/secret.yaml",
        "k8s/mongodb/service.yaml",
        "railway/railway.json",
        "railway/variables.env",
    ];
    assert_eq!(
        files::every_file(),
        read,
        "a file under deploy/ no test reads"
    );
    for file in files::every_file() {
        if file.ends_with(".yaml") {
            assert!(!files::yaml_documents(&file).is_empty(), "{file} is empty");
        }
    }
    // Each kustomization lists exactly the manifests beside it.
    for folder in ["k8s/mongodb", "k8s/embedded"] {
        let kustomization = files::yaml_documents(&format!("{folder}/kustomization.yaml"));
        let mut listed: Vec<String> = kustomization[0]["resources"]
            .as_vec()
            .unwrap()
            .iter()
            .map(|r| format!("{folder}/{}", r.as_str().unwrap()))
            .collect();
        listed.sort();
        let beside: Vec<String> = files::every_file()
            .into_iter()
            .filter(|f| f.starts_with(folder) && !f.ends_with("kustomization.yaml"))
            .collect();
        assert_eq!(listed, beside, "{folder}/kustomization.yaml");
        // The image it renames is the one the workloads run.
        let renamed = kustomization[0]["images"][0]["name"]
            .as_str()
            .expect("an images entry");
        let images: Vec<String> = beside
            .iter()
            .flat_map(|f| files::yaml_documents(f))
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
        match (&settings.store, run.replicas) {
            (StoreSettings::Mongo { .. }, _) => {}
            (StoreSettings::Sqlite { path }, Scale::One) => {
                let volume = image_volume();
                assert!(
                    path.starts_with(&volume),
                    "{what}: {path:?} is outside the volume {volume}"
                );
            }
            (StoreSettings::Sqlite { .. }, Scale::Many) => {
                panic!("{what} runs several copies on one SQLite file")
            }
            (StoreSettings::Memory, _) => panic!("{what} keeps its data in memory"),
        }
    }
}

fn image_volume() -> String {
    let stage = files::dockerfile_final_stage();
    let (_, volume) = stage
        .iter()
        .find(|(word, _)| word == "VOLUME")
        .expect("a VOLUME");
    let list: Vec<String> = serde_json::from_str(volume).expect("VOLUME [\"/path\"]");
    list.into_iter().next().expect("one path")
}

#[test]
fn the_image_runs_as_a_user_and_checks_its_health() {
    let stage = files::dockerfile_final_stage();
    let user = stage
        .iter()
        .rev()
        .find(|(word, _)| word == "USER")
        .expect("a USER");
    let uid = user.1.split(':').next().unwrap();
    assert!(uid != "0" && uid != "root", "the image runs as {uid}");
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
}

#[test]
fn kubernetes_probes_ask_the_servers_probe_paths() {
    for folder in ["k8s/mongodb", "k8s/embedded"] {
        let manifests = files::every_file()
            .into_iter()
            .filter(|f| f.starts_with(folder) && !f.ends_with("kustomization.yaml"));
        for file in manifests {
            for doc in files::yaml_documents(&file) {
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
fn railway_builds_the_image_and_waits_for_readiness() {
    let config: serde_json::Value =
        serde_json::from_str(&files::read("railway/railway.json")).unwrap();
    let dockerfile = config["build"]["dockerfilePath"].as_str().unwrap();
    let from_root = files::deploy_dir().join("..").join(dockerfile);
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
    let stage = files::dockerfile_final_stage();
    let (_, args) = stage
        .iter()
        .find(|(word, _)| word == "HEALTHCHECK")
        .unwrap();
    let exec = args.split_once("CMD").unwrap().1.trim();
    let argv: Vec<String> = serde_json::from_str(exec).expect("CMD in exec form");
    assert_eq!(argv[0], "oms", "{argv:?}");
    let mut command = oms();
    command.args(&argv[1..]);
    for (name, value) in files::image_env() {
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
}

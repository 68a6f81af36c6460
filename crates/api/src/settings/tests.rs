use std::collections::HashMap;

use super::*;

#[test]
fn a_token_lifetime_over_a_day_is_refused() {
    let long = Settings::load(&Source::from_pairs([("OMS_JWT_TTL_SECONDS", "86401")]));
    let problems = long.expect_err("over a day").0;
    assert!(
        problems
            .iter()
            .any(|p| p.contains("OMS_JWT_TTL_SECONDS must be at most 86400")),
        "{problems:?}"
    );
    let day = Settings::load(&Source::from_pairs([("OMS_JWT_TTL_SECONDS", "86400")]));
    assert_eq!(day.unwrap().jwt.ttl, Duration::from_secs(86_400));
}

#[test]
fn trusted_proxies_are_addresses_or_networks_and_the_old_switch_is_refused() {
    let good = Settings::load(&Source::from_pairs([(
        "OMS_TRUSTED_PROXIES",
        "10.0.0.0/8, 192.0.2.10,fd00::/8",
    )]));
    assert_eq!(good.unwrap().rate_limits.trusted_proxies.len(), 3);
    let bad = Settings::load(&Source::from_pairs([
        ("OMS_TRUSTED_PROXIES", "10.0.0.0/8,not-a-proxy"),
        ("OMS_TRUST_FORWARDED_FOR", "true"),
    ]));
    let problems = bad.expect_err("refused").0;
    assert!(
        problems.iter().any(|p| p.contains("\"not-a-proxy\"")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains("OMS_TRUST_FORWARDED_FOR is replaced")),
        "{problems:?}"
    );
}

#[test]
fn defaults_serve_a_local_demo() {
    let settings = Settings::load(&Source::from_pairs([])).unwrap();
    assert_eq!(settings.bind.to_string(), "127.0.0.1:8080");
    assert_eq!(
        settings.metrics_bind,
        Some(SocketAddr::from(([127, 0, 0, 1], 9464)))
    );
    assert!(
        matches!(&settings.store, StoreSettings::Sqlite { path } if path.as_path() == std::path::Path::new("data/oms.db")),
        "{:?}",
        settings.store
    );
    assert!(settings.demo_data);
    assert!(settings.jwt.generated);
    assert_eq!(settings.jwt.ttl, Duration::from_secs(3600));
    assert!(settings.admin.is_none());
    assert_eq!(
        settings.feed.retention.max_age,
        Duration::from_secs(7 * 86_400)
    );
    assert_eq!(settings.feed.hub.max_connections, 10_000);
}

#[test]
fn every_problem_is_reported_at_once() {
    let source = Source::from_pairs([
        ("OMS_ENV", "production"),
        ("OMS_BIND", "nowhere"),
        ("OMS_ADMIN_EMAIL", "a@example.com"),
        ("OMS_RATE_LIMIT_BURST", "0"),
        ("OMS_LOG_FORMAT", "xml"),
    ]);
    let SettingsError(problems) = Settings::load(&source).unwrap_err();
    let text = problems.join("\n");
    for needle in [
        "OMS_BIND",
        "OMS_JWT_SECRET is required",
        "OMS_ADMIN_PASSWORD",
        "OMS_RATE_LIMIT_BURST",
        "OMS_LOG_FORMAT",
    ] {
        assert!(text.contains(needle), "{needle} missing from {text}");
    }
    assert_eq!(problems.len(), 5, "{text}");
}

#[test]
fn secrets_addresses_and_origins_are_checked_before_start() {
    let source = Source::from_pairs([
        ("SENTRY_DSN", "not a dsn"),
        ("OMS_ADMIN_EMAIL", "admin"),
        ("OMS_ADMIN_PASSWORD", "short"),
        ("OMS_STAFF_PASSWORD", "tiny"),
        (
            "OMS_CORS_ORIGINS",
            "https://ok.example, https://shop.example/, ftp://x, http://localhost:3000",
        ),
        ("RUST_LOG", "info,[[["),
    ]);
    let SettingsError(problems) = Settings::load(&source).unwrap_err();
    let text = problems.join("\n");
    for needle in [
        "SENTRY_DSN",
        "OMS_ADMIN_EMAIL",
        "OMS_ADMIN_PASSWORD",
        "OMS_STAFF_PASSWORD",
        "\"https://shop.example/\"",
        "\"ftp://x\"",
        "RUST_LOG",
    ] {
        assert!(text.contains(needle), "{needle} missing from {text}");
    }
    assert_eq!(problems.len(), 7, "{text}");
    assert!(!text.contains("not a dsn"), "the DSN's value is not echoed");
}

#[test]
fn production_has_no_demo_data_unless_asked() {
    let secret = ("OMS_JWT_SECRET", "a-secret-of-at-least-thirty-two-bytes");
    let prod = Settings::load(&Source::from_pairs([("OMS_ENV", "production"), secret])).unwrap();
    assert!(!prod.demo_data);
    let asked = [("OMS_ENV", "production"), secret, ("OMS_DEMO_DATA", "true")];
    let asked = Settings::load(&Source::from_pairs(asked)).unwrap();
    assert!(asked.demo_data);
}

#[test]
fn the_store_is_chosen_by_oms_store_and_a_uri_alone_means_mongodb() {
    let store = |pairs: &[(&str, &str)]| Settings::load(&Source::from_pairs(pairs.to_vec()));
    let uri = ("MONGODB_URI", "mongodb://db.example/oms");
    assert!(matches!(
        store(&[uri]).unwrap().store,
        StoreSettings::Mongo { .. }
    ));
    let in_dir = store(&[("OMS_DATA_DIR", "/var/lib/oms")]).unwrap().store;
    assert!(
        matches!(&in_dir, StoreSettings::Sqlite { path } if path.as_path() == std::path::Path::new("/var/lib/oms/oms.db")),
        "{in_dir:?}"
    );
    assert!(matches!(
        store(&[("OMS_STORE", "memory"), uri]).unwrap().store,
        StoreSettings::Memory
    ));
    assert!(matches!(
        store(&[("OMS_STORE", "mongodb"), uri]).unwrap().store,
        StoreSettings::Mongo { .. }
    ));
    let SettingsError(problems) = store(&[("OMS_STORE", "mongodb")]).unwrap_err();
    assert_eq!(problems, ["OMS_STORE=mongodb needs MONGODB_URI"]);
    let SettingsError(problems) = store(&[("OMS_STORE", "postgres")]).unwrap_err();
    assert_eq!(
        problems,
        ["OMS_STORE must be sqlite, memory or mongodb, not \"postgres\""]
    );
}

#[test]
fn a_short_jwt_secret_is_refused() {
    let source = Source::from_pairs([("OMS_JWT_SECRET", "short")]);
    let SettingsError(problems) = Settings::load(&source).unwrap_err();
    assert_eq!(problems, ["OMS_JWT_SECRET must be at least 32 characters"]);
}

#[test]
fn the_environment_wins_over_the_file() {
    let dir = std::env::temp_dir().join(format!("oms-settings-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("oms.toml");
    std::fs::write(&path, "OMS_BIND = \"127.0.0.1:9000\"\nOMS_HSTS = true\n").unwrap();
    let mut source = Source::from_env(path.to_str()).unwrap();
    source.env = HashMap::from([("OMS_BIND".to_owned(), "127.0.0.1:9001".to_owned())]);
    let settings = Settings::load(&source).unwrap();
    assert_eq!(settings.bind.port(), 9001);
    assert!(settings.hsts);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_platforms_port_is_followed_in_production_only() {
    let secret = ("OMS_JWT_SECRET", "a-secret-of-at-least-thirty-two-chars");
    let bind = |pairs: &[(&str, &str)]| {
        Settings::load(&Source::from_pairs(pairs.iter().copied()))
            .unwrap()
            .bind
            .to_string()
    };
    let production = ("OMS_ENV", "production");
    assert_eq!(
        bind(&[production, secret, ("PORT", "3000")]),
        "0.0.0.0:3000"
    );
    assert_eq!(bind(&[("PORT", "3000")]), "127.0.0.1:8080");
    let both = [
        production,
        secret,
        ("PORT", "3000"),
        ("OMS_BIND", "127.0.0.1:9000"),
    ];
    assert_eq!(bind(&both), "127.0.0.1:9000");
    let source = Source::from_pairs([production, secret, ("PORT", "http")]);
    let SettingsError(problems) = Settings::load(&source).unwrap_err();
    assert_eq!(problems, ["PORT is not valid: \"http\""]);
}

#[test]
fn metrics_are_served_apart_or_not_at_all() {
    let metrics = |value: &str| {
        Settings::load(&Source::from_pairs([("OMS_METRICS_BIND", value)]))
            .map(|settings| settings.metrics_bind.map(|a| a.to_string()))
    };
    assert_eq!(metrics("0.0.0.0:9100").unwrap().unwrap(), "0.0.0.0:9100");
    assert_eq!(metrics("off").unwrap(), None);
    let SettingsError(problems) = metrics("9100").unwrap_err();
    assert_eq!(problems, ["OMS_METRICS_BIND is not valid: \"9100\""]);
}

#[test]
fn idempotency_keys_are_kept_for_their_own_days() {
    let keys = |pairs: &[(&str, &str)]| {
        let settings = Settings::load(&Source::from_pairs(pairs.iter().copied())).unwrap();
        let retention = settings.feed.retention;
        (
            retention.idempotency_keys.as_secs(),
            retention.max_age.as_secs(),
        )
    };
    assert_eq!(keys(&[]), (7 * 86_400, 7 * 86_400));
    let apart = [
        ("OMS_IDEMPOTENCY_DAYS", "30"),
        ("OMS_EVENT_RETENTION_DAYS", "1"),
    ];
    assert_eq!(keys(&apart), (30 * 86_400, 86_400));
    let refused = Settings::load(&Source::from_pairs([("OMS_IDEMPOTENCY_DAYS", "0")]));
    let SettingsError(problems) = refused.unwrap_err();
    assert_eq!(problems, ["OMS_IDEMPOTENCY_DAYS must be at least 1"]);
}

#[test]
fn an_unpaid_hold_is_off_unless_set_to_a_duration() {
    let off = Settings::load(&Source::from_pairs([])).unwrap();
    assert_eq!(off.unpaid_hold, None);
    for (raw, hold) in [("30m", 1_800), ("2h", 7_200), ("45s", 45)] {
        let set = Settings::load(&Source::from_pairs([("OMS_UNPAID_HOLD", raw)])).unwrap();
        assert_eq!(set.unpaid_hold, Some(Duration::from_secs(hold)), "{raw}");
    }
    let named_off = Settings::load(&Source::from_pairs([("OMS_UNPAID_HOLD", "off")])).unwrap();
    assert_eq!(named_off.unpaid_hold, None);
    for bad in ["soon", "0s", "10"] {
        let refused = Settings::load(&Source::from_pairs([("OMS_UNPAID_HOLD", bad)]));
        let problems = refused.expect_err(bad).0;
        assert!(
            problems
                .iter()
                .any(|p| p.contains("OMS_UNPAID_HOLD is not a duration")),
            "{bad}: {problems:?}"
        );
    }
}

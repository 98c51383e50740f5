//! Unit tests of the Cloud payload functions and the client.

use super::*;

fn sample_get() -> Value {
    json!({
        "id": "d0000000000000000000000000000001",
        "name": "prod",
        "alias": "prod-alias",
        "healthy": true,
        "metadata": {"tags": []},
        "resources": {
            "elasticsearch": [{
                "ref_id": "main-elasticsearch",
                "id": "c0000000000000000000000000000001",
                "region": "us-east-1",
                "info": {
                    "cluster_id": "c0000000000000000000000000000001",
                    "cluster_name": "prod",
                    "region": "us-east-1",
                    "status": "started",
                    "metadata": {"endpoint": "c1.us-east-1.aws.found.io", "ports": {"http": 9200, "https": 443, "transport_passthrough": 9400}},
                    "plan_info": {
                        "healthy": true,
                        "history": [],
                        "current": {"plan": {
                            "cluster_topology": [{"id": "hot_content", "size": {"value": 4096, "resource": "memory"}}],
                            "elasticsearch": {"version": "8.12.2"},
                            "transient": {"strategy": {"rolling": {}}}
                        }}
                    },
                    "settings": {
                        "metadata": {"organization_id": "111", "name": "prod"},
                        "trust": {
                            "accounts": [{"account_id": "111", "trust_all": true, "name": "Default trust for own organization"}],
                            "direct": [{"uid": "u-1", "name": "Test", "type": "generic", "trust_all": false,
                                        "additional_node_names": ["n1"],
                                        "certificates": [{"pem": "PEM1", "metadata": {"fingerprint": "ab", "valid_from": "x", "valid_to": "y", "also_trusted_by": []}}],
                                        "future_field": 12345678901234567890u64}]
                        },
                        "curation": {"specs": []}
                    }
                }
            }, {
                "ref_id": "second",
                "region": "us-east-1",
                "info": {"cluster_name": "second", "plan_info": {"current": {"plan": {"cluster_topology": [], "elasticsearch": {"version": "8.12.2"}}}}}
            }],
            "kibana": [{"ref_id": "main-kibana", "region": "us-east-1", "info": {}}]
        }
    })
}

#[test]
fn update_payload_from_get() {
    let p = build_update_payload(&sample_get()).unwrap();
    assert_eq!(p["prune_orphans"], json!(false));
    assert_eq!(p["name"], json!("prod"));
    assert_eq!(p["alias"], json!("prod-alias"));
    assert!(p["resources"].get("kibana").is_none());
    let es = p["resources"]["elasticsearch"].as_array().unwrap();
    assert_eq!(es.len(), 2);
    assert_eq!(es[0]["ref_id"], json!("main-elasticsearch"));
    assert_eq!(es[0]["region"], json!("us-east-1"));
    assert_eq!(es[0]["display_name"], json!("prod"));
    assert!(es[0]["plan"].get("transient").is_none());
    assert_eq!(es[0]["plan"]["elasticsearch"]["version"], json!("8.12.2"));
    assert!(es[0]["settings"].get("metadata").is_none());
    assert_eq!(es[0]["settings"]["curation"], json!({"specs": []}));
    assert_eq!(
        es[0]["settings"]["trust"],
        sample_get()["resources"]["elasticsearch"][0]["info"]["settings"]["trust"]
    );
    assert_eq!(es[1]["ref_id"], json!("second"));
    assert_eq!(es[1]["settings"], json!({}));
}

#[test]
fn update_payload_errors() {
    let cases = [
        json!({"name": "x"}),
        json!({"resources": {"elasticsearch": [{"region": "r", "info": {}}]}}),
        json!({"resources": {"elasticsearch": [{"ref_id": "a", "info": {}}]}}),
        json!({"resources": {"elasticsearch": [{"ref_id": "a", "region": "r", "info": {"plan_info": {"current": null}}}]}}),
    ];
    for c in cases {
        assert!(build_update_payload(&c).is_err(), "{c}");
    }
}

#[test]
fn trust_read_preserves_unknown_fields() {
    let get = sample_get();
    let trust_in = get
        .pointer("/resources/elasticsearch/0/info/settings/trust")
        .unwrap();
    let t = es_view_of(&get["resources"]["elasticsearch"][0])
        .unwrap()
        .trust
        .unwrap();
    assert_eq!(
        t.direct[0].extra["future_field"].to_string(),
        "12345678901234567890"
    );
    let out = serde_json::to_value(&t).unwrap();
    assert_eq!(out["external"], json!([]));
    assert_eq!(out["accounts"], trust_in["accounts"]);
    assert_eq!(out["direct"], trust_in["direct"]);
}

#[test]
fn plan_states_table() {
    let with_plan = |plan_info: Value| json!({"resources": {"elasticsearch": [{"ref_id": "main", "info": {"plan_info": plan_info}}]}});
    let cases = vec![
        (
            with_plan(
                json!({"pending": {"plan_attempt_log": [{"step_id": "validate-plan", "status": "success"}, {"step_id": "apply-settings", "status": "pending"}]}, "current": {}}),
            ),
            PlanState::Pending(Some("apply-settings".into())),
        ),
        (with_plan(json!({"pending": {}})), PlanState::Pending(None)),
        (
            with_plan(
                json!({"pending": null, "current": {"plan_attempt_log": [{"step_id": "plan-completed", "status": "success", "info_log": []}]}}),
            ),
            PlanState::Done,
        ),
        (with_plan(json!({"history": []})), PlanState::Done),
        (
            with_plan(json!({"current": {"plan_attempt_log": [
                {"step_id": "apply-settings", "status": "error", "info_log": [{"message": "start"}, {"message": "Invalid trust certificate"}]},
                {"step_id": "plan-completed", "status": "error", "info_log": [{"message": "Plan failed"}]}]}})),
            PlanState::Failed("[apply-settings] Invalid trust certificate".into()),
        ),
        (
            with_plan(json!({"current": {"plan_attempt_log": [
                {"step_id": "plan-completed", "status": "error", "info_log": [{"message": "Unexpected error"}]}]}})),
            PlanState::Failed("[plan-completed] Unexpected error".into()),
        ),
        (
            with_plan(json!({"current": {"plan_attempt_log": [], "error": {"message": "boom"}}})),
            PlanState::Failed("boom".into()),
        ),
    ];
    for (dep, want) in cases {
        assert_eq!(plan_state(&dep, Some("main")), Some(want.clone()), "{dep}");
        assert_eq!(plan_state(&dep, None), Some(want));
    }
    assert_eq!(plan_state(&with_plan(json!({})), Some("other")), None);
}

#[test]
fn keystore_body_never_null_and_values_redacted_in_debug() {
    let mut changes = BTreeMap::new();
    changes.insert(
        "cluster.remote.a.credentials".to_string(),
        KeystoreChange::Set {
            value: Secret::new("s3cr3t-encoded"),
            as_file: false,
        },
    );
    changes.insert(
        "cluster.remote.b.credentials".to_string(),
        KeystoreChange::Remove,
    );
    let body = keystore_patch_body(&changes);
    assert_eq!(
        body,
        json!({"secrets": {
            "cluster.remote.a.credentials": {"value": "s3cr3t-encoded", "as_file": false},
            "cluster.remote.b.credentials": {"as_file": false}
        }})
    );
    assert!(!format!("{changes:?}").contains("s3cr3t"));
    let read: KeystoreContents =
        serde_json::from_value(json!({"secrets": {"x": {"as_file": false, "value": "leak"}}}))
            .unwrap();
    assert!(!format!("{read:?}").contains("leak"));
    assert_eq!(
        credentials_setting("my-alias"),
        "cluster.remote.my-alias.credentials"
    );
}

#[test]
fn remote_resources_edits() {
    let mut r: RemoteResources = serde_json::from_value(json!({"resources": [
        {"deployment_id": "d1", "elasticsearch_ref_id": "main", "alias": "a", "skip_unavailable": true,
         "info": {"healthy": true, "connected": true, "compatible": true, "trusted": true, "trusted_back": false}}
    ]})).unwrap();
    let b = RemoteResourceRef {
        deployment_id: "d2".into(),
        elasticsearch_ref_id: "main".into(),
        alias: "b".into(),
        ..Default::default()
    };
    assert_eq!(r.upsert(b.clone()), Changed::Yes);
    assert_eq!(r.upsert(b), Changed::No);
    let a_same = RemoteResourceRef {
        deployment_id: "d1".into(),
        elasticsearch_ref_id: "main".into(),
        alias: "a".into(),
        skip_unavailable: Some(true),
        ..Default::default()
    };
    assert_eq!(r.upsert(a_same), Changed::No);
    let body = r.to_put_body();
    assert!(body["resources"][0].get("info").is_none());
    assert_eq!(body["resources"][1]["alias"], json!("b"));
    assert_eq!(r.remove("a"), Changed::Yes);
    assert_eq!(r.remove("a"), Changed::No);
    assert_eq!(r.resources.len(), 1);
}

#[test]
fn es_view_reads_fields() {
    let d = Deployment {
        raw: sample_get(),
        version: Some("3".into()),
    };
    let v = d.es_view(None).unwrap();
    assert_eq!(v.ref_id, "main-elasticsearch");
    assert_eq!(v.cluster_id, "c0000000000000000000000000000001");
    assert_eq!(v.version.as_deref(), Some("8.12.2"));
    assert_eq!(v.endpoint.as_deref(), Some("c1.us-east-1.aws.found.io"));
    assert_eq!(v.transport_passthrough_port, Some(9400));
    assert_eq!(v.organization_id.as_deref(), Some("111"));
    assert_eq!(v.trust.unwrap().accounts[0].account_id, "111");
    assert_eq!(d.es_view(Some("second")).unwrap().ref_id, "second");
    assert!(d.es_view(Some("nope")).is_err());
    assert_eq!(d.main_ref_id(), Some("main-elasticsearch"));
}

#[test]
fn auth_debug_redacted() {
    let a = CloudAuth::Basic {
        username: "admin".into(),
        password: Secret::new("pw-123"),
    };
    assert!(!format!("{a:?}").contains("pw-123"));
    let a = CloudAuth::ApiKey(Secret::new("key-xyz"));
    assert!(!format!("{a:?}").contains("key-xyz"));
}

#[test]
fn endpoint_with_api_suffix() {
    let c = CloudClient::new(CloudConfig::new(
        "https://example.com/api/v1/",
        CloudAuth::ApiKey(Secret::new("k")),
    ))
    .unwrap();
    assert_eq!(c.transport.base_str(), "https://example.com/");
    let c = CloudClient::new(CloudConfig::new(
        "https://example.com:12443",
        CloudAuth::ApiKey(Secret::new("k")),
    ))
    .unwrap();
    assert_eq!(c.transport.base_str(), "https://example.com:12443/");
    assert!(
        CloudClient::new(CloudConfig::new(
            "https://example.com",
            CloudAuth::ApiKey(Secret::new(" "))
        ))
        .is_err()
    );
}

// --- Real Cloud shapes (recorded bodies in src/client/cloud/testdata, see its README) ----------

fn recorded(name: &str) -> Value {
    let text = match name {
        "sdk_integrations_server_get" => {
            include_str!("testdata/sdk_integrations_server_get.json")
        }
        "tfec_deployment_aws_ccs" => include_str!("testdata/tfec_deployment_aws_ccs.json"),
        "sdk_logging_metrics_legacy_get" => {
            include_str!("testdata/sdk_logging_metrics_legacy_get.json")
        }
        other => panic!("no recording {other}"),
    };
    serde_json::from_str(text).unwrap()
}

fn deployment(raw: Value) -> Deployment {
    Deployment { raw, version: None }
}

#[test]
fn null_trust_lists_read_as_empty() {
    let d = deployment(recorded("sdk_integrations_server_get"));
    let v = d.es_view(None).unwrap();
    let trust = v.trust.unwrap();
    assert!(trust.direct.is_empty() && trust.external.is_empty());
    assert_eq!(trust.accounts.len(), 1);
    assert_eq!(trust.accounts[0].account_id, "554443047");
    assert!(trust.accounts[0].trust_all);
    assert_eq!(trust.accounts[0].trust_allowlist, None);
    assert_eq!(v.organization_id.as_deref(), Some("554443047"));
    assert_eq!(v.https_port, Some(443));
    assert_eq!(v.version.as_deref(), Some("9.0.2"));
}

#[test]
fn null_lists_elsewhere_read_as_empty() {
    let t: TrustSettings = serde_json::from_value(json!({
        "accounts": null, "external": null,
        "direct": [{"name": "d", "trust_all": false, "certificates": null, "trust_allowlist": null}]
    }))
    .unwrap();
    assert!(t.accounts.is_empty() && t.external.is_empty());
    assert!(t.direct[0].certificates.is_empty());
    let r: RemoteResources = serde_json::from_value(json!({"resources": null})).unwrap();
    assert!(r.resources.is_empty());
    let k: KeystoreContents = serde_json::from_value(json!({"secrets": null})).unwrap();
    assert!(k.secrets.is_empty());
}

#[test]
fn an_update_never_sends_null_where_the_contract_wants_a_list() {
    let get = recorded("sdk_integrations_server_get");
    let payload = build_update_payload(&get).unwrap();
    let trust = &payload["resources"]["elasticsearch"][0]["settings"]["trust"];
    assert_eq!(trust["direct"], json!([]));
    assert_eq!(trust["external"], json!([]));
    assert_eq!(
        trust["accounts"],
        json!([{"account_id": "554443047", "name": "Default trust for own organization", "trust_all": true}])
    );
    assert!(!payload.to_string().contains("null"), "{payload}");
}

#[test]
fn no_trust_object_updates_start_from_the_own_organization_default() {
    let mut get = recorded("sdk_integrations_server_get");
    let settings = get
        .pointer_mut("/resources/elasticsearch/0/info/settings")
        .unwrap()
        .as_object_mut()
        .unwrap();
    settings.remove("trust");
    let payload = build_update_payload(&get).unwrap();
    assert_eq!(
        payload["resources"]["elasticsearch"][0]["settings"]["trust"],
        default_trust("554443047")
    );
    // Without show_settings there is no organization to default to: trust is left out (an
    // update without `settings.trust` keeps the trust as it is).
    let get = recorded("tfec_deployment_aws_ccs");
    let payload = build_update_payload(&get).unwrap();
    assert!(
        payload["resources"]["elasticsearch"][0]["settings"]
            .get("trust")
            .is_none()
    );
}

#[test]
fn older_deployments_without_service_url_or_settings() {
    let d = deployment(recorded("tfec_deployment_aws_ccs"));
    let v = d.es_view(None).unwrap();
    assert_eq!(v.service_url, None);
    assert_eq!(v.https_port, Some(9243));
    assert_eq!(v.transport_passthrough_port, Some(9400));
    assert_eq!(
        v.endpoint.as_deref(),
        Some("1230b3ae633b4f51a432d50971f7f1c1.eu-west-1.aws.found.io")
    );
    assert_eq!(v.trust, None);
    assert_eq!(v.organization_id, None);
    assert_eq!(v.version.as_deref(), Some("7.9.2"));
    // The legacy plan fields go back unchanged.
    let payload = build_update_payload(&d.raw).unwrap();
    let plan = &payload["resources"]["elasticsearch"][0]["plan"];
    assert_eq!(
        plan["tiebreaker_topology"],
        json!({"memory_per_node": 1024})
    );
    assert_eq!(
        plan["cluster_topology"][0]["node_type"]["master"],
        json!(true)
    );
}

#[test]
fn legacy_ref_id_and_null_passthrough_port() {
    let d = deployment(recorded("sdk_logging_metrics_legacy_get"));
    assert_eq!(d.main_ref_id(), Some("elasticsearch"));
    let v = d.es_view(Some("_main")).unwrap();
    assert_eq!(v.ref_id, "elasticsearch");
    assert_eq!(v.transport_passthrough_port, None);
    assert_eq!(v.https_port, Some(9243));
    let payload = build_update_payload(&d.raw).unwrap();
    let es = &payload["resources"]["elasticsearch"][0];
    assert_eq!(es["ref_id"], json!("elasticsearch"));
    assert!(es["plan"].get("transient").is_none(), "{es}");
    assert_eq!(es["region"], json!("ece-region"));
}

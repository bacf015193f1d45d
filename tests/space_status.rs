//! space-status against the Hub stand-in: every stage of the runtime API (and one it does not
//! know), the failing log's last lines (bounded, redacted), refusals, rate limits and a missing
//! token, in text and JSON, in English and Chinese.

mod support;

use std::time::Duration;

use support::hub::{HubServer, HubWorld, Repo};
use support::*;

const OWNER: &str = "hf_aliceowneraaaaaaaaaaaaaaaaaaaaOwnr";
const READER: &str = "hf_bobreaderaaaaaaaaaaaaaaaaaaaaaaRead";
const REVOKED: &str = "hf_revokedaaaaaaaaaaaaaaaaaaaaaaaRevk";
const SPACE: &str = "alice/demo";

fn world_of(space: Repo) -> HubWorld {
    HubWorld::new()
        .user("alice", &[])
        .user("bob", &[])
        .token(OWNER, "alice", "write")
        .token(READER, "bob", "read")
        .revoked(REVOKED, "alice")
        .repo(space)
        .repo(Repo::model("alice/model"))
}

fn world_with(hub: &HubServer, token: Option<&str>) -> World {
    let mut w = World::new();
    w.set("HF_ENDPOINT", &hub.url);
    if let Some(t) = token {
        w.write_token(t);
    }
    w
}

const ARGS: &[&str] = &[
    "--only",
    "space-status",
    "--repo",
    SPACE,
    "--repo-type",
    "space",
];

/// The finding with `code` of a run as the owner, in both formats.
fn owner_sees(space: Repo, code: &str) -> (serde_json::Value, String) {
    let hub = HubServer::start(world_of(space));
    world_with(&hub, Some(OWNER)).outcome_with(code, ARGS)
}

#[test]
fn running_is_a_pass_with_hardware_and_sdk() {
    let (f, text) = owner_sees(
        Repo::space(SPACE).runtime("RUNNING"),
        "space-status/running",
    );
    assert_eq!(f["status"], "pass");
    assert_eq!(f["details"]["stage"], "RUNNING");
    assert_eq!(f["details"]["hardware"], "cpu-basic");
    assert_eq!(f["details"]["sdk"], "gradio");
    assert_eq!(f["details"]["sdk_version"], "4.44.0");
    assert!(
        text.contains("alice/demo is running on cpu-basic (gradio 4.44.0)."),
        "{text}"
    );
}

#[test]
fn updating_stages_still_serve() {
    for stage in ["RUNNING_BUILDING", "RUNNING_APP_STARTING"] {
        let (f, text) = owner_sees(
            Repo::space(SPACE).runtime(stage),
            "space-status/running-updating",
        );
        assert_eq!(f["status"], "pass");
        assert!(text.contains(stage), "{text}");
    }
}

#[test]
fn building_and_starting_warn_with_the_log_to_follow() {
    for stage in ["BUILDING", "APP_STARTING"] {
        let (f, text) = owner_sees(Repo::space(SPACE).runtime(stage), "space-status/starting");
        assert_eq!(f["status"], "warn");
        assert!(f["cause"].is_null(), "{f}");
        assert_eq!(
            fix_commands(&f),
            vec![format!("hf spaces logs {SPACE} --build --follow")]
        );
        assert!(
            text.contains(&format!("alice/demo is {stage}: it does not serve yet.")),
            "{text}"
        );
    }
}

#[test]
fn waiting_for_requested_hardware() {
    let space = Repo::space(SPACE)
        .runtime("BUILDING")
        .hardware(None, Some("t4-medium"));
    let (f, text) = owner_sees(space, "space-status/waiting-hardware");
    assert_eq!(f["status"], "warn");
    assert_eq!(f["details"]["requested_hardware"], "t4-medium");
    assert_eq!(f["details"]["hardware"], "-");
    assert!(
        text.contains("waits for hardware: t4-medium requested, - now"),
        "{text}"
    );
}

#[test]
fn build_error_shows_the_error_and_the_last_lines_of_the_build_log() {
    let lines: Vec<String> = (1..=30)
        .map(|i| format!("Step {i}/30 : RUN something"))
        .collect();
    let mut log: Vec<&str> = lines.iter().map(String::as_str).collect();
    log.push("ERROR: Could not find a version that satisfies the requirement torch==9.9");
    let space = Repo::space(SPACE)
        .runtime("BUILD_ERROR")
        .error_message("Build failed with exit code: 1")
        .build_log(&log)
        .run_log(&["this is the run log, not the build log"]);
    let hub = HubServer::start(world_of(space));
    let w = world_with(&hub, Some(OWNER));
    let (f, text) = w.outcome_with("space-status/build-error", ARGS);
    assert_eq!(f["status"], "fail");
    assert_eq!(f["cause"], "space-error");
    assert_eq!(
        f["details"]["error_message"],
        "Build failed with exit code: 1"
    );
    let tail = f["details"]["log_tail"].as_str().unwrap();
    // The last 20 lines, the error among them; the first ones and the other log left out.
    assert_eq!(tail.lines().count(), 20, "{tail}");
    assert!(
        tail.ends_with("satisfies the requirement torch==9.9"),
        "{tail}"
    );
    assert!(!tail.contains("Step 1/30"), "{tail}");
    assert!(!tail.contains("run log"), "{tail}");
    assert_eq!(f["details"]["log_cut"], "no");
    assert!(
        text.contains(
            "alice/demo failed to build (BUILD_ERROR), saying \"Build failed with exit code: 1\"."
        ),
        "{text}"
    );
    // What to do shows the log itself, and the command for the whole of it.
    assert!(text.contains("| ERROR: Could not find a version"), "{text}");
    assert!(
        text.contains(&format!("$ hf spaces logs {SPACE} --build")),
        "{text}"
    );
    assert!(hub.count(&format!("/api/spaces/{SPACE}/logs/build")) >= 2);
    assert_eq!(hub.count(&format!("/api/spaces/{SPACE}/logs/run")), 0);
}

#[test]
fn runtime_error_reads_the_run_log() {
    let space = Repo::space(SPACE)
        .runtime("RUNTIME_ERROR")
        .error_message("Exit code: 1. Reason: ModuleNotFoundError: No module named 'torch'")
        .run_log(&[
            "Traceback (most recent call last):",
            "ModuleNotFoundError: No module named 'torch'",
        ]);
    let (f, text) = owner_sees(space, "space-status/runtime-error");
    assert_eq!(f["cause"], "space-error");
    assert!(f["details"]["log_tail"]
        .as_str()
        .unwrap()
        .contains("No module named 'torch'"));
    assert!(text.contains("RUNTIME_ERROR"), "{text}");
    assert!(
        text.contains("| Traceback (most recent call last):"),
        "{text}"
    );
}

#[test]
fn config_error_and_no_app_file_fail_as_space_errors() {
    let space = Repo::space(SPACE)
        .runtime("CONFIG_ERROR")
        .error_message("Invalid YAML in README.md: sdk is required");
    let (f, text) = owner_sees(space, "space-status/config-error");
    assert_eq!(f["cause"], "space-error");
    assert!(text.contains("sdk is required"), "{text}");
    let (f, _) = owner_sees(
        Repo::space(SPACE).runtime("NO_APP_FILE"),
        "space-status/no-app-file",
    );
    assert_eq!(f["cause"], "space-error");
    assert_eq!(f["status"], "fail");
    // No error message is said as such, not as an empty quote.
    assert!(
        f["summary"]
            .as_str()
            .unwrap()
            .contains(", with no error message from the Hub"),
        "{f}"
    );
}

#[test]
fn paused_sleeping_stopped_and_deleting_warn_with_what_to_do() {
    for (stage, code, command) in [
        (
            "PAUSED",
            "space-status/paused",
            Some("hf spaces restart alice/demo"),
        ),
        (
            "SLEEPING",
            "space-status/sleeping",
            Some("hf spaces restart alice/demo"),
        ),
        (
            "STOPPED",
            "space-status/stopped",
            Some("hf spaces restart alice/demo"),
        ),
        ("DELETING", "space-status/deleting", None),
    ] {
        let (f, text) = owner_sees(Repo::space(SPACE).runtime(stage), code);
        assert_eq!(f["status"], "warn", "{stage}");
        assert!(text.contains(stage), "{text}");
        match command {
            Some(c) => assert_eq!(fix_commands(&f), vec![c.to_string()]),
            None => assert!(fix_commands(&f).is_empty()),
        }
    }
}

#[test]
fn an_unknown_stage_is_reported_as_it_came_never_guessed() {
    let space = Repo::space(SPACE)
        .runtime("MIGRATING_REGION")
        .error_message("moving to eu-west");
    let (f, text) = owner_sees(space, "space-status/unknown-stage");
    assert_eq!(f["status"], "warn");
    assert!(f["cause"].is_null(), "no cause is claimed: {f}");
    assert_eq!(f["details"]["stage"], "MIGRATING_REGION");
    assert!(
        text.contains("in the stage MIGRATING_REGION, which hfdoctor does not know"),
        "{text}"
    );
    assert!(text.contains("moving to eu-west"), "{text}");
}

#[test]
fn a_reader_sees_the_stage_but_not_the_log() {
    let space = Repo::space(SPACE)
        .runtime("BUILD_ERROR")
        .build_log(&["ERROR: secret step failed"]);
    let hub = HubServer::start(world_of(space));
    let w = world_with(&hub, Some(READER));
    let (f, text) = w.outcome_with("space-status/build-error", ARGS);
    assert_eq!(f["details"]["log"], "space-log-refused");
    assert_eq!(f["details"]["log_status"], "403");
    assert!(
        text.contains("The log could not be read with this token (the Hub answered 403)"),
        "{text}"
    );
    assert!(!text.contains("secret step failed"), "{text}");
}

#[test]
fn a_log_stream_that_stays_open_is_cut_and_the_run_ends() {
    let space = Repo::space(SPACE)
        .runtime("RUNTIME_ERROR")
        .run_log(&["started", "Killed: out of memory"])
        // The stand-in keeps the stream open far longer than the run may take.
        .log_hold(Duration::from_secs(60));
    let hub = HubServer::start(world_of(space));
    let w = world_with(&hub, Some(OWNER));
    let mut args = ARGS.to_vec();
    args.extend(["--timeout", "3"]);
    let (f, _) = w.outcome_with("space-status/runtime-error", &args);
    assert_eq!(f["status"], "fail");
    assert!(
        f["details"]["log_tail"]
            .as_str()
            .unwrap()
            .ends_with("Killed: out of memory"),
        "{f}"
    );
}

#[test]
fn a_token_in_a_build_log_is_masked_in_text_and_json() {
    const LEAKED: &str = "hf_LeakedInBuildLogQQQQQQQQQQQQQQQQQZz99";
    let line = format!(
        "RUN git clone https://user:{LEAKED}@huggingface.co/alice/x && export HF_TOKEN={LEAKED}"
    );
    let space = Repo::space(SPACE)
        .runtime("BUILD_ERROR")
        .build_log(&[&line, "fatal: Authentication failed"]);
    let hub = HubServer::start(world_of(space));
    let w = world_with(&hub, Some(OWNER));
    let json = w.json(ARGS);
    let text = w.run(&[ARGS, &["--color", "never"]].concat());
    for out in [&json.stdout, &text.stdout, &json.stderr, &text.stderr] {
        assert!(!out.contains(LEAKED), "leaked: {out}");
        assert!(!out.contains("LeakedInBuildLog"), "leaked in part: {out}");
    }
    assert!(json.stdout.contains("hf_…Zz99"), "{}", json.stdout);
    assert!(text.stdout.contains("hf_…Zz99"), "{}", text.stdout);
    assert!(!text.stdout.contains(OWNER), "the user's own token");
}

#[test]
fn not_a_space_target_is_skipped() {
    let hub = HubServer::start(world_of(Repo::space(SPACE)));
    let w = world_with(&hub, Some(OWNER));
    let (f, text) = w.outcome_with(
        "space-status/not-a-space",
        &["--only", "space-status", "--repo", "alice/model"],
    );
    assert_eq!(f["status"], "skip");
    assert!(text.contains("--repo-type space"), "{text}");
    assert_eq!(hub.count("/api/spaces"), 0);
    let (f, _) = w.outcome_with(
        "space-status/skipped-no-target",
        &["--only", "space-status"],
    );
    assert_eq!(f["status"], "skip");
}

#[test]
fn private_space_without_a_token_and_with_another_account() {
    let space = Repo::space(SPACE).private().runtime("RUNNING");
    let hub = HubServer::start(world_of(space));
    let (f, text) = world_with(&hub, None).outcome_with("space-status/not-logged-in", ARGS);
    assert_eq!(f["cause"], "no-token");
    assert!(text.contains("hf auth login"), "{text}");
    let (f, _) = world_with(&hub, Some(READER)).outcome_with("space-status/not-visible", ARGS);
    assert_eq!(f["status"], "skip");
    assert_eq!(f["details"]["status"], "404");
}

#[test]
fn revoked_token_rate_limit_and_server_error() {
    let hub = HubServer::start(world_of(Repo::space(SPACE).runtime("RUNNING")));
    let (f, _) = world_with(&hub, Some(REVOKED)).outcome_with("space-status/token-invalid", ARGS);
    assert_eq!(f["cause"], "invalid-token");
    let path = format!("/api/spaces/{SPACE}/runtime");
    let hub = HubServer::start(world_of(Repo::space(SPACE)).rate_limited(&path));
    let (f, text) = world_with(&hub, Some(OWNER)).outcome_with("space-status/rate-limited", ARGS);
    assert_eq!(f["cause"], "rate-limited");
    assert_eq!(f["details"]["reset"], "55");
    assert!(text.contains("resets in 55 s"), "{text}");
    let hub = HubServer::start(world_of(Repo::space(SPACE)).broken(
        &path,
        502,
        "<html><title>Bad Gateway</title></html>",
    ));
    let (f, _) = world_with(&hub, Some(OWNER)).outcome_with("space-status/server-error", ARGS);
    assert_eq!(f["cause"], "server-error");
}

#[test]
fn an_answer_without_a_stage_is_unsure() {
    let path = format!("/api/spaces/{SPACE}/runtime");
    let hub =
        HubServer::start(world_of(Repo::space(SPACE)).broken(&path, 200, "{\"hardware\": {}}"));
    let (f, text) = world_with(&hub, Some(OWNER)).outcome_with("space-status/unsure", ARGS);
    assert_eq!(f["status"], "warn");
    assert_eq!(f["details"]["message"], "space-runtime-no-stage");
    assert!(text.contains("an answer without a stage"), "{text}");
    let hub = HubServer::start(world_of(Repo::space(SPACE)).broken(&path, 418, "teapot"));
    let (f, _) = world_with(&hub, Some(OWNER)).outcome_with("space-status/unsure", ARGS);
    assert_eq!(f["details"]["status"], "418");
}

#[test]
fn offline_asks_nothing_and_a_silent_hub_is_a_timeout() {
    let hub = HubServer::start(world_of(Repo::space(SPACE).runtime("RUNNING")));
    let w = world_with(&hub, Some(OWNER));
    let mut args = ARGS.to_vec();
    args.push("--offline");
    let (f, _) = w.outcome_with("space-status/skipped-offline", &args);
    assert_eq!(f["status"], "skip");
    assert!(hub.log().is_empty(), "{:?}", hub.log());
    let mut w = World::new();
    w.write_token(OWNER);
    w.set("HF_ENDPOINT", &format!("http://{}", black_hole()));
    let mut args = ARGS.to_vec();
    args.extend(["--timeout", "1"]);
    let j = w.json(&args).json();
    let f = &j["checks"][0];
    assert!(
        f["status"] == "timeout"
            && (f["code"] == "space-status/no-answer" || f["code"] == "space-status/timeout"),
        "{f}"
    );
}

#[test]
fn in_chinese() {
    let space = Repo::space(SPACE)
        .runtime("BUILD_ERROR")
        .error_message("Build failed")
        .build_log(&["ERROR: pip failed"]);
    let hub = HubServer::start(world_of(space));
    let w = world_with(&hub, Some(OWNER));
    let tw = w
        .run(&[ARGS, &["--lang", "zh-TW", "--color", "never"]].concat())
        .stdout;
    assert!(
        tw.contains("alice/demo 建置失敗（BUILD_ERROR），錯誤訊息為「Build failed」。"),
        "{tw}"
    );
    assert!(tw.contains("建置日誌說明了原因。日誌的最後幾行："), "{tw}");
    assert!(tw.contains("| ERROR: pip failed"), "{tw}");
    let cn = w
        .run(&[ARGS, &["--lang", "zh-CN", "--color", "never"]].concat())
        .stdout;
    assert!(
        cn.contains("alice/demo 构建失败（BUILD_ERROR），错误消息为“Build failed”。"),
        "{cn}"
    );
    let j = w.json(&[ARGS, &["--lang", "zh-CN"]].concat()).json();
    assert!(
        j["checks"][0]["summary"]
            .as_str()
            .unwrap()
            .contains("构建失败"),
        "{j}"
    );
}

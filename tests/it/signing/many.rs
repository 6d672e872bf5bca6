//! `vimes verify IMAGE...` and `-f FILE`: several images in one run, each
//! with its own verdict, the exit the worst of them.

use crate::promote::setup;
use crate::support::oci::{push_image, TestImage};
use crate::support::trivy::build_fixture_image;

#[test]
fn verify_many_images_reports_each_and_exits_with_the_worst() {
    let Some(mut b) = setup("") else {
        return;
    };
    build_fixture_image(&b.staging, "clean", "staging/web", "1.0");
    b.env.run(&["--yes", "promote", "web:1.0"]).assert_code(0);
    let rogue = TestImage::random(81, 1, 1024);
    push_image(&b.production, "production/rogue", Some("1"), &rogue);

    // One image: the report as before (not wrapped in a list).
    let out = b.env.run(&["--output", "json", "verify", "web:1.0"]);
    out.assert_code(0);
    assert_eq!(out.json()["verified"], true);
    assert!(out.json().get("images").is_none());

    let out = b
        .env
        .run(&["--output", "json", "verify", "web:1.0", "rogue:1"]);
    out.assert_code(1);
    let doc = out.json();
    let images = doc["images"].as_array().unwrap();
    assert_eq!(images.len(), 2, "{doc}");
    assert_eq!(images[0]["verified"], true);
    assert!(images[0]["repository"]
        .as_str()
        .unwrap()
        .ends_with("/production/web"));
    assert_eq!(images[1]["verified"], false);
    assert_eq!(doc["verified"], false);

    // A list file (comments, blank lines) and stdin; the text names each.
    b.env
        .write("release.txt", "# release 1\nweb:1.0\n\nweb:1.0   # again\n");
    let out = b.env.run(&["verify", "-f", "release.txt"]);
    out.assert_code(0);
    assert!(
        out.stdout.contains("2 images, 2 verified"),
        "{}",
        out.dump()
    );
    let out = b
        .env
        .run_with_stdin(&["verify", "-f", "-", "rogue:1"], Some("web:1.0\n"));
    out.assert_code(1);
    assert!(
        out.stdout.contains("2 images, 1 verified"),
        "{}",
        out.dump()
    );
    assert!(out.stdout.contains("NOT verified"), "{}", out.dump());

    // A registry that does not answer outranks a "no"; bad input is exit 2
    // before anything is read.
    b.env
        .run(&["verify", "rogue:1", "127.0.0.1:1/production/web:1.0"])
        .assert_code(4);
    b.env.write("empty.txt", "# nothing\n");
    b.env.run(&["verify", "-f", "empty.txt"]).assert_code(2);
    b.env
        .run(&["verify", "web:1.0", "Bad Reference"])
        .assert_code(2);
    b.env.run(&["verify"]).assert_code(2);
    b.env
        .run(&["verify", "-f", "no-such-list.txt"])
        .assert_code(2);
}

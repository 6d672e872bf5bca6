//! The committed completions/ and man/ are what the binary generates: a CLI
//! change without `scripts/gen-docs` fails here.

use crate::support::TestEnv;
use std::path::Path;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

#[test]
fn committed_completions_match_the_binary() {
    let env = TestEnv::new();
    for (shell, file) in [
        ("bash", "vimes.bash"),
        ("zsh", "_vimes"),
        ("fish", "vimes.fish"),
        ("powershell", "_vimes.ps1"),
        ("elvish", "vimes.elv"),
    ] {
        let out = env.run(&["completions", shell]);
        out.assert_code(0);
        let committed = std::fs::read_to_string(Path::new(ROOT).join("completions").join(file))
            .unwrap_or_else(|e| panic!("completions/{file}: {e} (run scripts/gen-docs)"));
        assert!(
            out.stdout == committed,
            "completions/{file} is stale: run scripts/gen-docs"
        );
    }
}

#[test]
fn committed_man_pages_match_the_binary() {
    let env = TestEnv::new();
    env.run(&["generate-man", "generated"]).assert_code(0);
    let generated = env.path("generated");
    let committed = Path::new(ROOT).join("man");
    let names = |dir: &Path| {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("{}: {e} (run scripts/gen-docs)", dir.display()))
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        names(&generated),
        names(&committed),
        "man/ is stale: run scripts/gen-docs"
    );
    for name in names(&committed) {
        let a = std::fs::read(generated.join(&name)).unwrap();
        let b = std::fs::read(committed.join(&name)).unwrap();
        assert!(a == b, "man/{name} is stale: run scripts/gen-docs");
    }
    assert!(names(&committed).contains(&"vimes-promote.1".to_string()));
}

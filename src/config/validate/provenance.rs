//! Checks of `build.builder_id` and `policy.provenance`: an empty id or glob
//! would match nothing (or be meaningless in a provenance statement), and a
//! requirement nobody can be trusted to meet is a configuration error, not a
//! refusal of every image at promotion time.

use super::{Config, Problems};

pub(super) fn check_provenance(config: &Config, p: &mut Problems) {
    if config
        .build
        .builder_id
        .as_deref()
        .is_some_and(|id| id.trim().is_empty())
    {
        p.at_value(
            &["build", "builder_id"],
            "build.builder_id is empty; give the builder's id (e.g. your CI system's) or remove it"
                .into(),
        );
    }
    let provenance = &config.policy.provenance;
    let lists = [
        ("builders", &provenance.builders),
        ("source_repositories", &provenance.source_repositories),
        ("trusted_keys", &provenance.trusted_keys),
    ];
    for (key, entries) in lists {
        for (i, entry) in entries.iter().enumerate() {
            if entry.trim().is_empty() {
                let index = i.to_string();
                p.at_value(
                    &["policy", "provenance", key, &index],
                    format!("policy.provenance.{key}[{i}] is empty"),
                );
            }
        }
    }
    if provenance.required
        && provenance.trusted_keys.is_empty()
        && config.signing.public_keys.is_empty()
    {
        p.at_key(
            &["policy", "provenance", "required"],
            "policy.provenance.required needs keys to trust: set policy.provenance.trusted_keys \
             or signing.public_keys"
                .into(),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::config::load::load_str;

    fn check(text: &str) -> Result<(), String> {
        let lookup = |_: &str| Ok(None);
        load_str(text, "vimes.yaml", &lookup)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn provenance_settings_are_checked() {
        check("version: 1\npolicy:\n  provenance: {required: true, trusted_keys: [b.pub]}\n")
            .unwrap();
        let e = check("version: 1\npolicy:\n  provenance: {required: true}\n").unwrap_err();
        assert!(e.contains("needs keys to trust"), "{e}");
        let e = check("version: 1\npolicy:\n  provenance: {builders: [\" \"]}\n").unwrap_err();
        assert!(e.contains("policy.provenance.builders[0] is empty"), "{e}");
        let e = check("version: 1\nbuild: {builder_id: \"\"}\n").unwrap_err();
        assert!(e.contains("build.builder_id is empty"), "{e}");
        let e = check("version: 1\nbuild: {builder: x}\n").unwrap_err();
        assert!(e.contains("builder"), "{e}");
    }
}


use builtin;
use str;

set edit:completion:arg-completer[vimes] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'vimes'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'vimes'= {
            cand --config 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)'
            cand --output 'Format of what is printed on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'More logging on stderr (repeat for more)'
            cand --verbose 'More logging on stderr (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --yes 'Answer yes to confirmations; never prompt'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand init 'Write a commented vimes.yaml (prompts on a TTY; flags otherwise)'
            cand config 'Inspect the configuration'
            cand copy 'Copy an image by digest, with its cosign signatures and attestations'
            cand key 'Manage cosign-compatible signing keys'
            cand sign 'Sign an image digest in cosign''s format'
            cand attest 'Attach a signed in-toto attestation to an image digest'
            cand verify 'Verify an image''s signatures and required attestations'
            cand status 'What is in production: every tag''s digest, signers, attestations, last scan, SBOM, verdict'
            cand rescan 'Re-judge every production digest from its signed SBOM against today''s Trivy DB'
            cand report 'The status of production as one self-contained HTML page; with --package or --advisory, the inventory''s affected images too'
            cand promote 'Promote an image: scan, review, copy by digest, sign, attest, verify, then tag'
            cand scan 'Scan an image with Trivy and apply the vulnerability gate'
            cand review 'Record a human review of an image''s findings (TTY prompt, or --yes)'
            cand exceptions 'Manage signed vulnerability exceptions'
            cand vex 'Sign and check the OpenVEX documents of policy.vex (they count only when an approver signed them)'
            cand completions 'Print shell completions (bash, zsh, fish, powershell, elvish)'
            cand generate-man 'Write man pages for vimes and every subcommand into a directory'
            cand admission 'Print the admission policy that makes a cluster enforce vimes.yaml''s keys and attestations'
            cand sbom 'Make an SBOM with Syft (optionally attached as a signed attestation); `sbom index` and `sbom query` keep and search the local inventory'
            cand harbor 'Configure Harbor projects from vimes.yaml (immutability, auto-scan, prevent_vul, cosign)'
            cand check 'Check the image references in Dockerfiles, Kubernetes manifests and compose files against the policy (default: the files git tracks)'
            cand hook 'Manage the git hook that runs `vimes check` before every push'
            cand build 'Check base images, build the images of vimes.yaml, push them to staging by digest'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vimes;init'= {
            cand --path 'File to write'
            cand --staging-url 'Staging registry `host[:port]`'
            cand --staging-project 'Staging project (path prefix)'
            cand --production-url 'Production registry `host[:port]` (default: the staging host)'
            cand --production-project 'Production project (path prefix)'
            cand --registry-type 'Registry type of both registries'
            cand --signing-key 'Private signing key reference'
            cand --public-key 'Public key trusted for verification'
            cand --config 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)'
            cand --output 'Format of what is printed on stdout'
            cand --force 'Overwrite an existing file'
            cand --insecure 'Mark both registries as plain HTTP (loopback test registries)'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'More logging on stderr (repeat for more)'
            cand --verbose 'More logging on stderr (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --yes 'Answer yes to confirmations; never prompt'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vimes;config'= {
            cand --config 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)'
            cand --output 'Format of what is printed on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'More logging on stderr (repeat for more)'
            cand --verbose 'More logging on stderr (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --yes 'Answer yes to confirmations; never prompt'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand schema 'Print the JSON Schema of vimes.yaml'
            cand show 'Print the resolved configuration, secrets redacted'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vimes;config;schema'= {
            cand --config 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)'
            cand --output 'Format of what is printed on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'More logging on stderr (repeat for more)'
            cand --verbose 'More logging on stderr (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --yes 'Answer yes to confirmations; never prompt'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vimes;config;show'= {
            cand --config 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)'
            cand --output 'Format of what is printed on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'More logging on stderr (repeat for more)'
            cand --verbose 'More logging on stderr (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --yes 'Answer yes to confirmations; never prompt'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vimes;config;help'= {
            cand schema 'Print the JSON Schema of vimes.yaml'
            cand show 'Print the resolved configuration, secrets redacted'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vimes;config;help;schema'= {
        }
        &'vimes;config;help;show'= {
        }
        &'vimes;config;help;help'= {
        }
        &'vimes;copy'= {
            cand --jobs 'Layers transferred at once between registries'
            cand --config 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)'
            cand --output 'Format of what is printed on stdout'
            cand --no-signatures 'Do not carry cosign `.sig`/`.att`/`.sbom` tags along'
            cand --force 'Move a destination tag that already points to another digest (never on an `immutable: true` registry)'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'More logging on stderr (repeat for more)'
            cand --verbose 'More logging on stderr (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --yes 'Answer yes to confirmations; never prompt'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vimes;key'= {
            cand --config 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)'
            cand --output 'Format of what is printed on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'More logging on stderr (repeat for more)'
            cand --verbose 'More logging on stderr (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --yes 'Answer yes to confirmations; never prompt'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand generate 'Generate an encrypted P-256 key pair (NAME.key, mode 0600, and NAME.pub), or with --pkcs11 a key pair inside a token (only NAME.pub is written)'
            cand list 'List the keys of a PKCS#11 token, with the URIs --key takes'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vimes;key;generate'= {
            cand --output-prefix 'File name prefix of the key pair'
            cand --pkcs11 'Create the key pair inside the PKCS#11 token this URI names (`pkcs11:token=LABEL;object=NAME[;id=%NN][?module-path=LIB]`); the PIN comes from COSIGN_PKCS11_PIN or a prompt, never from the URI'
            cand --config 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)'
            cand --output 'Format of what is printed on stdout'
            cand --force 'Overwrite existing files'
            cand --allow-empty-password 'Allow an empty password (the key is then effectively unencrypted)'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'More logging on stderr (repeat for more)'
            cand --verbose 'More logging on stderr (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --yes 'Answer yes to confirmations; never prompt'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vimes;key;list'= {
            cand --pkcs11 'PKCS#11 library (e.g. /usr/lib/softhsm/libsofthsm2.so); default: tools.pkcs11.module. Private keys are listed when COSIGN_PKCS11_PIN is set'
            cand --config 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)'
            cand --output 'Format of what is printed on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'More logging on stderr (repeat for more)'
            cand --verbose 'More logging on stderr (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --yes 'Answer yes to confirmations; never prompt'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vimes;key;help'= {
            cand generate 'Generate an encrypted P-256 key pair (NAME.key, mode 0600, and NAME.pub), or with --pkcs11 a key pair inside a token (only NAME.pub is written)'
            cand list 'List the keys of a PKCS#11 token, with the URIs --key takes'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vimes;key;help;generate'= {
        }
        &'vimes;key;help;list'= {
        }
        &'vimes;key;help;help'= {
        }
        &'vimes;sign'= {
            cand --key 'Private key (path, env://VAR or pkcs11: URI); default: signing.key'
            cand -a 'Annotation put into the signed payload (repeatable)'
            cand --annotation 'Annotation put into the signed payload (repeatable)'
            cand --config 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)'
            cand --output 'Format of what is printed on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'More logging on stderr (repeat for more)'
            cand --verbose 'More logging on stderr (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --yes 'Answer yes to confirmations; never prompt'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vimes;attest'= {
            cand --predicate 'The predicate document (JSON)'
            cand --type 'Predicate type, as cosign names it: cyclonedx, spdx, spdxjson, vuln, slsaprovenance (SLSA v0.2), slsaprovenance02, slsaprovenance1 (SLSA v1), link, openvex, custom'
            cand --key 'Private key (path, env://VAR or pkcs11: URI); default: signing.key'
            cand --config 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)'
            cand --output 'Format of what is printed on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'More logging on stderr (repeat for more)'
            cand --verbose 'More logging on stderr (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --yes 'Answer yes to confirmations; never prompt'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vimes;verify'= {
            cand -f 'Also verify the images listed in FILE, one per line (`#` starts a comment; `-`: stdin)'
            cand --file 'Also verify the images listed in FILE, one per line (`#` starts a comment; `-`: stdin)'
            cand --key 'Trusted public key (repeatable); default: signing.public_keys'
            cand -a 'Annotation a signature must carry (repeatable)'
            cand --annotation 'Annotation a signature must carry (repeatable)'
            cand --require-attestation 'Attestation type that must be present, in addition to signing.require_attestations'
            cand --config 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)'
            cand --output 'Format of what is printed on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'More logging on stderr (repeat for more)'
            cand --verbose 'More logging on stderr (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --yes 'Answer yes to confirmations; never prompt'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vimes;status'= {
            cand --key 'Trusted public key (repeatable); default: signing.public_keys'
            cand --config 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)'
            cand --output 'Format of what is printed on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'More logging on stderr (repeat for more)'
            cand --verbose 'More logging on stderr (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --yes 'Answer yes to confirmations; never prompt'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vimes;rescan'= {
            cand --key 'Trusted public key for the SBOM attestations (repeatable); default: signing.public_keys'
            cand --signing-key 'Private key for --attach (path, env://VAR or pkcs11: URI); default: signing.key'
            cand --config 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)'
            cand --output 'Format of what is printed on stdout'
            cand --attach 'Sign a fresh vuln attestation for every image that still passes (as `scan --attach`)'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'More logging on stderr (repeat for more)'
            cand --verbose 'More logging on stderr (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --yes 'Answer yes to confirmations; never prompt'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vimes;report'= {
            cand -o 'The HTML file to write (replaced whole); `-` or none: stdout'
            cand --output-file 'The HTML file to write (replaced whole); `-` or none: stdout'
            cand --key 'Trusted public key (repeatable); default: signing.public_keys'
            cand --package 'Also list the inventory''s images holding this package (as `sbom query --package`)'
            cand --version 'Version range of --package: comparators joined by commas, e.g. ''>=1.2.3, <2.0'''
            cand --type 'Only packages of this PURL type (deb, pypi, npm, cargo, golang, ...)'
            cand --purl 'Also list the inventory''s images holding this package URL (as `sbom query --purl`)'
            cand --advisory 'Also list the inventory''s images holding a version this OSV advisory (JSON) lists'
            cand --config 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)'
            cand --output 'Format of what is printed on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'More logging on stderr (repeat for more)'
            cand --verbose 'More logging on stderr (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --yes 'Answer yes to confirmations; never prompt'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'vimes;promote'= {
            cand --tag 'Production tag (default: the source tag)'
            cand --reviewer 'Who reviews (default: git user.email, else $USER)'
            cand --key 'Private key (path, env://VAR or pkcs11: URI); default: signing.key'
            cand --config 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)'
            cand --output 'Format of what is printed on stdout'
            cand --dry-run 'Resolve and scan only; write nothing'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'More logging on stderr (repeat for more)'
            cand --verbose 'More logging on stderr (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --yes 'Answer yes to confirmations; never prompt'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vimes;scan'= {
            cand --key 'Private key for --attach (path, env://VAR or pkcs11: URI); default: signing.key'
            cand --config 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)'
            cand --output 'Format of what is printed on stdout'
            cand --no-cache 'Run Trivy even when a report for this digest, Trivy version and DB is cached'
            cand --attach 'When the scan passes, sign the result and attach it as a cosign vuln attestation (a blocked image gets none)'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'More logging on stderr (repeat for more)'
            cand --verbose 'More logging on stderr (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --yes 'Answer yes to confirmations; never prompt'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vimes;review'= {
            cand --reviewer 'Who is reviewing (default: git user.email, else $USER)'
            cand -o 'Also write the record to this file'
            cand --output-file 'Also write the record to this file'
            cand --config 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)'
            cand --output 'Format of what is printed on stdout'
            cand --reject 'Record a rejection (non-interactive)'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'More logging on stderr (repeat for more)'
            cand --verbose 'More logging on stderr (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --yes 'Answer yes to confirmations; never prompt'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vimes;exceptions'= {
            cand --config 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)'
            cand --output 'Format of what is printed on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'More logging on stderr (repeat for more)'
            cand --verbose 'More logging on stderr (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --yes 'Answer yes to confirmations; never prompt'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand add 'Add an exception (the file must then be signed again)'
            cand sign 'Sign the exceptions file with an approver''s key (writes FILE.sig)'
            cand verify 'Check the file''s signature against policy.approvers (exit 1 if it does not count)'
            cand list 'List the exceptions and whether each is in force'
            cand export 'Export the approved, unexpired exceptions for other tools'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vimes;exceptions;add'= {
            cand --file 'The exceptions file'
            cand --id 'CVE or GHSA id'
            cand --reason 'Why the risk is accepted'
            cand --expires 'Last valid day, YYYY-MM-DD (UTC)'
            cand --approved-by 'Who approved it'
            cand --image 'Repository glob it is limited to (repeatable)'
            cand --package 'Package it is limited to (repeatable)'
            cand --config 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)'
            cand --output 'Format of what is printed on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'More logging on stderr (repeat for more)'
            cand --verbose 'More logging on stderr (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --yes 'Answer yes to confirmations; never prompt'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vimes;exceptions;sign'= {
            cand --file 'The exceptions file'
            cand --key 'The approver''s private key (path, env://VAR or pkcs11: URI); password from COSIGN_PASSWORD, a token''s PIN from COSIGN_PKCS11_PIN'
            cand --config 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)'
            cand --output 'Format of what is printed on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'More logging on stderr (repeat for more)'
            cand --verbose 'More logging on stderr (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --yes 'Answer yes to confirmations; never prompt'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vimes;exceptions;verify'= {
            cand --file 'The exceptions file'
            cand --config 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)'
            cand --output 'Format of what is printed on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'More logging on stderr (repeat for more)'
            cand --verbose 'More logging on stderr (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --yes 'Answer yes to confirmations; never prompt'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vimes;exceptions;list'= {
            cand --file 'The exceptions file'
            cand --config 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)'
            cand --output 'Format of what is printed on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'More logging on stderr (repeat for more)'
            cand --verbose 'More logging on stderr (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --yes 'Answer yes to confirmations; never prompt'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vimes;exceptions;export'= {
            cand --file 'The exceptions file'
            cand --format 'Target format'
            cand --image 'Make the export for this image only (REPO, or REPO@sha256:... for openvex)'
            cand -o 'Write here instead of stdout'
            cand --output-file 'Write here instead of stdout'
            cand --config 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)'
            cand --output 'Format of what is printed on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'More logging on stderr (repeat for more)'
            cand --verbose 'More logging on stderr (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --yes 'Answer yes to confirmations; never prompt'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vimes;exceptions;help'= {
            cand add 'Add an exception (the file must then be signed again)'
            cand sign 'Sign the exceptions file with an approver''s key (writes FILE.sig)'
            cand verify 'Check the file''s signature against policy.approvers (exit 1 if it does not count)'
            cand list 'List the exceptions and whether each is in force'
            cand export 'Export the approved, unexpired exceptions for other tools'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vimes;exceptions;help;add'= {
        }
        &'vimes;exceptions;help;sign'= {
        }
        &'vimes;exceptions;help;verify'= {
        }
        &'vimes;exceptions;help;list'= {
        }
        &'vimes;exceptions;help;export'= {
        }
        &'vimes;exceptions;help;help'= {
        }
        &'vimes;vex'= {
            cand --config 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)'
            cand --output 'Format of what is printed on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'More logging on stderr (repeat for more)'
            cand --verbose 'More logging on stderr (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --yes 'Answer yes to confirmations; never prompt'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand sign 'Sign an OpenVEX document with an approver''s key (writes FILE.sig)'
            cand verify 'Check an OpenVEX document''s signature against policy.approvers (exit 1 if it does not count)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vimes;vex;sign'= {
            cand --key 'The approver''s private key (path, env://VAR or pkcs11: URI); password from COSIGN_PASSWORD, a token''s PIN from COSIGN_PKCS11_PIN'
            cand --config 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)'
            cand --output 'Format of what is printed on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'More logging on stderr (repeat for more)'
            cand --verbose 'More logging on stderr (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --yes 'Answer yes to confirmations; never prompt'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vimes;vex;verify'= {
            cand --config 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)'
            cand --output 'Format of what is printed on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'More logging on stderr (repeat for more)'
            cand --verbose 'More logging on stderr (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --yes 'Answer yes to confirmations; never prompt'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vimes;vex;help'= {
            cand sign 'Sign an OpenVEX document with an approver''s key (writes FILE.sig)'
            cand verify 'Check an OpenVEX document''s signature against policy.approvers (exit 1 if it does not count)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vimes;vex;help;sign'= {
        }
        &'vimes;vex;help;verify'= {
        }
        &'vimes;vex;help;help'= {
        }
        &'vimes;completions'= {
            cand --config 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)'
            cand --output 'Format of what is printed on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'More logging on stderr (repeat for more)'
            cand --verbose 'More logging on stderr (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --yes 'Answer yes to confirmations; never prompt'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vimes;generate-man'= {
            cand --config 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)'
            cand --output 'Format of what is printed on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'More logging on stderr (repeat for more)'
            cand --verbose 'More logging on stderr (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --yes 'Answer yes to confirmations; never prompt'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vimes;admission'= {
            cand --config 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)'
            cand --output 'Format of what is printed on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'More logging on stderr (repeat for more)'
            cand --verbose 'More logging on stderr (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --yes 'Answer yes to confirmations; never prompt'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand kyverno 'Kyverno ClusterPolicy (kyverno.io/v1)'
            cand policy-controller 'sigstore policy-controller ClusterImagePolicy (policy.sigstore.dev/v1beta1)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vimes;admission;kyverno'= {
            cand --kyverno-version 'The Kyverno release the cluster runs (1.11 or later): only fields its CRD defines are written'
            cand --config 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)'
            cand --output 'Format of what is printed on stdout'
            cand --require-vsa 'Require only the SLSA verification summary promotion attests (verifier vimes, result PASSED) instead of every signing.require_attestations type'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'More logging on stderr (repeat for more)'
            cand --verbose 'More logging on stderr (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --yes 'Answer yes to confirmations; never prompt'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vimes;admission;policy-controller'= {
            cand --config 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)'
            cand --output 'Format of what is printed on stdout'
            cand --require-vsa 'Require only the SLSA verification summary promotion attests (verifier vimes, result PASSED) instead of every signing.require_attestations type'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'More logging on stderr (repeat for more)'
            cand --verbose 'More logging on stderr (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --yes 'Answer yes to confirmations; never prompt'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vimes;admission;help'= {
            cand kyverno 'Kyverno ClusterPolicy (kyverno.io/v1)'
            cand policy-controller 'sigstore policy-controller ClusterImagePolicy (policy.sigstore.dev/v1beta1)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vimes;admission;help;kyverno'= {
        }
        &'vimes;admission;help;policy-controller'= {
        }
        &'vimes;admission;help;help'= {
        }
        &'vimes;sbom'= {
            cand --format 'SBOM format (default: sbom.format)'
            cand -o 'Write the SBOM to FILE instead of stdout'
            cand --output-file 'Write the SBOM to FILE instead of stdout'
            cand --key 'Private key for --attach (path, env://VAR or pkcs11: URI); default: signing.key'
            cand --config 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)'
            cand --output 'Format of what is printed on stdout'
            cand --attach 'Sign the SBOM, attach it to the image as an attestation and add it to the inventory'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'More logging on stderr (repeat for more)'
            cand --verbose 'More logging on stderr (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --yes 'Answer yes to confirmations; never prompt'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand index 'Add SBOMs to the inventory: files, directories of *.json files, images (their signed SBOM attestation), or every tagged image of a repository'
            cand query 'Find the images that contain a package, a package version range or an OSV advisory'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vimes;sbom;index'= {
            cand --repository 'Index every tagged image of this repository (repeatable)'
            cand --registry 'Index every repository of this vimes.yaml registry entry (repeatable; Harbor''s API for type harbor, /v2/_catalog for type oci); digests already in the inventory are not read again'
            cand --image 'The image a single SBOM file describes (default: what the SBOM records)'
            cand --key 'Trusted public key for attestations (repeatable); default: signing.public_keys'
            cand --config 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)'
            cand --output 'Format of what is printed on stdout'
            cand --rebuild 'Delete the inventory and start an empty one first'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'More logging on stderr (repeat for more)'
            cand --verbose 'More logging on stderr (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --yes 'Answer yes to confirmations; never prompt'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vimes;sbom;query'= {
            cand --package 'Package name (binary or source package; PyPI names in any spelling)'
            cand --version 'Version range of --package: comparators joined by commas, e.g. ''>=1.2.3, <2.0'''
            cand --type 'Only packages of this PURL type (deb, pypi, npm, cargo, golang, ...)'
            cand --purl 'Package URL, with or without version and qualifiers'
            cand --advisory 'OSV advisory (JSON): the images holding an affected version'
            cand --config 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)'
            cand --output 'Format of what is printed on stdout'
            cand --fail-if-found 'Exit 1 when something is found'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'More logging on stderr (repeat for more)'
            cand --verbose 'More logging on stderr (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --yes 'Answer yes to confirmations; never prompt'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'vimes;sbom;help'= {
            cand index 'Add SBOMs to the inventory: files, directories of *.json files, images (their signed SBOM attestation), or every tagged image of a repository'
            cand query 'Find the images that contain a package, a package version range or an OSV advisory'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vimes;sbom;help;index'= {
        }
        &'vimes;sbom;help;query'= {
        }
        &'vimes;sbom;help;help'= {
        }
        &'vimes;harbor'= {
            cand --config 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)'
            cand --output 'Format of what is printed on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'More logging on stderr (repeat for more)'
            cand --verbose 'More logging on stderr (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --yes 'Answer yes to confirmations; never prompt'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand setup 'Make every `type: harbor` project match vimes.yaml (idempotent): projects exist, auto_scan; on promotion.to prevent_vul + severity and cosign enforcement; on `immutable: true` registries a rule freezing every tag except cosign''s sha256-* tags'
            cand status 'Show each Harbor setting vimes.yaml wants next to what Harbor has; exit 1 on drift'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vimes;harbor;setup'= {
            cand --robot 'Also create this project robot account on promotion.to (pull, push, read artifacts, create tags, scan, read reports); its secret is shown once'
            cand --robot-secret-file 'Write the new robot''s secret to FILE (mode 0600) instead of printing it'
            cand --config 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)'
            cand --output 'Format of what is printed on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'More logging on stderr (repeat for more)'
            cand --verbose 'More logging on stderr (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --yes 'Answer yes to confirmations; never prompt'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vimes;harbor;status'= {
            cand --config 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)'
            cand --output 'Format of what is printed on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'More logging on stderr (repeat for more)'
            cand --verbose 'More logging on stderr (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --yes 'Answer yes to confirmations; never prompt'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vimes;harbor;help'= {
            cand setup 'Make every `type: harbor` project match vimes.yaml (idempotent): projects exist, auto_scan; on promotion.to prevent_vul + severity and cosign enforcement; on `immutable: true` registries a rule freezing every tag except cosign''s sha256-* tags'
            cand status 'Show each Harbor setting vimes.yaml wants next to what Harbor has; exit 1 on drift'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vimes;harbor;help;setup'= {
        }
        &'vimes;harbor;help;status'= {
        }
        &'vimes;harbor;help;help'= {
        }
        &'vimes;check'= {
            cand --build-arg 'ARG value for Dockerfiles, as `--build-arg` gives it to a build (repeatable)'
            cand --config 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)'
            cand --output 'Format of what is printed on stdout'
            cand --hook 'Pre-push hook mode: read git''s pre-push lines on stdin and check the files changed in the pushed commits, as they are in those commits'
            cand --resolve 'Look up the digest each unpinned tag points at now (network) and put it in the hint'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'More logging on stderr (repeat for more)'
            cand --verbose 'More logging on stderr (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --yes 'Answer yes to confirmations; never prompt'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vimes;hook'= {
            cand --config 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)'
            cand --output 'Format of what is printed on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'More logging on stderr (repeat for more)'
            cand --verbose 'More logging on stderr (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --yes 'Answer yes to confirmations; never prompt'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand install 'Install the pre-push hook (honours core.hooksPath; an existing hook is kept as pre-push.local and run first)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vimes;hook;install'= {
            cand --config 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)'
            cand --output 'Format of what is printed on stdout'
            cand --force 'Replace an existing hook that cannot be chained (it is saved as pre-push.vimes-backup)'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'More logging on stderr (repeat for more)'
            cand --verbose 'More logging on stderr (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --yes 'Answer yes to confirmations; never prompt'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vimes;hook;help'= {
            cand install 'Install the pre-push hook (honours core.hooksPath; an existing hook is kept as pre-push.local and run first)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vimes;hook;help;install'= {
        }
        &'vimes;hook;help;help'= {
        }
        &'vimes;build'= {
            cand --tag 'Tag to push to staging (default: `git describe --tags --always`)'
            cand --build-arg 'Build argument (repeatable)'
            cand --target 'Stage to build'
            cand --platform 'Platform to build for (`os/arch[/variant]`)'
            cand --key 'Private key (path, env://VAR or pkcs11: URI); default: signing.key'
            cand --config 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)'
            cand --output 'Format of what is printed on stdout'
            cand -q 'Print only results and errors'
            cand --quiet 'Print only results and errors'
            cand -v 'More logging on stderr (repeat for more)'
            cand --verbose 'More logging on stderr (repeat for more)'
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand --yes 'Answer yes to confirmations; never prompt'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vimes;help'= {
            cand init 'Write a commented vimes.yaml (prompts on a TTY; flags otherwise)'
            cand config 'Inspect the configuration'
            cand copy 'Copy an image by digest, with its cosign signatures and attestations'
            cand key 'Manage cosign-compatible signing keys'
            cand sign 'Sign an image digest in cosign''s format'
            cand attest 'Attach a signed in-toto attestation to an image digest'
            cand verify 'Verify an image''s signatures and required attestations'
            cand status 'What is in production: every tag''s digest, signers, attestations, last scan, SBOM, verdict'
            cand rescan 'Re-judge every production digest from its signed SBOM against today''s Trivy DB'
            cand report 'The status of production as one self-contained HTML page; with --package or --advisory, the inventory''s affected images too'
            cand promote 'Promote an image: scan, review, copy by digest, sign, attest, verify, then tag'
            cand scan 'Scan an image with Trivy and apply the vulnerability gate'
            cand review 'Record a human review of an image''s findings (TTY prompt, or --yes)'
            cand exceptions 'Manage signed vulnerability exceptions'
            cand vex 'Sign and check the OpenVEX documents of policy.vex (they count only when an approver signed them)'
            cand completions 'Print shell completions (bash, zsh, fish, powershell, elvish)'
            cand generate-man 'Write man pages for vimes and every subcommand into a directory'
            cand admission 'Print the admission policy that makes a cluster enforce vimes.yaml''s keys and attestations'
            cand sbom 'Make an SBOM with Syft (optionally attached as a signed attestation); `sbom index` and `sbom query` keep and search the local inventory'
            cand harbor 'Configure Harbor projects from vimes.yaml (immutability, auto-scan, prevent_vul, cosign)'
            cand check 'Check the image references in Dockerfiles, Kubernetes manifests and compose files against the policy (default: the files git tracks)'
            cand hook 'Manage the git hook that runs `vimes check` before every push'
            cand build 'Check base images, build the images of vimes.yaml, push them to staging by digest'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vimes;help;init'= {
        }
        &'vimes;help;config'= {
            cand schema 'Print the JSON Schema of vimes.yaml'
            cand show 'Print the resolved configuration, secrets redacted'
        }
        &'vimes;help;config;schema'= {
        }
        &'vimes;help;config;show'= {
        }
        &'vimes;help;copy'= {
        }
        &'vimes;help;key'= {
            cand generate 'Generate an encrypted P-256 key pair (NAME.key, mode 0600, and NAME.pub), or with --pkcs11 a key pair inside a token (only NAME.pub is written)'
            cand list 'List the keys of a PKCS#11 token, with the URIs --key takes'
        }
        &'vimes;help;key;generate'= {
        }
        &'vimes;help;key;list'= {
        }
        &'vimes;help;sign'= {
        }
        &'vimes;help;attest'= {
        }
        &'vimes;help;verify'= {
        }
        &'vimes;help;status'= {
        }
        &'vimes;help;rescan'= {
        }
        &'vimes;help;report'= {
        }
        &'vimes;help;promote'= {
        }
        &'vimes;help;scan'= {
        }
        &'vimes;help;review'= {
        }
        &'vimes;help;exceptions'= {
            cand add 'Add an exception (the file must then be signed again)'
            cand sign 'Sign the exceptions file with an approver''s key (writes FILE.sig)'
            cand verify 'Check the file''s signature against policy.approvers (exit 1 if it does not count)'
            cand list 'List the exceptions and whether each is in force'
            cand export 'Export the approved, unexpired exceptions for other tools'
        }
        &'vimes;help;exceptions;add'= {
        }
        &'vimes;help;exceptions;sign'= {
        }
        &'vimes;help;exceptions;verify'= {
        }
        &'vimes;help;exceptions;list'= {
        }
        &'vimes;help;exceptions;export'= {
        }
        &'vimes;help;vex'= {
            cand sign 'Sign an OpenVEX document with an approver''s key (writes FILE.sig)'
            cand verify 'Check an OpenVEX document''s signature against policy.approvers (exit 1 if it does not count)'
        }
        &'vimes;help;vex;sign'= {
        }
        &'vimes;help;vex;verify'= {
        }
        &'vimes;help;completions'= {
        }
        &'vimes;help;generate-man'= {
        }
        &'vimes;help;admission'= {
            cand kyverno 'Kyverno ClusterPolicy (kyverno.io/v1)'
            cand policy-controller 'sigstore policy-controller ClusterImagePolicy (policy.sigstore.dev/v1beta1)'
        }
        &'vimes;help;admission;kyverno'= {
        }
        &'vimes;help;admission;policy-controller'= {
        }
        &'vimes;help;sbom'= {
            cand index 'Add SBOMs to the inventory: files, directories of *.json files, images (their signed SBOM attestation), or every tagged image of a repository'
            cand query 'Find the images that contain a package, a package version range or an OSV advisory'
        }
        &'vimes;help;sbom;index'= {
        }
        &'vimes;help;sbom;query'= {
        }
        &'vimes;help;harbor'= {
            cand setup 'Make every `type: harbor` project match vimes.yaml (idempotent): projects exist, auto_scan; on promotion.to prevent_vul + severity and cosign enforcement; on `immutable: true` registries a rule freezing every tag except cosign''s sha256-* tags'
            cand status 'Show each Harbor setting vimes.yaml wants next to what Harbor has; exit 1 on drift'
        }
        &'vimes;help;harbor;setup'= {
        }
        &'vimes;help;harbor;status'= {
        }
        &'vimes;help;check'= {
        }
        &'vimes;help;hook'= {
            cand install 'Install the pre-push hook (honours core.hooksPath; an existing hook is kept as pre-push.local and run first)'
        }
        &'vimes;help;hook;install'= {
        }
        &'vimes;help;build'= {
        }
        &'vimes;help;help'= {
        }
    ]
    $completions[$command]
}

# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_vimes_global_optspecs
    string join \n config= output= q/quiet v/verbose no-color yes h/help V/version
end

function __fish_vimes_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_vimes_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_vimes_using_subcommand
    set -l cmd (__fish_vimes_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c vimes -n "__fish_vimes_needs_command" -l config -d 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)' -r -F
complete -c vimes -n "__fish_vimes_needs_command" -l output -d 'Format of what is printed on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
sarif\t'SARIF 2.1.0 (commands that report findings)'"
complete -c vimes -n "__fish_vimes_needs_command" -s q -l quiet -d 'Print only results and errors'
complete -c vimes -n "__fish_vimes_needs_command" -s v -l verbose -d 'More logging on stderr (repeat for more)'
complete -c vimes -n "__fish_vimes_needs_command" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c vimes -n "__fish_vimes_needs_command" -l yes -d 'Answer yes to confirmations; never prompt'
complete -c vimes -n "__fish_vimes_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vimes -n "__fish_vimes_needs_command" -s V -l version -d 'Print version'
complete -c vimes -n "__fish_vimes_needs_command" -f -a "init" -d 'Write a commented vimes.yaml (prompts on a TTY; flags otherwise)'
complete -c vimes -n "__fish_vimes_needs_command" -f -a "config" -d 'Inspect the configuration'
complete -c vimes -n "__fish_vimes_needs_command" -f -a "copy" -d 'Copy an image by digest, with its cosign signatures and attestations'
complete -c vimes -n "__fish_vimes_needs_command" -f -a "key" -d 'Manage cosign-compatible signing keys'
complete -c vimes -n "__fish_vimes_needs_command" -f -a "sign" -d 'Sign an image digest in cosign\'s format'
complete -c vimes -n "__fish_vimes_needs_command" -f -a "attest" -d 'Attach a signed in-toto attestation to an image digest'
complete -c vimes -n "__fish_vimes_needs_command" -f -a "verify" -d 'Verify an image\'s signatures and required attestations'
complete -c vimes -n "__fish_vimes_needs_command" -f -a "status" -d 'What is in production: every tag\'s digest, signers, attestations, last scan, SBOM, verdict'
complete -c vimes -n "__fish_vimes_needs_command" -f -a "rescan" -d 'Re-judge every production digest from its signed SBOM against today\'s Trivy DB'
complete -c vimes -n "__fish_vimes_needs_command" -f -a "report" -d 'The status of production as one self-contained HTML page; with --package or --advisory, the inventory\'s affected images too'
complete -c vimes -n "__fish_vimes_needs_command" -f -a "promote" -d 'Promote an image: scan, review, copy by digest, sign, attest, verify, then tag'
complete -c vimes -n "__fish_vimes_needs_command" -f -a "scan" -d 'Scan an image with Trivy and apply the vulnerability gate'
complete -c vimes -n "__fish_vimes_needs_command" -f -a "review" -d 'Record a human review of an image\'s findings (TTY prompt, or --yes)'
complete -c vimes -n "__fish_vimes_needs_command" -f -a "exceptions" -d 'Manage signed vulnerability exceptions'
complete -c vimes -n "__fish_vimes_needs_command" -f -a "vex" -d 'Sign and check the OpenVEX documents of policy.vex (they count only when an approver signed them)'
complete -c vimes -n "__fish_vimes_needs_command" -f -a "completions" -d 'Print shell completions (bash, zsh, fish, powershell, elvish)'
complete -c vimes -n "__fish_vimes_needs_command" -f -a "generate-man" -d 'Write man pages for vimes and every subcommand into a directory'
complete -c vimes -n "__fish_vimes_needs_command" -f -a "admission" -d 'Print the admission policy that makes a cluster enforce vimes.yaml\'s keys and attestations'
complete -c vimes -n "__fish_vimes_needs_command" -f -a "sbom" -d 'Make an SBOM with Syft (optionally attached as a signed attestation); `sbom index` and `sbom query` keep and search the local inventory'
complete -c vimes -n "__fish_vimes_needs_command" -f -a "harbor" -d 'Configure Harbor projects from vimes.yaml (immutability, auto-scan, prevent_vul, cosign)'
complete -c vimes -n "__fish_vimes_needs_command" -f -a "check" -d 'Check the image references in Dockerfiles, Kubernetes manifests and compose files against the policy (default: the files git tracks)'
complete -c vimes -n "__fish_vimes_needs_command" -f -a "hook" -d 'Manage the git hook that runs `vimes check` before every push'
complete -c vimes -n "__fish_vimes_needs_command" -f -a "build" -d 'Check base images, build the images of vimes.yaml, push them to staging by digest'
complete -c vimes -n "__fish_vimes_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vimes -n "__fish_vimes_using_subcommand init" -l path -d 'File to write' -r -F
complete -c vimes -n "__fish_vimes_using_subcommand init" -l staging-url -d 'Staging registry `host[:port]`' -r
complete -c vimes -n "__fish_vimes_using_subcommand init" -l staging-project -d 'Staging project (path prefix)' -r
complete -c vimes -n "__fish_vimes_using_subcommand init" -l production-url -d 'Production registry `host[:port]` (default: the staging host)' -r
complete -c vimes -n "__fish_vimes_using_subcommand init" -l production-project -d 'Production project (path prefix)' -r
complete -c vimes -n "__fish_vimes_using_subcommand init" -l registry-type -d 'Registry type of both registries' -r -f -a "harbor\t'Harbor'
oci\t'Any OCI distribution registry'"
complete -c vimes -n "__fish_vimes_using_subcommand init" -l signing-key -d 'Private signing key reference' -r
complete -c vimes -n "__fish_vimes_using_subcommand init" -l public-key -d 'Public key trusted for verification' -r
complete -c vimes -n "__fish_vimes_using_subcommand init" -l config -d 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)' -r -F
complete -c vimes -n "__fish_vimes_using_subcommand init" -l output -d 'Format of what is printed on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
sarif\t'SARIF 2.1.0 (commands that report findings)'"
complete -c vimes -n "__fish_vimes_using_subcommand init" -l force -d 'Overwrite an existing file'
complete -c vimes -n "__fish_vimes_using_subcommand init" -l insecure -d 'Mark both registries as plain HTTP (loopback test registries)'
complete -c vimes -n "__fish_vimes_using_subcommand init" -s q -l quiet -d 'Print only results and errors'
complete -c vimes -n "__fish_vimes_using_subcommand init" -s v -l verbose -d 'More logging on stderr (repeat for more)'
complete -c vimes -n "__fish_vimes_using_subcommand init" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c vimes -n "__fish_vimes_using_subcommand init" -l yes -d 'Answer yes to confirmations; never prompt'
complete -c vimes -n "__fish_vimes_using_subcommand init" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vimes -n "__fish_vimes_using_subcommand init" -s V -l version -d 'Print version'
complete -c vimes -n "__fish_vimes_using_subcommand config; and not __fish_seen_subcommand_from schema show help" -l config -d 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)' -r -F
complete -c vimes -n "__fish_vimes_using_subcommand config; and not __fish_seen_subcommand_from schema show help" -l output -d 'Format of what is printed on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
sarif\t'SARIF 2.1.0 (commands that report findings)'"
complete -c vimes -n "__fish_vimes_using_subcommand config; and not __fish_seen_subcommand_from schema show help" -s q -l quiet -d 'Print only results and errors'
complete -c vimes -n "__fish_vimes_using_subcommand config; and not __fish_seen_subcommand_from schema show help" -s v -l verbose -d 'More logging on stderr (repeat for more)'
complete -c vimes -n "__fish_vimes_using_subcommand config; and not __fish_seen_subcommand_from schema show help" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c vimes -n "__fish_vimes_using_subcommand config; and not __fish_seen_subcommand_from schema show help" -l yes -d 'Answer yes to confirmations; never prompt'
complete -c vimes -n "__fish_vimes_using_subcommand config; and not __fish_seen_subcommand_from schema show help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vimes -n "__fish_vimes_using_subcommand config; and not __fish_seen_subcommand_from schema show help" -s V -l version -d 'Print version'
complete -c vimes -n "__fish_vimes_using_subcommand config; and not __fish_seen_subcommand_from schema show help" -f -a "schema" -d 'Print the JSON Schema of vimes.yaml'
complete -c vimes -n "__fish_vimes_using_subcommand config; and not __fish_seen_subcommand_from schema show help" -f -a "show" -d 'Print the resolved configuration, secrets redacted'
complete -c vimes -n "__fish_vimes_using_subcommand config; and not __fish_seen_subcommand_from schema show help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vimes -n "__fish_vimes_using_subcommand config; and __fish_seen_subcommand_from schema" -l config -d 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)' -r -F
complete -c vimes -n "__fish_vimes_using_subcommand config; and __fish_seen_subcommand_from schema" -l output -d 'Format of what is printed on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
sarif\t'SARIF 2.1.0 (commands that report findings)'"
complete -c vimes -n "__fish_vimes_using_subcommand config; and __fish_seen_subcommand_from schema" -s q -l quiet -d 'Print only results and errors'
complete -c vimes -n "__fish_vimes_using_subcommand config; and __fish_seen_subcommand_from schema" -s v -l verbose -d 'More logging on stderr (repeat for more)'
complete -c vimes -n "__fish_vimes_using_subcommand config; and __fish_seen_subcommand_from schema" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c vimes -n "__fish_vimes_using_subcommand config; and __fish_seen_subcommand_from schema" -l yes -d 'Answer yes to confirmations; never prompt'
complete -c vimes -n "__fish_vimes_using_subcommand config; and __fish_seen_subcommand_from schema" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vimes -n "__fish_vimes_using_subcommand config; and __fish_seen_subcommand_from schema" -s V -l version -d 'Print version'
complete -c vimes -n "__fish_vimes_using_subcommand config; and __fish_seen_subcommand_from show" -l config -d 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)' -r -F
complete -c vimes -n "__fish_vimes_using_subcommand config; and __fish_seen_subcommand_from show" -l output -d 'Format of what is printed on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
sarif\t'SARIF 2.1.0 (commands that report findings)'"
complete -c vimes -n "__fish_vimes_using_subcommand config; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print only results and errors'
complete -c vimes -n "__fish_vimes_using_subcommand config; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More logging on stderr (repeat for more)'
complete -c vimes -n "__fish_vimes_using_subcommand config; and __fish_seen_subcommand_from show" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c vimes -n "__fish_vimes_using_subcommand config; and __fish_seen_subcommand_from show" -l yes -d 'Answer yes to confirmations; never prompt'
complete -c vimes -n "__fish_vimes_using_subcommand config; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vimes -n "__fish_vimes_using_subcommand config; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c vimes -n "__fish_vimes_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "schema" -d 'Print the JSON Schema of vimes.yaml'
complete -c vimes -n "__fish_vimes_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "show" -d 'Print the resolved configuration, secrets redacted'
complete -c vimes -n "__fish_vimes_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vimes -n "__fish_vimes_using_subcommand copy" -l jobs -d 'Layers transferred at once between registries' -r
complete -c vimes -n "__fish_vimes_using_subcommand copy" -l config -d 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)' -r -F
complete -c vimes -n "__fish_vimes_using_subcommand copy" -l output -d 'Format of what is printed on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
sarif\t'SARIF 2.1.0 (commands that report findings)'"
complete -c vimes -n "__fish_vimes_using_subcommand copy" -l no-signatures -d 'Do not carry cosign `.sig`/`.att`/`.sbom` tags along'
complete -c vimes -n "__fish_vimes_using_subcommand copy" -l force -d 'Move a destination tag that already points to another digest (never on an `immutable: true` registry)'
complete -c vimes -n "__fish_vimes_using_subcommand copy" -s q -l quiet -d 'Print only results and errors'
complete -c vimes -n "__fish_vimes_using_subcommand copy" -s v -l verbose -d 'More logging on stderr (repeat for more)'
complete -c vimes -n "__fish_vimes_using_subcommand copy" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c vimes -n "__fish_vimes_using_subcommand copy" -l yes -d 'Answer yes to confirmations; never prompt'
complete -c vimes -n "__fish_vimes_using_subcommand copy" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vimes -n "__fish_vimes_using_subcommand copy" -s V -l version -d 'Print version'
complete -c vimes -n "__fish_vimes_using_subcommand key; and not __fish_seen_subcommand_from generate list help" -l config -d 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)' -r -F
complete -c vimes -n "__fish_vimes_using_subcommand key; and not __fish_seen_subcommand_from generate list help" -l output -d 'Format of what is printed on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
sarif\t'SARIF 2.1.0 (commands that report findings)'"
complete -c vimes -n "__fish_vimes_using_subcommand key; and not __fish_seen_subcommand_from generate list help" -s q -l quiet -d 'Print only results and errors'
complete -c vimes -n "__fish_vimes_using_subcommand key; and not __fish_seen_subcommand_from generate list help" -s v -l verbose -d 'More logging on stderr (repeat for more)'
complete -c vimes -n "__fish_vimes_using_subcommand key; and not __fish_seen_subcommand_from generate list help" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c vimes -n "__fish_vimes_using_subcommand key; and not __fish_seen_subcommand_from generate list help" -l yes -d 'Answer yes to confirmations; never prompt'
complete -c vimes -n "__fish_vimes_using_subcommand key; and not __fish_seen_subcommand_from generate list help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vimes -n "__fish_vimes_using_subcommand key; and not __fish_seen_subcommand_from generate list help" -s V -l version -d 'Print version'
complete -c vimes -n "__fish_vimes_using_subcommand key; and not __fish_seen_subcommand_from generate list help" -f -a "generate" -d 'Generate an encrypted P-256 key pair (NAME.key, mode 0600, and NAME.pub), or with --pkcs11 a key pair inside a token (only NAME.pub is written)'
complete -c vimes -n "__fish_vimes_using_subcommand key; and not __fish_seen_subcommand_from generate list help" -f -a "list" -d 'List the keys of a PKCS#11 token, with the URIs --key takes'
complete -c vimes -n "__fish_vimes_using_subcommand key; and not __fish_seen_subcommand_from generate list help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vimes -n "__fish_vimes_using_subcommand key; and __fish_seen_subcommand_from generate" -l output-prefix -d 'File name prefix of the key pair' -r
complete -c vimes -n "__fish_vimes_using_subcommand key; and __fish_seen_subcommand_from generate" -l pkcs11 -d 'Create the key pair inside the PKCS#11 token this URI names (`pkcs11:token=LABEL;object=NAME[;id=%NN][?module-path=LIB]`); the PIN comes from COSIGN_PKCS11_PIN or a prompt, never from the URI' -r
complete -c vimes -n "__fish_vimes_using_subcommand key; and __fish_seen_subcommand_from generate" -l config -d 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)' -r -F
complete -c vimes -n "__fish_vimes_using_subcommand key; and __fish_seen_subcommand_from generate" -l output -d 'Format of what is printed on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
sarif\t'SARIF 2.1.0 (commands that report findings)'"
complete -c vimes -n "__fish_vimes_using_subcommand key; and __fish_seen_subcommand_from generate" -l force -d 'Overwrite existing files'
complete -c vimes -n "__fish_vimes_using_subcommand key; and __fish_seen_subcommand_from generate" -l allow-empty-password -d 'Allow an empty password (the key is then effectively unencrypted)'
complete -c vimes -n "__fish_vimes_using_subcommand key; and __fish_seen_subcommand_from generate" -s q -l quiet -d 'Print only results and errors'
complete -c vimes -n "__fish_vimes_using_subcommand key; and __fish_seen_subcommand_from generate" -s v -l verbose -d 'More logging on stderr (repeat for more)'
complete -c vimes -n "__fish_vimes_using_subcommand key; and __fish_seen_subcommand_from generate" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c vimes -n "__fish_vimes_using_subcommand key; and __fish_seen_subcommand_from generate" -l yes -d 'Answer yes to confirmations; never prompt'
complete -c vimes -n "__fish_vimes_using_subcommand key; and __fish_seen_subcommand_from generate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vimes -n "__fish_vimes_using_subcommand key; and __fish_seen_subcommand_from generate" -s V -l version -d 'Print version'
complete -c vimes -n "__fish_vimes_using_subcommand key; and __fish_seen_subcommand_from list" -l pkcs11 -d 'PKCS#11 library (e.g. /usr/lib/softhsm/libsofthsm2.so); default: tools.pkcs11.module. Private keys are listed when COSIGN_PKCS11_PIN is set' -r
complete -c vimes -n "__fish_vimes_using_subcommand key; and __fish_seen_subcommand_from list" -l config -d 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)' -r -F
complete -c vimes -n "__fish_vimes_using_subcommand key; and __fish_seen_subcommand_from list" -l output -d 'Format of what is printed on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
sarif\t'SARIF 2.1.0 (commands that report findings)'"
complete -c vimes -n "__fish_vimes_using_subcommand key; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only results and errors'
complete -c vimes -n "__fish_vimes_using_subcommand key; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More logging on stderr (repeat for more)'
complete -c vimes -n "__fish_vimes_using_subcommand key; and __fish_seen_subcommand_from list" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c vimes -n "__fish_vimes_using_subcommand key; and __fish_seen_subcommand_from list" -l yes -d 'Answer yes to confirmations; never prompt'
complete -c vimes -n "__fish_vimes_using_subcommand key; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vimes -n "__fish_vimes_using_subcommand key; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c vimes -n "__fish_vimes_using_subcommand key; and __fish_seen_subcommand_from help" -f -a "generate" -d 'Generate an encrypted P-256 key pair (NAME.key, mode 0600, and NAME.pub), or with --pkcs11 a key pair inside a token (only NAME.pub is written)'
complete -c vimes -n "__fish_vimes_using_subcommand key; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the keys of a PKCS#11 token, with the URIs --key takes'
complete -c vimes -n "__fish_vimes_using_subcommand key; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vimes -n "__fish_vimes_using_subcommand sign" -l key -d 'Private key (path, env://VAR or pkcs11: URI); default: signing.key' -r
complete -c vimes -n "__fish_vimes_using_subcommand sign" -s a -l annotation -d 'Annotation put into the signed payload (repeatable)' -r
complete -c vimes -n "__fish_vimes_using_subcommand sign" -l config -d 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)' -r -F
complete -c vimes -n "__fish_vimes_using_subcommand sign" -l output -d 'Format of what is printed on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
sarif\t'SARIF 2.1.0 (commands that report findings)'"
complete -c vimes -n "__fish_vimes_using_subcommand sign" -s q -l quiet -d 'Print only results and errors'
complete -c vimes -n "__fish_vimes_using_subcommand sign" -s v -l verbose -d 'More logging on stderr (repeat for more)'
complete -c vimes -n "__fish_vimes_using_subcommand sign" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c vimes -n "__fish_vimes_using_subcommand sign" -l yes -d 'Answer yes to confirmations; never prompt'
complete -c vimes -n "__fish_vimes_using_subcommand sign" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vimes -n "__fish_vimes_using_subcommand sign" -s V -l version -d 'Print version'
complete -c vimes -n "__fish_vimes_using_subcommand attest" -l predicate -d 'The predicate document (JSON)' -r -F
complete -c vimes -n "__fish_vimes_using_subcommand attest" -l type -d 'Predicate type, as cosign names it: cyclonedx, spdx, spdxjson, vuln, slsaprovenance (SLSA v0.2), slsaprovenance02, slsaprovenance1 (SLSA v1), link, openvex, custom' -r
complete -c vimes -n "__fish_vimes_using_subcommand attest" -l key -d 'Private key (path, env://VAR or pkcs11: URI); default: signing.key' -r
complete -c vimes -n "__fish_vimes_using_subcommand attest" -l config -d 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)' -r -F
complete -c vimes -n "__fish_vimes_using_subcommand attest" -l output -d 'Format of what is printed on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
sarif\t'SARIF 2.1.0 (commands that report findings)'"
complete -c vimes -n "__fish_vimes_using_subcommand attest" -s q -l quiet -d 'Print only results and errors'
complete -c vimes -n "__fish_vimes_using_subcommand attest" -s v -l verbose -d 'More logging on stderr (repeat for more)'
complete -c vimes -n "__fish_vimes_using_subcommand attest" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c vimes -n "__fish_vimes_using_subcommand attest" -l yes -d 'Answer yes to confirmations; never prompt'
complete -c vimes -n "__fish_vimes_using_subcommand attest" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vimes -n "__fish_vimes_using_subcommand attest" -s V -l version -d 'Print version'
complete -c vimes -n "__fish_vimes_using_subcommand verify" -s f -l file -d 'Also verify the images listed in FILE, one per line (`#` starts a comment; `-`: stdin)' -r -F
complete -c vimes -n "__fish_vimes_using_subcommand verify" -l key -d 'Trusted public key (repeatable); default: signing.public_keys' -r
complete -c vimes -n "__fish_vimes_using_subcommand verify" -s a -l annotation -d 'Annotation a signature must carry (repeatable)' -r
complete -c vimes -n "__fish_vimes_using_subcommand verify" -l require-attestation -d 'Attestation type that must be present, in addition to signing.require_attestations' -r
complete -c vimes -n "__fish_vimes_using_subcommand verify" -l config -d 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)' -r -F
complete -c vimes -n "__fish_vimes_using_subcommand verify" -l output -d 'Format of what is printed on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
sarif\t'SARIF 2.1.0 (commands that report findings)'"
complete -c vimes -n "__fish_vimes_using_subcommand verify" -s q -l quiet -d 'Print only results and errors'
complete -c vimes -n "__fish_vimes_using_subcommand verify" -s v -l verbose -d 'More logging on stderr (repeat for more)'
complete -c vimes -n "__fish_vimes_using_subcommand verify" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c vimes -n "__fish_vimes_using_subcommand verify" -l yes -d 'Answer yes to confirmations; never prompt'
complete -c vimes -n "__fish_vimes_using_subcommand verify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vimes -n "__fish_vimes_using_subcommand verify" -s V -l version -d 'Print version'
complete -c vimes -n "__fish_vimes_using_subcommand status" -l key -d 'Trusted public key (repeatable); default: signing.public_keys' -r
complete -c vimes -n "__fish_vimes_using_subcommand status" -l config -d 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)' -r -F
complete -c vimes -n "__fish_vimes_using_subcommand status" -l output -d 'Format of what is printed on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
sarif\t'SARIF 2.1.0 (commands that report findings)'"
complete -c vimes -n "__fish_vimes_using_subcommand status" -s q -l quiet -d 'Print only results and errors'
complete -c vimes -n "__fish_vimes_using_subcommand status" -s v -l verbose -d 'More logging on stderr (repeat for more)'
complete -c vimes -n "__fish_vimes_using_subcommand status" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c vimes -n "__fish_vimes_using_subcommand status" -l yes -d 'Answer yes to confirmations; never prompt'
complete -c vimes -n "__fish_vimes_using_subcommand status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vimes -n "__fish_vimes_using_subcommand status" -s V -l version -d 'Print version'
complete -c vimes -n "__fish_vimes_using_subcommand rescan" -l key -d 'Trusted public key for the SBOM attestations (repeatable); default: signing.public_keys' -r
complete -c vimes -n "__fish_vimes_using_subcommand rescan" -l signing-key -d 'Private key for --attach (path, env://VAR or pkcs11: URI); default: signing.key' -r
complete -c vimes -n "__fish_vimes_using_subcommand rescan" -l config -d 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)' -r -F
complete -c vimes -n "__fish_vimes_using_subcommand rescan" -l output -d 'Format of what is printed on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
sarif\t'SARIF 2.1.0 (commands that report findings)'"
complete -c vimes -n "__fish_vimes_using_subcommand rescan" -l attach -d 'Sign a fresh vuln attestation for every image that still passes (as `scan --attach`)'
complete -c vimes -n "__fish_vimes_using_subcommand rescan" -s q -l quiet -d 'Print only results and errors'
complete -c vimes -n "__fish_vimes_using_subcommand rescan" -s v -l verbose -d 'More logging on stderr (repeat for more)'
complete -c vimes -n "__fish_vimes_using_subcommand rescan" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c vimes -n "__fish_vimes_using_subcommand rescan" -l yes -d 'Answer yes to confirmations; never prompt'
complete -c vimes -n "__fish_vimes_using_subcommand rescan" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vimes -n "__fish_vimes_using_subcommand rescan" -s V -l version -d 'Print version'
complete -c vimes -n "__fish_vimes_using_subcommand report" -s o -l output-file -d 'The HTML file to write (replaced whole); `-` or none: stdout' -r -F
complete -c vimes -n "__fish_vimes_using_subcommand report" -l key -d 'Trusted public key (repeatable); default: signing.public_keys' -r
complete -c vimes -n "__fish_vimes_using_subcommand report" -l package -d 'Also list the inventory\'s images holding this package (as `sbom query --package`)' -r
complete -c vimes -n "__fish_vimes_using_subcommand report" -l version -d 'Version range of --package: comparators joined by commas, e.g. \'>=1.2.3, <2.0\'' -r
complete -c vimes -n "__fish_vimes_using_subcommand report" -l type -d 'Only packages of this PURL type (deb, pypi, npm, cargo, golang, ...)' -r
complete -c vimes -n "__fish_vimes_using_subcommand report" -l purl -d 'Also list the inventory\'s images holding this package URL (as `sbom query --purl`)' -r
complete -c vimes -n "__fish_vimes_using_subcommand report" -l advisory -d 'Also list the inventory\'s images holding a version this OSV advisory (JSON) lists' -r -F
complete -c vimes -n "__fish_vimes_using_subcommand report" -l config -d 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)' -r -F
complete -c vimes -n "__fish_vimes_using_subcommand report" -l output -d 'Format of what is printed on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
sarif\t'SARIF 2.1.0 (commands that report findings)'"
complete -c vimes -n "__fish_vimes_using_subcommand report" -s q -l quiet -d 'Print only results and errors'
complete -c vimes -n "__fish_vimes_using_subcommand report" -s v -l verbose -d 'More logging on stderr (repeat for more)'
complete -c vimes -n "__fish_vimes_using_subcommand report" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c vimes -n "__fish_vimes_using_subcommand report" -l yes -d 'Answer yes to confirmations; never prompt'
complete -c vimes -n "__fish_vimes_using_subcommand report" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vimes -n "__fish_vimes_using_subcommand promote" -l tag -d 'Production tag (default: the source tag)' -r
complete -c vimes -n "__fish_vimes_using_subcommand promote" -l reviewer -d 'Who reviews (default: git user.email, else $USER)' -r
complete -c vimes -n "__fish_vimes_using_subcommand promote" -l key -d 'Private key (path, env://VAR or pkcs11: URI); default: signing.key' -r
complete -c vimes -n "__fish_vimes_using_subcommand promote" -l config -d 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)' -r -F
complete -c vimes -n "__fish_vimes_using_subcommand promote" -l output -d 'Format of what is printed on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
sarif\t'SARIF 2.1.0 (commands that report findings)'"
complete -c vimes -n "__fish_vimes_using_subcommand promote" -l dry-run -d 'Resolve and scan only; write nothing'
complete -c vimes -n "__fish_vimes_using_subcommand promote" -s q -l quiet -d 'Print only results and errors'
complete -c vimes -n "__fish_vimes_using_subcommand promote" -s v -l verbose -d 'More logging on stderr (repeat for more)'
complete -c vimes -n "__fish_vimes_using_subcommand promote" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c vimes -n "__fish_vimes_using_subcommand promote" -l yes -d 'Answer yes to confirmations; never prompt'
complete -c vimes -n "__fish_vimes_using_subcommand promote" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vimes -n "__fish_vimes_using_subcommand promote" -s V -l version -d 'Print version'
complete -c vimes -n "__fish_vimes_using_subcommand scan" -l key -d 'Private key for --attach (path, env://VAR or pkcs11: URI); default: signing.key' -r
complete -c vimes -n "__fish_vimes_using_subcommand scan" -l config -d 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)' -r -F
complete -c vimes -n "__fish_vimes_using_subcommand scan" -l output -d 'Format of what is printed on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
sarif\t'SARIF 2.1.0 (commands that report findings)'"
complete -c vimes -n "__fish_vimes_using_subcommand scan" -l no-cache -d 'Run Trivy even when a report for this digest, Trivy version and DB is cached'
complete -c vimes -n "__fish_vimes_using_subcommand scan" -l attach -d 'When the scan passes, sign the result and attach it as a cosign vuln attestation (a blocked image gets none)'
complete -c vimes -n "__fish_vimes_using_subcommand scan" -s q -l quiet -d 'Print only results and errors'
complete -c vimes -n "__fish_vimes_using_subcommand scan" -s v -l verbose -d 'More logging on stderr (repeat for more)'
complete -c vimes -n "__fish_vimes_using_subcommand scan" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c vimes -n "__fish_vimes_using_subcommand scan" -l yes -d 'Answer yes to confirmations; never prompt'
complete -c vimes -n "__fish_vimes_using_subcommand scan" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vimes -n "__fish_vimes_using_subcommand scan" -s V -l version -d 'Print version'
complete -c vimes -n "__fish_vimes_using_subcommand review" -l reviewer -d 'Who is reviewing (default: git user.email, else $USER)' -r
complete -c vimes -n "__fish_vimes_using_subcommand review" -s o -l output-file -d 'Also write the record to this file' -r -F
complete -c vimes -n "__fish_vimes_using_subcommand review" -l config -d 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)' -r -F
complete -c vimes -n "__fish_vimes_using_subcommand review" -l output -d 'Format of what is printed on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
sarif\t'SARIF 2.1.0 (commands that report findings)'"
complete -c vimes -n "__fish_vimes_using_subcommand review" -l reject -d 'Record a rejection (non-interactive)'
complete -c vimes -n "__fish_vimes_using_subcommand review" -s q -l quiet -d 'Print only results and errors'
complete -c vimes -n "__fish_vimes_using_subcommand review" -s v -l verbose -d 'More logging on stderr (repeat for more)'
complete -c vimes -n "__fish_vimes_using_subcommand review" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c vimes -n "__fish_vimes_using_subcommand review" -l yes -d 'Answer yes to confirmations; never prompt'
complete -c vimes -n "__fish_vimes_using_subcommand review" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vimes -n "__fish_vimes_using_subcommand review" -s V -l version -d 'Print version'
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and not __fish_seen_subcommand_from add sign verify list export help" -l config -d 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)' -r -F
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and not __fish_seen_subcommand_from add sign verify list export help" -l output -d 'Format of what is printed on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
sarif\t'SARIF 2.1.0 (commands that report findings)'"
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and not __fish_seen_subcommand_from add sign verify list export help" -s q -l quiet -d 'Print only results and errors'
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and not __fish_seen_subcommand_from add sign verify list export help" -s v -l verbose -d 'More logging on stderr (repeat for more)'
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and not __fish_seen_subcommand_from add sign verify list export help" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and not __fish_seen_subcommand_from add sign verify list export help" -l yes -d 'Answer yes to confirmations; never prompt'
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and not __fish_seen_subcommand_from add sign verify list export help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and not __fish_seen_subcommand_from add sign verify list export help" -s V -l version -d 'Print version'
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and not __fish_seen_subcommand_from add sign verify list export help" -f -a "add" -d 'Add an exception (the file must then be signed again)'
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and not __fish_seen_subcommand_from add sign verify list export help" -f -a "sign" -d 'Sign the exceptions file with an approver\'s key (writes FILE.sig)'
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and not __fish_seen_subcommand_from add sign verify list export help" -f -a "verify" -d 'Check the file\'s signature against policy.approvers (exit 1 if it does not count)'
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and not __fish_seen_subcommand_from add sign verify list export help" -f -a "list" -d 'List the exceptions and whether each is in force'
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and not __fish_seen_subcommand_from add sign verify list export help" -f -a "export" -d 'Export the approved, unexpired exceptions for other tools'
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and not __fish_seen_subcommand_from add sign verify list export help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and __fish_seen_subcommand_from add" -l file -d 'The exceptions file' -r -F
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and __fish_seen_subcommand_from add" -l id -d 'CVE or GHSA id' -r
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and __fish_seen_subcommand_from add" -l reason -d 'Why the risk is accepted' -r
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and __fish_seen_subcommand_from add" -l expires -d 'Last valid day, YYYY-MM-DD (UTC)' -r
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and __fish_seen_subcommand_from add" -l approved-by -d 'Who approved it' -r
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and __fish_seen_subcommand_from add" -l image -d 'Repository glob it is limited to (repeatable)' -r
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and __fish_seen_subcommand_from add" -l package -d 'Package it is limited to (repeatable)' -r
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and __fish_seen_subcommand_from add" -l config -d 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)' -r -F
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and __fish_seen_subcommand_from add" -l output -d 'Format of what is printed on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
sarif\t'SARIF 2.1.0 (commands that report findings)'"
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and __fish_seen_subcommand_from add" -s q -l quiet -d 'Print only results and errors'
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and __fish_seen_subcommand_from add" -s v -l verbose -d 'More logging on stderr (repeat for more)'
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and __fish_seen_subcommand_from add" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and __fish_seen_subcommand_from add" -l yes -d 'Answer yes to confirmations; never prompt'
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and __fish_seen_subcommand_from sign" -l file -d 'The exceptions file' -r -F
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and __fish_seen_subcommand_from sign" -l key -d 'The approver\'s private key (path, env://VAR or pkcs11: URI); password from COSIGN_PASSWORD, a token\'s PIN from COSIGN_PKCS11_PIN' -r
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and __fish_seen_subcommand_from sign" -l config -d 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)' -r -F
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and __fish_seen_subcommand_from sign" -l output -d 'Format of what is printed on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
sarif\t'SARIF 2.1.0 (commands that report findings)'"
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and __fish_seen_subcommand_from sign" -s q -l quiet -d 'Print only results and errors'
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and __fish_seen_subcommand_from sign" -s v -l verbose -d 'More logging on stderr (repeat for more)'
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and __fish_seen_subcommand_from sign" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and __fish_seen_subcommand_from sign" -l yes -d 'Answer yes to confirmations; never prompt'
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and __fish_seen_subcommand_from sign" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and __fish_seen_subcommand_from sign" -s V -l version -d 'Print version'
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and __fish_seen_subcommand_from verify" -l file -d 'The exceptions file' -r -F
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and __fish_seen_subcommand_from verify" -l config -d 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)' -r -F
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and __fish_seen_subcommand_from verify" -l output -d 'Format of what is printed on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
sarif\t'SARIF 2.1.0 (commands that report findings)'"
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and __fish_seen_subcommand_from verify" -s q -l quiet -d 'Print only results and errors'
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and __fish_seen_subcommand_from verify" -s v -l verbose -d 'More logging on stderr (repeat for more)'
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and __fish_seen_subcommand_from verify" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and __fish_seen_subcommand_from verify" -l yes -d 'Answer yes to confirmations; never prompt'
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and __fish_seen_subcommand_from verify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and __fish_seen_subcommand_from verify" -s V -l version -d 'Print version'
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and __fish_seen_subcommand_from list" -l file -d 'The exceptions file' -r -F
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and __fish_seen_subcommand_from list" -l config -d 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)' -r -F
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and __fish_seen_subcommand_from list" -l output -d 'Format of what is printed on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
sarif\t'SARIF 2.1.0 (commands that report findings)'"
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only results and errors'
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More logging on stderr (repeat for more)'
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and __fish_seen_subcommand_from list" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and __fish_seen_subcommand_from list" -l yes -d 'Answer yes to confirmations; never prompt'
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and __fish_seen_subcommand_from export" -l file -d 'The exceptions file' -r -F
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and __fish_seen_subcommand_from export" -l format -d 'Target format' -r -f -a "trivyignore\t'Trivy\'s .trivyignore.yaml'
openvex\t'An OpenVEX v0.2.0 document'
harbor\t'Harbor\'s CVE allowlist JSON'"
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and __fish_seen_subcommand_from export" -l image -d 'Make the export for this image only (REPO, or REPO@sha256:... for openvex)' -r
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and __fish_seen_subcommand_from export" -s o -l output-file -d 'Write here instead of stdout' -r -F
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and __fish_seen_subcommand_from export" -l config -d 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)' -r -F
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and __fish_seen_subcommand_from export" -l output -d 'Format of what is printed on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
sarif\t'SARIF 2.1.0 (commands that report findings)'"
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and __fish_seen_subcommand_from export" -s q -l quiet -d 'Print only results and errors'
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and __fish_seen_subcommand_from export" -s v -l verbose -d 'More logging on stderr (repeat for more)'
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and __fish_seen_subcommand_from export" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and __fish_seen_subcommand_from export" -l yes -d 'Answer yes to confirmations; never prompt'
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and __fish_seen_subcommand_from export" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and __fish_seen_subcommand_from export" -s V -l version -d 'Print version'
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and __fish_seen_subcommand_from help" -f -a "add" -d 'Add an exception (the file must then be signed again)'
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and __fish_seen_subcommand_from help" -f -a "sign" -d 'Sign the exceptions file with an approver\'s key (writes FILE.sig)'
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and __fish_seen_subcommand_from help" -f -a "verify" -d 'Check the file\'s signature against policy.approvers (exit 1 if it does not count)'
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the exceptions and whether each is in force'
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and __fish_seen_subcommand_from help" -f -a "export" -d 'Export the approved, unexpired exceptions for other tools'
complete -c vimes -n "__fish_vimes_using_subcommand exceptions; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vimes -n "__fish_vimes_using_subcommand vex; and not __fish_seen_subcommand_from sign verify help" -l config -d 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)' -r -F
complete -c vimes -n "__fish_vimes_using_subcommand vex; and not __fish_seen_subcommand_from sign verify help" -l output -d 'Format of what is printed on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
sarif\t'SARIF 2.1.0 (commands that report findings)'"
complete -c vimes -n "__fish_vimes_using_subcommand vex; and not __fish_seen_subcommand_from sign verify help" -s q -l quiet -d 'Print only results and errors'
complete -c vimes -n "__fish_vimes_using_subcommand vex; and not __fish_seen_subcommand_from sign verify help" -s v -l verbose -d 'More logging on stderr (repeat for more)'
complete -c vimes -n "__fish_vimes_using_subcommand vex; and not __fish_seen_subcommand_from sign verify help" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c vimes -n "__fish_vimes_using_subcommand vex; and not __fish_seen_subcommand_from sign verify help" -l yes -d 'Answer yes to confirmations; never prompt'
complete -c vimes -n "__fish_vimes_using_subcommand vex; and not __fish_seen_subcommand_from sign verify help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vimes -n "__fish_vimes_using_subcommand vex; and not __fish_seen_subcommand_from sign verify help" -s V -l version -d 'Print version'
complete -c vimes -n "__fish_vimes_using_subcommand vex; and not __fish_seen_subcommand_from sign verify help" -f -a "sign" -d 'Sign an OpenVEX document with an approver\'s key (writes FILE.sig)'
complete -c vimes -n "__fish_vimes_using_subcommand vex; and not __fish_seen_subcommand_from sign verify help" -f -a "verify" -d 'Check an OpenVEX document\'s signature against policy.approvers (exit 1 if it does not count)'
complete -c vimes -n "__fish_vimes_using_subcommand vex; and not __fish_seen_subcommand_from sign verify help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vimes -n "__fish_vimes_using_subcommand vex; and __fish_seen_subcommand_from sign" -l key -d 'The approver\'s private key (path, env://VAR or pkcs11: URI); password from COSIGN_PASSWORD, a token\'s PIN from COSIGN_PKCS11_PIN' -r
complete -c vimes -n "__fish_vimes_using_subcommand vex; and __fish_seen_subcommand_from sign" -l config -d 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)' -r -F
complete -c vimes -n "__fish_vimes_using_subcommand vex; and __fish_seen_subcommand_from sign" -l output -d 'Format of what is printed on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
sarif\t'SARIF 2.1.0 (commands that report findings)'"
complete -c vimes -n "__fish_vimes_using_subcommand vex; and __fish_seen_subcommand_from sign" -s q -l quiet -d 'Print only results and errors'
complete -c vimes -n "__fish_vimes_using_subcommand vex; and __fish_seen_subcommand_from sign" -s v -l verbose -d 'More logging on stderr (repeat for more)'
complete -c vimes -n "__fish_vimes_using_subcommand vex; and __fish_seen_subcommand_from sign" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c vimes -n "__fish_vimes_using_subcommand vex; and __fish_seen_subcommand_from sign" -l yes -d 'Answer yes to confirmations; never prompt'
complete -c vimes -n "__fish_vimes_using_subcommand vex; and __fish_seen_subcommand_from sign" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vimes -n "__fish_vimes_using_subcommand vex; and __fish_seen_subcommand_from sign" -s V -l version -d 'Print version'
complete -c vimes -n "__fish_vimes_using_subcommand vex; and __fish_seen_subcommand_from verify" -l config -d 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)' -r -F
complete -c vimes -n "__fish_vimes_using_subcommand vex; and __fish_seen_subcommand_from verify" -l output -d 'Format of what is printed on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
sarif\t'SARIF 2.1.0 (commands that report findings)'"
complete -c vimes -n "__fish_vimes_using_subcommand vex; and __fish_seen_subcommand_from verify" -s q -l quiet -d 'Print only results and errors'
complete -c vimes -n "__fish_vimes_using_subcommand vex; and __fish_seen_subcommand_from verify" -s v -l verbose -d 'More logging on stderr (repeat for more)'
complete -c vimes -n "__fish_vimes_using_subcommand vex; and __fish_seen_subcommand_from verify" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c vimes -n "__fish_vimes_using_subcommand vex; and __fish_seen_subcommand_from verify" -l yes -d 'Answer yes to confirmations; never prompt'
complete -c vimes -n "__fish_vimes_using_subcommand vex; and __fish_seen_subcommand_from verify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vimes -n "__fish_vimes_using_subcommand vex; and __fish_seen_subcommand_from verify" -s V -l version -d 'Print version'
complete -c vimes -n "__fish_vimes_using_subcommand vex; and __fish_seen_subcommand_from help" -f -a "sign" -d 'Sign an OpenVEX document with an approver\'s key (writes FILE.sig)'
complete -c vimes -n "__fish_vimes_using_subcommand vex; and __fish_seen_subcommand_from help" -f -a "verify" -d 'Check an OpenVEX document\'s signature against policy.approvers (exit 1 if it does not count)'
complete -c vimes -n "__fish_vimes_using_subcommand vex; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vimes -n "__fish_vimes_using_subcommand completions" -l config -d 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)' -r -F
complete -c vimes -n "__fish_vimes_using_subcommand completions" -l output -d 'Format of what is printed on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
sarif\t'SARIF 2.1.0 (commands that report findings)'"
complete -c vimes -n "__fish_vimes_using_subcommand completions" -s q -l quiet -d 'Print only results and errors'
complete -c vimes -n "__fish_vimes_using_subcommand completions" -s v -l verbose -d 'More logging on stderr (repeat for more)'
complete -c vimes -n "__fish_vimes_using_subcommand completions" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c vimes -n "__fish_vimes_using_subcommand completions" -l yes -d 'Answer yes to confirmations; never prompt'
complete -c vimes -n "__fish_vimes_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vimes -n "__fish_vimes_using_subcommand completions" -s V -l version -d 'Print version'
complete -c vimes -n "__fish_vimes_using_subcommand generate-man" -l config -d 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)' -r -F
complete -c vimes -n "__fish_vimes_using_subcommand generate-man" -l output -d 'Format of what is printed on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
sarif\t'SARIF 2.1.0 (commands that report findings)'"
complete -c vimes -n "__fish_vimes_using_subcommand generate-man" -s q -l quiet -d 'Print only results and errors'
complete -c vimes -n "__fish_vimes_using_subcommand generate-man" -s v -l verbose -d 'More logging on stderr (repeat for more)'
complete -c vimes -n "__fish_vimes_using_subcommand generate-man" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c vimes -n "__fish_vimes_using_subcommand generate-man" -l yes -d 'Answer yes to confirmations; never prompt'
complete -c vimes -n "__fish_vimes_using_subcommand generate-man" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vimes -n "__fish_vimes_using_subcommand generate-man" -s V -l version -d 'Print version'
complete -c vimes -n "__fish_vimes_using_subcommand admission; and not __fish_seen_subcommand_from kyverno policy-controller help" -l config -d 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)' -r -F
complete -c vimes -n "__fish_vimes_using_subcommand admission; and not __fish_seen_subcommand_from kyverno policy-controller help" -l output -d 'Format of what is printed on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
sarif\t'SARIF 2.1.0 (commands that report findings)'"
complete -c vimes -n "__fish_vimes_using_subcommand admission; and not __fish_seen_subcommand_from kyverno policy-controller help" -s q -l quiet -d 'Print only results and errors'
complete -c vimes -n "__fish_vimes_using_subcommand admission; and not __fish_seen_subcommand_from kyverno policy-controller help" -s v -l verbose -d 'More logging on stderr (repeat for more)'
complete -c vimes -n "__fish_vimes_using_subcommand admission; and not __fish_seen_subcommand_from kyverno policy-controller help" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c vimes -n "__fish_vimes_using_subcommand admission; and not __fish_seen_subcommand_from kyverno policy-controller help" -l yes -d 'Answer yes to confirmations; never prompt'
complete -c vimes -n "__fish_vimes_using_subcommand admission; and not __fish_seen_subcommand_from kyverno policy-controller help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vimes -n "__fish_vimes_using_subcommand admission; and not __fish_seen_subcommand_from kyverno policy-controller help" -s V -l version -d 'Print version'
complete -c vimes -n "__fish_vimes_using_subcommand admission; and not __fish_seen_subcommand_from kyverno policy-controller help" -f -a "kyverno" -d 'Kyverno ClusterPolicy (kyverno.io/v1)'
complete -c vimes -n "__fish_vimes_using_subcommand admission; and not __fish_seen_subcommand_from kyverno policy-controller help" -f -a "policy-controller" -d 'sigstore policy-controller ClusterImagePolicy (policy.sigstore.dev/v1beta1)'
complete -c vimes -n "__fish_vimes_using_subcommand admission; and not __fish_seen_subcommand_from kyverno policy-controller help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vimes -n "__fish_vimes_using_subcommand admission; and __fish_seen_subcommand_from kyverno" -l kyverno-version -d 'The Kyverno release the cluster runs (1.11 or later): only fields its CRD defines are written' -r
complete -c vimes -n "__fish_vimes_using_subcommand admission; and __fish_seen_subcommand_from kyverno" -l config -d 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)' -r -F
complete -c vimes -n "__fish_vimes_using_subcommand admission; and __fish_seen_subcommand_from kyverno" -l output -d 'Format of what is printed on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
sarif\t'SARIF 2.1.0 (commands that report findings)'"
complete -c vimes -n "__fish_vimes_using_subcommand admission; and __fish_seen_subcommand_from kyverno" -l require-vsa -d 'Require only the SLSA verification summary promotion attests (verifier vimes, result PASSED) instead of every signing.require_attestations type'
complete -c vimes -n "__fish_vimes_using_subcommand admission; and __fish_seen_subcommand_from kyverno" -s q -l quiet -d 'Print only results and errors'
complete -c vimes -n "__fish_vimes_using_subcommand admission; and __fish_seen_subcommand_from kyverno" -s v -l verbose -d 'More logging on stderr (repeat for more)'
complete -c vimes -n "__fish_vimes_using_subcommand admission; and __fish_seen_subcommand_from kyverno" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c vimes -n "__fish_vimes_using_subcommand admission; and __fish_seen_subcommand_from kyverno" -l yes -d 'Answer yes to confirmations; never prompt'
complete -c vimes -n "__fish_vimes_using_subcommand admission; and __fish_seen_subcommand_from kyverno" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vimes -n "__fish_vimes_using_subcommand admission; and __fish_seen_subcommand_from kyverno" -s V -l version -d 'Print version'
complete -c vimes -n "__fish_vimes_using_subcommand admission; and __fish_seen_subcommand_from policy-controller" -l config -d 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)' -r -F
complete -c vimes -n "__fish_vimes_using_subcommand admission; and __fish_seen_subcommand_from policy-controller" -l output -d 'Format of what is printed on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
sarif\t'SARIF 2.1.0 (commands that report findings)'"
complete -c vimes -n "__fish_vimes_using_subcommand admission; and __fish_seen_subcommand_from policy-controller" -l require-vsa -d 'Require only the SLSA verification summary promotion attests (verifier vimes, result PASSED) instead of every signing.require_attestations type'
complete -c vimes -n "__fish_vimes_using_subcommand admission; and __fish_seen_subcommand_from policy-controller" -s q -l quiet -d 'Print only results and errors'
complete -c vimes -n "__fish_vimes_using_subcommand admission; and __fish_seen_subcommand_from policy-controller" -s v -l verbose -d 'More logging on stderr (repeat for more)'
complete -c vimes -n "__fish_vimes_using_subcommand admission; and __fish_seen_subcommand_from policy-controller" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c vimes -n "__fish_vimes_using_subcommand admission; and __fish_seen_subcommand_from policy-controller" -l yes -d 'Answer yes to confirmations; never prompt'
complete -c vimes -n "__fish_vimes_using_subcommand admission; and __fish_seen_subcommand_from policy-controller" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vimes -n "__fish_vimes_using_subcommand admission; and __fish_seen_subcommand_from policy-controller" -s V -l version -d 'Print version'
complete -c vimes -n "__fish_vimes_using_subcommand admission; and __fish_seen_subcommand_from help" -f -a "kyverno" -d 'Kyverno ClusterPolicy (kyverno.io/v1)'
complete -c vimes -n "__fish_vimes_using_subcommand admission; and __fish_seen_subcommand_from help" -f -a "policy-controller" -d 'sigstore policy-controller ClusterImagePolicy (policy.sigstore.dev/v1beta1)'
complete -c vimes -n "__fish_vimes_using_subcommand admission; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vimes -n "__fish_vimes_using_subcommand sbom; and not __fish_seen_subcommand_from index query help" -l format -d 'SBOM format (default: sbom.format)' -r -f -a "cyclonedx-json\t'CycloneDX JSON'
spdx-json\t'SPDX 2.3 JSON'"
complete -c vimes -n "__fish_vimes_using_subcommand sbom; and not __fish_seen_subcommand_from index query help" -s o -l output-file -d 'Write the SBOM to FILE instead of stdout' -r -F
complete -c vimes -n "__fish_vimes_using_subcommand sbom; and not __fish_seen_subcommand_from index query help" -l key -d 'Private key for --attach (path, env://VAR or pkcs11: URI); default: signing.key' -r
complete -c vimes -n "__fish_vimes_using_subcommand sbom; and not __fish_seen_subcommand_from index query help" -l config -d 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)' -r -F
complete -c vimes -n "__fish_vimes_using_subcommand sbom; and not __fish_seen_subcommand_from index query help" -l output -d 'Format of what is printed on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
sarif\t'SARIF 2.1.0 (commands that report findings)'"
complete -c vimes -n "__fish_vimes_using_subcommand sbom; and not __fish_seen_subcommand_from index query help" -l attach -d 'Sign the SBOM, attach it to the image as an attestation and add it to the inventory'
complete -c vimes -n "__fish_vimes_using_subcommand sbom; and not __fish_seen_subcommand_from index query help" -s q -l quiet -d 'Print only results and errors'
complete -c vimes -n "__fish_vimes_using_subcommand sbom; and not __fish_seen_subcommand_from index query help" -s v -l verbose -d 'More logging on stderr (repeat for more)'
complete -c vimes -n "__fish_vimes_using_subcommand sbom; and not __fish_seen_subcommand_from index query help" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c vimes -n "__fish_vimes_using_subcommand sbom; and not __fish_seen_subcommand_from index query help" -l yes -d 'Answer yes to confirmations; never prompt'
complete -c vimes -n "__fish_vimes_using_subcommand sbom; and not __fish_seen_subcommand_from index query help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vimes -n "__fish_vimes_using_subcommand sbom; and not __fish_seen_subcommand_from index query help" -s V -l version -d 'Print version'
complete -c vimes -n "__fish_vimes_using_subcommand sbom; and not __fish_seen_subcommand_from index query help" -a "index" -d 'Add SBOMs to the inventory: files, directories of *.json files, images (their signed SBOM attestation), or every tagged image of a repository'
complete -c vimes -n "__fish_vimes_using_subcommand sbom; and not __fish_seen_subcommand_from index query help" -a "query" -d 'Find the images that contain a package, a package version range or an OSV advisory'
complete -c vimes -n "__fish_vimes_using_subcommand sbom; and not __fish_seen_subcommand_from index query help" -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vimes -n "__fish_vimes_using_subcommand sbom; and __fish_seen_subcommand_from index" -l repository -d 'Index every tagged image of this repository (repeatable)' -r
complete -c vimes -n "__fish_vimes_using_subcommand sbom; and __fish_seen_subcommand_from index" -l registry -d 'Index every repository of this vimes.yaml registry entry (repeatable; Harbor\'s API for type harbor, /v2/_catalog for type oci); digests already in the inventory are not read again' -r
complete -c vimes -n "__fish_vimes_using_subcommand sbom; and __fish_seen_subcommand_from index" -l image -d 'The image a single SBOM file describes (default: what the SBOM records)' -r
complete -c vimes -n "__fish_vimes_using_subcommand sbom; and __fish_seen_subcommand_from index" -l key -d 'Trusted public key for attestations (repeatable); default: signing.public_keys' -r
complete -c vimes -n "__fish_vimes_using_subcommand sbom; and __fish_seen_subcommand_from index" -l config -d 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)' -r -F
complete -c vimes -n "__fish_vimes_using_subcommand sbom; and __fish_seen_subcommand_from index" -l output -d 'Format of what is printed on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
sarif\t'SARIF 2.1.0 (commands that report findings)'"
complete -c vimes -n "__fish_vimes_using_subcommand sbom; and __fish_seen_subcommand_from index" -l rebuild -d 'Delete the inventory and start an empty one first'
complete -c vimes -n "__fish_vimes_using_subcommand sbom; and __fish_seen_subcommand_from index" -s q -l quiet -d 'Print only results and errors'
complete -c vimes -n "__fish_vimes_using_subcommand sbom; and __fish_seen_subcommand_from index" -s v -l verbose -d 'More logging on stderr (repeat for more)'
complete -c vimes -n "__fish_vimes_using_subcommand sbom; and __fish_seen_subcommand_from index" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c vimes -n "__fish_vimes_using_subcommand sbom; and __fish_seen_subcommand_from index" -l yes -d 'Answer yes to confirmations; never prompt'
complete -c vimes -n "__fish_vimes_using_subcommand sbom; and __fish_seen_subcommand_from index" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vimes -n "__fish_vimes_using_subcommand sbom; and __fish_seen_subcommand_from index" -s V -l version -d 'Print version'
complete -c vimes -n "__fish_vimes_using_subcommand sbom; and __fish_seen_subcommand_from query" -l package -d 'Package name (binary or source package; PyPI names in any spelling)' -r
complete -c vimes -n "__fish_vimes_using_subcommand sbom; and __fish_seen_subcommand_from query" -l version -d 'Version range of --package: comparators joined by commas, e.g. \'>=1.2.3, <2.0\'' -r
complete -c vimes -n "__fish_vimes_using_subcommand sbom; and __fish_seen_subcommand_from query" -l type -d 'Only packages of this PURL type (deb, pypi, npm, cargo, golang, ...)' -r
complete -c vimes -n "__fish_vimes_using_subcommand sbom; and __fish_seen_subcommand_from query" -l purl -d 'Package URL, with or without version and qualifiers' -r
complete -c vimes -n "__fish_vimes_using_subcommand sbom; and __fish_seen_subcommand_from query" -l advisory -d 'OSV advisory (JSON): the images holding an affected version' -r -F
complete -c vimes -n "__fish_vimes_using_subcommand sbom; and __fish_seen_subcommand_from query" -l config -d 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)' -r -F
complete -c vimes -n "__fish_vimes_using_subcommand sbom; and __fish_seen_subcommand_from query" -l output -d 'Format of what is printed on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
sarif\t'SARIF 2.1.0 (commands that report findings)'"
complete -c vimes -n "__fish_vimes_using_subcommand sbom; and __fish_seen_subcommand_from query" -l fail-if-found -d 'Exit 1 when something is found'
complete -c vimes -n "__fish_vimes_using_subcommand sbom; and __fish_seen_subcommand_from query" -s q -l quiet -d 'Print only results and errors'
complete -c vimes -n "__fish_vimes_using_subcommand sbom; and __fish_seen_subcommand_from query" -s v -l verbose -d 'More logging on stderr (repeat for more)'
complete -c vimes -n "__fish_vimes_using_subcommand sbom; and __fish_seen_subcommand_from query" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c vimes -n "__fish_vimes_using_subcommand sbom; and __fish_seen_subcommand_from query" -l yes -d 'Answer yes to confirmations; never prompt'
complete -c vimes -n "__fish_vimes_using_subcommand sbom; and __fish_seen_subcommand_from query" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vimes -n "__fish_vimes_using_subcommand sbom; and __fish_seen_subcommand_from help" -f -a "index" -d 'Add SBOMs to the inventory: files, directories of *.json files, images (their signed SBOM attestation), or every tagged image of a repository'
complete -c vimes -n "__fish_vimes_using_subcommand sbom; and __fish_seen_subcommand_from help" -f -a "query" -d 'Find the images that contain a package, a package version range or an OSV advisory'
complete -c vimes -n "__fish_vimes_using_subcommand sbom; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vimes -n "__fish_vimes_using_subcommand harbor; and not __fish_seen_subcommand_from setup status help" -l config -d 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)' -r -F
complete -c vimes -n "__fish_vimes_using_subcommand harbor; and not __fish_seen_subcommand_from setup status help" -l output -d 'Format of what is printed on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
sarif\t'SARIF 2.1.0 (commands that report findings)'"
complete -c vimes -n "__fish_vimes_using_subcommand harbor; and not __fish_seen_subcommand_from setup status help" -s q -l quiet -d 'Print only results and errors'
complete -c vimes -n "__fish_vimes_using_subcommand harbor; and not __fish_seen_subcommand_from setup status help" -s v -l verbose -d 'More logging on stderr (repeat for more)'
complete -c vimes -n "__fish_vimes_using_subcommand harbor; and not __fish_seen_subcommand_from setup status help" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c vimes -n "__fish_vimes_using_subcommand harbor; and not __fish_seen_subcommand_from setup status help" -l yes -d 'Answer yes to confirmations; never prompt'
complete -c vimes -n "__fish_vimes_using_subcommand harbor; and not __fish_seen_subcommand_from setup status help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vimes -n "__fish_vimes_using_subcommand harbor; and not __fish_seen_subcommand_from setup status help" -s V -l version -d 'Print version'
complete -c vimes -n "__fish_vimes_using_subcommand harbor; and not __fish_seen_subcommand_from setup status help" -f -a "setup" -d 'Make every `type: harbor` project match vimes.yaml (idempotent): projects exist, auto_scan; on promotion.to prevent_vul + severity and cosign enforcement; on `immutable: true` registries a rule freezing every tag except cosign\'s sha256-* tags'
complete -c vimes -n "__fish_vimes_using_subcommand harbor; and not __fish_seen_subcommand_from setup status help" -f -a "status" -d 'Show each Harbor setting vimes.yaml wants next to what Harbor has; exit 1 on drift'
complete -c vimes -n "__fish_vimes_using_subcommand harbor; and not __fish_seen_subcommand_from setup status help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vimes -n "__fish_vimes_using_subcommand harbor; and __fish_seen_subcommand_from setup" -l robot -d 'Also create this project robot account on promotion.to (pull, push, read artifacts, create tags, scan, read reports); its secret is shown once' -r
complete -c vimes -n "__fish_vimes_using_subcommand harbor; and __fish_seen_subcommand_from setup" -l robot-secret-file -d 'Write the new robot\'s secret to FILE (mode 0600) instead of printing it' -r -F
complete -c vimes -n "__fish_vimes_using_subcommand harbor; and __fish_seen_subcommand_from setup" -l config -d 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)' -r -F
complete -c vimes -n "__fish_vimes_using_subcommand harbor; and __fish_seen_subcommand_from setup" -l output -d 'Format of what is printed on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
sarif\t'SARIF 2.1.0 (commands that report findings)'"
complete -c vimes -n "__fish_vimes_using_subcommand harbor; and __fish_seen_subcommand_from setup" -s q -l quiet -d 'Print only results and errors'
complete -c vimes -n "__fish_vimes_using_subcommand harbor; and __fish_seen_subcommand_from setup" -s v -l verbose -d 'More logging on stderr (repeat for more)'
complete -c vimes -n "__fish_vimes_using_subcommand harbor; and __fish_seen_subcommand_from setup" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c vimes -n "__fish_vimes_using_subcommand harbor; and __fish_seen_subcommand_from setup" -l yes -d 'Answer yes to confirmations; never prompt'
complete -c vimes -n "__fish_vimes_using_subcommand harbor; and __fish_seen_subcommand_from setup" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vimes -n "__fish_vimes_using_subcommand harbor; and __fish_seen_subcommand_from setup" -s V -l version -d 'Print version'
complete -c vimes -n "__fish_vimes_using_subcommand harbor; and __fish_seen_subcommand_from status" -l config -d 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)' -r -F
complete -c vimes -n "__fish_vimes_using_subcommand harbor; and __fish_seen_subcommand_from status" -l output -d 'Format of what is printed on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
sarif\t'SARIF 2.1.0 (commands that report findings)'"
complete -c vimes -n "__fish_vimes_using_subcommand harbor; and __fish_seen_subcommand_from status" -s q -l quiet -d 'Print only results and errors'
complete -c vimes -n "__fish_vimes_using_subcommand harbor; and __fish_seen_subcommand_from status" -s v -l verbose -d 'More logging on stderr (repeat for more)'
complete -c vimes -n "__fish_vimes_using_subcommand harbor; and __fish_seen_subcommand_from status" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c vimes -n "__fish_vimes_using_subcommand harbor; and __fish_seen_subcommand_from status" -l yes -d 'Answer yes to confirmations; never prompt'
complete -c vimes -n "__fish_vimes_using_subcommand harbor; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vimes -n "__fish_vimes_using_subcommand harbor; and __fish_seen_subcommand_from status" -s V -l version -d 'Print version'
complete -c vimes -n "__fish_vimes_using_subcommand harbor; and __fish_seen_subcommand_from help" -f -a "setup" -d 'Make every `type: harbor` project match vimes.yaml (idempotent): projects exist, auto_scan; on promotion.to prevent_vul + severity and cosign enforcement; on `immutable: true` registries a rule freezing every tag except cosign\'s sha256-* tags'
complete -c vimes -n "__fish_vimes_using_subcommand harbor; and __fish_seen_subcommand_from help" -f -a "status" -d 'Show each Harbor setting vimes.yaml wants next to what Harbor has; exit 1 on drift'
complete -c vimes -n "__fish_vimes_using_subcommand harbor; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vimes -n "__fish_vimes_using_subcommand check" -l build-arg -d 'ARG value for Dockerfiles, as `--build-arg` gives it to a build (repeatable)' -r
complete -c vimes -n "__fish_vimes_using_subcommand check" -l config -d 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)' -r -F
complete -c vimes -n "__fish_vimes_using_subcommand check" -l output -d 'Format of what is printed on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
sarif\t'SARIF 2.1.0 (commands that report findings)'"
complete -c vimes -n "__fish_vimes_using_subcommand check" -l hook -d 'Pre-push hook mode: read git\'s pre-push lines on stdin and check the files changed in the pushed commits, as they are in those commits'
complete -c vimes -n "__fish_vimes_using_subcommand check" -l resolve -d 'Look up the digest each unpinned tag points at now (network) and put it in the hint'
complete -c vimes -n "__fish_vimes_using_subcommand check" -s q -l quiet -d 'Print only results and errors'
complete -c vimes -n "__fish_vimes_using_subcommand check" -s v -l verbose -d 'More logging on stderr (repeat for more)'
complete -c vimes -n "__fish_vimes_using_subcommand check" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c vimes -n "__fish_vimes_using_subcommand check" -l yes -d 'Answer yes to confirmations; never prompt'
complete -c vimes -n "__fish_vimes_using_subcommand check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vimes -n "__fish_vimes_using_subcommand check" -s V -l version -d 'Print version'
complete -c vimes -n "__fish_vimes_using_subcommand hook; and not __fish_seen_subcommand_from install help" -l config -d 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)' -r -F
complete -c vimes -n "__fish_vimes_using_subcommand hook; and not __fish_seen_subcommand_from install help" -l output -d 'Format of what is printed on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
sarif\t'SARIF 2.1.0 (commands that report findings)'"
complete -c vimes -n "__fish_vimes_using_subcommand hook; and not __fish_seen_subcommand_from install help" -s q -l quiet -d 'Print only results and errors'
complete -c vimes -n "__fish_vimes_using_subcommand hook; and not __fish_seen_subcommand_from install help" -s v -l verbose -d 'More logging on stderr (repeat for more)'
complete -c vimes -n "__fish_vimes_using_subcommand hook; and not __fish_seen_subcommand_from install help" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c vimes -n "__fish_vimes_using_subcommand hook; and not __fish_seen_subcommand_from install help" -l yes -d 'Answer yes to confirmations; never prompt'
complete -c vimes -n "__fish_vimes_using_subcommand hook; and not __fish_seen_subcommand_from install help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vimes -n "__fish_vimes_using_subcommand hook; and not __fish_seen_subcommand_from install help" -s V -l version -d 'Print version'
complete -c vimes -n "__fish_vimes_using_subcommand hook; and not __fish_seen_subcommand_from install help" -f -a "install" -d 'Install the pre-push hook (honours core.hooksPath; an existing hook is kept as pre-push.local and run first)'
complete -c vimes -n "__fish_vimes_using_subcommand hook; and not __fish_seen_subcommand_from install help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vimes -n "__fish_vimes_using_subcommand hook; and __fish_seen_subcommand_from install" -l config -d 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)' -r -F
complete -c vimes -n "__fish_vimes_using_subcommand hook; and __fish_seen_subcommand_from install" -l output -d 'Format of what is printed on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
sarif\t'SARIF 2.1.0 (commands that report findings)'"
complete -c vimes -n "__fish_vimes_using_subcommand hook; and __fish_seen_subcommand_from install" -l force -d 'Replace an existing hook that cannot be chained (it is saved as pre-push.vimes-backup)'
complete -c vimes -n "__fish_vimes_using_subcommand hook; and __fish_seen_subcommand_from install" -s q -l quiet -d 'Print only results and errors'
complete -c vimes -n "__fish_vimes_using_subcommand hook; and __fish_seen_subcommand_from install" -s v -l verbose -d 'More logging on stderr (repeat for more)'
complete -c vimes -n "__fish_vimes_using_subcommand hook; and __fish_seen_subcommand_from install" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c vimes -n "__fish_vimes_using_subcommand hook; and __fish_seen_subcommand_from install" -l yes -d 'Answer yes to confirmations; never prompt'
complete -c vimes -n "__fish_vimes_using_subcommand hook; and __fish_seen_subcommand_from install" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vimes -n "__fish_vimes_using_subcommand hook; and __fish_seen_subcommand_from install" -s V -l version -d 'Print version'
complete -c vimes -n "__fish_vimes_using_subcommand hook; and __fish_seen_subcommand_from help" -f -a "install" -d 'Install the pre-push hook (honours core.hooksPath; an existing hook is kept as pre-push.local and run first)'
complete -c vimes -n "__fish_vimes_using_subcommand hook; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vimes -n "__fish_vimes_using_subcommand build" -l tag -d 'Tag to push to staging (default: `git describe --tags --always`)' -r
complete -c vimes -n "__fish_vimes_using_subcommand build" -l build-arg -d 'Build argument (repeatable)' -r
complete -c vimes -n "__fish_vimes_using_subcommand build" -l target -d 'Stage to build' -r
complete -c vimes -n "__fish_vimes_using_subcommand build" -l platform -d 'Platform to build for (`os/arch[/variant]`)' -r
complete -c vimes -n "__fish_vimes_using_subcommand build" -l key -d 'Private key (path, env://VAR or pkcs11: URI); default: signing.key' -r
complete -c vimes -n "__fish_vimes_using_subcommand build" -l config -d 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)' -r -F
complete -c vimes -n "__fish_vimes_using_subcommand build" -l output -d 'Format of what is printed on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'
sarif\t'SARIF 2.1.0 (commands that report findings)'"
complete -c vimes -n "__fish_vimes_using_subcommand build" -s q -l quiet -d 'Print only results and errors'
complete -c vimes -n "__fish_vimes_using_subcommand build" -s v -l verbose -d 'More logging on stderr (repeat for more)'
complete -c vimes -n "__fish_vimes_using_subcommand build" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c vimes -n "__fish_vimes_using_subcommand build" -l yes -d 'Answer yes to confirmations; never prompt'
complete -c vimes -n "__fish_vimes_using_subcommand build" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vimes -n "__fish_vimes_using_subcommand build" -s V -l version -d 'Print version'
complete -c vimes -n "__fish_vimes_using_subcommand help; and not __fish_seen_subcommand_from init config copy key sign attest verify status rescan report promote scan review exceptions vex completions generate-man admission sbom harbor check hook build help" -f -a "init" -d 'Write a commented vimes.yaml (prompts on a TTY; flags otherwise)'
complete -c vimes -n "__fish_vimes_using_subcommand help; and not __fish_seen_subcommand_from init config copy key sign attest verify status rescan report promote scan review exceptions vex completions generate-man admission sbom harbor check hook build help" -f -a "config" -d 'Inspect the configuration'
complete -c vimes -n "__fish_vimes_using_subcommand help; and not __fish_seen_subcommand_from init config copy key sign attest verify status rescan report promote scan review exceptions vex completions generate-man admission sbom harbor check hook build help" -f -a "copy" -d 'Copy an image by digest, with its cosign signatures and attestations'
complete -c vimes -n "__fish_vimes_using_subcommand help; and not __fish_seen_subcommand_from init config copy key sign attest verify status rescan report promote scan review exceptions vex completions generate-man admission sbom harbor check hook build help" -f -a "key" -d 'Manage cosign-compatible signing keys'
complete -c vimes -n "__fish_vimes_using_subcommand help; and not __fish_seen_subcommand_from init config copy key sign attest verify status rescan report promote scan review exceptions vex completions generate-man admission sbom harbor check hook build help" -f -a "sign" -d 'Sign an image digest in cosign\'s format'
complete -c vimes -n "__fish_vimes_using_subcommand help; and not __fish_seen_subcommand_from init config copy key sign attest verify status rescan report promote scan review exceptions vex completions generate-man admission sbom harbor check hook build help" -f -a "attest" -d 'Attach a signed in-toto attestation to an image digest'
complete -c vimes -n "__fish_vimes_using_subcommand help; and not __fish_seen_subcommand_from init config copy key sign attest verify status rescan report promote scan review exceptions vex completions generate-man admission sbom harbor check hook build help" -f -a "verify" -d 'Verify an image\'s signatures and required attestations'
complete -c vimes -n "__fish_vimes_using_subcommand help; and not __fish_seen_subcommand_from init config copy key sign attest verify status rescan report promote scan review exceptions vex completions generate-man admission sbom harbor check hook build help" -f -a "status" -d 'What is in production: every tag\'s digest, signers, attestations, last scan, SBOM, verdict'
complete -c vimes -n "__fish_vimes_using_subcommand help; and not __fish_seen_subcommand_from init config copy key sign attest verify status rescan report promote scan review exceptions vex completions generate-man admission sbom harbor check hook build help" -f -a "rescan" -d 'Re-judge every production digest from its signed SBOM against today\'s Trivy DB'
complete -c vimes -n "__fish_vimes_using_subcommand help; and not __fish_seen_subcommand_from init config copy key sign attest verify status rescan report promote scan review exceptions vex completions generate-man admission sbom harbor check hook build help" -f -a "report" -d 'The status of production as one self-contained HTML page; with --package or --advisory, the inventory\'s affected images too'
complete -c vimes -n "__fish_vimes_using_subcommand help; and not __fish_seen_subcommand_from init config copy key sign attest verify status rescan report promote scan review exceptions vex completions generate-man admission sbom harbor check hook build help" -f -a "promote" -d 'Promote an image: scan, review, copy by digest, sign, attest, verify, then tag'
complete -c vimes -n "__fish_vimes_using_subcommand help; and not __fish_seen_subcommand_from init config copy key sign attest verify status rescan report promote scan review exceptions vex completions generate-man admission sbom harbor check hook build help" -f -a "scan" -d 'Scan an image with Trivy and apply the vulnerability gate'
complete -c vimes -n "__fish_vimes_using_subcommand help; and not __fish_seen_subcommand_from init config copy key sign attest verify status rescan report promote scan review exceptions vex completions generate-man admission sbom harbor check hook build help" -f -a "review" -d 'Record a human review of an image\'s findings (TTY prompt, or --yes)'
complete -c vimes -n "__fish_vimes_using_subcommand help; and not __fish_seen_subcommand_from init config copy key sign attest verify status rescan report promote scan review exceptions vex completions generate-man admission sbom harbor check hook build help" -f -a "exceptions" -d 'Manage signed vulnerability exceptions'
complete -c vimes -n "__fish_vimes_using_subcommand help; and not __fish_seen_subcommand_from init config copy key sign attest verify status rescan report promote scan review exceptions vex completions generate-man admission sbom harbor check hook build help" -f -a "vex" -d 'Sign and check the OpenVEX documents of policy.vex (they count only when an approver signed them)'
complete -c vimes -n "__fish_vimes_using_subcommand help; and not __fish_seen_subcommand_from init config copy key sign attest verify status rescan report promote scan review exceptions vex completions generate-man admission sbom harbor check hook build help" -f -a "completions" -d 'Print shell completions (bash, zsh, fish, powershell, elvish)'
complete -c vimes -n "__fish_vimes_using_subcommand help; and not __fish_seen_subcommand_from init config copy key sign attest verify status rescan report promote scan review exceptions vex completions generate-man admission sbom harbor check hook build help" -f -a "generate-man" -d 'Write man pages for vimes and every subcommand into a directory'
complete -c vimes -n "__fish_vimes_using_subcommand help; and not __fish_seen_subcommand_from init config copy key sign attest verify status rescan report promote scan review exceptions vex completions generate-man admission sbom harbor check hook build help" -f -a "admission" -d 'Print the admission policy that makes a cluster enforce vimes.yaml\'s keys and attestations'
complete -c vimes -n "__fish_vimes_using_subcommand help; and not __fish_seen_subcommand_from init config copy key sign attest verify status rescan report promote scan review exceptions vex completions generate-man admission sbom harbor check hook build help" -f -a "sbom" -d 'Make an SBOM with Syft (optionally attached as a signed attestation); `sbom index` and `sbom query` keep and search the local inventory'
complete -c vimes -n "__fish_vimes_using_subcommand help; and not __fish_seen_subcommand_from init config copy key sign attest verify status rescan report promote scan review exceptions vex completions generate-man admission sbom harbor check hook build help" -f -a "harbor" -d 'Configure Harbor projects from vimes.yaml (immutability, auto-scan, prevent_vul, cosign)'
complete -c vimes -n "__fish_vimes_using_subcommand help; and not __fish_seen_subcommand_from init config copy key sign attest verify status rescan report promote scan review exceptions vex completions generate-man admission sbom harbor check hook build help" -f -a "check" -d 'Check the image references in Dockerfiles, Kubernetes manifests and compose files against the policy (default: the files git tracks)'
complete -c vimes -n "__fish_vimes_using_subcommand help; and not __fish_seen_subcommand_from init config copy key sign attest verify status rescan report promote scan review exceptions vex completions generate-man admission sbom harbor check hook build help" -f -a "hook" -d 'Manage the git hook that runs `vimes check` before every push'
complete -c vimes -n "__fish_vimes_using_subcommand help; and not __fish_seen_subcommand_from init config copy key sign attest verify status rescan report promote scan review exceptions vex completions generate-man admission sbom harbor check hook build help" -f -a "build" -d 'Check base images, build the images of vimes.yaml, push them to staging by digest'
complete -c vimes -n "__fish_vimes_using_subcommand help; and not __fish_seen_subcommand_from init config copy key sign attest verify status rescan report promote scan review exceptions vex completions generate-man admission sbom harbor check hook build help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vimes -n "__fish_vimes_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "schema" -d 'Print the JSON Schema of vimes.yaml'
complete -c vimes -n "__fish_vimes_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "show" -d 'Print the resolved configuration, secrets redacted'
complete -c vimes -n "__fish_vimes_using_subcommand help; and __fish_seen_subcommand_from key" -f -a "generate" -d 'Generate an encrypted P-256 key pair (NAME.key, mode 0600, and NAME.pub), or with --pkcs11 a key pair inside a token (only NAME.pub is written)'
complete -c vimes -n "__fish_vimes_using_subcommand help; and __fish_seen_subcommand_from key" -f -a "list" -d 'List the keys of a PKCS#11 token, with the URIs --key takes'
complete -c vimes -n "__fish_vimes_using_subcommand help; and __fish_seen_subcommand_from exceptions" -f -a "add" -d 'Add an exception (the file must then be signed again)'
complete -c vimes -n "__fish_vimes_using_subcommand help; and __fish_seen_subcommand_from exceptions" -f -a "sign" -d 'Sign the exceptions file with an approver\'s key (writes FILE.sig)'
complete -c vimes -n "__fish_vimes_using_subcommand help; and __fish_seen_subcommand_from exceptions" -f -a "verify" -d 'Check the file\'s signature against policy.approvers (exit 1 if it does not count)'
complete -c vimes -n "__fish_vimes_using_subcommand help; and __fish_seen_subcommand_from exceptions" -f -a "list" -d 'List the exceptions and whether each is in force'
complete -c vimes -n "__fish_vimes_using_subcommand help; and __fish_seen_subcommand_from exceptions" -f -a "export" -d 'Export the approved, unexpired exceptions for other tools'
complete -c vimes -n "__fish_vimes_using_subcommand help; and __fish_seen_subcommand_from vex" -f -a "sign" -d 'Sign an OpenVEX document with an approver\'s key (writes FILE.sig)'
complete -c vimes -n "__fish_vimes_using_subcommand help; and __fish_seen_subcommand_from vex" -f -a "verify" -d 'Check an OpenVEX document\'s signature against policy.approvers (exit 1 if it does not count)'
complete -c vimes -n "__fish_vimes_using_subcommand help; and __fish_seen_subcommand_from admission" -f -a "kyverno" -d 'Kyverno ClusterPolicy (kyverno.io/v1)'
complete -c vimes -n "__fish_vimes_using_subcommand help; and __fish_seen_subcommand_from admission" -f -a "policy-controller" -d 'sigstore policy-controller ClusterImagePolicy (policy.sigstore.dev/v1beta1)'
complete -c vimes -n "__fish_vimes_using_subcommand help; and __fish_seen_subcommand_from sbom" -f -a "index" -d 'Add SBOMs to the inventory: files, directories of *.json files, images (their signed SBOM attestation), or every tagged image of a repository'
complete -c vimes -n "__fish_vimes_using_subcommand help; and __fish_seen_subcommand_from sbom" -f -a "query" -d 'Find the images that contain a package, a package version range or an OSV advisory'
complete -c vimes -n "__fish_vimes_using_subcommand help; and __fish_seen_subcommand_from harbor" -f -a "setup" -d 'Make every `type: harbor` project match vimes.yaml (idempotent): projects exist, auto_scan; on promotion.to prevent_vul + severity and cosign enforcement; on `immutable: true` registries a rule freezing every tag except cosign\'s sha256-* tags'
complete -c vimes -n "__fish_vimes_using_subcommand help; and __fish_seen_subcommand_from harbor" -f -a "status" -d 'Show each Harbor setting vimes.yaml wants next to what Harbor has; exit 1 on drift'
complete -c vimes -n "__fish_vimes_using_subcommand help; and __fish_seen_subcommand_from hook" -f -a "install" -d 'Install the pre-push hook (honours core.hooksPath; an existing hook is kept as pre-push.local and run first)'


using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'vimes' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'vimes'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'vimes' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of what is printed on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations; never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write a commented vimes.yaml (prompts on a TTY; flags otherwise)')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Inspect the configuration')
            [CompletionResult]::new('copy', 'copy', [CompletionResultType]::ParameterValue, 'Copy an image by digest, with its cosign signatures and attestations')
            [CompletionResult]::new('key', 'key', [CompletionResultType]::ParameterValue, 'Manage cosign-compatible signing keys')
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Sign an image digest in cosign''s format')
            [CompletionResult]::new('attest', 'attest', [CompletionResultType]::ParameterValue, 'Attach a signed in-toto attestation to an image digest')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Verify an image''s signatures and required attestations')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'What is in production: every tag''s digest, signers, attestations, last scan, SBOM, verdict')
            [CompletionResult]::new('rescan', 'rescan', [CompletionResultType]::ParameterValue, 'Re-judge every production digest from its signed SBOM against today''s Trivy DB')
            [CompletionResult]::new('report', 'report', [CompletionResultType]::ParameterValue, 'The status of production as one self-contained HTML page; with --package or --advisory, the inventory''s affected images too')
            [CompletionResult]::new('promote', 'promote', [CompletionResultType]::ParameterValue, 'Promote an image: scan, review, copy by digest, sign, attest, verify, then tag')
            [CompletionResult]::new('scan', 'scan', [CompletionResultType]::ParameterValue, 'Scan an image with Trivy and apply the vulnerability gate')
            [CompletionResult]::new('review', 'review', [CompletionResultType]::ParameterValue, 'Record a human review of an image''s findings (TTY prompt, or --yes)')
            [CompletionResult]::new('exceptions', 'exceptions', [CompletionResultType]::ParameterValue, 'Manage signed vulnerability exceptions')
            [CompletionResult]::new('vex', 'vex', [CompletionResultType]::ParameterValue, 'Sign and check the OpenVEX documents of policy.vex (they count only when an approver signed them)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions (bash, zsh, fish, powershell, elvish)')
            [CompletionResult]::new('generate-man', 'generate-man', [CompletionResultType]::ParameterValue, 'Write man pages for vimes and every subcommand into a directory')
            [CompletionResult]::new('admission', 'admission', [CompletionResultType]::ParameterValue, 'Print the admission policy that makes a cluster enforce vimes.yaml''s keys and attestations')
            [CompletionResult]::new('sbom', 'sbom', [CompletionResultType]::ParameterValue, 'Make an SBOM with Syft (optionally attached as a signed attestation); `sbom index` and `sbom query` keep and search the local inventory')
            [CompletionResult]::new('harbor', 'harbor', [CompletionResultType]::ParameterValue, 'Configure Harbor projects from vimes.yaml (immutability, auto-scan, prevent_vul, cosign)')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check the image references in Dockerfiles, Kubernetes manifests and compose files against the policy (default: the files git tracks)')
            [CompletionResult]::new('hook', 'hook', [CompletionResultType]::ParameterValue, 'Manage the git hook that runs `vimes check` before every push')
            [CompletionResult]::new('build', 'build', [CompletionResultType]::ParameterValue, 'Check base images, build the images of vimes.yaml, push them to staging by digest')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vimes;init' {
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'File to write')
            [CompletionResult]::new('--staging-url', '--staging-url', [CompletionResultType]::ParameterName, 'Staging registry `host[:port]`')
            [CompletionResult]::new('--staging-project', '--staging-project', [CompletionResultType]::ParameterName, 'Staging project (path prefix)')
            [CompletionResult]::new('--production-url', '--production-url', [CompletionResultType]::ParameterName, 'Production registry `host[:port]` (default: the staging host)')
            [CompletionResult]::new('--production-project', '--production-project', [CompletionResultType]::ParameterName, 'Production project (path prefix)')
            [CompletionResult]::new('--registry-type', '--registry-type', [CompletionResultType]::ParameterName, 'Registry type of both registries')
            [CompletionResult]::new('--signing-key', '--signing-key', [CompletionResultType]::ParameterName, 'Private signing key reference')
            [CompletionResult]::new('--public-key', '--public-key', [CompletionResultType]::ParameterName, 'Public key trusted for verification')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of what is printed on stdout')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite an existing file')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Mark both registries as plain HTTP (loopback test registries)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations; never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vimes;config' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of what is printed on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations; never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('schema', 'schema', [CompletionResultType]::ParameterValue, 'Print the JSON Schema of vimes.yaml')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the resolved configuration, secrets redacted')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vimes;config;schema' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of what is printed on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations; never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vimes;config;show' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of what is printed on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations; never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vimes;config;help' {
            [CompletionResult]::new('schema', 'schema', [CompletionResultType]::ParameterValue, 'Print the JSON Schema of vimes.yaml')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the resolved configuration, secrets redacted')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vimes;config;help;schema' {
            break
        }
        'vimes;config;help;show' {
            break
        }
        'vimes;config;help;help' {
            break
        }
        'vimes;copy' {
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Layers transferred at once between registries')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of what is printed on stdout')
            [CompletionResult]::new('--no-signatures', '--no-signatures', [CompletionResultType]::ParameterName, 'Do not carry cosign `.sig`/`.att`/`.sbom` tags along')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Move a destination tag that already points to another digest (never on an `immutable: true` registry)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations; never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vimes;key' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of what is printed on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations; never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Generate an encrypted P-256 key pair (NAME.key, mode 0600, and NAME.pub), or with --pkcs11 a key pair inside a token (only NAME.pub is written)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the keys of a PKCS#11 token, with the URIs --key takes')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vimes;key;generate' {
            [CompletionResult]::new('--output-prefix', '--output-prefix', [CompletionResultType]::ParameterName, 'File name prefix of the key pair')
            [CompletionResult]::new('--pkcs11', '--pkcs11', [CompletionResultType]::ParameterName, 'Create the key pair inside the PKCS#11 token this URI names (`pkcs11:token=LABEL;object=NAME[;id=%NN][?module-path=LIB]`); the PIN comes from COSIGN_PKCS11_PIN or a prompt, never from the URI')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of what is printed on stdout')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite existing files')
            [CompletionResult]::new('--allow-empty-password', '--allow-empty-password', [CompletionResultType]::ParameterName, 'Allow an empty password (the key is then effectively unencrypted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations; never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vimes;key;list' {
            [CompletionResult]::new('--pkcs11', '--pkcs11', [CompletionResultType]::ParameterName, 'PKCS#11 library (e.g. /usr/lib/softhsm/libsofthsm2.so); default: tools.pkcs11.module. Private keys are listed when COSIGN_PKCS11_PIN is set')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of what is printed on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations; never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vimes;key;help' {
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Generate an encrypted P-256 key pair (NAME.key, mode 0600, and NAME.pub), or with --pkcs11 a key pair inside a token (only NAME.pub is written)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the keys of a PKCS#11 token, with the URIs --key takes')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vimes;key;help;generate' {
            break
        }
        'vimes;key;help;list' {
            break
        }
        'vimes;key;help;help' {
            break
        }
        'vimes;sign' {
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Private key (path, env://VAR or pkcs11: URI); default: signing.key')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Annotation put into the signed payload (repeatable)')
            [CompletionResult]::new('--annotation', '--annotation', [CompletionResultType]::ParameterName, 'Annotation put into the signed payload (repeatable)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of what is printed on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations; never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vimes;attest' {
            [CompletionResult]::new('--predicate', '--predicate', [CompletionResultType]::ParameterName, 'The predicate document (JSON)')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Predicate type, as cosign names it: cyclonedx, spdx, spdxjson, vuln, slsaprovenance (SLSA v0.2), slsaprovenance02, slsaprovenance1 (SLSA v1), link, openvex, custom')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Private key (path, env://VAR or pkcs11: URI); default: signing.key')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of what is printed on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations; never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vimes;verify' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Also verify the images listed in FILE, one per line (`#` starts a comment; `-`: stdin)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Also verify the images listed in FILE, one per line (`#` starts a comment; `-`: stdin)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Trusted public key (repeatable); default: signing.public_keys')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Annotation a signature must carry (repeatable)')
            [CompletionResult]::new('--annotation', '--annotation', [CompletionResultType]::ParameterName, 'Annotation a signature must carry (repeatable)')
            [CompletionResult]::new('--require-attestation', '--require-attestation', [CompletionResultType]::ParameterName, 'Attestation type that must be present, in addition to signing.require_attestations')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of what is printed on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations; never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vimes;status' {
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Trusted public key (repeatable); default: signing.public_keys')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of what is printed on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations; never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vimes;rescan' {
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Trusted public key for the SBOM attestations (repeatable); default: signing.public_keys')
            [CompletionResult]::new('--signing-key', '--signing-key', [CompletionResultType]::ParameterName, 'Private key for --attach (path, env://VAR or pkcs11: URI); default: signing.key')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of what is printed on stdout')
            [CompletionResult]::new('--attach', '--attach', [CompletionResultType]::ParameterName, 'Sign a fresh vuln attestation for every image that still passes (as `scan --attach`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations; never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vimes;report' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'The HTML file to write (replaced whole); `-` or none: stdout')
            [CompletionResult]::new('--output-file', '--output-file', [CompletionResultType]::ParameterName, 'The HTML file to write (replaced whole); `-` or none: stdout')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Trusted public key (repeatable); default: signing.public_keys')
            [CompletionResult]::new('--package', '--package', [CompletionResultType]::ParameterName, 'Also list the inventory''s images holding this package (as `sbom query --package`)')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Version range of --package: comparators joined by commas, e.g. ''>=1.2.3, <2.0''')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Only packages of this PURL type (deb, pypi, npm, cargo, golang, ...)')
            [CompletionResult]::new('--purl', '--purl', [CompletionResultType]::ParameterName, 'Also list the inventory''s images holding this package URL (as `sbom query --purl`)')
            [CompletionResult]::new('--advisory', '--advisory', [CompletionResultType]::ParameterName, 'Also list the inventory''s images holding a version this OSV advisory (JSON) lists')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of what is printed on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations; never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'vimes;promote' {
            [CompletionResult]::new('--tag', '--tag', [CompletionResultType]::ParameterName, 'Production tag (default: the source tag)')
            [CompletionResult]::new('--reviewer', '--reviewer', [CompletionResultType]::ParameterName, 'Who reviews (default: git user.email, else $USER)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Private key (path, env://VAR or pkcs11: URI); default: signing.key')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of what is printed on stdout')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Resolve and scan only; write nothing')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations; never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vimes;scan' {
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Private key for --attach (path, env://VAR or pkcs11: URI); default: signing.key')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of what is printed on stdout')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Run Trivy even when a report for this digest, Trivy version and DB is cached')
            [CompletionResult]::new('--attach', '--attach', [CompletionResultType]::ParameterName, 'When the scan passes, sign the result and attach it as a cosign vuln attestation (a blocked image gets none)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations; never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vimes;review' {
            [CompletionResult]::new('--reviewer', '--reviewer', [CompletionResultType]::ParameterName, 'Who is reviewing (default: git user.email, else $USER)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Also write the record to this file')
            [CompletionResult]::new('--output-file', '--output-file', [CompletionResultType]::ParameterName, 'Also write the record to this file')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of what is printed on stdout')
            [CompletionResult]::new('--reject', '--reject', [CompletionResultType]::ParameterName, 'Record a rejection (non-interactive)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations; never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vimes;exceptions' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of what is printed on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations; never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add an exception (the file must then be signed again)')
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Sign the exceptions file with an approver''s key (writes FILE.sig)')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check the file''s signature against policy.approvers (exit 1 if it does not count)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the exceptions and whether each is in force')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Export the approved, unexpired exceptions for other tools')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vimes;exceptions;add' {
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'The exceptions file')
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'CVE or GHSA id')
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why the risk is accepted')
            [CompletionResult]::new('--expires', '--expires', [CompletionResultType]::ParameterName, 'Last valid day, YYYY-MM-DD (UTC)')
            [CompletionResult]::new('--approved-by', '--approved-by', [CompletionResultType]::ParameterName, 'Who approved it')
            [CompletionResult]::new('--image', '--image', [CompletionResultType]::ParameterName, 'Repository glob it is limited to (repeatable)')
            [CompletionResult]::new('--package', '--package', [CompletionResultType]::ParameterName, 'Package it is limited to (repeatable)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of what is printed on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations; never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vimes;exceptions;sign' {
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'The exceptions file')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'The approver''s private key (path, env://VAR or pkcs11: URI); password from COSIGN_PASSWORD, a token''s PIN from COSIGN_PKCS11_PIN')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of what is printed on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations; never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vimes;exceptions;verify' {
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'The exceptions file')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of what is printed on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations; never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vimes;exceptions;list' {
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'The exceptions file')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of what is printed on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations; never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vimes;exceptions;export' {
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'The exceptions file')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Target format')
            [CompletionResult]::new('--image', '--image', [CompletionResultType]::ParameterName, 'Make the export for this image only (REPO, or REPO@sha256:... for openvex)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write here instead of stdout')
            [CompletionResult]::new('--output-file', '--output-file', [CompletionResultType]::ParameterName, 'Write here instead of stdout')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of what is printed on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations; never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vimes;exceptions;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add an exception (the file must then be signed again)')
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Sign the exceptions file with an approver''s key (writes FILE.sig)')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check the file''s signature against policy.approvers (exit 1 if it does not count)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the exceptions and whether each is in force')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Export the approved, unexpired exceptions for other tools')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vimes;exceptions;help;add' {
            break
        }
        'vimes;exceptions;help;sign' {
            break
        }
        'vimes;exceptions;help;verify' {
            break
        }
        'vimes;exceptions;help;list' {
            break
        }
        'vimes;exceptions;help;export' {
            break
        }
        'vimes;exceptions;help;help' {
            break
        }
        'vimes;vex' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of what is printed on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations; never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Sign an OpenVEX document with an approver''s key (writes FILE.sig)')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check an OpenVEX document''s signature against policy.approvers (exit 1 if it does not count)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vimes;vex;sign' {
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'The approver''s private key (path, env://VAR or pkcs11: URI); password from COSIGN_PASSWORD, a token''s PIN from COSIGN_PKCS11_PIN')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of what is printed on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations; never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vimes;vex;verify' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of what is printed on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations; never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vimes;vex;help' {
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Sign an OpenVEX document with an approver''s key (writes FILE.sig)')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check an OpenVEX document''s signature against policy.approvers (exit 1 if it does not count)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vimes;vex;help;sign' {
            break
        }
        'vimes;vex;help;verify' {
            break
        }
        'vimes;vex;help;help' {
            break
        }
        'vimes;completions' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of what is printed on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations; never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vimes;generate-man' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of what is printed on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations; never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vimes;admission' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of what is printed on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations; never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('kyverno', 'kyverno', [CompletionResultType]::ParameterValue, 'Kyverno ClusterPolicy (kyverno.io/v1)')
            [CompletionResult]::new('policy-controller', 'policy-controller', [CompletionResultType]::ParameterValue, 'sigstore policy-controller ClusterImagePolicy (policy.sigstore.dev/v1beta1)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vimes;admission;kyverno' {
            [CompletionResult]::new('--kyverno-version', '--kyverno-version', [CompletionResultType]::ParameterName, 'The Kyverno release the cluster runs (1.11 or later): only fields its CRD defines are written')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of what is printed on stdout')
            [CompletionResult]::new('--require-vsa', '--require-vsa', [CompletionResultType]::ParameterName, 'Require only the SLSA verification summary promotion attests (verifier vimes, result PASSED) instead of every signing.require_attestations type')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations; never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vimes;admission;policy-controller' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of what is printed on stdout')
            [CompletionResult]::new('--require-vsa', '--require-vsa', [CompletionResultType]::ParameterName, 'Require only the SLSA verification summary promotion attests (verifier vimes, result PASSED) instead of every signing.require_attestations type')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations; never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vimes;admission;help' {
            [CompletionResult]::new('kyverno', 'kyverno', [CompletionResultType]::ParameterValue, 'Kyverno ClusterPolicy (kyverno.io/v1)')
            [CompletionResult]::new('policy-controller', 'policy-controller', [CompletionResultType]::ParameterValue, 'sigstore policy-controller ClusterImagePolicy (policy.sigstore.dev/v1beta1)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vimes;admission;help;kyverno' {
            break
        }
        'vimes;admission;help;policy-controller' {
            break
        }
        'vimes;admission;help;help' {
            break
        }
        'vimes;sbom' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'SBOM format (default: sbom.format)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the SBOM to FILE instead of stdout')
            [CompletionResult]::new('--output-file', '--output-file', [CompletionResultType]::ParameterName, 'Write the SBOM to FILE instead of stdout')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Private key for --attach (path, env://VAR or pkcs11: URI); default: signing.key')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of what is printed on stdout')
            [CompletionResult]::new('--attach', '--attach', [CompletionResultType]::ParameterName, 'Sign the SBOM, attach it to the image as an attestation and add it to the inventory')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations; never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('index', 'index', [CompletionResultType]::ParameterValue, 'Add SBOMs to the inventory: files, directories of *.json files, images (their signed SBOM attestation), or every tagged image of a repository')
            [CompletionResult]::new('query', 'query', [CompletionResultType]::ParameterValue, 'Find the images that contain a package, a package version range or an OSV advisory')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vimes;sbom;index' {
            [CompletionResult]::new('--repository', '--repository', [CompletionResultType]::ParameterName, 'Index every tagged image of this repository (repeatable)')
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Index every repository of this vimes.yaml registry entry (repeatable; Harbor''s API for type harbor, /v2/_catalog for type oci); digests already in the inventory are not read again')
            [CompletionResult]::new('--image', '--image', [CompletionResultType]::ParameterName, 'The image a single SBOM file describes (default: what the SBOM records)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Trusted public key for attestations (repeatable); default: signing.public_keys')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of what is printed on stdout')
            [CompletionResult]::new('--rebuild', '--rebuild', [CompletionResultType]::ParameterName, 'Delete the inventory and start an empty one first')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations; never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vimes;sbom;query' {
            [CompletionResult]::new('--package', '--package', [CompletionResultType]::ParameterName, 'Package name (binary or source package; PyPI names in any spelling)')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Version range of --package: comparators joined by commas, e.g. ''>=1.2.3, <2.0''')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Only packages of this PURL type (deb, pypi, npm, cargo, golang, ...)')
            [CompletionResult]::new('--purl', '--purl', [CompletionResultType]::ParameterName, 'Package URL, with or without version and qualifiers')
            [CompletionResult]::new('--advisory', '--advisory', [CompletionResultType]::ParameterName, 'OSV advisory (JSON): the images holding an affected version')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of what is printed on stdout')
            [CompletionResult]::new('--fail-if-found', '--fail-if-found', [CompletionResultType]::ParameterName, 'Exit 1 when something is found')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations; never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'vimes;sbom;help' {
            [CompletionResult]::new('index', 'index', [CompletionResultType]::ParameterValue, 'Add SBOMs to the inventory: files, directories of *.json files, images (their signed SBOM attestation), or every tagged image of a repository')
            [CompletionResult]::new('query', 'query', [CompletionResultType]::ParameterValue, 'Find the images that contain a package, a package version range or an OSV advisory')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vimes;sbom;help;index' {
            break
        }
        'vimes;sbom;help;query' {
            break
        }
        'vimes;sbom;help;help' {
            break
        }
        'vimes;harbor' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of what is printed on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations; never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('setup', 'setup', [CompletionResultType]::ParameterValue, 'Make every `type: harbor` project match vimes.yaml (idempotent): projects exist, auto_scan; on promotion.to prevent_vul + severity and cosign enforcement; on `immutable: true` registries a rule freezing every tag except cosign''s sha256-* tags')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show each Harbor setting vimes.yaml wants next to what Harbor has; exit 1 on drift')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vimes;harbor;setup' {
            [CompletionResult]::new('--robot', '--robot', [CompletionResultType]::ParameterName, 'Also create this project robot account on promotion.to (pull, push, read artifacts, create tags, scan, read reports); its secret is shown once')
            [CompletionResult]::new('--robot-secret-file', '--robot-secret-file', [CompletionResultType]::ParameterName, 'Write the new robot''s secret to FILE (mode 0600) instead of printing it')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of what is printed on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations; never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vimes;harbor;status' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of what is printed on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations; never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vimes;harbor;help' {
            [CompletionResult]::new('setup', 'setup', [CompletionResultType]::ParameterValue, 'Make every `type: harbor` project match vimes.yaml (idempotent): projects exist, auto_scan; on promotion.to prevent_vul + severity and cosign enforcement; on `immutable: true` registries a rule freezing every tag except cosign''s sha256-* tags')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show each Harbor setting vimes.yaml wants next to what Harbor has; exit 1 on drift')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vimes;harbor;help;setup' {
            break
        }
        'vimes;harbor;help;status' {
            break
        }
        'vimes;harbor;help;help' {
            break
        }
        'vimes;check' {
            [CompletionResult]::new('--build-arg', '--build-arg', [CompletionResultType]::ParameterName, 'ARG value for Dockerfiles, as `--build-arg` gives it to a build (repeatable)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of what is printed on stdout')
            [CompletionResult]::new('--hook', '--hook', [CompletionResultType]::ParameterName, 'Pre-push hook mode: read git''s pre-push lines on stdin and check the files changed in the pushed commits, as they are in those commits')
            [CompletionResult]::new('--resolve', '--resolve', [CompletionResultType]::ParameterName, 'Look up the digest each unpinned tag points at now (network) and put it in the hint')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations; never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vimes;hook' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of what is printed on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations; never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('install', 'install', [CompletionResultType]::ParameterValue, 'Install the pre-push hook (honours core.hooksPath; an existing hook is kept as pre-push.local and run first)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vimes;hook;install' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of what is printed on stdout')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace an existing hook that cannot be chained (it is saved as pre-push.vimes-backup)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations; never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vimes;hook;help' {
            [CompletionResult]::new('install', 'install', [CompletionResultType]::ParameterValue, 'Install the pre-push hook (honours core.hooksPath; an existing hook is kept as pre-push.local and run first)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vimes;hook;help;install' {
            break
        }
        'vimes;hook;help;help' {
            break
        }
        'vimes;build' {
            [CompletionResult]::new('--tag', '--tag', [CompletionResultType]::ParameterName, 'Tag to push to staging (default: `git describe --tags --always`)')
            [CompletionResult]::new('--build-arg', '--build-arg', [CompletionResultType]::ParameterName, 'Build argument (repeatable)')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'Stage to build')
            [CompletionResult]::new('--platform', '--platform', [CompletionResultType]::ParameterName, 'Platform to build for (`os/arch[/variant]`)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Private key (path, env://VAR or pkcs11: URI); default: signing.key')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'vimes.yaml to use (default: $VIMES_CONFIG, else searched upwards from the working directory)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of what is printed on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logging on stderr (repeat for more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also when NO_COLOR is set)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations; never prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vimes;help' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write a commented vimes.yaml (prompts on a TTY; flags otherwise)')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Inspect the configuration')
            [CompletionResult]::new('copy', 'copy', [CompletionResultType]::ParameterValue, 'Copy an image by digest, with its cosign signatures and attestations')
            [CompletionResult]::new('key', 'key', [CompletionResultType]::ParameterValue, 'Manage cosign-compatible signing keys')
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Sign an image digest in cosign''s format')
            [CompletionResult]::new('attest', 'attest', [CompletionResultType]::ParameterValue, 'Attach a signed in-toto attestation to an image digest')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Verify an image''s signatures and required attestations')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'What is in production: every tag''s digest, signers, attestations, last scan, SBOM, verdict')
            [CompletionResult]::new('rescan', 'rescan', [CompletionResultType]::ParameterValue, 'Re-judge every production digest from its signed SBOM against today''s Trivy DB')
            [CompletionResult]::new('report', 'report', [CompletionResultType]::ParameterValue, 'The status of production as one self-contained HTML page; with --package or --advisory, the inventory''s affected images too')
            [CompletionResult]::new('promote', 'promote', [CompletionResultType]::ParameterValue, 'Promote an image: scan, review, copy by digest, sign, attest, verify, then tag')
            [CompletionResult]::new('scan', 'scan', [CompletionResultType]::ParameterValue, 'Scan an image with Trivy and apply the vulnerability gate')
            [CompletionResult]::new('review', 'review', [CompletionResultType]::ParameterValue, 'Record a human review of an image''s findings (TTY prompt, or --yes)')
            [CompletionResult]::new('exceptions', 'exceptions', [CompletionResultType]::ParameterValue, 'Manage signed vulnerability exceptions')
            [CompletionResult]::new('vex', 'vex', [CompletionResultType]::ParameterValue, 'Sign and check the OpenVEX documents of policy.vex (they count only when an approver signed them)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions (bash, zsh, fish, powershell, elvish)')
            [CompletionResult]::new('generate-man', 'generate-man', [CompletionResultType]::ParameterValue, 'Write man pages for vimes and every subcommand into a directory')
            [CompletionResult]::new('admission', 'admission', [CompletionResultType]::ParameterValue, 'Print the admission policy that makes a cluster enforce vimes.yaml''s keys and attestations')
            [CompletionResult]::new('sbom', 'sbom', [CompletionResultType]::ParameterValue, 'Make an SBOM with Syft (optionally attached as a signed attestation); `sbom index` and `sbom query` keep and search the local inventory')
            [CompletionResult]::new('harbor', 'harbor', [CompletionResultType]::ParameterValue, 'Configure Harbor projects from vimes.yaml (immutability, auto-scan, prevent_vul, cosign)')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check the image references in Dockerfiles, Kubernetes manifests and compose files against the policy (default: the files git tracks)')
            [CompletionResult]::new('hook', 'hook', [CompletionResultType]::ParameterValue, 'Manage the git hook that runs `vimes check` before every push')
            [CompletionResult]::new('build', 'build', [CompletionResultType]::ParameterValue, 'Check base images, build the images of vimes.yaml, push them to staging by digest')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vimes;help;init' {
            break
        }
        'vimes;help;config' {
            [CompletionResult]::new('schema', 'schema', [CompletionResultType]::ParameterValue, 'Print the JSON Schema of vimes.yaml')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the resolved configuration, secrets redacted')
            break
        }
        'vimes;help;config;schema' {
            break
        }
        'vimes;help;config;show' {
            break
        }
        'vimes;help;copy' {
            break
        }
        'vimes;help;key' {
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Generate an encrypted P-256 key pair (NAME.key, mode 0600, and NAME.pub), or with --pkcs11 a key pair inside a token (only NAME.pub is written)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the keys of a PKCS#11 token, with the URIs --key takes')
            break
        }
        'vimes;help;key;generate' {
            break
        }
        'vimes;help;key;list' {
            break
        }
        'vimes;help;sign' {
            break
        }
        'vimes;help;attest' {
            break
        }
        'vimes;help;verify' {
            break
        }
        'vimes;help;status' {
            break
        }
        'vimes;help;rescan' {
            break
        }
        'vimes;help;report' {
            break
        }
        'vimes;help;promote' {
            break
        }
        'vimes;help;scan' {
            break
        }
        'vimes;help;review' {
            break
        }
        'vimes;help;exceptions' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add an exception (the file must then be signed again)')
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Sign the exceptions file with an approver''s key (writes FILE.sig)')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check the file''s signature against policy.approvers (exit 1 if it does not count)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the exceptions and whether each is in force')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Export the approved, unexpired exceptions for other tools')
            break
        }
        'vimes;help;exceptions;add' {
            break
        }
        'vimes;help;exceptions;sign' {
            break
        }
        'vimes;help;exceptions;verify' {
            break
        }
        'vimes;help;exceptions;list' {
            break
        }
        'vimes;help;exceptions;export' {
            break
        }
        'vimes;help;vex' {
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Sign an OpenVEX document with an approver''s key (writes FILE.sig)')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check an OpenVEX document''s signature against policy.approvers (exit 1 if it does not count)')
            break
        }
        'vimes;help;vex;sign' {
            break
        }
        'vimes;help;vex;verify' {
            break
        }
        'vimes;help;completions' {
            break
        }
        'vimes;help;generate-man' {
            break
        }
        'vimes;help;admission' {
            [CompletionResult]::new('kyverno', 'kyverno', [CompletionResultType]::ParameterValue, 'Kyverno ClusterPolicy (kyverno.io/v1)')
            [CompletionResult]::new('policy-controller', 'policy-controller', [CompletionResultType]::ParameterValue, 'sigstore policy-controller ClusterImagePolicy (policy.sigstore.dev/v1beta1)')
            break
        }
        'vimes;help;admission;kyverno' {
            break
        }
        'vimes;help;admission;policy-controller' {
            break
        }
        'vimes;help;sbom' {
            [CompletionResult]::new('index', 'index', [CompletionResultType]::ParameterValue, 'Add SBOMs to the inventory: files, directories of *.json files, images (their signed SBOM attestation), or every tagged image of a repository')
            [CompletionResult]::new('query', 'query', [CompletionResultType]::ParameterValue, 'Find the images that contain a package, a package version range or an OSV advisory')
            break
        }
        'vimes;help;sbom;index' {
            break
        }
        'vimes;help;sbom;query' {
            break
        }
        'vimes;help;harbor' {
            [CompletionResult]::new('setup', 'setup', [CompletionResultType]::ParameterValue, 'Make every `type: harbor` project match vimes.yaml (idempotent): projects exist, auto_scan; on promotion.to prevent_vul + severity and cosign enforcement; on `immutable: true` registries a rule freezing every tag except cosign''s sha256-* tags')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show each Harbor setting vimes.yaml wants next to what Harbor has; exit 1 on drift')
            break
        }
        'vimes;help;harbor;setup' {
            break
        }
        'vimes;help;harbor;status' {
            break
        }
        'vimes;help;check' {
            break
        }
        'vimes;help;hook' {
            [CompletionResult]::new('install', 'install', [CompletionResultType]::ParameterValue, 'Install the pre-push hook (honours core.hooksPath; an existing hook is kept as pre-push.local and run first)')
            break
        }
        'vimes;help;hook;install' {
            break
        }
        'vimes;help;build' {
            break
        }
        'vimes;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}

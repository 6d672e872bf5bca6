//! vimes' outputs checked against the programs and official schemas that
//! consume them (issue #19): cosign's attestation predicate types and vuln
//! predicate, Kyverno's and policy-controller's CRDs with
//! unknown fields refused, the OpenVEX and SARIF 2.1.0 schemas, GitHub code
//! scanning's documented requirements, and the real Trivy reading the
//! exported `.trivyignore.yaml` and OpenVEX documents. The schemas are read
//! from `../shared/schemas` (never copied into the project).

mod admission;
mod cosign_attest;
mod exports;
mod sarif;
mod schema;

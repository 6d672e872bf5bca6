//! The OCI referrers API (distribution-spec v1.1) and its tag-schema fallback.

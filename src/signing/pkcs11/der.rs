//! The few DER shapes a P-256 token key needs: its curve parameters, its
//! public point, the SubjectPublicKeyInfo cosign's PEM public keys hold, and
//! the ASN.1 ECDSA signature cosign writes (tokens return raw `r || s`).

/// DER of the named curve prime256v1 (OID 1.2.840.10045.3.1.7), as
/// `CKA_EC_PARAMS` holds it.
pub const P256_PARAMS: &[u8] = &[0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];

/// The SubjectPublicKeyInfo header of an uncompressed P-256 point
/// (id-ecPublicKey, prime256v1, BIT STRING of 66 bytes): what precedes the
/// 65-byte point in every P-256 `PUBLIC KEY` PEM.
const P256_SPKI_PREFIX: &[u8] = &[
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a,
    0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
];

/// Length of an uncompressed P-256 point (`04 || X || Y`).
const POINT_LEN: usize = 65;

/// The uncompressed point out of `CKA_EC_POINT`: PKCS#11 says a DER OCTET
/// STRING around it; some tokens give the bare point.
pub fn ec_point(value: &[u8]) -> Option<[u8; POINT_LEN]> {
    let point = match value {
        [0x04, 0x41, rest @ ..] if rest.len() == POINT_LEN => rest,
        bare if bare.len() == POINT_LEN => bare,
        _ => return None,
    };
    if point[0] != 0x04 {
        return None;
    }
    point.try_into().ok()
}

/// The DER SubjectPublicKeyInfo of an uncompressed P-256 point.
pub fn p256_spki(point: &[u8; POINT_LEN]) -> Vec<u8> {
    let mut der = P256_SPKI_PREFIX.to_vec();
    der.extend_from_slice(point);
    der
}

/// The PEM `PUBLIC KEY` of a DER SubjectPublicKeyInfo, with LF line endings
/// and 64-column lines, as cosign writes it.
pub fn public_key_pem(spki: &[u8]) -> String {
    use base64::Engine;
    let body = base64::engine::general_purpose::STANDARD.encode(spki);
    let mut pem = String::from("-----BEGIN PUBLIC KEY-----\n");
    for line in body.as_bytes().chunks(64) {
        pem.push_str(&String::from_utf8_lossy(line));
        pem.push('\n');
    }
    pem.push_str("-----END PUBLIC KEY-----\n");
    pem
}

/// Converts a raw PKCS#11 ECDSA signature (`r || s`, 32 bytes each for
/// P-256) to the ASN.1 DER `ECDSA-Sig-Value` cosign writes and verifies.
pub fn ecdsa_der(raw: &[u8]) -> Option<Vec<u8>> {
    if raw.len() != 64 {
        return None;
    }
    let (r, s) = raw.split_at(32);
    let (r, s) = (der_integer(r), der_integer(s));
    let body_len = r.len() + s.len();
    // At most 2 * (2 + 33) = 70 bytes: the short length form always fits.
    let mut out = Vec::with_capacity(2 + body_len);
    out.push(0x30);
    out.push(u8::try_from(body_len).ok()?);
    out.extend(r);
    out.extend(s);
    Some(out)
}

/// A DER INTEGER of an unsigned big-endian number: minimal length, with a
/// zero byte in front when the top bit is set (DER integers are signed).
fn der_integer(unsigned: &[u8]) -> Vec<u8> {
    let first = unsigned
        .iter()
        .position(|&b| b != 0)
        .unwrap_or(unsigned.len().saturating_sub(1));
    let digits = &unsigned[first..];
    let digits = if digits.is_empty() {
        &[0u8][..]
    } else {
        digits
    };
    let pad = digits[0] & 0x80 != 0;
    let len = digits.len() + usize::from(pad);
    let mut out = Vec::with_capacity(2 + len);
    out.push(0x02);
    // At most 33: the short length form.
    out.push(len as u8);
    if pad {
        out.push(0);
    }
    out.extend_from_slice(digits);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_become_minimal_der_integers() {
        let mut raw = [0u8; 64];
        raw[31] = 0x01; // r = 1
        raw[32] = 0x80; // s has its top bit set: needs a zero in front
        let der = ecdsa_der(&raw).unwrap();
        assert_eq!(&der[..5], &[0x30, 3 + 35, 0x02, 0x01, 0x01]);
        assert_eq!(&der[5..8], &[0x02, 33, 0x00]);
        assert_eq!(der[8], 0x80);
        assert_eq!(der.len(), 2 + 3 + 35);
        // r = 0 still encodes as one zero byte.
        let der = ecdsa_der(&[0u8; 64]).unwrap();
        assert_eq!(der, vec![0x30, 6, 0x02, 1, 0, 0x02, 1, 0]);
        assert_eq!(ecdsa_der(&[1u8; 63]), None);
    }

    #[test]
    fn token_signatures_verify_with_the_spki_built_here() {
        // A signature made by the p256 crate, taken apart into r || s the
        // way a token returns it, must verify once converted back.
        use p256::ecdsa::signature::Signer as _;
        use p256::pkcs8::EncodePublicKey as _;
        let secret = p256::ecdsa::SigningKey::from_slice(&[7u8; 32]).unwrap();
        let signature: p256::ecdsa::Signature = secret.sign(b"payload");
        let point = secret.verifying_key().to_encoded_point(false);
        let point: [u8; 65] = point.as_bytes().try_into().unwrap();
        let spki = p256_spki(&point);
        assert_eq!(
            spki,
            secret
                .verifying_key()
                .to_public_key_der()
                .unwrap()
                .as_bytes()
        );
        let der = ecdsa_der(&signature.to_bytes()).unwrap();
        assert_eq!(der, signature.to_der().as_bytes());
        let key = crate::signing::keys::PublicKey::from_pem(public_key_pem(&spki).as_bytes(), "t")
            .unwrap();
        assert!(key.verifies(&der, b"payload"));
    }

    #[test]
    fn ec_points_with_and_without_the_octet_string() {
        let mut point = [0u8; 65];
        point[0] = 0x04;
        let mut wrapped = vec![0x04, 0x41];
        wrapped.extend_from_slice(&point);
        assert_eq!(ec_point(&wrapped), Some(point));
        assert_eq!(ec_point(&point), Some(point));
        point[0] = 0x02;
        assert_eq!(ec_point(&point), None);
        assert_eq!(ec_point(&[0x04, 0x21, 0x02]), None);
    }
}

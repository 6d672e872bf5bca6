#!/usr/bin/env python3
"""Pushes a synthetic OCI image (N uncompressed tar layers of random bytes) to a
plain-HTTP registry. Used by the benchmarks and the quickstart; tests use the
Rust test support instead."""
import argparse, hashlib, io, json, os, random, tarfile, urllib.request


def put_blob(base, repo, data):
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    head = urllib.request.Request(f"{base}/v2/{repo}/blobs/{digest}", method="HEAD")
    try:
        urllib.request.urlopen(head)
        return digest
    except urllib.error.HTTPError:
        pass
    req = urllib.request.Request(f"{base}/v2/{repo}/blobs/uploads/", method="POST", data=b"")
    loc = urllib.request.urlopen(req).headers["Location"]
    if loc.startswith("/"):
        loc = base + loc
    sep = "&" if "?" in loc else "?"
    req = urllib.request.Request(f"{loc}{sep}digest={digest}", method="PUT", data=data,
                                 headers={"Content-Type": "application/octet-stream"})
    urllib.request.urlopen(req)
    return digest


def layer(seed, size):
    rng = random.Random(seed)
    payload = rng.randbytes(size)
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        info = tarfile.TarInfo(f"data/layer-{seed}.bin")
        info.size, info.mtime, info.mode = size, 0, 0o644
        tar.addfile(info, io.BytesIO(payload))
    return buf.getvalue()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--registry", required=True, help="host:port (plain HTTP)")
    p.add_argument("--repo", required=True)
    p.add_argument("--tag", required=True)
    p.add_argument("--layers", type=int, default=4)
    p.add_argument("--layer-mib", type=int, default=64)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    base = f"http://{a.registry}"
    descs, diff_ids = [], []
    for i in range(a.layers):
        data = layer(a.seed * 1000 + i, a.layer_mib * 1024 * 1024)
        d = put_blob(base, a.repo, data)
        descs.append({"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": d, "size": len(data)})
        diff_ids.append(d)
    config = json.dumps({"architecture": "amd64", "os": "linux",
                         "rootfs": {"type": "layers", "diff_ids": diff_ids},
                         "config": {}}, separators=(",", ":")).encode()
    cd = put_blob(base, a.repo, config)
    manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                           "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": len(config)},
                           "layers": descs}, separators=(",", ":")).encode()
    req = urllib.request.Request(f"{base}/v2/{a.repo}/manifests/{a.tag}", method="PUT", data=manifest,
                                 headers={"Content-Type": "application/vnd.oci.image.manifest.v1+json"})
    urllib.request.urlopen(req)
    print("sha256:" + hashlib.sha256(manifest).hexdigest())


if __name__ == "__main__":
    main()

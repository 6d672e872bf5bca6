# Shell functions shared by the quickstart, the release script and the
# benchmarks. Source it after `cd` to the repository root; registries and files
# live under $WORK, which the caller creates and removes.

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Starts a plain-HTTP docker-registry on 127.0.0.1:PORT in $WORK/NAME (in the
# background: the caller's EXIT trap kills `jobs -p`).
start_registry() { # name port
  mkdir -p "$WORK/$1"
  cat > "$WORK/$1/config.yml" <<YML
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $WORK/$1/data}, delete: {enabled: true}}
http: {addr: 127.0.0.1:$2}
YML
  docker-registry serve "$WORK/$1/config.yml" >"$WORK/$1/log" 2>&1 &
  for _ in $(seq 50); do curl -fs "http://127.0.0.1:$2/v2/" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "registry $1 did not start:" >&2; cat "$WORK/$1/log" >&2; exit 1
}

now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
# Evaluates a Python expression over the JSON document on stdin (as `d`).
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1"; }

# Builds the project's small Trivy DB (no DB can be downloaded here) into DIR.
build_trivy_db() { # cache-dir
  mkdir -p "$WORK/gopath" "$1"
  GO111MODULE=off GOPATH="$WORK/gopath:/usr/share/gocode" go build -o "$WORK/trivy-db" ./ci/trivy-db
  "$WORK/trivy-db" -fixture fixtures/trivy-db/db.json -cache "$1"
}

# One row of the scripts/bench table, written when BENCH_TSV names a file:
#   work, vimes figure, peer figure, ratio, target, pass|FAIL|-
bench_row() { # work vimes peer ratio target verdict
  if [ -n "${BENCH_TSV:-}" ]; then printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >> "$BENCH_TSV"; fi
}
# pass when `VALUE OP LIMIT` holds (awk comparison), FAIL otherwise.
verdict() { # value op limit
  awk -v v="$1" -v l="$3" -v op="$2" 'BEGIN{ok = (op=="<") ? v<l : (op=="<=") ? v<=l : (op==">=") ? v>=l : v>l; print ok ? "pass" : "FAIL"}'
}

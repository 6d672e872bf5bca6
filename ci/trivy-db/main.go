// Command trivy-db turns a JSON fixture into a Trivy vulnerability database
// (schema version 2): <cache>/db/trivy.db (BoltDB) and <cache>/db/metadata.json.
// It exists so the vimes test bed can run the real Trivy offline against data
// we control; see fixtures/trivy-db/db.json and tests/it/support/trivy.rs.
//
// Build in GOPATH mode with Debian's golang-go and golang-github-coreos-bbolt-dev:
//
//	GO111MODULE=off GOPATH=$TMP:/usr/share/gocode go build -o $TMP/trivy-db ./ci/trivy-db
//	$TMP/trivy-db -fixture fixtures/trivy-db/db.json -cache $CACHE
//
// Fixture format: every node is an object with two optional members,
// "buckets" (name -> node: nested buckets) and "values" (key -> any JSON,
// stored compacted as the key's bytes). The top-level node may only have
// "buckets", since BoltDB keeps no keys at the root.
//
//	{"buckets": {"debian 12": {"buckets": {"openssl": {"values": {
//	    "CVE-2099-0001": {"FixedVersion": "3.0.11-1~deb12u2"}}}}}}}
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"
)

// node is one bucket of the fixture.
type node struct {
	Buckets map[string]*node           `json:"buckets"`
	Values  map[string]json.RawMessage `json:"values"`
}

// UpdatedAt is fixed so reports made from this DB do not change over time.
const updatedAt = "2026-11-01T00:00:00Z"

func main() {
	fixture := flag.String("fixture", "", "JSON fixture to read")
	cache := flag.String("cache", "", "Trivy cache dir; the DB goes into <cache>/db/")
	flag.Parse()
	if *fixture == "" || *cache == "" {
		fmt.Fprintln(os.Stderr, "usage: trivy-db -fixture db.json -cache DIR")
		os.Exit(2)
	}
	if err := run(*fixture, *cache); err != nil {
		fmt.Fprintln(os.Stderr, "trivy-db:", err)
		os.Exit(1)
	}
}

func run(fixturePath, cache string) error {
	raw, err := os.ReadFile(fixturePath)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var root node
	if err := dec.Decode(&root); err != nil {
		return fmt.Errorf("%s: %w", fixturePath, err)
	}
	if len(root.Values) > 0 {
		return fmt.Errorf("%s: the top level may only hold buckets", fixturePath)
	}
	dir := filepath.Join(cache, "db")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	dbPath := filepath.Join(dir, "trivy.db")
	_ = os.Remove(dbPath)
	db, err := bolt.Open(dbPath, 0o644, &bolt.Options{Timeout: 10 * time.Second})
	if err != nil {
		return err
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, name := range sortedKeys(root.Buckets) {
			b, err := tx.CreateBucket([]byte(name))
			if err != nil {
				return fmt.Errorf("bucket %q: %w", name, err)
			}
			if err := fill(b, root.Buckets[name], name); err != nil {
				return err
			}
		}
		return nil
	})
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	meta, err := json.Marshal(map[string]interface{}{
		"Version":      2,
		"NextUpdate":   now.AddDate(1, 0, 0).Format(time.RFC3339),
		"UpdatedAt":    updatedAt,
		"DownloadedAt": now.Format(time.RFC3339),
	})
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "metadata.json"), meta, 0o644)
}

// fill writes a fixture node's nested buckets and values into b.
func fill(b *bolt.Bucket, n *node, path string) error {
	if n == nil {
		return fmt.Errorf("bucket %q: null node", path)
	}
	for _, name := range sortedKeys(n.Buckets) {
		child, err := b.CreateBucket([]byte(name))
		if err != nil {
			return fmt.Errorf("bucket %q / %q: %w", path, name, err)
		}
		if err := fill(child, n.Buckets[name], path+" / "+name); err != nil {
			return err
		}
	}
	keys := make([]string, 0, len(n.Values))
	for k := range n.Values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		var compact bytes.Buffer
		if err := json.Compact(&compact, n.Values[k]); err != nil {
			return fmt.Errorf("%q / %q: %w", path, k, err)
		}
		if err := b.Put([]byte(k), compact.Bytes()); err != nil {
			return fmt.Errorf("%q / %q: %w", path, k, err)
		}
	}
	return nil
}

func sortedKeys(m map[string]*node) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// goverify checks this project's checkpoints and proofs with Go's reference
// implementations (golang.org/x/mod/sumdb/note and sumdb/tlog), unchanged.
//
//	goverify checkpoint VKEY NOTE_FILE                 prints "size hex(root)"
//	goverify inclusion  VKEY NOTE_FILE PROOF_JSON ENTRY_HEX
//	goverify consistency VKEY NOTE_FILE PROOF_JSON
//
// Exits non-zero with a message if anything fails to verify.
package main

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type proofJSON struct {
	Index    int64    `json:"index"`
	TreeSize int64    `json:"tree_size"`
	LeafHash string   `json:"leaf_hash"`
	OldSize  int64    `json:"old_size"`
	NewSize  int64    `json:"new_size"`
	OldRoot  string   `json:"old_root"`
	Proof    []string `json:"proof"`
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "goverify: "+format+"\n", args...)
	os.Exit(1)
}

func hash(b64 string) tlog.Hash {
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(raw) != tlog.HashSize {
		fail("bad hash %q", b64)
	}
	var h tlog.Hash
	copy(h[:], raw)
	return h
}

// openCheckpoint verifies the signed note with Go's note package and parses
// the C2SP tlog-checkpoint body.
func openCheckpoint(vkey, path string) (int64, tlog.Hash) {
	verifier, err := note.NewVerifier(vkey)
	if err != nil {
		fail("verifier key: %v", err)
	}
	msg, err := os.ReadFile(path)
	if err != nil {
		fail("%v", err)
	}
	n, err := note.Open(msg, note.VerifierList(verifier))
	if err != nil {
		fail("note.Open: %v", err)
	}
	lines := strings.Split(strings.TrimSuffix(n.Text, "\n"), "\n")
	if len(lines) < 3 {
		fail("checkpoint has %d lines", len(lines))
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil {
		fail("checkpoint size: %v", err)
	}
	return size, hash(lines[2])
}

func readProof(path string) (proofJSON, []tlog.Hash) {
	raw, err := os.ReadFile(path)
	if err != nil {
		fail("%v", err)
	}
	var p proofJSON
	if err := json.Unmarshal(raw, &p); err != nil {
		fail("proof JSON: %v", err)
	}
	hashes := make([]tlog.Hash, len(p.Proof))
	for i, h := range p.Proof {
		hashes[i] = hash(h)
	}
	return p, hashes
}

func main() {
	if len(os.Args) < 4 {
		fail("usage: goverify checkpoint|inclusion|consistency VKEY NOTE_FILE ...")
	}
	size, root := openCheckpoint(os.Args[2], os.Args[3])
	switch os.Args[1] {
	case "checkpoint":
		fmt.Printf("%d %s\n", size, hex.EncodeToString(root[:]))
	case "inclusion":
		p, proof := readProof(os.Args[4])
		entry, err := hex.DecodeString(strings.TrimSpace(os.Args[5]))
		if err != nil {
			fail("entry hex: %v", err)
		}
		leaf := tlog.RecordHash(entry)
		if leaf != hash(p.LeafHash) {
			fail("leaf hash of the entry differs from the proof's")
		}
		if p.TreeSize != size {
			fail("proof for size %d, checkpoint of size %d", p.TreeSize, size)
		}
		if err := tlog.CheckRecord(proof, size, root, p.Index, leaf); err != nil {
			fail("tlog.CheckRecord: %v", err)
		}
		fmt.Printf("inclusion ok index=%d size=%d\n", p.Index, size)
	case "consistency":
		p, proof := readProof(os.Args[4])
		if p.NewSize != size {
			fail("proof for size %d, checkpoint of size %d", p.NewSize, size)
		}
		if err := tlog.CheckTree(proof, size, root, p.OldSize, hash(p.OldRoot)); err != nil {
			fail("tlog.CheckTree: %v", err)
		}
		fmt.Printf("consistency ok %d->%d\n", p.OldSize, size)
	default:
		fail("unknown command %q", os.Args[1])
	}
}

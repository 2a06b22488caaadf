// gotiles reads a log served as C2SP tlog-tiles over HTTP with Go's
// reference tile code (golang.org/x/mod/sumdb/tlog), independent of this
// project: it verifies the checkpoint with sumdb/note, recomputes the tree
// head from the hash tiles, checks every entry bundle against the level-0
// tiles, and proves the chosen entries' inclusion from the tiles alone.
//
//	gotiles PREFIX_URL VKEY INDEX...     prints "size base64(root)"
//
// Exits non-zero with a message if anything fails to verify.
package main

import (
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

const height = 8 // C2SP tlog-tiles: tiles of 2^8 hashes

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "gotiles: "+format+"\n", args...)
	os.Exit(1)
}

// get fetches one resource and checks the headers tlog-tiles asks for.
func get(url, contentType, cacheControl string) []byte {
	resp, err := http.Get(url)
	if err != nil {
		fail("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		fail("GET %s: %v", url, err)
	}
	if resp.StatusCode != http.StatusOK {
		fail("GET %s: %s: %s", url, resp.Status, body)
	}
	if got := resp.Header.Get("Content-Type"); got != contentType {
		fail("GET %s: Content-Type %q, want %q", url, got, contentType)
	}
	if got := resp.Header.Get("Cache-Control"); got != cacheControl {
		fail("GET %s: Cache-Control %q, want %q", url, got, cacheControl)
	}
	return body
}

// tilePath is Go's own spelling of a tile (sumdb's tile/8/L/N[.p/W]) with the
// height left out, as C2SP tlog-tiles spells it; the data level is entries.
func tilePath(t tlog.Tile) string {
	p := strings.TrimPrefix(t.Path(), "tile/8/")
	return "tile/" + strings.Replace(p, "data/", "entries/", 1)
}

type tileReader struct{ prefix string }

func (r tileReader) Height() int { return height }

func (r tileReader) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	data := make([][]byte, len(tiles))
	for i, t := range tiles {
		data[i] = get(r.prefix+"/"+tilePath(t), "application/octet-stream",
			"public, max-age=31536000, immutable")
	}
	return data, nil
}

func (r tileReader) SaveTiles(tiles []tlog.Tile, data [][]byte) {}

func openCheckpoint(vkey string, msg []byte) tlog.Tree {
	verifier, err := note.NewVerifier(vkey)
	if err != nil {
		fail("verifier key: %v", err)
	}
	n, err := note.Open(msg, note.VerifierList(verifier))
	if err != nil {
		fail("checkpoint: %v", err)
	}
	lines := strings.SplitN(n.Text, "\n", 4)
	if len(lines) < 4 || lines[0] != verifier.Name() {
		fail("checkpoint text %q is not for %s", n.Text, verifier.Name())
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 {
		fail("checkpoint size %q", lines[1])
	}
	raw, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(raw) != tlog.HashSize {
		fail("checkpoint root %q", lines[2])
	}
	tree := tlog.Tree{N: size}
	copy(tree.Hash[:], raw)
	return tree
}

// bundle fetches the entry bundle holding entry `index` in the tree of
// `size` and splits it at its 16-bit big-endian length prefixes.
func bundle(prefix string, index, size int64) [][]byte {
	t := tlog.Tile{H: height, L: -1, N: index >> height, W: 1 << height}
	if end := (t.N + 1) << height; end > size {
		t.W = int(size - t.N<<height)
	}
	body := get(prefix+"/"+tilePath(t), "application/octet-stream",
		"public, max-age=31536000, immutable")
	var entries [][]byte
	for len(body) > 0 {
		if len(body) < 2 {
			fail("bundle %s is truncated", tilePath(t))
		}
		n := 2 + (int(body[0])<<8 | int(body[1]))
		if len(body) < n {
			fail("bundle %s is truncated", tilePath(t))
		}
		entries = append(entries, body[2:n])
		body = body[n:]
	}
	if len(entries) != t.W {
		fail("bundle %s holds %d entries, want %d", tilePath(t), len(entries), t.W)
	}
	return entries
}

func main() {
	if len(os.Args) < 3 {
		fail("usage: gotiles PREFIX_URL VKEY INDEX...")
	}
	prefix, vkey := strings.TrimSuffix(os.Args[1], "/"), os.Args[2]
	tree := openCheckpoint(vkey, get(prefix+"/checkpoint", "text/plain; charset=utf-8", "no-cache"))

	// TileHashReader checks every tile it reads against the signed tree.
	hashes := tlog.TileHashReader(tree, tileReader{prefix})
	root, err := tlog.TreeHash(tree.N, hashes)
	if err != nil {
		fail("tree hash from the tiles: %v", err)
	}
	if root != tree.Hash {
		fail("tiles give root %v, the checkpoint signs %v", root, tree.Hash)
	}

	// Every entry in every bundle hashes to its level-0 tile hash.
	for first := int64(0); first < tree.N; first += 1 << height {
		entries := bundle(prefix, first, tree.N)
		indexes := make([]int64, len(entries))
		for i := range entries {
			indexes[i] = tlog.StoredHashIndex(0, first+int64(i))
		}
		leaves, err := hashes.ReadHashes(indexes)
		if err != nil {
			fail("level-0 hashes from %d: %v", first, err)
		}
		for i, e := range entries {
			if tlog.RecordHash(e) != leaves[i] {
				fail("entry %d does not hash to its level-0 tile hash", first+int64(i))
			}
		}
	}

	for _, arg := range os.Args[3:] {
		index, err := strconv.ParseInt(arg, 10, 64)
		if err != nil || index < 0 || index >= tree.N {
			fail("index %q is not in the tree of %d", arg, tree.N)
		}
		proof, err := tlog.ProveRecord(tree.N, index, hashes)
		if err != nil {
			fail("inclusion proof of %d from the tiles: %v", index, err)
		}
		entry := bundle(prefix, index, tree.N)[index%(1<<height)]
		if err := tlog.CheckRecord(proof, tree.N, tree.Hash, index, tlog.RecordHash(entry)); err != nil {
			fail("entry %d: %v", index, err)
		}
	}
	fmt.Printf("%d %s\n", tree.N, base64.StdEncoding.EncodeToString(tree.Hash[:]))
}

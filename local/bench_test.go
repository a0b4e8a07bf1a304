package local

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// benchTree lays out a machine with hf Hugging Face snapshots (two shards
// each), ggufs GGUF files and ollama Ollama models, and returns its roots.
func benchTree(tb testing.TB, hf, ggufs, ollama int) []Root {
	tb.Helper()
	root := tb.TempDir()
	hub, dir, om := filepath.Join(root, "hub"), filepath.Join(root, "gguf"), filepath.Join(root, "ollama")
	for i := range hf {
		hfRepoFixture(tb, hub, fmt.Sprintf("org%d/model-%d", i%7, i), 2, 2, 1<<30)
	}
	spec := tinyLlama(8192)
	for i := range ggufs {
		spec.write(tb, filepath.Join(dir, fmt.Sprintf("pub%d", i%10), fmt.Sprintf("model-%d-Q4_K_M.gguf", i)))
	}
	for i := range ollama {
		hex := fmt.Sprintf("%064x", i+1)
		spec.write(tb, filepath.Join(om, "blobs", "sha256-"+hex))
		m := `{"layers":[{"mediaType":"application/vnd.ollama.image.model","digest":"sha256:` + hex + `"}]}`
		writeFile(tb, filepath.Join(om, "manifests", ollamaRegistry, "library", fmt.Sprintf("m%d", i), "latest"), m)
	}
	return []Root{{Kind: KindHF, Path: hub}, {Kind: KindGGUF, Path: dir}, {Kind: KindOllama, Path: om}}
}

// BenchmarkScan scans 300 Hugging Face snapshots, 300 GGUF files and 50
// Ollama models: headers and indexes only.
func BenchmarkScan(b *testing.B) {
	roots := benchTree(b, 300, 300, 50)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		res := Scan(roots)
		if len(res.Models) != 650 {
			b.Fatalf("%d models", len(res.Models))
		}
	}
}

// A scan writes nothing in the places it reads: every file and folder is
// as it was, and none is added.
func TestScanWritesNothing(t *testing.T) {
	hub, dir := t.TempDir(), t.TempDir()
	hfRepoFixture(t, hub, "Qwen/Qwen3-32B", 2, 2, 1000)
	tinyLlama(4096).write(t, filepath.Join(dir, "a.gguf"))
	list := func() string {
		var b strings.Builder
		for _, r := range []string{hub, dir} {
			require.NoError(t, filepath.Walk(r, func(p string, fi os.FileInfo, err error) error {
				require.NoError(t, err)
				fmt.Fprintf(&b, "%s %d %s %v\n", p, fi.Size(), fi.Mode(), fi.ModTime().UnixNano())
				return nil
			}))
		}
		return b.String()
	}
	before := list()
	res := Scan([]Root{{Kind: KindHF, Path: hub}, {Kind: KindGGUF, Path: dir}})
	require.Len(t, res.Models, 2)
	require.Equal(t, before, list())
}

// BenchmarkScanCold is BenchmarkScan with the page cache dropped before
// each scan (sync; echo 3 > /proc/sys/vm/drop_caches), as after a boot:
// it needs root, and is skipped without it.
func BenchmarkScanCold(b *testing.B) {
	roots := benchTree(b, 300, 300, 50)
	drop := func() {
		b.StopTimer()
		defer b.StartTimer()
		if err := exec.Command("sync").Run(); err != nil {
			b.Skipf("sync: %v", err)
		}
		if err := os.WriteFile("/proc/sys/vm/drop_caches", []byte("3\n"), 0o200); err != nil {
			b.Skipf("dropping the page cache needs root: %v", err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		drop()
		if res := Scan(roots); len(res.Models) != 650 {
			b.Fatalf("%d models", len(res.Models))
		}
	}
}

package local

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/headroom-dev/headroom/fit"
)

// qwenConfig is Qwen3-32B's config.json, the parts that size it.
const qwenConfig = `{"architectures":["Qwen3ForCausalLM"],"model_type":"qwen3","hidden_size":5120,"intermediate_size":25600,
"num_hidden_layers":64,"num_attention_heads":64,"num_key_value_heads":8,"head_dim":128,"vocab_size":151936,
"max_position_embeddings":40960,"torch_dtype":"bfloat16","tie_word_embeddings":false}`

// hfRepoFixture lays out models--ORG--NAME as huggingface_hub does: the
// files of a snapshot are links into blobs/. shardsPresent of the index's
// shards are there.
func hfRepoFixture(t testing.TB, hub, id string, shardsTotal, shardsPresent int, total int64) string {
	t.Helper()
	repo := filepath.Join(hub, "models--"+strings.ReplaceAll(id, "/", "--"))
	rev := "0123456789abcdef0123456789abcdef01234567"
	snap := filepath.Join(repo, "snapshots", rev)
	writeFile(t, filepath.Join(repo, "refs", "main"), rev)
	link := func(name, blob, data string) {
		writeFile(t, filepath.Join(repo, "blobs", blob), data)
		require.NoError(t, os.MkdirAll(snap, 0o755))
		require.NoError(t, os.Symlink(filepath.Join("..", "..", "blobs", blob), filepath.Join(snap, name)))
	}
	link("config.json", "cfg", qwenConfig)
	var wm []string
	for i := 1; i <= shardsTotal; i++ {
		name := "model-" + pad(i) + "-of-" + pad(shardsTotal) + ".safetensors"
		wm = append(wm, `"t`+pad(i)+`": "`+name+`"`)
		if i <= shardsPresent {
			sparse(t, filepath.Join(repo, "blobs", "shard"+pad(i)), total/int64(shardsTotal))
			require.NoError(t, os.Symlink(filepath.Join("..", "..", "blobs", "shard"+pad(i)), filepath.Join(snap, name)))
		}
	}
	link(fit.IndexFile, "idx", `{"metadata":{"total_size":`+itoa64(total)+`},"weight_map":{`+strings.Join(wm, ",")+`}}`)
	return repo
}

func pad(i int) string      { return fmt.Sprintf("%05d", i) }
func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

// byName finds a model by name.
func byName(t *testing.T, res Result, name string) Found {
	t.Helper()
	for _, f := range res.Models {
		if f.Name == name {
			return f
		}
	}
	t.Fatalf("%s not found among %d models", name, len(res.Models))
	return Found{}
}

func TestScanHuggingFaceCache(t *testing.T) {
	hub := t.TempDir()
	const total = 65_524_246_528 // Qwen3-32B's index total_size
	hfRepoFixture(t, hub, "Qwen/Qwen3-32B", 17, 17, total)
	partial := hfRepoFixture(t, hub, "Qwen/QwQ-32B", 17, 12, total)
	writeFile(t, filepath.Join(partial, "blobs", "shard13.incomplete"), "")
	gguf := filepath.Join(hub, "models--Qwen--Qwen3-32B-GGUF", "snapshots", "abc")
	tinyLlama(4096).write(t, filepath.Join(gguf, "Qwen3-32B-Q4_K_M.gguf"))
	writeFile(t, filepath.Join(hub, "models--Qwen--Qwen3-32B-GGUF", "refs", "main"), "abc")
	writeFile(t, filepath.Join(hub, "datasets--x--y", "refs", "main"), "abc") // not a model
	require.NoError(t, os.MkdirAll(filepath.Join(hub, "models--a--broken"), 0o755))

	res := Scan([]Root{{Kind: KindHF, Path: hub, Label: "Hugging Face cache"}})
	require.Len(t, res.Places, 1)
	assert.Equal(t, 4, res.Places[0].Found)

	q := byName(t, res, "Qwen/Qwen3-32B")
	require.True(t, q.Usable(), q.Problem)
	assert.EqualValues(t, total, q.WeightsBytes, "the index's total_size, every shard present")
	assert.Equal(t, Safetensors, q.Format)
	assert.Equal(t, "bf16", q.Precision)
	assert.Equal(t, "Qwen/Qwen3-32B", q.Model.ID, "vllm serve ORG/NAME works offline from the cache")
	e, err := q.Model.Estimate(fit.Request{Precision: fit.BF16, Context: 8192})
	require.NoError(t, err)
	assert.Positive(t, e.TotalBytes, "graded at every precision, like a catalogue model")

	p := byName(t, res, "Qwen/QwQ-32B")
	assert.False(t, p.Usable())
	assert.Equal(t, "downloading: 12 of 17 shards", p.Partial)

	g := byName(t, res, "Qwen3-32B-Q4_K_M")
	require.True(t, g.Usable(), g.Problem)
	assert.Equal(t, GGUFFormat, g.Format)
	assert.Equal(t, "Q4_K_M", g.Precision)

	b := byName(t, res, "a/broken")
	assert.Contains(t, b.Problem, "no snapshot")
}

func TestScanGGUFFolders(t *testing.T) {
	root := t.TempDir()
	// LM Studio's layout: PUBLISHER/REPO/FILE.gguf.
	spec := tinyLlama(8192)
	spec.write(t, filepath.Join(root, "lmstudio-community", "tiny-GGUF", "tiny-Q4_K_M.gguf"))
	spec.write(t, filepath.Join(root, "lmstudio-community", "tiny-GGUF", "mmproj-tiny-f16.gguf"))
	// A split model, whole, and one with a part missing.
	for i := 1; i <= 3; i++ {
		spec.write(t, filepath.Join(root, "big", "big-Q4_K_M-0000"+itoa64(int64(i))+"-of-00003.gguf"))
	}
	spec.write(t, filepath.Join(root, "half", "half-00001-of-00002.gguf"))
	writeFile(t, filepath.Join(root, "junk.gguf"), "GGUF but not really")
	require.NoError(t, os.Symlink(root, filepath.Join(root, "loop")))                                         // a symlink loop
	require.NoError(t, os.Symlink(filepath.Join(root, "nowhere.gguf"), filepath.Join(root, "dangling.gguf"))) // dangling
	odd := filepath.Join(root, "odd\xffname.gguf")
	spec.write(t, odd)
	// A checkpoint folder.
	writeFile(t, filepath.Join(root, "ckpt", "config.json"), qwenConfig)
	sparse(t, filepath.Join(root, "ckpt", "model.safetensors"), 1000)

	res := Scan([]Root{{Kind: KindGGUF, Path: root, Label: "--scan"}})
	tiny := byName(t, res, "tiny-Q4_K_M")
	require.True(t, tiny.Usable(), tiny.Problem)
	assert.Equal(t, spec.tensorBytes(), tiny.WeightsBytes)
	for _, f := range res.Models {
		assert.NotContains(t, f.Name, "mmproj", "a vision projector is not a model")
	}
	big := byName(t, res, "big-Q4_K_M")
	require.True(t, big.Usable(), big.Problem)
	assert.Contains(t, big.Path, "-00001-of-00003.gguf", "a split model is one, from its first part")
	assert.Equal(t, 3*spec.tensorBytes(), big.WeightsBytes, "every part's tensors")
	assert.Equal(t, "downloading: 1 of 2 parts", byName(t, res, "half").Partial)
	assert.Contains(t, byName(t, res, "junk").Problem, "not a readable GGUF file")
	assert.NotEmpty(t, byName(t, res, "dangling").Problem)
	weird := byName(t, res, "odd\uFFFDname")
	assert.Contains(t, weird.Problem, "not UTF-8")
	ck := byName(t, res, "ckpt")
	require.True(t, ck.Usable(), ck.Problem)
	assert.EqualValues(t, 1000, ck.WeightsBytes, "a checkpoint folder without an index: its one shard's bytes")
	count := 0
	for _, f := range res.Models {
		if f.Name == "tiny-Q4_K_M" {
			count++
		}
	}
	assert.Equal(t, 1, count, "the symlink loop is not followed")
}

func TestScanOllama(t *testing.T) {
	root := t.TempDir()
	digest := "sha256:" + strings.Repeat("ab", 32)
	tinyLlama(4096).write(t, filepath.Join(root, "blobs", "sha256-"+strings.Repeat("ab", 32)))
	manifest := `{"schemaVersion":2,"layers":[{"mediaType":"application/vnd.ollama.image.model","digest":"` + digest + `","size":1},
{"mediaType":"application/vnd.ollama.image.template","digest":"sha256:` + strings.Repeat("cd", 32) + `"}]}`
	writeFile(t, filepath.Join(root, "manifests", "registry.ollama.ai", "library", "qwen3", "32b"), manifest)
	writeFile(t, filepath.Join(root, "manifests", "registry.ollama.ai", "someone", "tiny", "latest"), manifest)
	missing := strings.Replace(manifest, "ab", "ef", -1)
	writeFile(t, filepath.Join(root, "manifests", "registry.ollama.ai", "library", "gone", "latest"), missing)
	writeFile(t, filepath.Join(root, "manifests", "registry.ollama.ai", "library", "bad", "latest"), "{")

	res := Scan([]Root{{Kind: KindOllama, Path: root, Label: "Ollama"}})
	q := byName(t, res, "qwen3:32b")
	require.True(t, q.Usable(), q.Problem)
	assert.Equal(t, "qwen3:32b", q.Model.ID)
	assert.Equal(t, KindOllama, q.Origin)
	assert.True(t, byName(t, res, "someone/tiny:latest").Usable())
	assert.Contains(t, byName(t, res, "gone:latest").Problem, "missing blob")
	assert.Contains(t, byName(t, res, "bad:latest").Problem, "not JSON")
}

func TestScanReportsEveryPlace(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	writeFile(t, file, "x")
	res := Scan([]Root{{Kind: KindHF, Path: "/nonexistent/hub", Label: "HF"}, {Kind: KindGGUF, Path: file, Label: "--scan"}})
	require.Len(t, res.Places, 2)
	assert.Equal(t, "not present", res.Places[0].Note)
	assert.Equal(t, "not a folder", res.Places[1].Note)
}

func TestDefaultRoots(t *testing.T) {
	env := map[string]string{}
	get := func(k string) string { return env[k] }
	roots := DefaultRoots(get, "/u/ada", []string{"/data/models"})
	paths := map[Kind][]string{}
	for _, r := range roots {
		paths[r.Kind] = append(paths[r.Kind], r.Path)
	}
	assert.Equal(t, []string{"/u/ada/.cache/huggingface/hub"}, paths[KindHF])
	assert.Equal(t, []string{"/u/ada/.cache/llama.cpp", "/u/ada/.lmstudio/models", "/u/ada/.cache/lm-studio/models", "/data/models"}, paths[KindGGUF])
	assert.Equal(t, []string{"/u/ada/.ollama/models", "/usr/share/ollama/.ollama/models"}, paths[KindOllama])

	env = map[string]string{"HF_HOME": "/x/hf", "LLAMA_CACHE": "/x/llama", "OLLAMA_MODELS": "/x/ollama", "XDG_CACHE_HOME": "/x/cache"}
	roots = DefaultRoots(get, "/u/ada", nil)
	assert.Equal(t, "/x/hf/hub", roots[0].Path)
	assert.Equal(t, "/x/llama", roots[1].Path)
	assert.Equal(t, "/x/ollama", roots[len(roots)-1].Path)
	env["HF_HUB_CACHE"] = "/y/hub"
	assert.Equal(t, "/y/hub", DefaultRoots(get, "/u/ada", nil)[0].Path, "HF_HUB_CACHE wins")
	delete(env, "HF_HOME")
	delete(env, "HF_HUB_CACHE")
	assert.Equal(t, "/x/cache/huggingface/hub", DefaultRoots(get, "/u/ada", nil)[0].Path)
}

func TestMergeListsACachedCatalogueModelOnce(t *testing.T) {
	cat, err := fit.LoadConfig(strings.NewReader(qwenConfig), "config.json")
	require.NoError(t, err)
	cat.ID, cat.Name = "Qwen/Qwen3-32B", "Qwen3-32B"
	hub := t.TempDir()
	hfRepoFixture(t, hub, "Qwen/Qwen3-32B", 2, 2, 1000)
	hfRepoFixture(t, hub, "Org/Other", 2, 1, 1000)
	tinyLlama(4096).write(t, filepath.Join(t.TempDir(), "x.gguf"))
	res := Scan([]Root{{Kind: KindHF, Path: hub}})
	ls := Merge([]fit.Model{cat}, res.Models)
	require.Len(t, ls, 1, "the cached catalogue model once; the partial download not at all")
	assert.Equal(t, KindHF, ls[0].Origin)
	assert.True(t, ls[0].InCatalogue)
	assert.EqualValues(t, 1000, ls[0].Model.WeightsBytes, "sized by the files found")
	require.NotNil(t, ls[0].Found)
	assert.Equal(t, []fit.Model{ls[0].Model}, Models(ls))
}

package fit

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// llamaConfig is Llama-3.1-8B's config.json, the parts that size it.
const llamaConfig = `{"model_type":"llama","hidden_size":4096,"intermediate_size":14336,"num_hidden_layers":32,
"num_attention_heads":32,"num_key_value_heads":8,"vocab_size":128256,"torch_dtype":"bfloat16"}`

// sized is a file of n bytes whose contents do not matter.
func sized(n int) *fstest.MapFile { return &fstest.MapFile{Data: make([]byte, n)} }

func TestLoadCheckpointSizesTheWeights(t *testing.T) {
	cfg := &fstest.MapFile{Data: []byte(llamaConfig)}
	index := func(total string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte(`{"metadata": {"total_size": ` + total + `}, "weight_map": {}}`)}
	}
	for name, tc := range map[string]struct {
		files fstest.MapFS
		want  int64
		err   string
	}{
		"index":                {fstest.MapFS{"config.json": cfg, IndexFile: index("16060522496"), "a.safetensors": sized(10)}, 16060522496, ""},
		"shards, no index":     {fstest.MapFS{"config.json": cfg, "a.safetensors": sized(100), "b.safetensors": sized(23), "c.bin": sized(1000)}, 123, ""},
		"index without a size": {fstest.MapFS{"config.json": cfg, IndexFile: index("0"), "a.safetensors": sized(7)}, 7, ""},
		"neither":              {fstest.MapFS{"config.json": cfg}, 0, ""},
		"bad index":            {fstest.MapFS{"config.json": cfg, IndexFile: {Data: []byte("{")}}, 0, "ckpt/" + IndexFile},
		"negative index":       {fstest.MapFS{"config.json": cfg, IndexFile: index("-1")}, 0, "negative"},
		"absurd index":         {fstest.MapFS{"config.json": cfg, IndexFile: index("9000000000000000")}, 0, "beyond any real checkpoint"},
		"no config":            {fstest.MapFS{"a.safetensors": sized(1)}, 0, "config.json"},
		"config too large":     {fstest.MapFS{"config.json": sized(MaxConfigBytes + 1)}, 0, "ckpt/config.json is larger than 4 MiB"},
		"bad config":           {fstest.MapFS{"config.json": {Data: []byte(`{"hidden_size": -1}`)}}, 0, "ckpt/config.json"},
	} {
		t.Run(name, func(t *testing.T) {
			m, err := LoadCheckpoint(tc.files, "ckpt", "config.json")
			if tc.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, m.WeightsBytes)
			assert.Equal(t, "ckpt", m.ID, "vllm serve takes the folder")
			assert.Equal(t, "ckpt", m.Name)
			assert.Positive(t, m.Params())
		})
	}
}

// A folder's name is a name, never a pattern; one holding text a terminal
// would obey is refused rather than printed.
func TestLoadCheckpointFolderNames(t *testing.T) {
	files := fstest.MapFS{"config.json": {Data: []byte(llamaConfig)}, "model-[1]*.safetensors": sized(5)}
	m, err := LoadCheckpoint(files, "models/llama [8b]*", "config.json")
	require.NoError(t, err)
	assert.Equal(t, "models/llama [8b]*", m.ID)
	assert.Equal(t, "llama [8b]*", m.Name)
	assert.EqualValues(t, 5, m.WeightsBytes)

	_, err = LoadCheckpoint(files, "evil\x1b]52;c;aGk=\x07", "config.json")
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "\x1b")
	assert.True(t, strings.Contains(err.Error(), "control or invisible"), err.Error())
}

// A config file given by name, in a folder: the folder's files size it.
func TestLoadCheckpointOfANamedConfig(t *testing.T) {
	files := fstest.MapFS{"my-config.json": {Data: []byte(llamaConfig)}, "a.safetensors": sized(9)}
	m, err := LoadCheckpoint(files, "ckpt", "my-config.json")
	require.NoError(t, err)
	assert.EqualValues(t, 9, m.WeightsBytes)
}

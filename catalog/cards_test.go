package catalog

import (
	"errors"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestShippedCardCatalogueLoads(t *testing.T) {
	cards := loadCatalogue(t)
	assert.GreaterOrEqual(t, len(cards), 20)
	_, err := FindCard(cards, DefaultCard)
	require.NoError(t, err, "the default planning card must be in the catalogue")
}

func TestFindCardAmbiguousListsCandidates(t *testing.T) {
	_, err := FindCard(loadCatalogue(t), "pro 6000 blackwell")
	var amb *AmbiguousError
	require.True(t, errors.As(err, &amb), "got %v", err)
	assert.Contains(t, amb.Candidates, "RTX PRO 6000 Blackwell Workstation")
	assert.Greater(t, len(amb.Candidates), 1)

	_, err = FindCard(loadCatalogue(t), "no such card")
	assert.ErrorContains(t, err, "no card in the catalogue matches")
}

func TestReadCardsRejectsBadEntriesWithLineAndField(t *testing.T) {
	const good = `"name": "X", "aliases": [], "class": "consumer", "memory_bytes": 1, "bandwidth_bytes_per_s": null, "compute_capability": null, "precisions": {}, "tdp_w": null, "launch_price_usd": null, "launch_year": 2024, "nvml": true, "unified_memory": false, "source": {}`
	tests := map[string]struct {
		entry string
		field string
	}{
		"no name":        {strings.Replace(good, `"name": "X"`, `"name": ""`, 1), "name"},
		"zero memory":    {strings.Replace(good, `"memory_bytes": 1`, `"memory_bytes": 0`, 1), "memory_bytes"},
		"memory 2^64-1":  {strings.Replace(good, `"memory_bytes": 1`, `"memory_bytes": 18446744073709551615`, 1), "memory_bytes"},
		"negative price": {strings.Replace(good, `"launch_price_usd": null`, `"launch_price_usd": -5`, 1), "launch_price_usd"},
		"bad class":      {strings.Replace(good, `"consumer"`, `"gaming"`, 1), "class"},
		"wrong type":     {strings.Replace(good, `"memory_bytes": 1`, `"memory_bytes": "lots"`, 1), "memory_bytes"},
		"typo field":     {good + `, "memroy_bytes": 3`, ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			in := "[\n{" + good + "},\n{" + tc.entry + "}\n]"
			_, err := ReadCards(strings.NewReader(in), "gpus.json")
			require.Error(t, err)
			assert.Contains(t, err.Error(), "gpus.json:3:")
			if tc.field != "" {
				assert.Contains(t, err.Error(), `field "`+tc.field+`"`)
			}
		})
	}
	_, err := ReadCards(strings.NewReader("[\n{"+good+"},\n{"+strings.Replace(good, `"aliases": []`, `"aliases": ["x"]`, 1)+"}\n]"), "gpus.json")
	assert.ErrorContains(t, err, "already used by entry 1, on line 2")
}

func TestReadCardsFindsDuplicatesOnOneLine(t *testing.T) {
	entry := func(name, alias string) string {
		return `{"name": "` + name + `", "aliases": ["` + alias + `"], "class": "consumer", "memory_bytes": 1, "bandwidth_bytes_per_s": null, ` +
			`"compute_capability": null, "precisions": {}, "tdp_w": null, "launch_price_usd": null, "launch_year": 2024, "nvml": true, "unified_memory": false, "source": {}}`
	}
	for name, doc := range map[string]string{
		"same name":               "[" + entry("A", "a1") + "," + entry("A", "a2") + "]",
		"same alias":              "[" + entry("A", "x") + "," + entry("B", "x") + "]",
		"alias is another's name": "[" + entry("A", "a1") + "," + entry("B", "a") + "]",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ReadCards(strings.NewReader(doc), "gpus.json")
			assert.ErrorContains(t, err, "already used by entry 1, on line 1")
		})
	}
	_, err := ReadCards(strings.NewReader("["+entry("A", "A")+"]"), "gpus.json")
	assert.NoError(t, err, "a card may repeat its own name as an alias")
}

func TestReadCardsRefusesTextATerminalWouldObey(t *testing.T) {
	for field, doc := range map[string]string{
		"name":    `[{"name": "RTX\u001b[2J", "aliases": [], "class": "consumer", "memory_bytes": 1}]`,
		"aliases": `[{"name": "RTX", "aliases": ["rtx\u202E"], "class": "consumer", "memory_bytes": 1}]`,
		"source":  `[{"name": "RTX", "aliases": [], "class": "consumer", "memory_bytes": 1, "source": {"price": "\u001b]52;c;aGk=\u0007"}}]`,
	} {
		t.Run(field, func(t *testing.T) {
			_, err := ReadCards(strings.NewReader(doc), "gpus.json")
			require.Error(t, err)
			assert.Contains(t, err.Error(), `gpus.json:1:`)
			assert.Contains(t, err.Error(), `field "`+field+`"`)
			assert.NotContains(t, err.Error(), "\x1b")
		})
	}
}

func TestReadCardsRefusesFiguresNoCardHas(t *testing.T) {
	for field, entry := range map[string]string{
		"memory_bytes":          `"memory_bytes": 1152921504606846976`, // 2^60
		"bandwidth_bytes_per_s": `"memory_bytes": 1, "bandwidth_bytes_per_s": 18446744073709551615`,
		"launch_price_usd":      `"memory_bytes": 1, "launch_price_usd": 2000000000`,
		"tdp_w":                 `"memory_bytes": 1, "tdp_w": 1000000`,
		"launch_year":           `"memory_bytes": 1, "launch_year": 20025`,
		"compute_capability":    `"memory_bytes": 1, "compute_capability": "twelve"`,
	} {
		t.Run(field, func(t *testing.T) {
			doc := `[{"name": "X", "aliases": [], "class": "consumer", ` + entry + `}]`
			_, err := ReadCards(strings.NewReader(doc), "gpus.json")
			require.Error(t, err)
			assert.Contains(t, err.Error(), `field "`+field+`"`)
		})
	}
}

func loadCatalogue(t *testing.T) []Card {
	t.Helper()
	f, err := os.Open("../gpus.json")
	require.NoError(t, err)
	defer f.Close()
	cards, err := ReadCards(f, "gpus.json")
	require.NoError(t, err)
	return cards
}

func TestFindCard(t *testing.T) {
	cards := loadCatalogue(t)
	for name, tc := range map[string]struct {
		query, want string
		ambiguous   bool
	}{
		"name":                           {query: "RTX 4090", want: "RTX 4090"},
		"alias":                          {query: "pro6000", want: "RTX PRO 6000 Blackwell Workstation"},
		"NVML's name":                    {query: "NVIDIA RTX PRO 6000 Blackwell Workstation Edition", want: "RTX PRO 6000 Blackwell Workstation"},
		"any case":                       {query: "nvidia geforce rtx 5090", want: "RTX 5090"},
		"unique part":                    {query: "6000 ada", want: "RTX 6000 Ada"},
		"exact beats a part":             {query: "H200", want: "H200"},
		"ambiguous part":                 {query: "a100 80gb", ambiguous: true},
		"alias that is a part of others": {query: "RTX PRO 6000", want: "RTX PRO 6000 Blackwell Workstation"},
	} {
		t.Run(name, func(t *testing.T) {
			c, err := FindCard(cards, tc.query)
			if tc.ambiguous {
				var amb *AmbiguousError
				require.ErrorAs(t, err, &amb)
				assert.Greater(t, len(amb.Candidates), 1)
				assert.Contains(t, err.Error(), amb.Candidates[0])
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, c.Name)
		})
	}
	_, err := FindCard(cards, "voodoo 5")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "voodoo 5")
}

// TestCatalogueHoldsTheCardsPlanningNeeds checks the entries planning mode
// is built around, each with the figures the fit needs.
func TestCatalogueHoldsTheCardsPlanningNeeds(t *testing.T) {
	cards := loadCatalogue(t)
	for _, q := range []string{
		"NVIDIA RTX PRO 6000 Blackwell Workstation Edition", "NVIDIA GeForce RTX 5090",
		"NVIDIA GeForce RTX 4090", "NVIDIA RTX 6000 Ada Generation", "NVIDIA A100-SXM4-80GB",
		"NVIDIA A100 80GB PCIe", "NVIDIA H100 80GB HBM3", "NVIDIA H200",
	} {
		c, err := FindCard(cards, q)
		require.NoError(t, err, q)
		assert.NotZero(t, c.MemoryBytes, q)
		assert.NotNil(t, c.BandwidthBytesPerS, q)
		assert.NotNil(t, c.ComputeCapability, q)
	}
	_, err := FindCard(cards, DefaultCard)
	require.NoError(t, err)
}

func TestLoadReadsTheFileOrTheBuiltInBytes(t *testing.T) {
	data, err := os.ReadFile("../gpus.json")
	require.NoError(t, err)
	builtin, err := LoadCards(File{Flag: "--gpus", Name: "gpus.json", Builtin: data})
	require.NoError(t, err)
	fromFile, err := LoadCards(File{Flag: "--gpus", Path: "../gpus.json", Name: "gpus.json"})
	require.NoError(t, err)
	assert.Equal(t, builtin, fromFile)

	_, err = LoadCards(File{Flag: "--gpus", Path: t.TempDir(), Name: "gpus.json"})
	require.Error(t, err)
	assert.True(t, strings.HasPrefix(err.Error(), "--gpus: "), "a file that cannot be used names its flag: %v", err)

	_, err = LoadModels(File{Flag: "--models", Name: "models.json", Builtin: []byte("[\n{\"id\": 1}]")})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "models.json (built in):2")
}

// machinePath is an absolute path on a development machine, or a file
// URL: never a public origin.
var machinePath = regexp.MustCompile(`(^|[\s("'])(/(home|root|work|tmp|usr|etc|Users|mnt|opt)/|~/|file:)`)

// Every figure of the shipped catalogues cites a public origin: a
// repository, a model card, a datasheet, never a file on a machine.
func TestShippedSourcesArePublic(t *testing.T) {
	for _, c := range loadCatalogue(t) {
		require.NotEmpty(t, c.Source, c.Name)
		for field, src := range c.Source {
			assert.NotRegexp(t, machinePath, src, "%s: source of %s", c.Name, field)
		}
	}
	models := loadModels(t)
	for _, m := range models {
		require.NotEmpty(t, m.Source["config"], "%s: where its config came from", m.ID)
		for field, src := range m.Source {
			assert.NotRegexp(t, machinePath, src, "%s: source of %s", m.ID, field)
		}
	}
	assert.Regexp(t, machinePath, "read from /Users/ada/notes.json", "the pattern finds a path")
	assert.NotRegexp(t, machinePath, "github.com/vllm-project/vllm vllm/worker/gpu_worker.py", "and passes a repository path")
}

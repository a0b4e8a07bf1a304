package gpu

import (
	"errors"
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

func TestFindCardByNVMLName(t *testing.T) {
	cards := loadCatalogue(t)
	tests := map[string]string{
		"NVIDIA RTX PRO 6000 Blackwell Workstation Edition": "RTX PRO 6000 Blackwell Workstation",
		"nvidia rtx pro 6000 blackwell workstation edition": "RTX PRO 6000 Blackwell Workstation",
		"NVIDIA GeForce RTX 4090":                           "RTX 4090",
		"NVIDIA H100 80GB HBM3":                             "H100 SXM",
		"NVIDIA H200":                                       "H200",
		"4090":                                              "RTX 4090",
	}
	for query, want := range tests {
		t.Run(query, func(t *testing.T) {
			c, err := FindCard(cards, query)
			require.NoError(t, err)
			assert.Equal(t, want, c.Name)
		})
	}
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

func TestLoadCardsRejectsBadEntriesWithLineAndField(t *testing.T) {
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
			_, err := LoadCards(strings.NewReader(in), "gpus.json")
			require.Error(t, err)
			assert.Contains(t, err.Error(), "gpus.json:3:")
			if tc.field != "" {
				assert.Contains(t, err.Error(), `field "`+tc.field+`"`)
			}
		})
	}
	_, err := LoadCards(strings.NewReader("[\n{"+good+"},\n{"+strings.Replace(good, `"aliases": []`, `"aliases": ["x"]`, 1)+"}\n]"), "gpus.json")
	assert.ErrorContains(t, err, "already used by entry 1, on line 2")
}

func TestLoadCardsFindsDuplicatesOnOneLine(t *testing.T) {
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
			_, err := LoadCards(strings.NewReader(doc), "gpus.json")
			assert.ErrorContains(t, err, "already used by entry 1, on line 1")
		})
	}
	_, err := LoadCards(strings.NewReader("["+entry("A", "A")+"]"), "gpus.json")
	assert.NoError(t, err, "a card may repeat its own name as an alias")
}

func TestLoadCardsRefusesTextATerminalWouldObey(t *testing.T) {
	for field, doc := range map[string]string{
		"name":    `[{"name": "RTX\u001b[2J", "aliases": [], "class": "consumer", "memory_bytes": 1}]`,
		"aliases": `[{"name": "RTX", "aliases": ["rtx\u202E"], "class": "consumer", "memory_bytes": 1}]`,
		"source":  `[{"name": "RTX", "aliases": [], "class": "consumer", "memory_bytes": 1, "source": {"price": "\u001b]52;c;aGk=\u0007"}}]`,
	} {
		t.Run(field, func(t *testing.T) {
			_, err := LoadCards(strings.NewReader(doc), "gpus.json")
			require.Error(t, err)
			assert.Contains(t, err.Error(), `gpus.json:1:`)
			assert.Contains(t, err.Error(), `field "`+field+`"`)
			assert.NotContains(t, err.Error(), "\x1b")
		})
	}
}

func TestLoadCardsRefusesFiguresNoCardHas(t *testing.T) {
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
			_, err := LoadCards(strings.NewReader(doc), "gpus.json")
			require.Error(t, err)
			assert.Contains(t, err.Error(), `field "`+field+`"`)
		})
	}
}

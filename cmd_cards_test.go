package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/headroom-dev/headroom/catalog"
	"github.com/headroom-dev/headroom/fit"
	"github.com/headroom-dev/headroom/gpu"
	"github.com/headroom-dev/headroom/internal/fakenvml"
	"github.com/headroom-dev/headroom/report"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A GPU the card catalogue holds is judged as that card. One it does not
// hold (an L4, whose name is part of "L40S"; an A10, part of "A100"; a T4)
// is graded from the memory the driver reports, with no bandwidth or
// price, and every command says it is not in the card catalogue rather
// than borrow another card's figures.
func TestCommandsOnAGPUTheCatalogueDoesNotHold(t *testing.T) {
	if !gpu.NVMLAvailable {
		t.Skip("built without cgo, so NVML cannot be loaded")
	}
	lib := fakenvml.Build(t)
	t.Run("listed", func(t *testing.T) {
		var rep struct {
			Verdict map[string]any `json:"verdict"`
		}
		out := fakeGPU(t, lib, "NVIDIA H100 NVL", 95830<<20, "cards", "--json")
		require.NoError(t, json.Unmarshal([]byte(out), &rep), out)
		assert.Equal(t, "H100 NVL", rep.Verdict["name"])
		assert.Equal(t, "live GPU", rep.Verdict["chosen_by"])
		assert.Equal(t, true, rep.Verdict["in_catalogue"])
		assert.NotNil(t, rep.Verdict["bandwidth_bytes_per_s"])
	})
	for name, total := range map[string]uint64{
		"NVIDIA L4": 23034 << 20, "NVIDIA A10": 23028 << 20, "Tesla T4": 15360 << 20,
	} {
		t.Run(name, func(t *testing.T) {
			var cards struct {
				Cards   []map[string]any `json:"cards"`
				Verdict map[string]any   `json:"verdict"`
			}
			out := fakeGPU(t, lib, name, total, "cards", "--json")
			require.NoError(t, json.Unmarshal([]byte(out), &cards), out)
			v := cards.Verdict
			assert.Equal(t, name, v["name"])
			assert.Equal(t, "live GPU", v["chosen_by"])
			assert.Equal(t, false, v["in_catalogue"])
			assert.EqualValues(t, total, v["memory_bytes"], "graded from the driver's memory")
			assert.Nil(t, v["bandwidth_bytes_per_s"])
			assert.Nil(t, v["launch_price_usd"])
			found := 0
			for _, c := range cards.Cards {
				if c["name"] == name {
					found++
					assert.Equal(t, false, c["in_catalogue"])
				} else {
					assert.Equal(t, true, c["in_catalogue"], c["name"])
				}
			}
			assert.Equal(t, 1, found, "the live GPU is a row of the comparison")

			text := fakeGPU(t, lib, name, total, "cards")
			assert.Contains(t, text, "Verdict for "+name+" (the live GPU)")
			assert.Contains(t, text, "not in the card catalogue")
			assert.NotContains(t, text, "Verdict for L40S")

			var fitRep map[string]any
			out = fakeGPU(t, lib, name, total, "fit", "Qwen3-32B", "--precision", "q4_k_m", "--json")
			require.NoError(t, json.Unmarshal([]byte(out), &fitRep), out)
			assert.Nil(t, fitRep["decode_tokens_per_s"], "no decode estimate without the card's bandwidth")
			budget := fitRep["budget"].(map[string]any)
			assert.Nil(t, budget["bandwidth_bytes_per_s"])
			assert.Equal(t, name, budget["device"])
			assert.Contains(t, fitRep["notes"], name+" is not in the card catalogue: graded from the driver's memory reading; bandwidth, price and class unknown")

			snap := decodeSnapshot(t, fakeGPU(t, lib, name, total, "snapshot", "--json"))
			assert.Contains(t, snap.Notes, "GPU 0 ("+name+") is not in the card catalogue: graded from the driver's memory reading; bandwidth, price and class unknown")
			assert.NotEmpty(t, snap.Fits, "graded from its memory all the same")
		})
	}
}

// cardsJSON runs `headroom cards --json` with args and decodes the report.
func cardsJSON(t *testing.T, args ...string) map[string]any {
	t.Helper()
	code, out, errOut := runCLI(t, append(append([]string{noGPU}, args...), "cards", "--json")...)
	require.Equal(t, 0, code, errOut)
	var rep map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &rep), out)
	return rep
}

func TestCardsJSONFields(t *testing.T) {
	rep := cardsJSON(t, "--gpu", proCard)
	_, cards := builtinCatalogues(t)
	for _, k := range []string{"precision", "runtime", "context", "catalogue_models", "reference_model", "cards", "verdict"} {
		assert.Contains(t, rep, k)
	}
	assert.Equal(t, "native", rep["precision"])
	assert.EqualValues(t, 8192, rep["context"])
	rows := rep["cards"].([]any)
	require.Len(t, rows, len(cards))
	rowKeys := []string{"name", "class", "memory_bytes", "bandwidth_bytes_per_s", "launch_price_usd", "unified_memory",
		"nvml_monitorable", "fitting_models", "fitting_ids", "largest_fitting", "reference_tokens_per_s",
		"largest_tokens_per_s", "price_per_gb_usd", "price_per_fitting_model_usd", "weight_only"}
	last := 1 << 30
	for _, r := range rows {
		row := r.(map[string]any)
		for _, k := range rowKeys {
			assert.Contains(t, row, k, row["name"])
		}
		n := int(row["fitting_models"].(float64))
		assert.Len(t, row["fitting_ids"], n, row["name"])
		assert.LessOrEqual(t, n, last, "rows sorted by fitting models")
		last = n
		c, err := catalog.FindCard(cards, row["name"].(string))
		require.NoError(t, err)
		assert.Equal(t, c.LaunchPriceUSD == nil, row["launch_price_usd"] == nil, "price null exactly when unknown: %s", c.Name)
		assert.Equal(t, c.LaunchPriceUSD == nil, row["price_per_gb_usd"] == nil, c.Name)
		assert.Equal(t, c.UnifiedMemory, !row["nvml_monitorable"].(bool), c.Name)
	}
	v := rep["verdict"].(map[string]any)
	for _, k := range append(rowKeys, "chosen_by", "note", "price_usd", "price_from", "class_rank", "class_size",
		"class_ahead", "class_tied", "same_models_on", "cheaper_cards", "next_step", "steps_up", "steps_down",
		"need_more_memory", "fits_no_card", "at_model_limit", "quantised_as_fast", "versus") {
		assert.Contains(t, v, k)
	}
	assert.Equal(t, proCard, v["name"])
	assert.Equal(t, "--gpu", v["chosen_by"])
	assert.Nil(t, v["launch_price_usd"], "the catalogue has no price for it")
	assert.Nil(t, v["cheaper_cards"], "nothing is cheaper than an unknown price")
	assert.Equal(t, v["steps_up"].([]any)[0], v["next_step"])
	assert.Nil(t, v["versus"], "native is not set against FP8")
}

// At NVFP4 the JSON marks the cards that run it weight-only, by their
// compute capability, and sets NVFP4 against FP8 on the judged card.
func TestCardsJSONAtNVFP4(t *testing.T) {
	code, out, errOut := runCLI(t, noGPU, "--gpu", "A100 80GB SXM", "cards", "--precision", "nvfp4", "--json")
	require.Equal(t, 0, code, errOut)
	var rep map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &rep), out)
	_, cards := builtinCatalogues(t)
	for _, r := range rep["cards"].([]any) {
		row := r.(map[string]any)
		c, err := catalog.FindCard(cards, row["name"].(string))
		require.NoError(t, err)
		cc := catalog.Spec(c).Compute
		assert.Equal(t, cc >= 80 && cc < 100, row["weight_only"], "%s (%s)", c.Name, cc)
	}
	v := rep["verdict"].(map[string]any)
	assert.Equal(t, true, v["weight_only"], "an A100 has no FP4 tensor cores")
	vs := v["versus"].(map[string]any)
	assert.Equal(t, "fp8", vs["precision"])
	assert.NotEmpty(t, vs["also_fits"], "4.5 bits fit models 8 bits do not on 80 GB")
}

// TestCardsVerdictRTXPro6000 checks the text verdict at native precision
// and 8K names every model the RTX PRO 6000 fits that a 48 GB card does
// not, and every one that needs more than 96 GB, worked out from Grade.
func TestCardsVerdictRTXPro6000(t *testing.T) {
	models, cards := builtinCatalogues(t)
	code, out, errOut := runCLI(t, noGPU, "--gpu", proCard, "cards")
	require.Equal(t, 0, code, errOut)
	grade := func(m fit.Model, name string) fit.Status {
		c, err := catalog.FindCard(cards, name)
		require.NoError(t, err)
		b := fit.Budget{FreeBytes: c.MemoryBytes, UsableBytes: c.MemoryBytes, TotalBytes: c.MemoryBytes, Compute: catalog.Spec(c).Compute}
		return fit.Grade(m, fit.Request{Precision: fit.Native, Runtime: fit.VLLM, Context: 8192}, b).Status
	}
	var onlyPro, tooBig []string
	for _, m := range models {
		switch {
		case grade(m, proCard) == fit.Fits && grade(m, "RTX 6000 Ada") != fit.Fits:
			onlyPro = append(onlyPro, m.Name)
		case grade(m, proCard) != fit.Fits:
			tooBig = append(tooBig, m.Name)
		}
	}
	require.NotEmpty(t, onlyPro)
	require.NotEmpty(t, tooBig)
	// A card with more memory that runs fewer of these models, one that
	// is not NVIDIA's, is a step down of its own: its line names exactly
	// the models it cannot run that this card runs.
	const amd = "AMD Ryzen AI Max+ 395 (128 GB)"
	var notOnAMD []string
	onAMD := 0
	for _, m := range models {
		if grade(m, amd) == fit.Fits {
			onAMD++
		} else if grade(m, proCard) == fit.Fits {
			notOnAMD = append(notOnAMD, m.Name)
		}
	}
	require.NotEmpty(t, notOnAMD)
	amdLine := lineWith(t, out, "    "+amd)
	assert.Contains(t, amdLine, fmt.Sprintf(": %d models, without %s", onAMD, strings.Join(notOnAMD, ", ")), "not nested in the steps before")
	out = strings.Replace(out, amdLine, "", 1)
	fewer := section(t, out, "Fewer models", "    A100 40GB SXM") // to the step after the 48 GB cards
	assert.True(t, fewer["Ada"], "the steps down reach the 48 GB RTX 6000 Ada")
	assert.ElementsMatch(t, onlyPro, modelsIn(fewer, models), "fit the RTX PRO 6000, not a 48 GB card")
	more := section(t, out, "Need more than", "Configs allow")
	assert.ElementsMatch(t, tooBig, modelsIn(more, models), "need more than 96 GB")
	assert.Contains(t, out, "Need more than 95.6 GiB at native · vllm · 8K: "+fmt.Sprintf("%d models", len(tooBig)))
	assert.Contains(t, out, "Verdict for "+proCard+" (--gpu)")
}

// section is the set of words of out from the line holding from up to,
// not including, the next line holding to; commas dropped, and the lines
// quoting the reference model's speed skipped.
func section(t *testing.T, out, from, to string) map[string]bool {
	t.Helper()
	lines := strings.Split(out, "\n")
	words := map[string]bool{}
	in, ended := false, false
	for _, l := range lines {
		if in && strings.Contains(l, to) {
			ended = true
			break
		}
		in = in || strings.Contains(l, from)
		if in && !strings.Contains(l, "tok/s there:") {
			for _, w := range strings.Fields(l) {
				words[strings.TrimRight(w, ",")] = true
			}
		}
	}
	require.True(t, in && ended, "no section from %q to %q in:\n%s", from, to, out)
	return words
}

// lineWith is the first line of out that holds s.
func lineWith(t *testing.T, out, s string) string {
	t.Helper()
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, s) {
			return l
		}
	}
	require.Failf(t, "no line", "no line holds %q in:\n%s", s, out)
	return ""
}

// modelsIn lists the catalogue models named in words.
func modelsIn(words map[string]bool, models []fit.Model) []string {
	var out []string
	for _, m := range models {
		if words[m.Name] {
			out = append(out, m.Name)
		}
	}
	return out
}

func TestCardsDefaultCardWithoutGPU(t *testing.T) {
	v := cardsJSON(t)["verdict"].(map[string]any)
	assert.Equal(t, catalog.DefaultCard, v["name"])
	assert.Equal(t, "default", v["chosen_by"])
	assert.NotNil(t, v["note"], "says why the default card was taken")

	code, out, _ := runCLI(t, noGPU, "cards")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "Verdict for "+catalog.DefaultCard+" (the default card)")
	assert.Contains(t, out, "no live GPU")
}

func TestCardsDemo(t *testing.T) {
	v := cardsJSON(t, "--demo")["verdict"].(map[string]any)
	assert.Equal(t, "demo", v["chosen_by"])
	assert.Equal(t, catalog.DefaultCard, v["name"], "the demo runs on an RTX PRO 6000")
}

func TestCardsMarksUnifiedMemory(t *testing.T) {
	_, cards := builtinCatalogues(t)
	code, out, _ := runCLI(t, noGPU, "cards")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "* unified memory, shared with the CPU: not monitorable by NVML")
	unified := 0
	for _, c := range cards {
		if c.UnifiedMemory {
			unified++
			assert.Contains(t, out, "\n"+c.Name+" *  ", c.Name)
		} else {
			assert.NotContains(t, out, "\n"+c.Name+" *", c.Name)
		}
	}
	assert.Positive(t, unified)
}

func TestCardsPricePaid(t *testing.T) {
	v := cardsJSON(t, "--gpu", proCard, "--context", "32k")["verdict"].(map[string]any)
	assert.Nil(t, v["price_usd"])
	code, out, errOut := runCLI(t, noGPU, "--gpu", proCard, "cards", "--json", "--price", "8565")
	require.Equal(t, 0, code, errOut)
	var rep struct {
		Verdict report.CardVerdict `json:"verdict"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	pv := rep.Verdict
	require.NotNil(t, pv.PriceUSD)
	assert.Equal(t, 8565, *pv.PriceUSD)
	assert.Equal(t, "--price", *pv.PriceFrom)
	require.NotEmpty(t, pv.Cheaper)
	for _, d := range pv.Cheaper {
		assert.Less(t, d.LaunchPriceUSD, 8565, d.Name)
		assert.Equal(t, len(d.Lost) == 0 && len(d.Gained) == 0, d.SameModels, d.Name)
	}
	for _, s := range pv.QuantisedAsFast {
		assert.GreaterOrEqual(t, s.TokensPerS, s.JudgedTokensPerS, s.Name)
		assert.Less(t, s.LaunchPriceUSD, 8565, s.Name)
	}
}

// TestCardsVerdictFollowsTheCatalogue runs a made-up card catalogue: every
// statement of the verdict changes with it.
func TestCardsVerdictFollowsTheCatalogue(t *testing.T) {
	file := filepath.Join(t.TempDir(), "gpus.json")
	entry := func(name string, gib, bw, price string) string {
		return `{"name": "` + name + `", "aliases": [], "class": "workstation", "memory_bytes": ` + gib + `,
			"bandwidth_bytes_per_s": ` + bw + `, "launch_price_usd": ` + price + `, "launch_year": 2025,
			"nvml": true, "unified_memory": false, "source": {}}`
	}
	cat := "[\n" + entry("Alpha 24", "25769803776", "2000000000000", "1000") + ",\n" +
		entry("Beta 96", "103079215104", "1000000000000", "5000") + ",\n" +
		entry("Gamma 192", "206158430208", "null", "null") + "\n]\n"
	require.NoError(t, os.WriteFile(file, []byte(cat), 0o644))
	code, out, errOut := runCLI(t, noGPU, "--gpus", file, "cards")
	assert.Equal(t, 0, code, "no GPU, and no default card in this catalogue: the table, without a verdict: %s", errOut)
	assert.Contains(t, words(out), "No verdict:")
	assert.Contains(t, words(out), "--gpu NAME")
	assert.Contains(t, out, "Gamma 192")
	code, out, errOut = runCLI(t, noGPU, "--gpus", file, "--gpu", "Beta 96", "cards", "--precision", "bf16")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "In its class: 2nd of 3 workstation cards by models fitted; Gamma 192 fit more")
	assert.Contains(t, out, "Price: $5,000")
	assert.Contains(t, out, "Cheaper, fewer models: Alpha 24 $1,000")
	assert.Contains(t, out, "next: Gamma 192 (workstation, price unknown) (192.0 GiB)")
	assert.Contains(t, out, "Quantised, at least as fast on cheaper cards:")
	assert.Contains(t, out, "Alpha 24 $1,000, 2000 GB/s")
	assert.NotContains(t, out, "RTX")
}

func TestCardsUsageErrors(t *testing.T) {
	checkUsageErrors(t, map[string]usageCase{
		"unknown card":         {[]string{"--gpu", "no-such-card", "cards"}, "--gpu"},
		"unknown precision":    {[]string{"cards", "--precision", "fp3"}, "--precision"},
		"unknown runtime":      {[]string{"cards", "--runtime", "ollama"}, "--runtime"},
		"gguf under vllm":      {[]string{"cards", "--precision", "q4_k_m", "--runtime", "vllm"}, "--precision q4_k_m --runtime vllm"},
		"negative price":       {[]string{"cards", "--price", "-5"}, "--price"},
		"missing gpus catalog": {[]string{"--gpus", "/nonexistent/gpus.json", "cards"}, "/nonexistent/gpus.json"},
	})
}

func TestCardsGGUFDefaultsToLlamaCpp(t *testing.T) {
	rep := cardsJSON(t, "--gpu", "5090")
	assert.Equal(t, "vllm", rep["runtime"])
	code, out, errOut := runCLI(t, noGPU, "--gpu", "5090", "cards", "--json", "--precision", "q4_k_m")
	require.Equal(t, 0, code, errOut)
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	assert.Equal(t, "llama.cpp", rep["runtime"])
}

// BenchmarkCardsCommand runs `headroom cards --json` in-process, from
// loading the built-in catalogues to the encoded report.
func BenchmarkCardsCommand(b *testing.B) {
	b.Setenv("HEADROOM_NVML_LIB", "")
	args := []string{noGPU, "--gpu", proCard, "cards", "--json"}
	b.ReportAllocs()
	for b.Loop() {
		var out, errOut bytes.Buffer
		if code := run(args, &out, &errOut); code != 0 {
			b.Fatal(errOut.String())
		}
	}
}

// A card catalogue without the default card, and no GPU: the table is
// printed, and one line says why there is no verdict.
func TestCardsWithoutADefaultCardPrintsTheTable(t *testing.T) {
	gpus := writeFile(t, "gpus.json", `[{"name":"Test 48","class":"workstation","memory_bytes":51539607552,"nvml":true,"source":{"memory":"a test card"}}]`)
	code, out, errOut := runCLI(t, noGPU, "--gpus", gpus, "cards")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "Test 48")
	assert.Contains(t, words(out), "No verdict: no live GPU")
	assert.Contains(t, words(out), `has no "RTX PRO 6000 Blackwell Workstation"`)
	assert.NotContains(t, out, "Verdict for")

	code, out, errOut = runCLI(t, noGPU, "--gpus", gpus, "cards", "--json")
	require.Equal(t, 0, code, errOut)
	var rep map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	assert.Nil(t, rep["verdict"])
	assert.Contains(t, rep["no_verdict"], "no live GPU")
	assert.Len(t, rep["cards"], 1)
}

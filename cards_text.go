package main

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/headroom-dev/headroom/fit"
	"github.com/headroom-dev/headroom/gpu"
)

// cardsWidth is where the verdict's lists wrap.
const cardsWidth = 110

// printCards writes the comparison table, then the verdict. names maps
// model ids to display names; every statement is built from t and v.
func printCards(w io.Writer, t fit.CardTable, v fit.CardVerdict, j judged, names map[string]string, models int) {
	r := t.Request
	name := func(id string) string { return names[id] }
	ref := "-"
	if t.Reference != "" {
		ref = name(t.Reference)
	}
	fmt.Fprintf(w, "Cards at %s, each empty, one GPU; %d catalogue models\n\n", request(r), models)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "CARD\tCLASS\tMEMORY\tGB/s\tPRICE\tFITS\tLARGEST FITTING\t%s tok/s\tLARGEST tok/s\t$/GB\t$/MODEL\n", ref)
	unified := false
	for _, row := range t.Rows {
		c := row.Card
		mark := ""
		if c.Unified {
			mark, unified = " *", true
		}
		largest := "-"
		if row.Largest != "" {
			largest = name(row.Largest)
		}
		fmt.Fprintf(tw, "%s%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\n", gpu.Clean(c.Name), mark, gpu.Clean(c.Class),
			fit.FormatGiB(c.MemoryBytes), gbps(c.BandwidthBytesPerS), usd(c.PriceUSD), row.FittingModels(), largest,
			tps(row.ReferenceTokensPerS), tps(row.LargestTokensPerS), money(row.PricePerGB), money(row.PricePerModel))
	}
	tw.Flush()
	if unified {
		fmt.Fprintln(w, "* unified memory, shared with the CPU: not monitorable by NVML")
	}
	fmt.Fprintf(w, "tok/s: one stream's decode, %.0f%% of the bandwidth over the bytes read a token; %s at native precision.\n",
		fit.DecodeEfficiency*100, ref)
	fmt.Fprintln(w, "Prices are launch list prices; - where none was published (never guessed).")
	fmt.Fprintln(w)
	printVerdict(w, t, v, j, name, models)
}

// printVerdict writes the verdict on the judged card.
func printVerdict(w io.Writer, t fit.CardTable, v fit.CardVerdict, j judged, name func(string) string, models int) {
	c, row := v.Card.Card, v.Card
	how := map[string]string{chosenLive: "the live GPU", chosenFlag: "--gpu", chosenDefault: "the default card", chosenDemo: "the demo's card"}[j.chosenBy]
	fmt.Fprintf(w, "Verdict for %s (%s)\n", gpu.Clean(c.Name), how)
	if j.note != "" {
		wrap(w, "  ", strings.Fields(gpu.Clean(j.note)), "    ")
	}
	line := "Fits " + strconv.Itoa(row.FittingModels()) + " of " + strconv.Itoa(models) + " models at " + request(t.Request)
	if row.Largest != "" {
		line += "; the largest is " + name(row.Largest)
	}
	if row.ReferenceTokensPerS > 0 {
		line += fmt.Sprintf("; %s decodes at %s tok/s", name(t.Reference), tps(row.ReferenceTokensPerS))
	}
	wrap(w, "  "+line+".", nil, "    ")
	wrap(w, "  "+classLine(v)+".", nil, "    ")
	if len(v.Same) > 0 {
		wrap(w, "  Same models on:", commas(cardLabels(v.Same, false)), "    ")
	}
	printCheaper(w, v, name)
	if len(v.Down) > 0 {
		fmt.Fprintln(w, "  Fewer models, on less memory:")
	}
	for i, s := range v.Down {
		verb := "without"
		if i > 0 {
			verb = "also without"
		}
		head := fmt.Sprintf("    %s (%s): %s, %s", strings.Join(cardLabels(s.Cards, false), ", "), memRange(s.Cards), count(s.FittingModels, "model"), verb)
		wrap(w, head, commas(modelNames(s.Delta, name)), "      ")
	}
	if len(v.TooBig) > 0 {
		fmt.Fprintf(w, "  Need more than %s at %s: %s.\n", fit.FormatGiB(c.MemoryBytes), request(t.Request), count(len(v.TooBig), "model"))
	}
	for i, s := range v.Up {
		label, verb := "    next:", "adds"
		if i > 0 {
			label, verb = "    then:", "also adds"
		}
		head := fmt.Sprintf("%s %s (%s): %s, %s", label, strings.Join(cardLabels(s.Cards, i == 0), ", "), memRange(s.Cards), count(s.FittingModels, "model"), verb)
		wrap(w, head, commas(modelNames(s.Delta, name)), "      ")
		if i == 0 {
			printReferenceSpeeds(w, t, s.Cards, name)
		}
	}
	if len(v.FitsNowhere) > 0 {
		wrap(w, "    on no card of the catalogue:", commas(modelNames(v.FitsNowhere, name)), "      ")
	}
	if len(v.ContextTooLong) > 0 {
		head := fmt.Sprintf("  Configs allow less than %s of context, so no card fits:", fit.FormatContext(t.Request.Context))
		wrap(w, head, commas(modelNames(v.ContextTooLong, name)), "    ")
	}
	printSpeeds(w, v, name)
}

// printReferenceSpeeds writes the reference model's decode speed on
// cards, when it is known on any of them.
func printReferenceSpeeds(w io.Writer, t fit.CardTable, cards []fit.CardSpec, name func(string) string) {
	var speeds []string
	known := false
	for _, c := range cards {
		r, _ := t.Row(c.Name)
		known = known || r.ReferenceTokensPerS > 0
		speeds = append(speeds, gpu.Clean(c.Name)+" "+tps(r.ReferenceTokensPerS))
	}
	if known {
		wrap(w, "      "+name(t.Reference)+" tok/s there:", commas(speeds), "      ")
	}
}

// classLine is where the card stands in its class.
func classLine(v fit.CardVerdict) string {
	c := v.Card.Card
	s := fmt.Sprintf("In its class: %s of %d %s cards by models fitted", ordinal(v.ClassRank), v.ClassSize, gpu.Clean(c.Class))
	if len(v.ClassAhead) > 0 {
		s += "; " + strings.Join(cleanAll(v.ClassAhead), ", ") + " fit more"
	} else if classes := upClasses(v); len(classes) > 0 {
		s += "; only " + strings.Join(classes, " and ") + " cards fit more"
	}
	if len(v.ClassTied) > 0 {
		s += "; tied with " + strings.Join(cleanAll(v.ClassTied), ", ")
	}
	if len(v.ClassCheaperPerModel) > 0 {
		s += "; cheaper per fitting model: " + strings.Join(cleanAll(v.ClassCheaperPerModel), ", ")
	}
	return s
}

// upClasses lists, in table order, the classes of the cards that fit
// more models than the judged one.
func upClasses(v fit.CardVerdict) []string {
	var out []string
	for _, s := range v.Up {
		for _, c := range s.Cards {
			if cl := gpu.Clean(c.Class); !slices.Contains(out, cl) {
				out = append(out, cl)
			}
		}
	}
	return out
}

// printCheaper writes which cheaper cards fit the same models and which
// fit fewer, or why no card can be called cheaper.
func printCheaper(w io.Writer, v fit.CardVerdict, name func(string) string) {
	if v.PriceUSD == 0 {
		fmt.Fprintln(w, "  Price: unknown (no launch price in the catalogue; --price USD judges it at what you paid),")
		fmt.Fprintln(w, "    so no card can be called cheaper.")
		return
	}
	fmt.Fprintf(w, "  Price: %s, %s a fitting model.\n", usd(v.PriceUSD), money(perModel(v)))
	var same, more, fewer []string
	for _, d := range v.Cheaper {
		label := gpu.Clean(d.Card.Name) + " " + usd(d.Card.PriceUSD)
		switch {
		case len(d.Lost) > 0:
			fewer = append(fewer, fmt.Sprintf("%s (%d fewer)", label, len(d.Lost)))
		case len(d.Gained) > 0:
			more = append(more, fmt.Sprintf("%s (%d more)", label, len(d.Gained)))
		default:
			same = append(same, label)
		}
	}
	switch {
	case len(v.Cheaper) == 0:
		fmt.Fprintln(w, "    No card with a known price is cheaper.")
	case len(same) == 0:
		fmt.Fprintln(w, "    No cheaper card fits exactly the same models.")
	default:
		wrap(w, "    Cheaper, same models:", commas(same), "      ")
	}
	if len(more) > 0 {
		wrap(w, "    Cheaper, more models:", commas(more), "      ")
	}
	if len(fewer) > 0 {
		wrap(w, "    Cheaper, fewer models:", commas(fewer), "      ")
	}
}

// printSpeeds writes where quantised models decode at least as fast.
func printSpeeds(w io.Writer, v fit.CardVerdict, name func(string) string) {
	where := "cheaper cards"
	if v.PriceUSD == 0 {
		where = "cards with a known price"
	}
	if len(v.Speed) == 0 {
		if v.PriceUSD == 0 || len(v.Cheaper) > 0 {
			fmt.Fprintf(w, "  Quantised (q4_k_m, fp8): no %s decode as fast.\n", where)
		}
		return
	}
	fmt.Fprintf(w, "  Quantised, at least as fast on %s:\n", where)
	for _, s := range v.Speed {
		pace := "as fast as"
		if s.TokensPerS > s.JudgedTokensPerS {
			pace = "faster than"
		}
		fmt.Fprintf(w, "    %s (%s): %s %s, %s GB/s: %s at %s tok/s, %s here (%s); %s fit both\n",
			s.Request.Precision, s.Request.Runtime, gpu.Clean(s.Card.Name), usd(s.Card.PriceUSD), gbps(s.Card.BandwidthBytesPerS),
			name(s.Example), tps(s.TokensPerS), pace, tps(s.JudgedTokensPerS), count(len(s.Models), "model"))
	}
}

func perModel(v fit.CardVerdict) float64 {
	if n := v.Card.FittingModels(); n > 0 {
		return float64(v.PriceUSD) / float64(n)
	}
	return 0
}

// request names a request as "native · vllm · 8K".
func request(r fit.Request) string {
	return fmt.Sprintf("%s · %s · %s", r.Precision, r.Runtime, fit.FormatContext(r.Context))
}

// cardLabels names cards with their known prices. detail gives each its
// class and price, saying "price unknown" where it is.
func cardLabels(cs []fit.CardSpec, detail bool) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = gpu.Clean(c.Name)
		switch {
		case detail:
			out[i] += " (" + gpu.Clean(c.Class) + ", " + strings.Replace(usd(c.PriceUSD), "-", "price unknown", 1) + ")"
		case c.PriceUSD > 0:
			out[i] += " " + usd(c.PriceUSD)
		}
	}
	return out
}

// memRange is the cards' memory, as one figure or a range.
func memRange(cs []fit.CardSpec) string {
	lo, hi := cs[0].MemoryBytes, cs[0].MemoryBytes
	for _, c := range cs {
		lo, hi = min(lo, c.MemoryBytes), max(hi, c.MemoryBytes)
	}
	if fit.FormatGiB(lo) == fit.FormatGiB(hi) {
		return fit.FormatGiB(lo)
	}
	return strings.TrimSuffix(fit.FormatGiB(lo), " GiB") + "–" + fit.FormatGiB(hi)
}

func modelNames(ids []string, name func(string) string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = name(id)
	}
	return out
}

func cleanAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = gpu.Clean(s)
	}
	return out
}

package main

import "github.com/headroom-dev/headroom/report"

// modelsCmd is `headroom models`.
type modelsCmd struct {
	Local bool `name:"local" help:"List only the models found on this machine, and every place looked in."`
	JSON  bool `name:"json" help:"Print JSON instead of a table."`
}

// Run lists the catalogue and the models found on this machine:
// parameters, KV per 1K tokens, weights, layers, and where each is.
func (c *modelsCmd) Run(a *app) error {
	ls, err := a.listed()
	if err != nil {
		return err
	}
	found := a.local()
	rows := report.ModelRows(ls, found.Models)
	if c.Local {
		rows = report.LocalRows(rows)
	}
	switch {
	case c.JSON && c.Local:
		return report.WriteJSON(a.stdout, report.LocalModels{Places: found.Places, Models: rows})
	case c.JSON:
		return report.WriteJSON(a.stdout, rows)
	case c.Local:
		if err := report.WritePlacesText(a.stdout, found.Places); err != nil {
			return err
		}
		if _, err := a.stdout.Write([]byte("\n")); err != nil {
			return err
		}
	}
	return report.WriteModelsText(a.stdout, rows)
}

package main

import "github.com/headroom-dev/headroom/report"

// modelsCmd is `headroom models`.
type modelsCmd struct {
	JSON bool `name:"json" help:"Print JSON instead of a table."`
}

// Run lists the catalogue: parameters, KV per 1K tokens, weights, layers.
func (c *modelsCmd) Run(a *app) error {
	ms, err := a.models()
	if err != nil {
		return err
	}
	rows := report.ModelRows(ms)
	if c.JSON {
		return report.WriteJSON(a.stdout, rows)
	}
	return report.WriteModelsText(a.stdout, rows)
}

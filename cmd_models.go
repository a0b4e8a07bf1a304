package main

import (
	"fmt"
)

// modelsCmd is `headroom models`.
type modelsCmd struct {
	JSON bool `name:"json" help:"Print JSON instead of a table."`
}

// Run lists the catalogue.
func (c *modelsCmd) Run(a *app) error {
	ms, err := a.models()
	if err != nil {
		return err
	}
	for _, m := range ms {
		fmt.Fprintln(a.stdout, m.ID)
	}
	return nil
}

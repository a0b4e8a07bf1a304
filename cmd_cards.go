package main

import (
	"fmt"
)

// cardsCmd is `headroom cards`.
type cardsCmd struct {
	JSON bool `name:"json" help:"Print JSON instead of a table."`
}

// Run compares cards.
func (c *cardsCmd) Run(a *app) error {
	cs, err := a.cards()
	if err != nil {
		return err
	}
	for _, c := range cs {
		fmt.Fprintln(a.stdout, c.Name)
	}
	return nil
}

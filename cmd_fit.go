package main

import (
	"fmt"
)

// fitCmd is `headroom fit`.
type fitCmd struct {
	Model string `arg:"" optional:"" help:"A catalogue id, or a unique part of one."`
}

// Run prints one model's breakdown.
func (c *fitCmd) Run(a *app) error {
	return fmt.Errorf("fit: not built yet")
}

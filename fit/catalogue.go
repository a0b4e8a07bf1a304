package fit

import (
	"io"
	"strings"

	"github.com/headroom-dev/headroom/internal/jsonpos"
)

// Model is one catalogue entry: a model's Hugging Face config.json fields,
// plus headroom's own facts about it.
type Model struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Family string `json:"family"`
}

// Load reads a model catalogue, a JSON array of Model entries. name is the
// file name used in errors, which give the line, column and field.
func Load(r io.Reader, name string) ([]Model, error) {
	elems, err := jsonpos.ReadArray(r, name)
	if err != nil {
		return nil, err
	}
	models := make([]Model, 0, len(elems))
	for _, e := range elems {
		var m Model
		if err := e.Decode(&m, false); err != nil {
			return nil, err
		}
		if strings.TrimSpace(m.ID) == "" {
			return nil, e.Errorf("id", "every model needs an id")
		}
		models = append(models, m)
	}
	return models, nil
}

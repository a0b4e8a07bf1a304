package absent

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestNullMeansZeroOrLessIsAbsent(t *testing.T) {
	assert.Nil(t, Null(0))
	assert.Nil(t, Null(-3))
	assert.Nil(t, Null(""))
	assert.Nil(t, Null(0.0))
	assert.Nil(t, Null(uint64(0)))
	assert.Equal(t, 5, *Null(5))
	assert.Equal(t, "x", *Null("x"))
	assert.Equal(t, 0.5, *Null(0.5))
}

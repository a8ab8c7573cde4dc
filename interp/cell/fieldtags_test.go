package cell

import "testing"

// TestHideTag checks the tag the session gives an unexported field.
func TestHideTag(t *testing.T) {
	for tag, want := range map[string]string{
		``:                              hiddenTag,
		`json:"x"`:                      hiddenTag,
		`db:"n" json:"x,omitempty"`:     hiddenTag + ` db:"n"`,
		`xml:"a" yaml:"b" json:"c"`:     hiddenTag + ` yaml:"b"`,
		`validate:"a b" json:"-"`:       hiddenTag + ` validate:"a b"`,
		`db:"with \"quotes\"" json:"x"`: hiddenTag + ` db:"with \"quotes\""`,
	} {
		if got := hideTag(tag); got != want {
			t.Errorf("hideTag(%q) = %q, want %q", tag, got, want)
		}
	}
}

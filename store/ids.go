package store

import (
	"fmt"
	"strconv"
	"strings"
)

// Kind is the letter that prefixes a record id and names its kind.
type Kind string

// The record kinds, as their id prefixes.
const (
	KindRegression    Kind = "R"
	KindInvestigation Kind = "I"
	KindProposal      Kind = "P"
	KindOpportunity   Kind = "O"
)

// FormatID returns the id of the n-th record of kind k, such as "R-12".
func FormatID(k Kind, n uint64) string {
	return string(k) + "-" + strconv.FormatUint(n, 10)
}

// ParseID splits an id such as "R-12" into its kind and number. It accepts
// only the four record kinds and positive numbers without leading zeros;
// anything else is an error wrapping ErrNotFound, since no record can have
// that id.
func ParseID(id string) (Kind, uint64, error) {
	prefix, num, ok := strings.Cut(id, "-")
	k := Kind(prefix)
	switch {
	case !ok:
	case k != KindRegression && k != KindInvestigation && k != KindProposal && k != KindOpportunity:
	case num == "" || num[0] == '0' || num[0] == '+':
	default:
		n, err := strconv.ParseUint(num, 10, 64)
		if err == nil {
			return k, n, nil
		}
	}
	return "", 0, fmt.Errorf("parse id %q: not a record id: %w", id, ErrNotFound)
}

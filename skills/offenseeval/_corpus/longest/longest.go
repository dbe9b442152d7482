// Package longest finds words.
package longest

import "regexp"

// FirstWord returns the first run of letters in s, as long as it goes.
func FirstWord(s string) string {
	re := regexp.MustCompile(`[a-z]+|[a-z]+[0-9]+`)
	re.Longest()
	return re.FindString(s)
}

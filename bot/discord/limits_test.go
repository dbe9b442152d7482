package discord

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// Discord's documented message limits (in characters).
const (
	limitContent      = 2000
	limitEmbeds       = 10
	limitTitle        = 256
	limitDescription  = 4096
	limitFields       = 25
	limitFieldName    = 256
	limitFieldValue   = 1024
	limitFooter       = 2048
	limitEmbedTotal   = 6000 // all embeds of a message together
	limitRows         = 5
	limitRowButtons   = 5
	limitLabel        = 80
	limitCustomID     = 100
	limitModalTitle   = 45
	limitModalInputs  = 5
	limitInputLabel   = 45
	limitInputMaxSize = 4000
)

// discordLimits checks one rendered message, as it goes on the wire,
// against Discord's limits, and returns what breaks them.
func discordLimits(r rendered) []string {
	raw, err := json.Marshal(r)
	if err != nil {
		return []string{err.Error()}
	}
	var msg struct {
		Content string `json:"content"`
		Embeds  []struct {
			Title       string `json:"title"`
			Description string `json:"description"`
			Footer      *struct {
				Text string `json:"text"`
			} `json:"footer"`
			Fields []struct {
				Name  string `json:"name"`
				Value string `json:"value"`
			} `json:"fields"`
		} `json:"embeds"`
		Components []struct {
			Type       int `json:"type"`
			Components []struct {
				Type     int    `json:"type"`
				Label    string `json:"label"`
				CustomID string `json:"custom_id"`
			} `json:"components"`
		} `json:"components"`
	}
	if err := json.Unmarshal(raw, &msg); err != nil {
		return []string{err.Error()}
	}
	var bad []string
	fail := func(format string, a ...any) { bad = append(bad, fmt.Sprintf(format, a...)) }
	over := func(what, s string, n int) int {
		c := utf8.RuneCountInString(s)
		if c > n {
			fail("%s has %d characters, limit %d", what, c, n)
		}
		return c
	}
	over("content", msg.Content, limitContent)
	if len(msg.Embeds) > limitEmbeds {
		fail("%d embeds, limit %d", len(msg.Embeds), limitEmbeds)
	}
	total := 0
	for i, e := range msg.Embeds {
		where := fmt.Sprintf("embed %d", i)
		total += over(where+" title", e.Title, limitTitle)
		total += over(where+" description", e.Description, limitDescription)
		if e.Footer != nil {
			total += over(where+" footer", e.Footer.Text, limitFooter)
		}
		if len(e.Fields) > limitFields {
			fail("%s has %d fields, limit %d", where, len(e.Fields), limitFields)
		}
		for j, f := range e.Fields {
			if f.Name == "" || f.Value == "" {
				fail("%s field %d is empty", where, j)
			}
			total += over(fmt.Sprintf("%s field %d name", where, j), f.Name, limitFieldName)
			total += over(fmt.Sprintf("%s field %d value", where, j), f.Value, limitFieldValue)
		}
	}
	if total > limitEmbedTotal {
		fail("embeds total %d characters, limit %d", total, limitEmbedTotal)
	}
	if len(msg.Components) > limitRows {
		fail("%d action rows, limit %d", len(msg.Components), limitRows)
	}
	ids := map[string]bool{}
	for i, row := range msg.Components {
		if len(row.Components) > limitRowButtons {
			fail("row %d has %d buttons, limit %d", i, len(row.Components), limitRowButtons)
		}
		for _, b := range row.Components {
			over("button label", b.Label, limitLabel)
			over("custom_id", b.CustomID, limitCustomID)
			if ids[b.CustomID] {
				fail("custom_id %q repeats", b.CustomID)
			}
			ids[b.CustomID] = true
		}
	}
	return bad
}

package slack

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// Block Kit's documented limits, as Slack enforces them (in characters).
const (
	limitBlocks       = 50
	limitSectionText  = 3000
	limitFieldText    = 2000
	limitFields       = 10
	limitButtonText   = 75
	limitActionID     = 255
	limitButtonValue  = 2000
	limitElements     = 25 // elements of an actions block
	limitContextElems = 10
	limitAltText      = 2000
	limitConfirmTitle = 100
	limitConfirmText  = 300
	limitConfirmLabel = 30
	limitMessageText  = 40000
)

// slackLimits checks one rendered message, as it goes on the wire,
// against Block Kit's limits, and returns what breaks them.
func slackLimits(r rendered) []string {
	raw, err := json.Marshal(r)
	if err != nil {
		return []string{err.Error()}
	}
	var msg struct {
		Text   string           `json:"text"`
		Blocks []map[string]any `json:"blocks"`
	}
	if err := json.Unmarshal(raw, &msg); err != nil {
		return []string{err.Error()}
	}
	var bad []string
	fail := func(format string, a ...any) { bad = append(bad, fmt.Sprintf(format, a...)) }
	over := func(what, s string, n int) {
		if c := utf8.RuneCountInString(s); c > n {
			fail("%s has %d characters, limit %d", what, c, n)
		}
	}
	over("fallback text", msg.Text, limitMessageText)
	if len(msg.Blocks) > limitBlocks {
		fail("%d blocks, limit %d", len(msg.Blocks), limitBlocks)
	}
	ids := map[string]bool{}
	for i, b := range msg.Blocks {
		where := fmt.Sprintf("block %d (%s)", i, b["type"])
		switch b["type"] {
		case "section":
			over(where+" text", text(b["text"]), limitSectionText)
			fields, _ := b["fields"].([]any)
			if len(fields) > limitFields {
				fail("%s has %d fields, limit %d", where, len(fields), limitFields)
			}
			for _, f := range fields {
				over(where+" field", text(f), limitFieldText)
			}
		case "actions":
			els, _ := b["elements"].([]any)
			if len(els) > limitElements {
				fail("%s has %d elements, limit %d", where, len(els), limitElements)
			}
			for _, e := range els {
				el, _ := e.(map[string]any)
				id, _ := el["action_id"].(string)
				over(where+" action_id", id, limitActionID)
				if ids[id] {
					fail("%s repeats action_id %q", where, id)
				}
				ids[id] = true
				over(where+" button text", text(el["text"]), limitButtonText)
				v, _ := el["value"].(string)
				over(where+" button value", v, limitButtonValue)
				if c, ok := el["confirm"].(map[string]any); ok {
					over(where+" confirm title", text(c["title"]), limitConfirmTitle)
					over(where+" confirm text", text(c["text"]), limitConfirmText)
					over(where+" confirm label", text(c["confirm"]), limitConfirmLabel)
					over(where+" deny label", text(c["deny"]), limitConfirmLabel)
				}
			}
		case "context":
			els, _ := b["elements"].([]any)
			if len(els) > limitContextElems {
				fail("%s has %d elements, limit %d", where, len(els), limitContextElems)
			}
		case "image":
			alt, _ := b["alt_text"].(string)
			if alt == "" {
				fail("%s has no alt text", where)
			}
			over(where+" alt text", alt, limitAltText)
		}
	}
	return bad
}

// text is the text of a text object.
func text(v any) string {
	o, _ := v.(map[string]any)
	s, _ := o["text"].(string)
	return s
}

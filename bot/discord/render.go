package discord

import (
	"slices"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/wattson-dev/wattson/bot"
)

// Discord's message limits (counted here in bytes, which is never fewer
// than Discord's characters).
const (
	maxContent     = 2000 // message content
	maxTitle       = 256  // embed title
	maxDescription = 4096 // embed description
	maxFieldName   = 256
	maxFieldValue  = 1024
	maxFields      = 25   // fields per embed
	maxFooter      = 1024 // embed footer: 2048, we keep it short
	maxEmbedTotal  = 6000 // all text of an embed
	maxButtons     = 5    // buttons per action row
	maxRows        = 5    // action rows per message
	maxLabel       = 80   // button label
	maxCustomID    = 100  // button custom_id
	actionPrefix   = "wattson:"
	embedColor     = 0xF5A623 // Wattson amber
	inlineField    = 60       // fields this short share a line
	blank          = "\u200b" // Discord refuses empty field names and values
)

// rendered is one Discord message: content, at most one embed, buttons,
// and an image attached and shown in the embed.
type rendered struct {
	Content    string                       `json:"content,omitempty"`
	Embeds     []*discordgo.MessageEmbed    `json:"embeds,omitempty"`
	Components []discordgo.MessageComponent `json:"components,omitempty"`
	Attachment string                       `json:"attachment,omitempty"`
	image      *bot.Image
}

// Render turns a message into one or more Discord messages. A message of
// text alone is plain content; anything with a title, fields, footer or
// image is an embed. The first message carries the buttons and the image;
// text beyond what fits continues in further content messages of at most
// 2,000 characters, posted in the thread.
func Render(m bot.Message) []rendered {
	var first rendered
	var rest string
	if m.Title == "" && len(m.Fields) == 0 && len(m.Links) == 0 && m.Footer == "" && m.Image == nil {
		first.Content, rest = cut(m.Text, maxContent)
	} else {
		var e *discordgo.MessageEmbed
		e, rest = embed(m)
		first.Embeds = []*discordgo.MessageEmbed{e}
		if img := m.Image; img != nil {
			name := img.Name
			if img.PNG == nil && img.Ref != "" {
				name = img.Ref // attached to the message before: a redraw keeps it
			} else {
				first.Attachment, first.image = img.Name, img
			}
			e.Image = &discordgo.MessageEmbedImage{URL: "attachment://" + name}
		}
	}
	first.Components = buttons(m.Buttons)
	out := []rendered{first}
	for _, chunk := range split(rest, maxContent) {
		out = append(out, rendered{Content: chunk})
	}
	return out
}

// embed renders m as one embed within Discord's limits and returns the
// text that did not fit: the rest of the description, then any fields
// beyond the limits, as plain text.
func embed(m bot.Message) (*discordgo.MessageEmbed, string) {
	e := &discordgo.MessageEmbed{Type: discordgo.EmbedTypeRich, Title: truncate(m.Title, maxTitle), Color: embedColor}
	used := len(e.Title)
	if m.Footer != "" {
		e.Footer = &discordgo.MessageEmbedFooter{Text: truncate(m.Footer, maxFooter)}
		used += len(e.Footer.Text)
	}
	var overflow []string
	fields := m.Fields
	if line := links(m.Links); line != "" {
		fields = append(slices.Clip(fields), bot.Field{Name: "Links", Value: line})
	}
	for _, f := range fields {
		name, value := orBlank(truncate(f.Name, maxFieldName)), orBlank(truncate(f.Value, maxFieldValue))
		if len(e.Fields) == maxFields || used+len(name)+len(value) > maxEmbedTotal-maxContent {
			overflow = append(overflow, "**"+f.Name+"**\n"+f.Value)
			continue
		}
		used += len(name) + len(value)
		inline := len(value) <= inlineField && !strings.Contains(value, "\n")
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: name, Value: value, Inline: inline})
	}
	desc, rest := cut(m.Text, min(maxDescription, maxEmbedTotal-used))
	e.Description = desc
	if len(overflow) > 0 {
		rest = strings.TrimSpace(rest + "\n" + strings.Join(overflow, "\n"))
	}
	return e, rest
}

// buttons renders up to 25 buttons in rows of five. A button whose value
// does not fit a custom_id is left out rather than sent broken.
func buttons(bs []bot.Button) []discordgo.MessageComponent {
	var rows []discordgo.MessageComponent
	var row []discordgo.MessageComponent
	for _, b := range bs {
		id := customID(b)
		if len(id) > maxCustomID {
			continue
		}
		style := discordgo.SecondaryButton
		switch b.Style {
		case bot.StylePrimary:
			style = discordgo.PrimaryButton
		case bot.StyleDanger:
			style = discordgo.DangerButton
		}
		row = append(row, discordgo.Button{Label: truncate(b.Label, maxLabel), Style: style, CustomID: id})
		if len(row) == maxButtons {
			rows, row = append(rows, discordgo.ActionsRow{Components: row}), nil
		}
		if len(rows) == maxRows {
			return rows
		}
	}
	if len(row) > 0 {
		rows = append(rows, discordgo.ActionsRow{Components: row})
	}
	return rows
}

func orBlank(s string) string {
	if strings.TrimSpace(s) == "" {
		return blank
	}
	return s
}

// cut returns the first piece of s that fits n bytes (split at a line
// break or space where it can) and the rest.
func cut(s string, n int) (string, string) {
	parts := split(s, n)
	if len(parts) == 0 {
		return "", ""
	}
	rest := strings.TrimLeft(strings.TrimRight(s, "\n")[len(parts[0]):], "\n ")
	return parts[0], rest
}

// split cuts s into pieces of at most n bytes, at line breaks where it can,
// else at spaces, never inside a UTF-8 character.
func split(s string, n int) []string {
	s = strings.TrimRight(s, "\n")
	var out []string
	for len(s) > n {
		c := strings.LastIndexByte(s[:n], '\n')
		if c < n/2 {
			c = strings.LastIndexByte(s[:n], ' ')
		}
		if c < n/2 {
			c = n
			for c > 0 && s[c]&0xC0 == 0x80 {
				c--
			}
			if c == 0 { // not UTF-8: cut anywhere
				c = n
			}
		}
		out = append(out, s[:c])
		s = strings.TrimLeft(s[c:], "\n ")
	}
	if s != "" {
		out = append(out, s)
	}
	return out
}

// truncate shortens s to at most n bytes, marking the cut with "…".
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return split(s, n-len("…"))[0] + "…"
}

// links writes links as Discord markdown, "[label](url) · [label](url)",
// for one embed field; a link that is not http(s), or would not fit, is
// left out.
func links(ls []bot.Link) string {
	var parts []string
	n := 0
	for _, l := range ls {
		if !strings.HasPrefix(l.URL, "https://") && !strings.HasPrefix(l.URL, "http://") || strings.ContainsAny(l.URL, "() ") {
			continue
		}
		p := "[" + strings.NewReplacer("[", "(", "]", ")").Replace(l.Label) + "](" + l.URL + ")"
		if n+len(p)+3 > maxFieldValue {
			break
		}
		parts, n = append(parts, p), n+len(p)+3
	}
	return strings.Join(parts, " · ")
}

package slack

import (
	"regexp"
	"strings"

	"github.com/slack-go/slack"

	"github.com/wattson-dev/wattson/bot"
)

// Slack's Block Kit limits, with a little headroom.
const (
	maxSectionText  = 2900 // section text: 3000 characters
	maxFieldText    = 1900 // a section field: 2000 characters
	maxFields       = 10   // fields per section
	maxBlocks       = 45   // blocks per message: 50
	maxFallbackText = 300  // notification text we send alongside blocks
	maxAltText      = 2000 // an image's alt text
	maxContextText  = 2000 // a context block's text
	maxImageTitle   = 2000 // an image block's title
	maxConfirmTitle = 100  // a confirm dialog's title
	maxConfirmText  = 300  // its text
	maxConfirmLabel = 30   // its buttons
	actionPrefix    = "wattson:"
)

// rendered is one Slack message: its blocks and the plain fallback text
// shown in notifications.
type rendered struct {
	Text   string        `json:"text"`
	Blocks []slack.Block `json:"blocks"`
}

// Render turns a message into one or more Slack messages: the first is the
// message itself; any more carry the rest of a text too long for one
// message and are posted in its thread. An image is shown in an image
// block once it is uploaded (its Ref is the Slack file id); Post uploads
// it.
func Render(m bot.Message) []rendered {
	var blocks []slack.Block
	if m.Title != "" {
		blocks = append(blocks, section("*"+escape(m.Title)+"*"))
	}
	for _, chunk := range split(escape(m.Text), maxSectionText) {
		blocks = append(blocks, section(chunk))
	}
	var fields []*slack.TextBlockObject
	for _, f := range m.Fields {
		v := truncate(escape(f.Value), maxFieldText-len(f.Name)-4)
		fields = append(fields, slack.NewTextBlockObject(slack.MarkdownType, "*"+escape(f.Name)+"*\n"+v, false, false))
		if len(fields) == maxFields {
			blocks = append(blocks, slack.NewSectionBlock(nil, fields, nil))
			fields = nil
		}
	}
	if len(fields) > 0 {
		blocks = append(blocks, slack.NewSectionBlock(nil, fields, nil))
	}
	if line := links(m.Links); line != "" {
		blocks = append(blocks, slack.NewContextBlock("wattson_links", slack.NewTextBlockObject(slack.MarkdownType, line, false, false)))
	}
	if img := m.Image; img != nil && img.Ref != "" {
		blocks = append(blocks, slack.NewImageBlockSlackFile(&slack.SlackFileObject{ID: img.Ref}, truncate(orName(img.Alt, img.Name), maxAltText), "wattson_image",
			slack.NewTextBlockObject(slack.PlainTextType, truncate(img.Name, maxImageTitle), false, false)))
	}
	var tail []slack.Block
	if len(m.Buttons) > 0 {
		var els []slack.BlockElement
		for _, b := range m.Buttons {
			btn := slack.NewButtonBlockElement(actionPrefix+string(b.Action)+":"+b.Value(), b.Value(),
				slack.NewTextBlockObject(slack.PlainTextType, b.Label, false, false))
			if b.Style != bot.StyleDefault {
				btn = btn.WithStyle(slack.Style(b.Style))
			}
			if c := b.Confirm; c != nil {
				btn = btn.WithConfirm(slack.NewConfirmationBlockObject(
					slack.NewTextBlockObject(slack.PlainTextType, truncate(c.Title, maxConfirmTitle), false, false),
					slack.NewTextBlockObject(slack.MarkdownType, truncate(escape(c.Text), maxConfirmText), false, false),
					slack.NewTextBlockObject(slack.PlainTextType, truncate(c.OK, maxConfirmLabel), false, false),
					slack.NewTextBlockObject(slack.PlainTextType, "Cancel", false, false)))
			}
			els = append(els, btn)
		}
		tail = append(tail, slack.NewActionBlock("wattson_actions", els...))
	}
	if m.Footer != "" {
		tail = append(tail, slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, escape(m.Footer), false, false)))
	}
	fallback := m.Title
	if fallback == "" {
		fallback = m.Text
	}
	fallback = truncate(fallback, maxFallbackText)
	first := min(len(blocks), maxBlocks-len(tail))
	out := []rendered{{Text: fallback, Blocks: append(blocks[:first:first], tail...)}}
	for rest := blocks[first:]; len(rest) > 0; {
		n := min(len(rest), maxBlocks)
		out = append(out, rendered{Text: "(continued)", Blocks: rest[:n]})
		rest = rest[n:]
	}
	return out
}

func orName(alt, name string) string {
	if alt == "" {
		return name
	}
	return alt
}

func section(mrkdwn string) slack.Block {
	return slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, mrkdwn, false, false), nil, nil)
}

// mention matches the Slack markup the bot writes on purpose: user,
// channel and group mentions, and links.
func mention() *regexp.Regexp {
	return regexp.MustCompile(`<(?:@[A-Z0-9]+|#[A-Z0-9]+(?:\|[^<>]*)?|!subteam\^[A-Z0-9]+|https?://[^<>\s]+)>`)
}

// escape escapes &, < and > as Slack's mrkdwn requires, leaving mentions
// and links written by the bot intact.
func escape(s string) string {
	re := mention()
	var b strings.Builder
	last := 0
	for _, loc := range re.FindAllStringIndex(s, -1) {
		b.WriteString(escapeText(s[last:loc[0]]))
		b.WriteString(s[loc[0]:loc[1]])
		last = loc[1]
	}
	b.WriteString(escapeText(s[last:]))
	return b.String()
}

func escapeText(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// split cuts s into pieces of at most n bytes, at line breaks where it can,
// else at spaces, never inside a UTF-8 character.
func split(s string, n int) []string {
	s = strings.TrimRight(s, "\n")
	var out []string
	for len(s) > n {
		cut := strings.LastIndexByte(s[:n], '\n')
		if cut < n/2 {
			cut = strings.LastIndexByte(s[:n], ' ')
		}
		if cut < n/2 {
			cut = n
			for cut > 0 && !utf8Start(s[cut]) {
				cut--
			}
		}
		out = append(out, s[:cut])
		s = strings.TrimLeft(s[cut:], "\n ")
	}
	if s != "" {
		out = append(out, s)
	}
	return out
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

// truncate shortens s to at most n bytes, marking the cut with "…".
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	parts := split(s, n-len("…"))
	return parts[0] + "…"
}

// links writes links as Slack mrkdwn, "<url|label> · <url|label>",
// within a context element's text; a link that is not http(s), or would
// not fit, is left out.
func links(ls []bot.Link) string {
	var parts []string
	n := 0
	for _, l := range ls {
		if !strings.HasPrefix(l.URL, "https://") && !strings.HasPrefix(l.URL, "http://") || strings.ContainsAny(l.URL, "<>| ") {
			continue
		}
		p := "<" + l.URL + "|" + strings.NewReplacer("|", "/").Replace(escapeText(l.Label)) + ">"
		if n+len(p)+3 > maxContextText {
			break
		}
		parts, n = append(parts, p), n+len(p)+3
	}
	return strings.Join(parts, " · ")
}

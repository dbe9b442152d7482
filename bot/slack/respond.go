package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"github.com/slack-go/slack"

	"github.com/wattson-dev/wattson/bot"
)

// response is the body of an inline slash-command answer or a
// response_url post.
type response struct {
	ResponseType    string        `json:"response_type"`
	Text            string        `json:"text"`
	Blocks          []slack.Block `json:"blocks,omitempty"`
	ReplaceOriginal bool          `json:"replace_original"`
}

// responsePayload renders the first message of m as a response: private
// replies are ephemeral, the rest in the channel.
func responsePayload(m bot.Message) response {
	r := Render(m)[0]
	kind := slack.ResponseTypeInChannel
	if m.Private {
		kind = slack.ResponseTypeEphemeral
	}
	return response{ResponseType: kind, Text: r.Text, Blocks: r.Blocks}
}

// respond posts m to a response_url, one message per rendered part.
func (a *Adapter) respond(ctx context.Context, responseURL string, m bot.Message) error {
	if responseURL == "" {
		return fmt.Errorf("respond: no response_url")
	}
	kind := slack.ResponseTypeInChannel
	if m.Private {
		kind = slack.ResponseTypeEphemeral
	}
	for _, r := range Render(m) {
		body, err := json.Marshal(response{ResponseType: kind, Text: r.Text, Blocks: r.Blocks})
		if err != nil {
			return fmt.Errorf("encode response: %w", err)
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, responseURL, bytes.NewReader(body))
		if err != nil {
			return fmt.Errorf("respond: %w", err)
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := a.http.Do(req)
		if err != nil {
			return fmt.Errorf("respond: %w", err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("respond: %s", resp.Status)
		}
	}
	return nil
}

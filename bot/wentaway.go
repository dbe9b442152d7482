package bot

import (
	"context"
	"fmt"

	"github.com/wattson-dev/wattson/store"
)

// RegressionWentAway tells a regression's thread that its metric returned to the old
// level by itself, and redraws the alert as resolved without buttons. The
// caller has already stored the regression as resolved.
func (b *Bot) RegressionWentAway(ctx context.Context, r store.Regression) error {
	if r.Thread.MessageID == "" {
		return nil // never alerted: nothing to tell
	}
	chat, err := b.c.Chat(r.Thread.Platform)
	if err != nil {
		return fmt.Errorf("went away %s: %w", r.ID, err)
	}
	b.c.RefreshAlert(ctx, r)
	msg := Message{Text: fmt.Sprintf("%s went back to its old level on its own; the regression is resolved. No action needed.", r.Metric)}
	if _, err := chat.Post(ctx, r.Thread.Channel, r.Thread.MessageID, msg); err != nil {
		return fmt.Errorf("went away %s: post: %w", r.ID, err)
	}
	return nil
}

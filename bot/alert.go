package bot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/wattson-dev/wattson/store"
)

// Point is one sample of a metric series.
type Point struct {
	// T is the sample time.
	T time.Time
	// V is the value.
	V float64
}

// AlertInput is a regression to announce, with what the alert shows.
type AlertInput struct {
	// Regression is the detected regression. With an empty ID it is
	// created (de-duplicated by Fingerprint); with an ID it must already
	// be stored.
	Regression store.Regression
	// Samples are the series around the change, for the chart; none means
	// no chart.
	Samples []Point
	// Cores is the estimated extra CPU cores the regression costs; 0 when
	// unknown. It is stored with the regression (unless the regression
	// already has an estimate), so redraws of the alert keep it.
	Cores float64
}

// alertLease is how long one replica may hold the right to post an alert.
const alertLease = 2 * time.Minute

// Alert stores a new regression and posts its one top-level alert in the
// routed channel, which becomes the regression's thread. A regression that
// already has an alert (the same fingerprint seen again, or another replica
// posting it right now) gets no second one. It returns the stored
// regression and whether this call posted the alert.
func (b *Bot) Alert(ctx context.Context, in AlertInput) (store.Regression, bool, error) {
	r := in.Regression
	if r.ID == "" {
		if r.Status == "" {
			r.Status = store.RegressionOpen
		}
		if r.DetectedAt.IsZero() {
			r.DetectedAt = b.now().UTC()
		}
		if r.Cores == 0 {
			r.Cores = in.Cores
		}
		r.Channel = routeChannel(b.o.Routes, r, b.o.DefaultChannel)
		if _, err := b.o.Store.CreateRegressionIfNew(ctx, &r); err != nil {
			return r, false, fmt.Errorf("alert: create regression: %w", err)
		}
	}
	if r.Thread.MessageID != "" {
		return r, false, nil
	}
	lease, holder := "bot/alert/"+r.ID, b.o.Owner+"/"+newRef()
	got, err := b.o.Store.AcquireLease(ctx, lease, holder, alertLease)
	if err != nil {
		return r, false, fmt.Errorf("alert %s: acquire lease: %w", r.ID, err)
	}
	if !got {
		return r, false, nil // another replica is posting it
	}
	defer func() {
		if err := b.o.Store.ReleaseLease(context.WithoutCancel(ctx), lease, holder); err != nil {
			b.log.WarnContext(ctx, "release alert lease", "regression", r.ID, "err", err)
		}
	}()
	fresh, err := b.o.Store.GetRegression(ctx, r.ID)
	if err != nil {
		return r, false, fmt.Errorf("alert %s: reread: %w", r.ID, err)
	}
	r = *fresh
	if r.Thread.MessageID != "" {
		return r, false, nil
	}
	if r.Cores == 0 {
		r.Cores = in.Cores // stored with the thread below
	}
	if r.Channel == "" {
		r.Channel = routeChannel(b.o.Routes, r, b.o.DefaultChannel)
	}
	platform, channel := splitTarget(r.Channel, b.o.DefaultPlatform)
	if channel == "" {
		return r, false, fmt.Errorf("alert %s: no route and no default channel", r.ID)
	}
	chat, err := b.chat(platform)
	if err != nil {
		return r, false, fmt.Errorf("alert %s: %w", r.ID, err)
	}
	var png []byte
	if len(in.Samples) >= 2 {
		if png, err = Chart(in.Samples, r.ChangeTime, r.Before, r.After); err != nil {
			b.log.WarnContext(ctx, "chart not drawn", "regression", r.ID, "err", err)
		}
	}
	if err := b.audit(ctx, Event{Platform: platform, Channel: channel}, "alert", r.ID, "posted to "+r.Channel, true); err != nil {
		return r, false, fmt.Errorf("alert: %w", err)
	}
	ref, err := chat.Post(ctx, channel, "", AlertMessage(r, r.Cores, r.Cores*b.o.WattsPerCore, png))
	if err != nil {
		return r, false, fmt.Errorf("alert %s: post: %w", r.ID, err)
	}
	r.Thread = ref
	if err := b.o.Store.UpdateRegression(ctx, &r); err != nil {
		return r, true, fmt.Errorf("alert %s: store thread: %w", r.ID, err)
	}
	b.m.alerts.Inc()
	b.log.InfoContext(ctx, "alert posted", "regression", r.ID, "channel", r.Channel, "message", ref.MessageID)
	return r, true, nil
}

// regression loads a regression for a user, with a readable not-found.
func (b *Bot) regression(ctx context.Context, id string) (*store.Regression, error) {
	r, err := b.o.Store.GetRegression(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, userErrorf("There is no regression %s. Try /wattson list.", id)
	}
	if err != nil {
		return nil, fmt.Errorf("get regression %s: %w", id, err)
	}
	return r, nil
}

// proposal loads a proposal for a user, with a readable not-found.
func (b *Bot) proposal(ctx context.Context, id string) (*store.Proposal, error) {
	p, err := b.o.Store.GetProposal(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, userErrorf("There is no proposal %s. Try /wattson list.", id)
	}
	if err != nil {
		return nil, fmt.Errorf("get proposal %s: %w", id, err)
	}
	return p, nil
}

// refreshAlert redraws a regression's alert to show its new status; the
// buttons go once it is decided. Failure is logged, not returned: the
// record is already stored and the thread reply says what happened.
func (b *Bot) refreshAlert(ctx context.Context, r store.Regression) {
	if r.Thread.MessageID == "" {
		return
	}
	chat, err := b.chat(r.Thread.Platform)
	if err == nil {
		err = chat.Update(ctx, r.Thread, AlertMessage(r, r.Cores, r.Cores*b.o.WattsPerCore, nil))
	}
	if err != nil {
		b.log.WarnContext(ctx, "alert not refreshed", "regression", r.ID, "err", err)
	}
}

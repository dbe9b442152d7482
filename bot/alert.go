package bot

import (
	"context"
	"fmt"
	"time"

	"github.com/wattson-dev/wattson/detector"
	"github.com/wattson-dev/wattson/store"
)

// Point is one sample of a metric series.
type Point struct {
	// T is the sample time.
	T time.Time
	// V is the value.
	V float64
}

// deployMarksTimeout bounds the lookup of the deploys marked on a chart.
const deployMarksTimeout = 5 * time.Second

// AlertInput is a regression to announce, with what the alert shows.
type AlertInput struct {
	// Regression is the detected regression. With an empty ID it is
	// created (de-duplicated by Fingerprint); with an ID it must already
	// be stored.
	Regression store.Regression
	// Samples are the series around the change, for the chart; none means
	// no chart.
	Samples []Point
	// Deploys are marked on the chart.
	Deploys []Mark
	// Cores is the estimated extra CPU cores the regression costs; 0 when
	// unknown. It is stored with the regression (unless the regression
	// already has an estimate), so redraws of the alert keep it.
	Cores float64
}

// RegressionOpened posts the regression's one alert, with a chart of the
// series s it was found in, and — unless AutoInvestigate says not to —
// starts its investigation at once, in the alert's thread: the bot is the
// detection scheduler's Notifier. Only the call that posted the alert
// starts the investigation, so across replicas a regression gets one.
func (b *Bot) RegressionOpened(ctx context.Context, r store.Regression, s detector.Series) error {
	samples := make([]Point, 0, len(s.Values))
	for i, v := range s.Values {
		if i < len(s.Times) {
			samples = append(samples, Point{T: time.Unix(s.Times[i], 0).UTC(), V: v})
		}
	}
	in := AlertInput{Regression: r, Samples: samples}
	if b.o.Deploys != nil && len(samples) > 1 {
		// The marks are worth a moment, never the alert.
		dctx, cancel := context.WithTimeout(ctx, deployMarksTimeout)
		in.Deploys = b.o.Deploys(dctx, r.Service, samples[0].T, samples[len(samples)-1].T)
		cancel()
	}
	r, posted, err := b.Alert(ctx, in)
	if err != nil || !posted || b.o.Investigations == nil || (b.o.AutoInvestigate != nil && !b.o.AutoInvestigate(r)) {
		return err
	}
	ev := Event{Platform: r.Thread.Platform, Channel: r.Thread.Channel, Thread: r.Thread.MessageID}
	if _, err := b.o.Investigations.Start(ctx, ev, Question{RegressionID: r.ID, Trigger: store.TriggerAlert}); err != nil && !IsUserError(err) {
		return fmt.Errorf("investigate %s: %w", r.ID, err)
	}
	return nil
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
		r.Channel = b.c.Route(r)
		if _, err := b.c.Store.CreateRegressionIfNew(ctx, &r); err != nil {
			return r, false, fmt.Errorf("alert: create regression: %w", err)
		}
	}
	if r.Thread.MessageID != "" {
		return r, false, nil
	}
	lease, holder := "bot/alert/"+r.ID, b.c.Owner+"/"+NewRef()
	got, err := b.c.Store.AcquireLease(ctx, lease, holder, alertLease)
	if err != nil {
		return r, false, fmt.Errorf("alert %s: acquire lease: %w", r.ID, err)
	}
	if !got {
		return r, false, nil // another replica is posting it
	}
	defer func() {
		if err := b.c.Store.ReleaseLease(context.WithoutCancel(ctx), lease, holder); err != nil {
			b.log.WarnContext(ctx, "release alert lease", "regression", r.ID, "err", err)
		}
	}()
	fresh, err := b.c.Store.GetRegression(ctx, r.ID)
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
		r.Channel = b.c.Route(r)
	}
	platform, channel := b.c.Target(r.Channel)
	if channel == "" {
		return r, false, fmt.Errorf("alert %s: no route and no default channel", r.ID)
	}
	chat, err := b.c.Chat(platform)
	if err != nil {
		return r, false, fmt.Errorf("alert %s: %w", r.ID, err)
	}
	var png []byte
	if len(in.Samples) >= 2 {
		info := b.c.DescribeRegression(r)
		spec := ChartSpec{Title: fmt.Sprintf("%s: %s (%s)", r.Service, info.Display, r.ID), Samples: in.Samples,
			Change: r.ChangeTime, Before: r.Before, After: r.After, Deploys: in.Deploys, Metric: info}
		if png, err = DrawChart(spec); err != nil {
			b.log.WarnContext(ctx, "chart not drawn", "regression", r.ID, "err", err)
		}
	}
	if err := b.c.Audit(ctx, Event{Platform: platform, Channel: channel}, "alert", r.ID, "posted to "+r.Channel, true); err != nil {
		return r, false, fmt.Errorf("alert: %w", err)
	}
	ref, err := chat.Post(ctx, channel, "", AlertMessage(r, b.c.DescribeRegression(r), r.Cores, r.Cores*b.c.WattsPerCore, png))
	if err != nil {
		return r, false, fmt.Errorf("alert %s: post: %w", r.ID, err)
	}
	cores := r.Cores
	// Posted: record where, even if this replica is shutting down, or a
	// later tick would find no thread and alert a second time.
	stored, err := store.ChangeRegression(context.WithoutCancel(ctx), b.c.Store, r.ID, func(r *store.Regression) error {
		r.Thread = ref
		if r.Cores == 0 {
			r.Cores = cores
		}
		return nil
	})
	if err != nil {
		r.Thread = ref
		return r, true, fmt.Errorf("alert %s: store thread: %w", r.ID, err)
	}
	r = *stored
	b.m.alerts.Inc()
	b.c.ObserveResponse(StageDetect, r, r.DetectedAt)
	b.log.InfoContext(ctx, "alert posted", "regression", r.ID, "channel", r.Channel, "message", ref.MessageID)
	return r, true, nil
}

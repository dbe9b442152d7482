package main

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/skills"
	"github.com/wattson-dev/wattson/skills/opportunity"
	"github.com/wattson-dev/wattson/skills/pprofdir"
	"github.com/wattson-dev/wattson/store"
)

func TestOffersMakeOpportunitiesAndFixProposals(t *testing.T) {
	fs := []opportunity.Finding{
		{Service: "checkout", Pattern: "regexp-compile-per-call", Function: "shop.validEmail", File: "/src/shop/email.go",
			Lines: []int{12, 13, 14, 20}, Share: 0.31, Cores: 1.2, Watts: 12, Suggestion: "Compile the pattern once.",
			Fix: &opportunity.Fix{Title: "perf: compile the regexp in {function} once", Body: "{function} ({file}:{lines}) compiles a regexp per call."}},
		{Service: "checkout", Pattern: "gc-pressure", Function: "shop.handle", Share: 0.12, Cores: 0.4, Watts: 4, Suggestion: "Allocate less."},
	}
	tests := []struct {
		name     string
		svc      serviceConfig
		wantRepo string
	}{
		{"github", serviceConfig{Name: "checkout", GitHub: "acme/shop", Repo: "/ignored"}, "acme/shop"},
		{"local clone", serviceConfig{Name: "checkout", Repo: "/src/shop"}, "/src/shop"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := offers(tt.svc, fs)
			if len(got) != 2 {
				t.Fatalf("%d offers, want 2", len(got))
			}
			o, fix := got[0].Opportunity, got[0].Fix
			if o.Fingerprint != store.OpportunityFingerprint("checkout", "shop.validEmail", "regexp-compile-per-call") ||
				o.Service != "checkout" || o.Lines != "12-14,20" || o.CPUShare != 0.31 || o.Cores != 1.2 || o.Watts != 12 {
				t.Errorf("opportunity = %+v", o)
			}
			if fix == nil {
				t.Fatal("no fix proposal for a mechanical pattern")
			}
			if fix.Kind != store.ProposalFix || fix.Target != "shop.validEmail" || fix.Repo != tt.wantRepo ||
				fix.Title != "perf: compile the regexp in shop.validEmail once" ||
				!strings.HasPrefix(fix.Body, "shop.validEmail (/src/shop/email.go:12-14,20) compiles") ||
				!strings.HasSuffix(fix.Body, "Compile the pattern once.") {
				t.Errorf("fix = %+v", fix)
			}
			if got[1].Fix != nil {
				t.Errorf("a pattern without a mechanical fix got a proposal: %+v", got[1].Fix)
			}
			if got[0].Opportunity.Fingerprint == got[1].Opportunity.Fingerprint {
				t.Error("two findings share a fingerprint")
			}
		})
	}
}

func TestFindOpportunitiesInRegistry(t *testing.T) {
	without := buildRegistry(skillDeps{now: time.Now})
	if _, ok := without.Get("find_opportunities"); ok {
		t.Error("find_opportunities offered without profiles")
	}
	reg := buildRegistry(skillDeps{profiles: pprofdir.New(t.TempDir()), now: time.Now})
	sk, ok := reg.Get("find_opportunities")
	if !ok {
		t.Fatalf("find_opportunities not registered with profiles; have %v", reg.Infos())
	}
	_, err := sk.Run(context.Background(), json.RawMessage(`{"service":"checkout"}`))
	if !errors.Is(err, skills.ErrNoProfile) {
		t.Errorf("scan of a service without profiles: err = %v, want ErrNoProfile", err)
	}
}

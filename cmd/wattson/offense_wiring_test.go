package main

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/wattson-dev/wattson/skills"
	"github.com/wattson-dev/wattson/skills/pprofdir"
)

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

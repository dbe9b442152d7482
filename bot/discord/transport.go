package discord

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// discordHost is the host discordgo's endpoints point at.
const discordHost = "discord.com"

// apiClient returns a copy of base whose requests to discord.com go to
// apiURL instead (scheme, host and a path prefix), so that each adapter can
// talk to its own Discord — a test fake, a proxy — without touching
// discordgo's package-level endpoints. With no apiURL it is a plain copy.
func apiClient(base *http.Client, apiURL string) (*http.Client, error) {
	c := *base
	if apiURL == "" {
		return &c, nil
	}
	u, err := url.Parse(apiURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("parse discord api url %q: want http(s)://host[/prefix]", apiURL)
	}
	next := base.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	c.Transport = &rewriteHost{to: u, next: next}
	return &c, nil
}

// rewriteHost is a RoundTripper sending Discord API requests elsewhere.
type rewriteHost struct {
	to   *url.URL
	next http.RoundTripper
}

// RoundTrip rewrites requests for discord.com and passes every request on.
func (t *rewriteHost) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Host != discordHost {
		return t.next.RoundTrip(r)
	}
	r2 := r.Clone(r.Context())
	prefix := strings.TrimSuffix(t.to.Path, "/")
	r2.URL.Scheme, r2.URL.Host, r2.Host = t.to.Scheme, t.to.Host, ""
	r2.URL.Path = prefix + r.URL.Path
	if r.URL.RawPath != "" {
		r2.URL.RawPath = prefix + r.URL.RawPath
	}
	return t.next.RoundTrip(r2)
}

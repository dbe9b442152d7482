// Package endpoint checks and redacts the addresses Wattson is configured
// with: the URLs of the services it calls (Prometheus, an LLM server, Slack,
// Discord, GitHub, Redis), each with the schemes its client takes, and the
// host:port it listens on.
//
// Such URLs may carry credentials (http://user:password@host, ?api_key=),
// so the errors here never repeat a URL, and Redact takes the credentials
// out of one for printing.
package endpoint

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// CheckURL reports why raw is not an absolute URL with a host and one of
// schemes (lower case, e.g. "http", "https"). A "unix" URL, when allowed,
// names a socket by its path and needs no host.
func CheckURL(raw string, schemes ...string) error {
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // without the URL, which may hold a password
		}
		return fmt.Errorf("not a URL: %v", err)
	}
	if u.Scheme == "" || u.Opaque != "" {
		return fmt.Errorf("not an absolute URL (want %s://host:port/...)", schemes[0])
	}
	if !slices.Contains(schemes, u.Scheme) {
		return fmt.Errorf("scheme %s not allowed (want %s)", u.Scheme, list(schemes))
	}
	if u.Scheme == "unix" {
		if u.Path == "" {
			return errors.New("a unix URL needs the socket's path (unix:///path/to/socket)")
		}
		return nil
	}
	if u.Hostname() == "" {
		return fmt.Errorf("no host (want %s://host:port/...)", u.Scheme)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("port %s out of range 1-65535", p)
		}
	}
	return nil
}

// list is "a", "a or b", "a, b or c".
func list(words []string) string {
	if len(words) == 1 {
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

// CheckListen reports why addr is not a TCP listen address: host:port with
// a port 0-65535 (0 picks a free one) and a host that is empty (every
// interface), an IP address or a host name.
func CheckListen(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		var ae *net.AddrError
		if errors.As(err, &ae) {
			err = errors.New(ae.Err)
		}
		return fmt.Errorf("%q is not host:port such as 127.0.0.1:8080: %v", addr, err)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("port %s is not a number 0-65535", port)
	}
	if _, err := netip.ParseAddr(host); host != "" && err != nil && !isHostName(host) {
		return fmt.Errorf("host %q is neither an IP address nor a host name", host)
	}
	return nil
}

// isHostName reports whether s is a DNS name: dot-separated labels of
// letters, digits, '-' and '_', the last not all digits (that would be a
// malformed IP address).
func isHostName(s string) bool {
	labels := strings.Split(strings.TrimSuffix(s, "."), ".")
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, r := range l {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
				return false
			}
		}
	}
	_, err := strconv.Atoi(labels[len(labels)-1])
	return len(s) <= 253 && err != nil
}

// Redacted stands in for a credential taken out of a URL.
const Redacted = "<redacted>"

// Redact returns s with the credentials inside a URL in it replaced by
// Redacted: the userinfo (user and password) of a scheme://user:pass@host
// URL, and the values of query parameters named like credentials (token,
// key, secret, password, auth, signature). It works on the text, so a URL
// that does not parse is redacted too, and the rest comes back unchanged;
// a string that is no such URL comes back as is.
func Redact(s string) string {
	if i := strings.Index(s, "://"); i >= 0 {
		auth := s[i+3:]
		if end := strings.IndexAny(auth, "/?#"); end >= 0 {
			auth = auth[:end]
		}
		if at := strings.LastIndex(auth, "@"); at >= 0 {
			s = s[:i+3] + Redacted + s[i+3+at:]
		}
	}
	q := strings.Index(s, "?")
	if q < 0 || !strings.Contains(s[:q], "://") {
		return s
	}
	query, frag, hasFrag := strings.Cut(s[q+1:], "#")
	params := strings.Split(query, "&")
	for i, p := range params {
		if k, _, ok := strings.Cut(p, "="); ok && credentialParam(k) {
			params[i] = k + "=" + Redacted
		}
	}
	s = s[:q+1] + strings.Join(params, "&")
	if hasFrag {
		s += "#" + frag
	}
	return s
}

// credentialParam reports whether a query parameter's name says it holds a
// credential.
func credentialParam(name string) bool {
	name = strings.ToLower(name)
	for _, w := range []string{"token", "key", "secret", "pass", "auth", "sig", "credential"} {
		if strings.Contains(name, w) {
			return true
		}
	}
	return false
}

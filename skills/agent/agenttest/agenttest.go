// Package agenttest fakes an OpenAI-compatible Chat Completions server at
// its wire protocol (POST /chat/completions), scripted turn by turn, for
// tests and for running the investigations eval in agent mode without a
// real model. It records every request.
package agenttest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
)

// Request is one chat completion request as the server received it.
type Request struct {
	Model    string    `json:"model"`
	Messages []Message `json:"messages"`
	Tools    []Tool    `json:"tools"`
	// Raw is the request body.
	Raw []byte `json:"-"`
}

// Message is one message of a request.
type Message struct {
	Role       string     `json:"role"`
	Content    any        `json:"content"`
	ToolCallID string     `json:"tool_call_id,omitempty"`
	ToolCalls  []ToolCall `json:"tool_calls,omitempty"`
}

// Text returns the message's text content.
func (m Message) Text() string {
	switch c := m.Content.(type) {
	case string:
		return c
	case nil:
		return ""
	}
	b, _ := json.Marshal(m.Content)
	return string(b)
}

// ToolCall is a call of a tool by the model.
type ToolCall struct {
	ID       string `json:"id"`
	Type     string `json:"type"`
	Function struct {
		Name      string `json:"name"`
		Arguments string `json:"arguments"`
	} `json:"function"`
}

// Call returns a tool call of name with JSON arguments args.
func Call(id, name, args string) ToolCall {
	tc := ToolCall{ID: id, Type: "function"}
	tc.Function.Name, tc.Function.Arguments = name, args
	return tc
}

// Tool is a tool offered in a request.
type Tool struct {
	Type     string `json:"type"`
	Function struct {
		Name        string          `json:"name"`
		Description string          `json:"description"`
		Parameters  json.RawMessage `json:"parameters"`
	} `json:"function"`
}

// Reply is the server's answer to one request.
type Reply struct {
	// Content and ToolCalls make the assistant message.
	Content   string
	ToolCalls []ToolCall
	// PromptTokens and CompletionTokens are reported as usage; total is
	// their sum.
	PromptTokens, CompletionTokens int64
	// Status, when set, answers with this HTTP error instead.
	Status int
}

// Turn computes the reply to one request.
type Turn func(Request) Reply

// Fixed replies r whatever the request.
func Fixed(r Reply) Turn { return func(Request) Reply { return r } }

// Measured replies r with usage measured from the request and reply sizes
// (four bytes of JSON a token), as a stand-in for a real tokenizer.
func Measured(r Reply) Turn {
	return func(req Request) Reply {
		out := r
		b, _ := json.Marshal(struct {
			C string     `json:"c"`
			T []ToolCall `json:"t"`
		}{r.Content, r.ToolCalls})
		out.PromptTokens, out.CompletionTokens = int64(len(req.Raw)+3)/4, int64(len(b)+3)/4
		return out
	}
}

// Server is a scripted chat completions server.
type Server struct {
	// URL is the base URL to configure the client with.
	URL string

	srv *httptest.Server
	mu  sync.Mutex
	// turns are used in order; then fallback, if set, answers the rest.
	turns    []Turn
	fallback Turn
	reqs     []Request
}

// NewServer starts a server answering with turns in order; requests beyond
// the script get HTTP 500. Close it when done.
func NewServer(turns ...Turn) *Server {
	s := &Server{turns: turns}
	s.srv = httptest.NewServer(http.HandlerFunc(s.handle))
	s.URL = s.srv.URL + "/v1"
	return s
}

// Then makes f answer every request after the script.
func (s *Server) Then(f Turn) *Server {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fallback = f
	return s
}

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// Requests returns the requests received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.reqs...)
}

func (s *Server) handle(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/v1/chat/completions" {
		http.Error(w, `{"error":{"message":"not found"}}`, http.StatusNotFound)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var req Request
	if err := json.Unmarshal(body, &req); err != nil {
		http.Error(w, `{"error":{"message":"bad json"}}`, http.StatusBadRequest)
		return
	}
	req.Raw = body
	s.mu.Lock()
	n := len(s.reqs)
	s.reqs = append(s.reqs, req)
	var turn Turn
	if n < len(s.turns) {
		turn = s.turns[n]
	} else {
		turn = s.fallback
	}
	s.mu.Unlock()
	if turn == nil {
		writeError(w, http.StatusInternalServerError, "script exhausted")
		return
	}
	rep := turn(req)
	if rep.Status != 0 {
		writeError(w, rep.Status, "scripted failure")
		return
	}
	finish := "stop"
	if len(rep.ToolCalls) > 0 {
		finish = "tool_calls"
	}
	msg := map[string]any{"role": "assistant", "content": rep.Content}
	if len(rep.ToolCalls) > 0 {
		msg["tool_calls"] = rep.ToolCalls
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"id": fmt.Sprintf("chatcmpl-%d", n+1), "object": "chat.completion", "created": 1700000000 + n, "model": req.Model,
		"choices": []any{map[string]any{"index": 0, "message": msg, "finish_reason": finish}},
		"usage": map[string]any{
			"prompt_tokens": rep.PromptTokens, "completion_tokens": rep.CompletionTokens,
			"total_tokens": rep.PromptTokens + rep.CompletionTokens,
		},
	})
}

func writeError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": msg, "type": "server_error"}})
}

// Auto is a stand-in model for evals: to a request with tools it answers
// by calling conclude; to one without, with a short explanation. Usage is
// measured as in Measured, so token use per investigation can be reported
// without a real model.
func Auto() Turn {
	const answer = "The playbook's evidence explains the regression; see the facts."
	return func(req Request) Reply {
		if len(req.Tools) > 0 {
			return Measured(Reply{ToolCalls: []ToolCall{Call("auto-1", "conclude", `{"answer":"`+answer+`"}`)}})(req)
		}
		return Measured(Reply{Content: answer})(req)
	}
}

package telegramtest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"time"

	"github.com/go-telegram/bot/models"
)

// webhook is the current setWebhook configuration; gen changes on every set or delete
// so delivery goroutines of an older configuration stop.
type webhook struct {
	url, secret string
	gen         int
}

var secretRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

func (s *Server) setWebhook(_ context.Context, p params) (any, *apiError) {
	raw := p.str("url")
	if raw == "" {
		return s.deleteWebhook(context.Background(), p)
	}
	// Telegram demands HTTPS; tests serve their webhook on plain http from httptest.
	if u, err := url.Parse(raw); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, badRequest("bad webhook: An HTTPS URL must be provided for webhook")
	}
	if sec := p.str("secret_token"); sec != "" && !secretRE.MatchString(sec) {
		return nil, badRequest("bad webhook: secret token contains unallowed characters")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if aerr := s.setAllowed(p); aerr != nil {
		return nil, aerr
	}
	if p.bool("drop_pending_updates") {
		s.pending = nil
	}
	s.hook = webhook{url: raw, secret: p.str("secret_token"), gen: s.hook.gen + 1}
	s.notify()
	return true, nil
}

func (s *Server) deleteWebhook(_ context.Context, p params) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p.bool("drop_pending_updates") {
		s.pending = nil
	}
	s.hook = webhook{gen: s.hook.gen + 1}
	s.notify()
	return true, nil
}

func (s *Server) getWebhookInfo(context.Context, params) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	info := models.WebhookInfo{URL: s.hook.url, PendingUpdateCount: len(s.pending), AllowedUpdates: s.allowed}
	if s.hookErr != "" {
		info.LastErrorDate, info.LastErrorMessage = int(s.hookErrAt.Unix()), s.hookErr
	}
	return info, nil
}

// Webhook returns the URL and secret token of the current webhook ("" when none is set).
func (s *Server) Webhook() (url, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hook.url, s.hook.secret
}

// dispatchLoop starts webhook deliveries whenever something changes: for each chat, the
// oldest pending update is delivered, the next only after it is confirmed.
func (s *Server) dispatchLoop() {
	defer s.wg.Done()
	s.mu.Lock()
	defer s.mu.Unlock()
	for !s.closed {
		if s.hook.url != "" {
			s.pending = slices.DeleteFunc(s.pending, func(u *pendingUpdate) bool { return !s.allowedKind(u.kind) })
			busy := map[int64]bool{}
			for _, u := range s.pending {
				if busy[u.chat] {
					continue
				}
				busy[u.chat] = true
				if !u.inflight {
					u.inflight = true
					s.wg.Add(1)
					go s.deliver(u, s.hook)
				}
			}
		}
		ch := s.changed
		s.mu.Unlock()
		<-ch
		s.mu.Lock()
	}
}

// deliver POSTs one update until a 2xx answer confirms it, or the webhook changes.
func (s *Server) deliver(u *pendingUpdate, hook webhook) {
	defer s.wg.Done()
	for {
		err := s.post(hook, u.body)
		s.mu.Lock()
		if err == nil {
			s.pending = slices.DeleteFunc(s.pending, func(p *pendingUpdate) bool { return p == u })
			s.notify()
			s.mu.Unlock()
			return
		}
		s.hookErr, s.hookErrAt = err.Error(), time.Now()
		s.mu.Unlock()
		select {
		case <-time.After(s.retryDelay):
		case <-s.ctx.Done():
			return
		}
		s.mu.Lock()
		if s.closed || s.hook.gen != hook.gen || !slices.Contains(s.pending, u) {
			u.inflight = false
			s.notify() // the dispatcher may hand the update to a new webhook
			s.mu.Unlock()
			return
		}
		s.mu.Unlock()
	}
}

func (s *Server) post(hook webhook, body []byte) error {
	req, err := http.NewRequestWithContext(s.ctx, http.MethodPost, hook.url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if hook.secret != "" {
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", hook.secret)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("Wrong response from the webhook: %s", resp.Status)
	}
	return nil
}

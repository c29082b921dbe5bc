package main

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
)

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestWebhookMode(t *testing.T) {
	t.Parallel()
	addr := freeAddr(t)
	h := newHarness(t, map[string]string{
		"HTTP_ADDR":      addr,
		"WEBHOOK_URL":    "http://" + addr + "/telegram/hook",
		"WEBHOOK_SECRET": "rahasia-123",
	})
	url, secret := h.tg.Webhook()
	if url != "http://"+addr+"/telegram/hook" || secret != "rahasia-123" {
		t.Fatalf("webhook set to %q %q", url, secret)
	}
	u := h.tg.User(newUserID(), "Hana")
	register(t, u, validNIP)

	// Someone who is not Telegram.
	resp, err := http.Post("http://"+addr+"/telegram/hook", "application/json", strings.NewReader(`{"update_id":1}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("no secret: %d", resp.StatusCode)
	}
}

func TestHealthAndMetrics(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	u := h.tg.User(newUserID(), "Indra")
	u.Send("/start")
	u.Next(t)
	h.tg.WaitIdle(t)
	if code, body := get(t, "http://"+h.addr+"/healthz"); code != 200 || !strings.Contains(body, `"postgres":"ok"`) {
		t.Errorf("healthz %d %s", code, body)
	}
	code, body := get(t, "http://"+h.addr+"/metrics")
	for _, want := range []string{`asnbot_updates_total{kind="message",result="ok"} 1`, "asnbot_update_duration_seconds_bucket", `asnbot_telegram_requests_total{method="sendMessage"} 2`} {
		if code != 200 || !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	var out strings.Builder
	if err := health(t.Context(), h.addr, &out); err != nil {
		t.Errorf("asnbot health: %v", err)
	}
}

// TestTwoReplicas runs two bots on one Postgres and Redis: each update is answered once, and
// when the polling replica stops the other takes over.
func TestTwoReplicas(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	h.replica()

	u := h.tg.User(newUserID(), "Joko")
	u.Send("/start")
	expect(t, u, "Selamat datang")
	expect(t, u, "Apakah Anda setuju")
	h.stop() // the first replica (which took the poller lease) goes away
	u.Send("/batal")
	expect(t, u, "dibatalkan")
	h.tg.WaitIdle(t)
	if n := len(u.Messages()); n != 3 {
		t.Errorf("%d messages, want 3: an update was answered twice", n)
	}
}

func TestConfigErrorsNameTheVariable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{}, "TELEGRAM_BOT_TOKEN"},
		{map[string]string{"TELEGRAM_BOT_TOKEN": "x", "TZ": "Mars/Olympus"}, "TZ"},
		{map[string]string{"TELEGRAM_BOT_TOKEN": "x", "WEBHOOK_URL": "https://a.example/x"}, "WEBHOOK_SECRET"},
		{map[string]string{"TELEGRAM_BOT_TOKEN": "x", "ADMIN_IDS": "12,abc"}, "ADMIN_IDS"},
		{map[string]string{"TELEGRAM_BOT_TOKEN": "x", "REMINDERS": "3d@25:00"}, "REMINDERS"},
		{map[string]string{"TELEGRAM_BOT_TOKEN": "x", "REMINDERS": "1h,60m"}, "REMINDERS"},
	}
	for _, tt := range tests {
		err := run(t.Context(), []string{"serve"}, tt.env, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: error %v does not name %s", tt.env, err, tt.want)
		}
	}
	var out strings.Builder
	if err := run(t.Context(), []string{"version"}, nil, &out, io.Discard); err != nil || !strings.HasPrefix(out.String(), "asnbot ") {
		t.Errorf("version: %q %v", out.String(), err)
	}
}

// TestPProfOnlyWhenAsked: the profiles are served when PPROF asks for them, and not otherwise.
func TestPProfOnlyWhenAsked(t *testing.T) {
	t.Parallel()
	off := newHarness(t, nil)
	if code, _ := get(t, "http://"+off.addr+"/debug/pprof/"); code != 404 {
		t.Errorf("pprof without PPROF: %d", code)
	}
	on := newHarness(t, map[string]string{"PPROF": "true"})
	if code, body := get(t, "http://"+on.addr+"/debug/pprof/"); code != 200 || !strings.Contains(body, "goroutine") {
		t.Errorf("pprof with PPROF=true: %d", code)
	}
}

package telegramtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
)

func updateIDs(t *testing.T, r apiResp) []int64 {
	t.Helper()
	if !r.OK {
		t.Fatalf("getUpdates: %d %s", r.ErrorCode, r.Description)
	}
	var ups []models.Update
	if err := json.Unmarshal(r.Result, &ups); err != nil {
		t.Fatal(err)
	}
	ids := []int64{}
	for _, u := range ups {
		ids = append(ids, u.ID)
	}
	return ids
}

func TestGetUpdatesOffset(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	u := s.User(7, "Budi")
	a, b := u.Send("/start"), u.Send("dua")
	poll := func(body string) []int64 { return updateIDs(t, call(t, s, "getUpdates", "application/json", body)) }
	if got := fmt.Sprint(poll(`{"offset":0,"timeout":0}`)); got != fmt.Sprint([]int64{a, b}) {
		t.Errorf("first poll = %v", got)
	}
	if got := fmt.Sprint(poll(fmt.Sprintf(`{"offset":%d,"limit":5}`, b))); got != fmt.Sprint([]int64{b}) {
		t.Errorf("offset confirms the first: %v", got)
	}
	if got := poll(fmt.Sprintf(`{"offset":%d}`, b+1)); len(got) != 0 {
		t.Errorf("all confirmed, yet %v", got)
	}
	s.WaitIdle(t)

	// With nothing pending, a poll waits out its timeout.
	start := time.Now()
	if got := poll(`{"timeout":1}`); len(got) != 0 || time.Since(start) < 900*time.Millisecond {
		t.Errorf("empty long poll = %v after %v", got, time.Since(start))
	}
	// A long poll returns as soon as an update arrives.
	go func() { time.Sleep(50 * time.Millisecond); u.Send("tiga") }()
	start = time.Now()
	if got := poll(fmt.Sprintf(`{"offset":%d,"timeout":5}`, b+1)); len(got) != 1 || time.Since(start) > 3*time.Second {
		t.Errorf("long poll = %v after %v", got, time.Since(start))
	}
}

func TestGetUpdatesConflict(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	first := make(chan apiResp)
	go func() { first <- call(t, s, "getUpdates", "application/json", `{"timeout":5}`) }()
	for len(s.Calls("getUpdates")) == 0 { // wait for the first poll to be in
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond)
	second := call(t, s, "getUpdates", "application/json", `{"timeout":0}`)
	if r := <-first; r.ErrorCode != 409 || !strings.Contains(r.Description, "terminated by other getUpdates request") {
		t.Errorf("first poll = %+v", r)
	}
	if !second.OK {
		t.Errorf("second poll = %+v", second)
	}

	if r := call(t, s, "setWebhook", "application/json", `{"url":"http://127.0.0.1:1/hook"}`); !r.OK {
		t.Fatalf("setWebhook: %+v", r)
	}
	if r := call(t, s, "getUpdates", "", ""); r.ErrorCode != 409 || !strings.Contains(r.Description, "webhook is active") {
		t.Errorf("getUpdates with webhook = %+v", r)
	}
}

func TestWebhookDelivery(t *testing.T) {
	t.Parallel()
	s := NewServer(t, WithWebhookRetryDelay(10*time.Millisecond))
	var mu sync.Mutex
	var got []string
	failures := 2
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var upd models.Update
		_ = json.NewDecoder(r.Body).Decode(&upd)
		mu.Lock()
		defer mu.Unlock()
		got = append(got, fmt.Sprintf("%s %d %s", r.Header.Get("X-Telegram-Bot-Api-Secret-Token"), upd.ID, upd.Message.Text))
		if failures > 0 {
			failures--
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	t.Cleanup(hook.Close)
	if r := call(t, s, "setWebhook", "application/x-www-form-urlencoded", "url="+hook.URL+"&secret_token=s3cret"); !r.OK {
		t.Fatalf("setWebhook: %+v", r)
	}
	u := s.User(7, "Budi")
	a, b := u.Send("satu"), u.Send("dua")
	s.WaitIdle(t)
	want := []string{
		fmt.Sprintf("s3cret %d satu", a), fmt.Sprintf("s3cret %d satu", a), fmt.Sprintf("s3cret %d satu", a),
		fmt.Sprintf("s3cret %d dua", b),
	}
	mu.Lock()
	defer mu.Unlock()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("deliveries = %q, want %q (in order, redelivered, with the secret)", got, want)
	}
	if url, secret := s.Webhook(); url != hook.URL || secret != "s3cret" {
		t.Errorf("Webhook() = %q, %q", url, secret)
	}
}

// fakeTB records failures instead of stopping the goroutine, so a test can inspect them.
type fakeTB struct {
	testing.TB
	msgs []string
}

func (f *fakeTB) Helper() {}

func (f *fakeTB) Fatalf(format string, args ...any) {
	f.msgs = append(f.msgs, fmt.Sprintf(format, args...))
}

func TestTimeoutsDumpTheChat(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	s.wait = 50 * time.Millisecond
	u := s.User(7, "Budi")
	u.Send("/start")
	ft := &fakeTB{}
	u.Next(ft)
	s.WaitIdle(ft)
	if len(ft.msgs) != 2 || !strings.Contains(ft.msgs[0], `user #1 Budi: "/start"`) || !strings.Contains(ft.msgs[1], "unconfirmed") {
		t.Errorf("failures = %q", ft.msgs)
	}
	ft.msgs = nil
	u.Press(ft, Message{ID: 1, ChatID: 7}, "Ya")
	if len(ft.msgs) != 1 || !strings.Contains(ft.msgs[0], "does not exist") {
		t.Errorf("Press failures = %q", ft.msgs)
	}
}

func TestParseHTML(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want, wantErr string }{
		{"<b>a</b> <strong>b</strong> <i>c</i><em>d</em><u>e</u><ins>f</ins><s>g</s><strike>h</strike><del>i</del>", "a b cdefghi", ""},
		{`<a href="https://x.id">x</a><code>y</code><pre><code class="language-go">z</code></pre>`, "xyz", ""},
		{`<tg-spoiler>s</tg-spoiler><span class="tg-spoiler">t</span><blockquote expandable>q</blockquote><tg-emoji emoji-id="1">👍</tg-emoji>`, "stq👍", ""},
		{"&lt;&gt;&amp;&quot;&#39;&#x41;", `<>&"'A`, ""},
		{"a > b", "a > b", ""},
		{"<span>x</span>", "", `Unsupported start tag "span"`},
		{"<b>x", "", `Can't find end tag corresponding to start tag "b"`},
		{"<b><i>x</b></i>", "", `Unmatched end tag at byte offset 7, expected "</i>", found "</b>"`},
		{"x</b>", "", "Unexpected end tag"},
		{"1 < 2", "", "Unclosed start tag"},
		{"a & b", "", `Unescaped "&"`},
		{"&nbsp;", "", `Unescaped "&"`},
	}
	for _, tt := range tests {
		got, err := parseHTML(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("parseHTML(%q) error = %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("parseHTML(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestUserActions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		act  func(s *Server, u *User) int64
		want []string // fragments of the update's JSON
	}{
		{"command", func(_ *Server, u *User) int64 { return u.Send("/daftar now") },
			[]string{`"text":"/daftar now"`, `"type":"bot_command","offset":0,"length":7`, `"chat":{"id":7,"type":"private"`}},
		{"group", func(_ *Server, u *User) int64 { return u.SendInGroup(-100, "hai") },
			[]string{`"chat":{"id":-100,"type":"group","title":"Group 100"}`, `"from":{"id":7`}},
		{"own contact", func(_ *Server, u *User) int64 { return u.ShareContact("+62811") },
			[]string{`"contact":{"phone_number":"+62811","first_name":"Budi","user_id":7}`}},
		{"other's contact", func(s *Server, u *User) int64 { s.User(8, "Sari"); return u.ShareContactOf("+62812", 8) },
			[]string{`"contact":{"phone_number":"+62812","first_name":"Sari","user_id":8}`}},
		{"sticker", func(_ *Server, u *User) int64 { return u.SendSticker() }, []string{`"sticker":{"file_id":`}},
		{"photo", func(_ *Server, u *User) int64 { return u.SendPhoto() }, []string{`"photo":[{"file_id":`}},
		{"raw", func(s *Server, _ *User) int64 {
			return s.Enqueue(models.Update{ID: 5000, Message: &models.Message{ID: 1, Chat: models.Chat{ID: 9, Type: "private"}, Text: "raw"}})
		}, []string{`"update_id":5000`, `"text":"raw"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := NewServer(t)
			id := tt.act(s, s.User(7, "Budi"))
			r := call(t, s, "getUpdates", "", "")
			if ids := updateIDs(t, r); len(ids) != 1 || ids[0] != id {
				t.Fatalf("updates %v, action returned %d", ids, id)
			}
			for _, w := range tt.want {
				if !strings.Contains(string(r.Result), w) {
					t.Errorf("update %s lacks %s", r.Result, w)
				}
			}
		})
	}
}

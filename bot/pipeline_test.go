package bot_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/bpsdm/asnbot/bot"
	"github.com/bpsdm/asnbot/bot/telegramtest"
	"github.com/bpsdm/asnbot/flows"
	"github.com/bpsdm/asnbot/locales"
	"github.com/bpsdm/asnbot/storage"
	"github.com/bpsdm/asnbot/storage/storagetest"
)

// handlerFunc lets a test be the application.
type handlerFunc func(ctx context.Context, in flows.Input) (flows.Output, error)

func (f handlerFunc) Handle(ctx context.Context, in flows.Input) (flows.Output, error) {
	return f(ctx, in)
}

// echo answers every text with itself, so tests can see what was handled and in which order.
func echo(_ context.Context, in flows.Input) (flows.Output, error) {
	return flows.Output{Replies: []flows.Reply{{Text: flows.Raw("echo:" + in.Text)}}}, nil
}

// unreachable records chats the sender marked unreachable.
type unreachable struct {
	mu    sync.Mutex
	chats []int64
}

func (u *unreachable) MarkUnreachable(_ context.Context, chatID int64) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.chats = append(u.chats, chatID)
	return nil
}

type rig struct {
	tg     *telegramtest.Server
	pipe   *bot.Pipeline
	redis  *storage.Redis
	marked *unreachable
	sender *bot.Sender
}

// newRig wires a pipeline to the fake Bot API and a Redis prefix of the test's own.
func newRig(t *testing.T, h bot.Handler, opt storage.RedisOptions, cfg ...func(*bot.PipelineConfig)) *rig {
	t.Helper()
	r := &rig{tg: telegramtest.NewServer(t), redis: storagetest.Redis(t, opt), marked: &unreachable{}}
	api, err := bot.NewAPI(r.tg.URL(), telegramtest.Token)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	m := bot.NewMetrics(prometheus.NewRegistry())
	r.sender = &bot.Sender{API: api, R: bot.NewRenderer(locales.MustLoad()), Unreachable: r.marked, M: m, Log: log, Backoff: 10 * time.Millisecond}
	pc := bot.PipelineConfig{Handler: h, Sender: r.sender, Coordinator: r.redis, Metrics: m, Log: log, Workers: 4}
	for _, f := range cfg {
		f(&pc)
	}
	r.pipe = bot.NewPipeline(pc)
	t.Cleanup(func() { r.pipe.Close(context.Background()) })
	return r
}

// poll runs a poller until the test ends.
func (r *rig) poll(t *testing.T) { r.pollWith(t, nil) }

// pollWith runs a poller with an update inbox until the test ends; WaitIdle then also waits
// for the inbox to empty, every update in it handled.
func (r *rig) pollWith(t *testing.T, box bot.Inbox) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	p := &bot.Poller{BaseURL: r.tg.URL(), Token: telegramtest.Token, Pipeline: r.pipe, Coordinator: r.redis,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Timeout: 2 * time.Second, Inbox: box}
	if box != nil {
		r.tg.SetIdle(func() bool {
			ids, _, err := box.PendingUpdates(context.Background())
			return err == nil && len(ids) == 0
		})
	}
	go func() { defer close(done); _ = p.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
}

func texts(u *telegramtest.User) []string {
	var out []string
	for _, m := range u.Messages() {
		out = append(out, m.Text)
	}
	return out
}

func TestUpdatesOfOneChatAreHandledInOrder(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var seen []string
	r := newRig(t, handlerFunc(func(ctx context.Context, in flows.Input) (flows.Output, error) {
		if in.Text == "1" {
			time.Sleep(50 * time.Millisecond) // the first is slow: the second must still wait
		}
		mu.Lock()
		seen = append(seen, in.Text)
		mu.Unlock()
		return echo(ctx, in)
	}), storage.RedisOptions{})
	r.poll(t)
	u := r.tg.User(1, "A")
	for _, s := range []string{"1", "2", "3", "4", "5"} {
		u.Send(s)
	}
	r.tg.WaitIdle(t)
	mu.Lock()
	defer mu.Unlock()
	if strings.Join(seen, ",") != "1,2,3,4,5" {
		t.Errorf("handled in order %v", seen)
	}
	if got := strings.Join(texts(u), ","); got != "echo:1,echo:2,echo:3,echo:4,echo:5" {
		t.Errorf("replies %s", got)
	}
}

func TestChatsRunInParallel(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	r := newRig(t, handlerFunc(func(ctx context.Context, in flows.Input) (flows.Output, error) {
		if in.ChatID == 1 {
			select { // chat 1 is stuck until chat 2 has been answered
			case <-release:
			case <-ctx.Done():
			}
		}
		return echo(ctx, in)
	}), storage.RedisOptions{})
	a, b := r.tg.User(1, "A"), r.tg.User(2, "B")
	a.Send("slow")
	b.Send("fast")
	r.poll(t) // both in one batch: the poller hands them over together
	if m := b.Next(t); m.Text != "echo:fast" {
		t.Errorf("chat 2 got %q", m.Text)
	}
	close(release)
	if m := a.Next(t); m.Text != "echo:slow" {
		t.Errorf("chat 1 got %q", m.Text)
	}
}

func TestPanicIsAnsweredPolitely(t *testing.T) {
	t.Parallel()
	r := newRig(t, handlerFunc(func(ctx context.Context, in flows.Input) (flows.Output, error) {
		if in.Text == "boom" {
			var m map[string]int
			m["x"] = 1 // a nil map write: a real runtime panic
		}
		return echo(ctx, in)
	}), storage.RedisOptions{})
	r.poll(t)
	u := r.tg.User(3, "C")
	u.Send("boom")
	if m := u.Next(t); !strings.Contains(m.Text, "terjadi kesalahan") {
		t.Errorf("after a panic the user got %q", m.Text)
	}
	u.Send("after")
	if m := u.Next(t); m.Text != "echo:after" {
		t.Errorf("the bot did not go on after a panic: %q", m.Text)
	}
}

func TestFaultIsAnsweredWithTryAgain(t *testing.T) {
	t.Parallel()
	r := newRig(t, handlerFunc(func(ctx context.Context, in flows.Input) (flows.Output, error) {
		return flows.Output{}, context.DeadlineExceeded // what a vanished Postgres looks like
	}), storage.RedisOptions{})
	r.poll(t)
	u := r.tg.User(4, "D")
	u.Send("halo")
	if m := u.Next(t); !strings.Contains(m.Text, "diproses otomatis") {
		t.Errorf("got %q", m.Text)
	}
}

func TestTooManyRequestsIsRetriedAfterRetryAfter(t *testing.T) {
	t.Parallel()
	r := newRig(t, handlerFunc(echo), storage.RedisOptions{})
	r.poll(t)
	u := r.tg.User(5, "E")
	r.tg.Fail("sendMessage", 1, telegramtest.Fault{Code: 429, Description: "Too Many Requests: retry after 1", RetryAfter: 1})
	r.tg.Fail("sendMessage", 1, telegramtest.Fault{Code: 502, Description: "Bad Gateway"})
	u.Send("x")
	start := time.Now()
	if m := u.Next(t); m.Text != "echo:x" {
		t.Errorf("got %q", m.Text)
	}
	calls := r.tg.Calls("sendMessage")
	if len(calls) != 3 {
		t.Fatalf("%d sendMessage calls, want 3 (429, 502, ok)", len(calls))
	}
	if gap := calls[1].At.Sub(calls[0].At); gap < 900*time.Millisecond {
		t.Errorf("retried %v after a 429 with retry_after 1s", gap)
	}
	_ = start
}

func TestForbiddenMarksUnreachable(t *testing.T) {
	t.Parallel()
	r := newRig(t, handlerFunc(echo), storage.RedisOptions{})
	r.poll(t)
	u := r.tg.User(6, "F")
	u.Block()
	u.Send("x")
	r.tg.WaitIdle(t)
	r.marked.mu.Lock()
	defer r.marked.mu.Unlock()
	if len(r.marked.chats) != 1 || r.marked.chats[0] != 6 {
		t.Errorf("marked %v", r.marked.chats)
	}
	if n := len(r.tg.Calls("sendMessage")); n != 1 {
		t.Errorf("a 403 was retried: %d calls", n)
	}
}

func TestBlockingTheBotMarksUnreachable(t *testing.T) {
	t.Parallel()
	r := newRig(t, handlerFunc(echo), storage.RedisOptions{})
	r.poll(t)
	u := models.User{ID: 11, FirstName: "K"}
	member := func(status models.ChatMemberType) models.ChatMember {
		if status == models.ChatMemberTypeBanned {
			return models.ChatMember{Type: status, Banned: &models.ChatMemberBanned{Status: status, User: &u}}
		}
		return models.ChatMember{Type: status, Member: &models.ChatMemberMember{Status: status, User: &u}}
	}
	r.tg.Enqueue(models.Update{MyChatMember: &models.ChatMemberUpdated{
		Chat: models.Chat{ID: 11, Type: models.ChatTypePrivate}, From: u, Date: 1,
		OldChatMember: member(models.ChatMemberTypeMember), NewChatMember: member(models.ChatMemberTypeBanned),
	}})
	r.tg.WaitIdle(t)
	r.marked.mu.Lock()
	defer r.marked.mu.Unlock()
	if len(r.marked.chats) != 1 || r.marked.chats[0] != 11 {
		t.Errorf("marked %v", r.marked.chats)
	}
}

func TestEditNotModifiedIsSuccess(t *testing.T) {
	t.Parallel()
	menu := flows.Reply{Text: flows.Raw("menu"), Buttons: [][]flows.Button{{{Label: flows.Raw("A"), Data: "a"}}}}
	r := newRig(t, handlerFunc(func(ctx context.Context, in flows.Input) (flows.Output, error) {
		if in.Kind == flows.KindCallback {
			m := menu
			m.Edit = true
			return flows.Output{Replies: []flows.Reply{m}}, nil
		}
		return flows.Output{Replies: []flows.Reply{menu}}, nil
	}), storage.RedisOptions{})
	r.poll(t)
	u := r.tg.User(7, "G")
	u.Send("x")
	m := u.Next(t)
	u.Press(t, m, "A") // the same content: Telegram answers "message is not modified"
	u.Press(t, m, "A")
	r.tg.WaitIdle(t)
	if n := len(r.tg.Calls("sendMessage")); n != 1 {
		t.Errorf("a not-modified edit fell back to %d sends", n)
	}
	if n := len(u.CallbackAnswers()); n != 2 {
		t.Errorf("%d callback answers, want 2", n)
	}
}

func TestFloodIsSlowedDownWithOneMessage(t *testing.T) {
	t.Parallel()
	r := newRig(t, handlerFunc(echo), storage.RedisOptions{FloodLimit: 5, FloodWindow: time.Minute})
	r.poll(t)
	u := r.tg.User(8, "H")
	for range 9 {
		u.Send("x")
	}
	r.tg.WaitIdle(t)
	var echoes, slow int
	for _, s := range texts(u) {
		switch {
		case s == "echo:x":
			echoes++
		case strings.Contains(s, "Mohon tunggu"):
			slow++
		}
	}
	if echoes != 5 || slow != 1 {
		t.Errorf("%d handled and %d notices, want 5 and 1: %v", echoes, slow, texts(u))
	}
}

func TestWebhook(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	handled := map[string]int{}
	r := newRig(t, handlerFunc(func(ctx context.Context, in flows.Input) (flows.Output, error) {
		mu.Lock()
		handled[in.Text]++
		mu.Unlock()
		return echo(ctx, in)
	}), storage.RedisOptions{})
	hook := &bot.Webhook{Secret: "s3cret", Pipeline: r.pipe, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	srv := httptest.NewServer(hook)
	t.Cleanup(srv.Close)

	body := `{"update_id":7777777,"message":{"message_id":1,"date":1,"chat":{"id":9,"type":"private"},"from":{"id":9,"first_name":"I"},"text":"twice"}}`
	post := func(secret string) int {
		req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(body))
		if secret != "" {
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if c := post(""); c != http.StatusUnauthorized {
		t.Errorf("no secret: %d", c)
	}
	if c := post("wrong"); c != http.StatusUnauthorized {
		t.Errorf("wrong secret: %d", c)
	}
	r.tg.User(9, "I").Send("hello") // makes the chat known to the fake
	if c := post("s3cret"); c != http.StatusOK {
		t.Errorf("right secret: %d", c)
	}
	if c := post("s3cret"); c != http.StatusOK { // Telegram retrying the same update
		t.Errorf("redelivery: %d", c)
	}
	mu.Lock()
	if handled["twice"] != 1 {
		t.Errorf("the update was handled %d times, want once (and never on a bad secret)", handled["twice"])
	}
	mu.Unlock()

	// Delivered by the fake Telegram itself, through setWebhook.
	api, _ := tgbot.New(telegramtest.Token, tgbot.WithServerURL(r.tg.URL()), tgbot.WithSkipGetMe())
	if _, err := api.SetWebhook(context.Background(), &tgbot.SetWebhookParams{URL: srv.URL, SecretToken: "s3cret"}); err != nil {
		t.Fatal(err)
	}
	u := r.tg.User(10, "J")
	u.Send("via webhook")
	if m := u.Next(t); m.Text != "echo:via webhook" {
		t.Errorf("got %q", m.Text)
	}
}

// TestJSONCallsKeepTheRetryPolicy: the calls made with a JSON body read Telegram's answers as
// the library's calls do: a 429 waits for retry_after, a 5xx is retried, a 403 marks the chat
// unreachable and is not retried, "message is not modified" is success.
func TestJSONCallsKeepTheRetryPolicy(t *testing.T) {
	t.Parallel()
	menu := flows.Reply{Text: flows.Raw("menu"), Buttons: [][]flows.Button{{{Label: flows.Raw("A"), Data: "a"}}}}
	r := newRig(t, handlerFunc(func(ctx context.Context, in flows.Input) (flows.Output, error) {
		m := menu
		m.Edit = in.Kind == flows.KindCallback
		return flows.Output{Replies: []flows.Reply{m}}, nil
	}), storage.RedisOptions{})
	r.sender.JSON = bot.NewJSON(r.tg.URL(), telegramtest.Token)
	r.poll(t)

	u := r.tg.User(21, "J")
	r.tg.Fail("sendMessage", 1, telegramtest.Fault{Code: 429, Description: "Too Many Requests: retry after 1", RetryAfter: 1})
	r.tg.Fail("sendMessage", 1, telegramtest.Fault{Code: 502, Description: "Bad Gateway"})
	u.Send("x")
	m := u.Next(t)
	calls := r.tg.Calls("sendMessage")
	if len(calls) != 3 || calls[2].Params["text"] != "menu" || !strings.Contains(calls[2].Params["reply_markup"], `"callback_data":"a"`) {
		t.Fatalf("%d sendMessage calls, want 3 (429, 502, ok): %+v", len(calls), calls)
	}
	if gap := calls[1].At.Sub(calls[0].At); gap < 900*time.Millisecond {
		t.Errorf("retried %v after a 429 with retry_after 1s", gap)
	}
	u.Press(t, m, "A") // the same content: "message is not modified"
	r.tg.WaitIdle(t)
	if n := len(r.tg.Calls("sendMessage")); n != 3 {
		t.Errorf("a not-modified edit fell back to a send: %d sends", n)
	}
	if n := len(u.CallbackAnswers()); n != 1 {
		t.Errorf("%d callback answers, want 1", n)
	}

	b := r.tg.User(22, "K")
	b.Block()
	b.Send("x")
	r.tg.WaitIdle(t)
	r.marked.mu.Lock()
	defer r.marked.mu.Unlock()
	if len(r.marked.chats) != 1 || r.marked.chats[0] != 22 {
		t.Errorf("marked %v", r.marked.chats)
	}
}

// TestSlowChatDoesNotHoldOthers: with the update inbox, the poller fetches the next batch
// while a slow update is handled, so another chat is answered at once; each handled update
// leaves the inbox.
func TestSlowChatDoesNotHoldOthers(t *testing.T) {
	t.Parallel()
	started := make(chan struct{}, 1)
	release := make(chan struct{})
	r := newRig(t, handlerFunc(func(ctx context.Context, in flows.Input) (flows.Output, error) {
		if in.ChatID == 31 {
			started <- struct{}{}
			<-release
		}
		return echo(ctx, in)
	}), storage.RedisOptions{})
	db := storagetest.DB(t)
	r.pollWith(t, db)
	var once sync.Once
	free := func() { once.Do(func() { close(release) }) }
	t.Cleanup(free) // a failed check must not leave the slow handler, and the test, hanging
	slow, quick := r.tg.User(31, "S"), r.tg.User(32, "Q")
	slow.Send("lambat")
	<-started
	quick.Send("cepat")
	if m := quick.Next(t); m.Text != "echo:cepat" {
		t.Errorf("got %q", m.Text)
	}
	free()
	if m := slow.Next(t); m.Text != "echo:lambat" {
		t.Errorf("got %q", m.Text)
	}
	r.tg.WaitIdle(t)
}

// TestInboxIsHandledOnStart: updates an earlier process recorded but did not handle are
// handled when the poller starts, and leave the inbox.
func TestInboxIsHandledOnStart(t *testing.T) {
	t.Parallel()
	r := newRig(t, handlerFunc(echo), storage.RedisOptions{})
	db := storagetest.DB(t)
	u := r.tg.User(33, "L")
	u.OpenChat()
	body := []byte(`{"update_id":77,"message":{"message_id":5,"date":1,"chat":{"id":33,"type":"private","first_name":"L"},` +
		`"from":{"id":33,"is_bot":false,"first_name":"L"},"text":"tertinggal"}}`)
	if err := db.RecordUpdates(context.Background(), []int64{77}, [][]byte{body}); err != nil {
		t.Fatal(err)
	}
	r.pollWith(t, db)
	if m := u.Next(t); m.Text != "echo:tertinggal" {
		t.Errorf("got %q", m.Text)
	}
	r.tg.WaitIdle(t)
}

// Review defect 7: a handler that runs out of time still gets the user a "try again": the
// handler has less time than the update, and the answer a short time of its own.
func TestHandlerOutOfTimeStillAnswers(t *testing.T) {
	t.Parallel()
	r := newRig(t, handlerFunc(func(ctx context.Context, in flows.Input) (flows.Output, error) {
		<-ctx.Done() // a statement that never returns, until its context ends
		return flows.Output{}, ctx.Err()
	}), storage.RedisOptions{}, func(c *bot.PipelineConfig) { c.UpdateTimeout = 400 * time.Millisecond })
	r.poll(t)
	u := r.tg.User(41, "W")
	u.Send("daftar")
	if m := u.Next(t); !strings.Contains(m.Text, "diproses otomatis") {
		t.Errorf("got %q", m.Text)
	}
}

// Review defect 6: an update that failed for a fault (Postgres gone) is answered politely
// once, kept, tried again after a growing pause, and confirmed only once it is handled; the
// chat's next update waits behind it, so the chat keeps its order.
func TestFaultyUpdateIsTriedAgainUntilHandled(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var handled []string
	r := newRig(t, handlerFunc(func(ctx context.Context, in flows.Input) (flows.Output, error) {
		mu.Lock()
		defer mu.Unlock()
		if handled = append(handled, in.Text); len(handled) <= 3 {
			return flows.Output{}, errors.New("dial tcp 127.0.0.1:5432: connection refused")
		}
		return echo(ctx, in)
	}), storage.RedisOptions{}, func(c *bot.PipelineConfig) { c.FaultRetry = 20 * time.Millisecond })
	r.pollWith(t, storagetest.DB(t))
	u := r.tg.User(42, "F")
	u.Send("daftar")
	if m := u.Next(t); !strings.Contains(m.Text, "diproses otomatis") {
		t.Fatalf("first answer %q", m.Text)
	}
	u.Send("kedua")
	for _, want := range []string{"echo:daftar", "echo:kedua"} {
		if m := u.Next(t); m.Text != want {
			t.Errorf("got %q, want %q (all: %q)", m.Text, want, texts(u))
		}
	}
	r.tg.WaitIdle(t)
	if got := texts(u); len(got) != 3 {
		t.Errorf("the user was told %d things: %q", len(got), got)
	}
	mu.Lock()
	defer mu.Unlock()
	if want := []string{"daftar", "daftar", "daftar", "daftar", "kedua"}; !slices.Equal(handled, want) {
		t.Errorf("handled %q, want %q", handled, want)
	}
}

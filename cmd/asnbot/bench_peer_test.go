package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
	"github.com/redis/go-redis/v9"

	"github.com/bpsdm/asnbot/bot/telegramtest"
	"github.com/bpsdm/asnbot/flows/catalogfile"
	"github.com/bpsdm/asnbot/storage/storagetest"
)

// BenchmarkPagingVsGrammy: the same catalogue paging load on our bot, on the grammY peer
// (../shared/peers/grammy, `npm install` there once) and on a bot that only answers (the
// transport's ceiling: no Redis, no Postgres), rotated, three rounds each: N users
// (default 200; ASNBOT_BENCH_USERS) each open /katalog and tap "Berikutnya" 10 times, each
// bot against a fake Bot API of its own, with real Postgres and Redis. It reports the medians
// of taps a second and p50/p99 from a tap to its edit, for each bot, and ours over grammY's.
//
//	go test -run '^$' -bench PagingVsGrammy -benchtime 1x -timeout 30m ./cmd/asnbot/
func BenchmarkPagingVsGrammy(b *testing.B) {
	n := benchEnv("ASNBOT_BENCH_USERS", 200)
	peer, why := grammyPeer()
	if why != "" {
		b.Skip(why)
	}
	for range b.N {
		b.StopTimer()
		var ours, theirs, ceiling []tapFigures
		if os.Getenv("ASNBOT_BENCH_ONLY") == "ours" { // for a profile of our side alone
			for range 3 {
				ours = append(ours, pageOurs(b, n))
			}
			o := medianFigures(ours)
			b.ReportMetric(o.rate, "ours_taps/s")
			b.ReportMetric(o.p99, "ours_p99_ms")
			continue
		}
		for round := range 3 {
			run := []func(){func() { ours = append(ours, pageOurs(b, n)) }, func() { theirs = append(theirs, pageGrammy(b, peer, n)) },
				func() { ceiling = append(ceiling, pageCeiling(b, n)) }}
			if round%2 == 1 {
				slices.Reverse(run)
			}
			for _, r := range run {
				r()
			}
		}
		for i := range ours {
			b.Logf("round %d: ours %.1f taps/s p99 %.0f ms; grammY %.1f taps/s p99 %.0f ms; answer-only %.1f taps/s p99 %.0f ms",
				i+1, ours[i].rate, ours[i].p99, theirs[i].rate, theirs[i].p99, ceiling[i].rate, ceiling[i].p99)
		}
		o, g, c := medianFigures(ours), medianFigures(theirs), medianFigures(ceiling)
		b.ReportMetric(o.rate, "ours_taps/s")
		b.ReportMetric(o.p50, "ours_p50_ms")
		b.ReportMetric(o.p99, "ours_p99_ms")
		b.ReportMetric(g.rate, "grammy_taps/s")
		b.ReportMetric(g.p50, "grammy_p50_ms")
		b.ReportMetric(g.p99, "grammy_p99_ms")
		b.ReportMetric(c.rate, "ceiling_taps/s")
		b.ReportMetric(c.p99, "ceiling_p99_ms")
		b.ReportMetric(o.rate/c.rate, "ours_of_ceiling")
		b.ReportMetric(g.rate/c.rate, "grammy_of_ceiling")
		b.ReportMetric(o.rate/g.rate, "rate_ratio")
		b.ReportMetric(o.p99/g.p99, "p99_ratio")
	}
}

func medianFigures(fs []tapFigures) tapFigures {
	med := func(get func(tapFigures) float64) float64 {
		v := make([]float64, 0, len(fs))
		for _, f := range fs {
			v = append(v, get(f))
		}
		slices.Sort(v)
		return v[len(v)/2]
	}
	return tapFigures{rate: med(func(f tapFigures) float64 { return f.rate }),
		p50: med(func(f tapFigures) float64 { return f.p50 }), p99: med(func(f tapFigures) float64 { return f.p99 })}
}

// pagingScript: /katalog, then ten taps on the "Berikutnya" button (whatever follows the word).
func pagingScript(b *testing.B) func(u *telegramtest.User, tap func(func())) {
	return func(u *telegramtest.User, tap func(func())) {
		u.Send("/katalog")
		m := u.Next(b)
		next := prefix("Berikutnya")
		for range 10 {
			label := next(m)
			tap(func() { u.Press(b, m, label) })
			m = u.Next(b)
		}
	}
}

func pageOurs(b *testing.B, n int) tapFigures {
	env := map[string]string{"FLOOD_LIMIT": "1000"}
	if w := os.Getenv("ASNBOT_BENCH_WORKERS"); w != "" {
		env["WORKERS"] = w
	}
	h := newHarness(b, env)
	defer h.stop()
	courses := make([]catalogfile.Course, 0, 60)
	for i := range 60 {
		courses = append(courses, course(fmt.Sprintf("PG-%02d", i), fmt.Sprintf("Pelatihan Nomor %02d", i), batch("Angkatan I", 30+i%20, 2, 50)))
	}
	h.seed(courses...)
	users := make([]*telegramtest.User, n)
	for i := range users {
		users[i] = h.tg.User(int64(800000+i), "G"+strconv.Itoa(i))
	}
	return loadTaps(b, users, pagingScript(b))
}

// pageGrammy pages the catalogue on the grammY peer (startGrammy).
func pageGrammy(b *testing.B, dir string, n int) tapFigures {
	tg, stop := startGrammy(b, dir)
	defer stop()
	users := make([]*telegramtest.User, n)
	for i := range users {
		users[i] = tg.User(int64(800000+i), "G"+strconv.Itoa(i))
	}
	return loadTaps(b, users, pagingScript(b))
}

// startGrammy runs the grammY peer as a child process against a fake Bot API of its own, a
// fresh database and a Redis database of its own (15, emptied first), until stop.
func startGrammy(b *testing.B, dir string) (tg *telegramtest.Server, stop func()) {
	tg = telegramtest.NewServer(b)
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379", DB: 15})
	defer rdb.Close()
	if err := rdb.FlushDB(context.Background()).Err(); err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command("node", "bot.mjs")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TELEGRAM_BOT_TOKEN="+telegramtest.Token, "TELEGRAM_API_URL="+tg.URL(),
		"DATABASE_URL="+storagetest.DatabaseURL(b), "REDIS_URL=redis://127.0.0.1:6379/15")
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	stopped := false
	stop = func() {
		if !stopped {
			stopped = true
			_ = cmd.Process.Signal(syscall.SIGTERM)
			_ = cmd.Wait()
		}
	}
	b.Cleanup(stop)
	awaitPolling(b, tg, out)
	return tg, stop
}

// awaitPolling waits until a bot started as a process asks tg for updates.
func awaitPolling(b *testing.B, tg *telegramtest.Server, out fmt.Stringer) {
	deadline := time.Now().Add(30 * time.Second)
	for len(tg.Calls("getUpdates")) == 0 {
		if time.Now().After(deadline) {
			b.Fatalf("the bot did not start polling:\n%s", out)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// pageCeiling pages the catalogue on the answer-only bot (startCeiling).
func pageCeiling(b *testing.B, n int) tapFigures {
	tg, stop := startCeiling(b)
	defer stop()
	users := make([]*telegramtest.User, n)
	for i := range users {
		users[i] = tg.User(int64(800000+i), "C"+strconv.Itoa(i))
	}
	return loadTaps(b, users, pagingScript(b))
}

// startCeiling runs the transport's ceiling until stop: a bot that only answers, with no
// Redis, no Postgres and no durability (it confirms every update at once), the same static
// page with one button on every message or tap, over JSON calls on kept-alive connections.
func startCeiling(b *testing.B) (*telegramtest.Server, func()) {
	tg := telegramtest.NewServer(b)
	ctx, cancel := context.WithCancel(context.Background())
	base := tg.URL() + "/bot" + telegramtest.Token + "/"
	client := &http.Client{Transport: &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256}}
	post := func(method string, params any) []byte {
		body, _ := json.Marshal(params)
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+method, bytes.NewReader(body))
		if err != nil {
			return nil
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			return nil
		}
		defer resp.Body.Close()
		out, _ := io.ReadAll(resp.Body)
		return out
	}
	page := map[string]any{"inline_keyboard": [][]map[string]string{{{"text": "Berikutnya ›", "callback_data": "p:1"}}}}
	text := "Katalog Pelatihan\n1. Pelatihan Nomor 01 (32 JP)\n2. Pelatihan Nomor 02 (24 JP)\n3. Pelatihan Nomor 03 (16 JP)"
	go func() {
		offset := int64(0)
		for ctx.Err() == nil {
			var r struct {
				Result []models.Update `json:"result"`
			}
			if json.Unmarshal(post("getUpdates", map[string]any{"offset": offset, "timeout": 1}), &r) != nil {
				continue
			}
			for _, u := range r.Result {
				offset = u.ID + 1
				go func() {
					switch {
					case u.Message != nil:
						post("sendMessage", map[string]any{"chat_id": u.Message.Chat.ID, "text": text, "reply_markup": page})
					case u.CallbackQuery != nil && u.CallbackQuery.Message.Message != nil:
						m := u.CallbackQuery.Message.Message
						post("answerCallbackQuery", map[string]any{"callback_query_id": u.CallbackQuery.ID})
						post("editMessageText", map[string]any{"chat_id": m.Chat.ID, "message_id": m.ID,
							"text": text + "\n(" + strconv.FormatInt(u.ID, 10) + ")", "reply_markup": page})
					}
				}()
			}
		}
	}()
	return tg, cancel
}

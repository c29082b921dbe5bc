package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bpsdm/asnbot/bot/telegramtest"
	"github.com/bpsdm/asnbot/flows"
)

// hookSecret is the webhook secret of the replicas test.
const hookSecret = "rahasia-replika-7"

// dispatcher stands between Telegram (the fake) and two webhook replicas, as a load balancer
// with a bad day would: it POSTs each update, with the secret header, to one replica or to
// both at once, loses some replicas' answers (so Telegram gets a 5xx and sends the update
// again, here to the other replica), and gives up on others after a few milliseconds (a
// timeout: Telegram sends it again while the first replica may still be at it).
type dispatcher struct {
	client *http.Client

	mu       sync.Mutex
	targets  []string // the replicas' webhook URLs
	attempts map[int64]int
	counts   map[string]int // what was done, for the report
	posts    int            // POSTs that reached a replica
}

func newDispatcher() *dispatcher {
	return &dispatcher{client: &http.Client{}, attempts: map[int64]int{}, counts: map[string]int{}}
}

func (d *dispatcher) count(what string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.counts[what]++
}

// post sends one update to replica k and returns its HTTP status; 0 when there was no answer
// within timeout (0: no limit).
func (d *dispatcher) post(k int, body []byte, timeout time.Duration) int {
	d.mu.Lock()
	target := d.targets[k]
	d.posts++
	d.mu.Unlock()
	ctx := context.Background()
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return 0
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Telegram-Bot-Api-Secret-Token", hookSecret)
	resp, err := d.client.Do(req)
	if err != nil {
		return 0
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp.StatusCode
}

func (d *dispatcher) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	var u struct {
		ID int64 `json:"update_id"`
	}
	if err != nil || json.Unmarshal(body, &u) != nil || u.ID == 0 {
		http.Error(w, "bad update", http.StatusBadRequest)
		return
	}
	d.mu.Lock()
	ready := len(d.targets) == 2
	d.attempts[u.ID]++
	attempt := d.attempts[u.ID]
	d.mu.Unlock()
	if !ready {
		http.Error(w, "no replica yet", http.StatusServiceUnavailable)
		return
	}
	k := int(u.ID % 2)
	mode := "retry"
	if attempt == 1 {
		// A fixed mix, by a hash of the update id: the same run every time.
		mode = []string{"one", "one", "one", "one", "both", "both", "lost", "lost", "timeout", "timeout"}[(uint64(u.ID)*0x9E3779B97F4A7C15)>>32%10]
	} else {
		k = (k + attempt - 1) % 2 // Telegram's next try lands on the other replica
	}
	relay := func(code int) {
		if code == 0 {
			code = http.StatusGatewayTimeout
		}
		w.WriteHeader(code)
	}
	switch mode {
	case "one", "retry":
		d.count(mode)
		relay(d.post(k, body, 0))
	case "both":
		// The same update to both replicas at once: one handles it, the other must see that.
		d.count(mode)
		codes := make([]int, 2)
		var wg sync.WaitGroup
		for i := range 2 {
			wg.Add(1)
			go func() { defer wg.Done(); codes[i] = d.post(i, body, 0) }()
		}
		wg.Wait()
		if codes[0] == http.StatusOK || codes[1] == http.StatusOK {
			relay(http.StatusOK)
		} else {
			relay(max(codes[0], codes[1]))
		}
	case "lost":
		// The replica handles it and answers 200, the answer is lost on the way: Telegram sees
		// a 502 and sends the update again.
		d.count(mode)
		d.post(k, body, 0)
		relay(http.StatusBadGateway)
	case "timeout":
		// Telegram stops waiting: the replica goes on with the update, which comes again.
		code := d.post(k, body, 15*time.Millisecond)
		if code == 0 {
			d.count("timeout")
		} else {
			d.count("one") // answered in time after all
		}
		relay(code)
	}
}

// handledTotal sums asnbot_updates_total over every kind and result, from a replica's metrics.
func handledTotal(t *testing.T, addr string) (total, duplicates int) {
	t.Helper()
	code, body := get(t, "http://"+addr+"/metrics")
	if code != http.StatusOK {
		t.Fatalf("metrics: %d", code)
	}
	for _, line := range strings.Split(body, "\n") {
		if !strings.HasPrefix(line, "asnbot_updates_total{") {
			continue
		}
		f := strings.Fields(line)
		v, err := strconv.ParseFloat(f[len(f)-1], 64)
		if err != nil {
			t.Fatalf("metrics line %q", line)
		}
		total += int(v)
		if strings.Contains(line, `result="duplicate"`) {
			duplicates += int(v)
		}
	}
	return total, duplicates
}

// replyToken is the search each text of the replicas test makes; the answer names it.
var replyToken = regexp.MustCompile(`wq\d{2}n\d{2}`)

// TestFaultTwoWebhookReplicas: two replicas behind webhooks; 30 participants each send ten
// searches and one enrolment, all at once, and the dispatcher sends every update to one
// replica, to both, loses answers and times out. Every update is handled once, and each
// chat's answers come in the order its updates were sent.
func TestFaultTwoWebhookReplicas(t *testing.T) {
	t.Parallel()
	fc := newFaultCase(t, "two webhook replicas, redelivery")
	const n, texts, quota = 30, 10, 10
	d := newDispatcher()
	front := httptest.NewServer(d)
	defer front.Close()
	h := newHarness(t, map[string]string{"WEBHOOK_URL": front.URL + "/telegram/hook", "WEBHOOK_SECRET": hookSecret})
	r := h.replica()
	d.mu.Lock()
	d.targets = []string{"http://" + h.addr + "/telegram/hook", "http://" + r.addr + "/telegram/hook"}
	d.mu.Unlock()
	h.seed(course("FWR-1", "Tata Naskah Dinas", batch("Angkatan I", 30, 2, quota)))
	batchID := h.batchID("FWR-1", "Angkatan I")

	users := make([]*telegramtest.User, n)
	cats := make([]telegramtest.Message, n)
	for i := range users {
		users[i] = h.tg.User(int64(920000+i), fmt.Sprintf("W%02d", i))
		h.seedParticipant(users[i], 400+i)
		users[i].Send("/katalog")
	}
	for i, u := range users {
		cats[i] = awaitWith(t, u, "Katalog Pelatihan", 30*time.Second, &syncBuffer{})
	}
	start := time.Now()
	var updates []int64
	for j := range texts + 1 {
		for i, u := range users {
			switch {
			case j == 5:
				updates = append(updates, u.PressData(cats[i], fmt.Sprintf("k:y:%d", batchID)))
			case j > 5:
				updates = append(updates, u.Send(fmt.Sprintf("wq%02dn%02d", i, j-1)))
			default:
				updates = append(updates, u.Send(fmt.Sprintf("wq%02dn%02d", i, j)))
			}
		}
	}
	deadline := time.Now().Add(90 * time.Second)
	for _, id := range updates {
		for !h.tg.Confirmed(id) {
			if time.Now().After(deadline) {
				fc.Lost("update %d never confirmed to Telegram", id)
				t.FailNow()
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	// Updates given up on by the dispatcher may still be in a replica's hands: wait until the
	// two have handled (or skipped) everything they were given, and nothing moves for a while.
	last, stable := -1, time.Now()
	for time.Since(stable) < time.Second && time.Now().Before(deadline) {
		a, _ := handledTotal(t, h.addr)
		b, _ := handledTotal(t, r.addr)
		if a+b != last {
			last, stable = a+b, time.Now()
		}
		time.Sleep(50 * time.Millisecond)
	}
	elapsed := time.Since(start)

	// Each chat's answers, in the order Telegram got them.
	shown := map[int64][]string{}
	answered := map[string]int{}
	for _, c := range h.tg.Calls("") {
		switch c.Method {
		case "sendMessage", "editMessageText":
			id, _ := strconv.ParseInt(c.Params["chat_id"], 10, 64)
			txt := c.Params["text"]
			if tok := replyToken.FindString(txt); tok != "" && c.Method == "sendMessage" {
				shown[id] = append(shown[id], tok)
			} else if strings.Contains(txt, "Tata Naskah Dinas") && (strings.Contains(txt, "Pendaftaran berhasil") || strings.Contains(txt, "urutan ke-")) {
				shown[id] = append(shown[id], "enrol")
			}
		case "answerCallbackQuery":
			answered[c.Params["callback_query_id"]]++
		}
	}
	var lost, twice, outOfOrder int
	for i, u := range users {
		var want []string
		for j := range texts {
			if j == 5 {
				want = append(want, "enrol")
			}
			want = append(want, fmt.Sprintf("wq%02dn%02d", i, j))
		}
		got := shown[u.ID]
		seen := map[string]int{}
		for _, g := range got {
			seen[g]++
		}
		for _, w := range want {
			switch {
			case seen[w] == 0:
				lost++
			case seen[w] > 1:
				twice += seen[w] - 1
			}
		}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			if len(seen) == len(want) && len(got) == len(want) {
				outOfOrder++
			}
			t.Errorf("%s was shown %v\n  want %v", u.FirstName, got, want)
		}
		answers := u.CallbackAnswers()
		if len(answers) != 1 || answered[answers[0].QueryID] != 1 {
			t.Errorf("%s's enrolment tap answered %d times", u.FirstName, len(answers))
		}
	}
	if lost > 0 {
		fc.Lost("%d updates never answered", lost)
	}
	if twice > 0 {
		t.Errorf("%d updates handled twice", twice)
	}
	if outOfOrder > 0 {
		t.Errorf("%d chats answered out of order", outOfOrder)
	}
	var registered, waiting, rows int64
	h.db.Gorm().Raw(`SELECT count(*) FILTER (WHERE status = ?), count(*) FILTER (WHERE status = ?), count(*) FROM enrolments WHERE batch_id = ?`,
		flows.Registered, flows.Waiting, batchID).Row().Scan(&registered, &waiting, &rows)
	if registered != quota || waiting != n-quota || rows != n {
		t.Errorf("%d enrolments, %d registered, %d waiting; want %d, %d, %d", rows, registered, waiting, n, quota, n-quota)
	}
	for _, u := range users {
		if docs := docsNamed(h, u, "pelatihan-FWR-1.ics"); docs > 1 {
			t.Errorf("%s got %d calendar files", u.FirstName, docs)
		}
	}
	_, dupA := handledTotal(t, h.addr)
	_, dupB := handledTotal(t, r.addr)
	d.mu.Lock()
	fc.Saw("%d updates, %d POSTs to replicas", len(updates), d.posts)
	fc.Saw("%d sent to both", d.counts["both"])
	fc.Saw("%d answers lost (502)", d.counts["lost"])
	fc.Saw("%d timed out", d.counts["timeout"])
	fc.Saw("%d redeliveries", d.counts["retry"])
	d.mu.Unlock()
	fc.Saw("%d skipped as handled", dupA+dupB)
	fc.Saw("%.1fs", elapsed.Seconds())
}

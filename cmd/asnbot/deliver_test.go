package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/bpsdm/asnbot/bot"
	"github.com/bpsdm/asnbot/bot/telegramtest"
	"github.com/bpsdm/asnbot/flows"
	"github.com/bpsdm/asnbot/locales"
)

// TestPromotionNoticeIsDurableAndSentOnce: the notice of a move up is a job written with the
// cancellation, worked by the running bot, and a second run of the same job sends nothing.
func TestPromotionNoticeIsDurableAndSentOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	h.seed(course("NOT-01", "Keuangan Daerah", batch("Angkatan I", 30, 2, 1)))
	id := h.batchID("NOT-01", "Angkatan I")
	a, b := h.tg.User(newUserID(), "Ana"), h.tg.User(newUserID(), "Beni")
	h.seedParticipant(a, 61)
	h.seedParticipant(b, 62)
	b.Send("/start") // b's chat exists for the fake Telegram
	b.Next(t)
	b.Next(t)
	pa, _ := h.participant(a.ID)
	pb, _ := h.participant(b.ID)
	ctx := context.Background()
	first, err := h.db.Enrol(ctx, pa.ID, id, testNow)
	if err != nil {
		t.Fatal(err)
	}
	waiting, _ := h.db.Enrol(ctx, pb.ID, id, testNow)
	if waiting.Status != flows.Waiting {
		t.Fatalf("b: %+v", waiting)
	}
	if _, promo, err := h.db.Cancel(ctx, pa.ID, first.ID, testNow); err != nil || promo == nil {
		t.Fatalf("cancel: %+v %v", promo, err)
	}
	offer := expect(t, b, "Kabar baik", "Keuangan Daerah", "Masih bisa ikut?")
	b.Press(t, offer, "✅ Ya, saya ikut")
	expect(t, b, "tempat Anda sudah pasti")
	if m := b.Next(t); m.Document == nil {
		t.Fatalf("no calendar file: %+v", m)
	}

	// The same job again, as after a crash between the send and River's acknowledgement.
	api, err := bot.NewAPI(h.tg.URL(), telegramtest.Token)
	if err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	courier := &bot.Courier{Records: h.db, Now: h.clock.Now, Sender: &bot.Sender{API: api,
		R: bot.NewRenderer(locales.MustLoad()), M: bot.NewMetrics(prometheus.NewRegistry()), Log: quiet}}
	planned := h.jobArgs(t, "promotion_notice")
	var again flows.PromotionNotice
	if err := json.Unmarshal(planned, &again); err != nil || again.EnrolmentID != waiting.ID || again.Offer.IsZero() {
		t.Fatalf("the promotion notice planned: %s %v", planned, err)
	}
	job, ok := flows.DeliveryOf(again, testNow, 0)
	if !ok {
		t.Fatal("the promotion notice is not declared")
	}
	if err := courier.Deliver(ctx, job); err != nil {
		t.Fatal(err)
	}
	h.tg.WaitIdle(t)
	// The offer, confirmed since, is the one message (edited in place); the calendar is the
	// confirmation's.
	n, files := 0, 0
	for _, m := range b.Messages() {
		if strings.Contains(m.Text, "sudah pasti") || strings.Contains(m.Text, "Kabar baik") {
			n++
		}
		if m.Document != nil {
			files++
		}
	}
	if n != 1 || files != 1 {
		t.Errorf("the notice was sent %d times, %d calendar files", n, files)
	}
}

// jobArgs is the arguments of the latest job of a kind, as River stores them.
func (h *harness) jobArgs(t *testing.T, kind string) []byte {
	t.Helper()
	var args string
	if err := h.db.Gorm().Raw("SELECT args::text FROM river_job WHERE kind = ? ORDER BY id DESC LIMIT 1", kind).Scan(&args).Error; err != nil || args == "" {
		t.Fatalf("no %s job: %v", kind, err)
	}
	return []byte(args)
}

package main

import (
	"context"
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
	expect(t, b, "Kabar baik", "Keuangan Daerah")
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
	job, ok := flows.DeliveryOf(flows.PromotionNotice{EnrolmentID: waiting.ID}, testNow, 0)
	if !ok {
		t.Fatal("the promotion notice is not declared")
	}
	if err := courier.Deliver(ctx, job); err != nil {
		t.Fatal(err)
	}
	h.tg.WaitIdle(t)
	n := 0
	for _, m := range b.Messages() {
		if strings.Contains(m.Text, "Kabar baik") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("the notice was sent %d times", n)
	}
}

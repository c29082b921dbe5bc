package main

import (
	"context"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/bpsdm/asnbot/bot/telegramtest"
	"github.com/bpsdm/asnbot/flows"
)

// crowd registers n participants with Telegram ids from base, in one statement, each with a
// chat the fake lets the bot write to; it returns them as the fake's users.
func (h *harness) crowd(t testing.TB, n int, base int64) []*telegramtest.User {
	t.Helper()
	err := h.db.Gorm().Exec(`INSERT INTO participants (telegram_id, chat_id, name, nip, kind, agency, work_unit, job_title, grade, phone, consent_at)
		SELECT ? + i, ? + i, 'Peserta ' || i, lpad((? + i)::text, 18, '1'), 'pns', 'Pemprov Jateng', 'BPSDM', 'Analis', 'III/a', '+628123', now()
		FROM generate_series(0, ? - 1) AS i`, base, base, base, n).Error
	if err != nil {
		t.Fatal(err)
	}
	users := make([]*telegramtest.User, n)
	for i := range users {
		users[i] = h.tg.User(base+int64(i), "P"+strconv.Itoa(i))
		users[i].OpenChat()
	}
	return users
}

// announceToAll stores an announcement to everyone, to go now, as "Kirim sekarang" does.
func (h *harness) announceToAll(t testing.TB, adminChat int64, body string) int64 {
	t.Helper()
	a := flows.Announcement{Audience: flows.Audience{Kind: flows.AudienceAll}, Body: body, SendAt: time.Now(),
		Status: flows.AnnSending, StatusChat: adminChat}
	if _, err := h.db.CreateAnnouncement(context.Background(), &a, "bench-"+strconv.FormatInt(time.Now().UnixNano(), 10), testActor, time.Now()); err != nil {
		t.Fatal(err)
	}
	return a.ID
}

// TestFaultKilledDuringAnnouncement: an announcement to 2,000 people; the bot process is
// killed outright half way and started again. Everyone gets exactly one copy, except at most
// the messages in flight at the kill, and the admin gets the final report.
func TestFaultKilledDuringAnnouncement(t *testing.T) {
	t.Parallel()
	fc := newFaultCase(t, "killed during an announcement")
	n := benchEnv("ASNBOT_CRASH_RECIPIENTS", 2000)
	h := newHarness(t, nil)
	h.stop() // the two processes below are the bot, one after the other
	admin := h.tg.User(newUserID(), "Admin")
	admin.Send("/start")
	users := h.crowd(t, n, 900000)
	id := h.announceToAll(t, admin.ID, "Pengumuman penting bagi semua peserta")

	env := map[string]string{}
	for k, v := range h.env {
		env[k] = v
	}
	env["OUT_RATE"], env["OUT_CHAT_RATE"] = "200", "1"
	env["JOB_TIMEOUT"], env["JOB_RESCUE_AFTER"] = "5s", "8s"
	env["ADMIN_IDS"] = itoa(admin.ID)
	first := startChild(t, env)
	sent := func() int { return len(h.tg.Calls("sendMessage")) }
	deadline := time.Now().Add(3 * time.Minute)
	for sent() < n/2 {
		if time.Now().After(deadline) {
			t.Fatalf("only %d sent\n%s", sent(), first.out)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := first.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = first.cmd.Wait()
	killedAt := sent()
	second := startChild(t, env)

	count := func() (reached, dups int) {
		for _, u := range users {
			got := countWith(u, "Pengumuman penting")
			if got > 0 {
				reached++
			}
			dups += max(got-1, 0)
		}
		return reached, dups
	}
	var a flows.Announcement
	for time.Now().Before(deadline) {
		var err error
		if a, err = h.db.Announcement(context.Background(), id); err == nil && a.Status == flows.AnnDone {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	reached, dups := count()
	t.Logf("%d sent before the kill; %d of %d reached, %d duplicates; counted %d sent, %d failed", killedAt, reached, n, dups, a.Sent, a.Failed)
	fc.Saw("%d recipients, %d sent before the kill, %d sent twice", n, killedAt, dups)
	if reached != n || a.Status != flows.AnnDone || a.Sent != n {
		fc.Lost("%d of %d recipients reached", reached, n)
		t.Fatalf("%d of %d reached, announcement %s with %d sent\n%s", reached, n, a.Status, a.Sent, second.out)
	}
	// River hands a process at most JOB_WORKERS (8) jobs at once: only those were in flight.
	if dups > 8 {
		t.Errorf("%d duplicates: more than the messages in flight at the kill", dups)
	}
	nextWith(t, admin, "selesai")
	_ = second.cmd.Process.Signal(syscall.SIGTERM)
	if err := second.cmd.Wait(); err != nil {
		t.Errorf("the second process did not stop cleanly: %v\n%s", err, second.out)
	}
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/jackc/pgx/v5"

	"github.com/bpsdm/asnbot/storage/storagetest"
)

// `asnbot demo`, driven in headless Chromium as a person would: a participant opens the bot,
// consents, fills the profile (the phone by the share-contact button), opens the catalogue and
// a course, enrols; the clock is moved until a reminder comes; the admin's roster shows her.
// Screenshots go to DEMO_SHOTS when set (for the note), else to the test's folder.
func TestDemoInABrowser(t *testing.T) {
	t.Parallel()
	chrome := chromium(t)
	dbName := fmt.Sprintf("asnbot_t_demo_%d", time.Now().UnixNano()%1e9)
	var out bytes.Buffer
	env := map[string]string{"DATABASE_URL": storagetest.AdminURL(), "REDIS_URL": storagetest.RedisURL(), "TZ": "Asia/Jakarta"}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	began := time.Now()
	go func() {
		done <- demo(ctx, env, &out, &out, demoOptions{addr: "127.0.0.1:0", dbName: dbName, ready: func(u string) { ready <- u }})
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("demo: %v", err)
		}
		dropDatabase(t, dbName)
	})
	var page string
	select {
	case page = <-ready:
	case err := <-done:
		t.Fatalf("the demo did not start: %v\n%s", err, out.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("the demo did not start in 60s:\n%s", out.String())
	}
	t.Logf("the page answered %v after the command", time.Since(began).Round(10*time.Millisecond))
	shots := os.Getenv("DEMO_SHOTS")
	if shots == "" {
		shots = t.TempDir()
	}

	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chrome), chromedp.NoSandbox, chromedp.WindowSize(430, 900))...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(alloc)
	defer cancelBrowser()
	// The browser starts with the first action on the context itself: a context with a
	// timeout would stop it when that action ends.
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("start %s: %v", chrome, err)
	}
	b := &browser{t: t, ctx: bctx, shots: shots}
	b.do(chromedp.Navigate(page))

	// Ani opens the bot and registers.
	b.waitText("Belum ada percakapan")
	b.click("▶️ Mulai")
	b.waitText("UU No. 27 Tahun 2022")
	b.click("✅ Setuju")
	for _, step := range []struct{ ask, answer string }{
		{"1/7", "Ani Lestari"},
		{"2/7", validNIP},
		{"instansi", "Pemprov Jateng"},
		{"unit kerja", "BKD"},
		{"jabatan", "Analis SDM Aparatur"},
		{"golongan", "III/b"},
	} {
		b.waitText(step.ask)
		b.typeText(step.answer)
	}
	b.waitText("nomor ponsel")
	b.click("📱 Kirim nomor saya") // the reply keyboard's share-contact button
	b.waitText("Periksa kembali")
	b.click("✅ Benar, simpan")
	b.waitText("Profil Anda tersimpan")

	// The catalogue, a course, and the enrolment.
	b.click("📚 Katalog Pelatihan")
	b.waitText("Katalog Pelatihan")
	b.click("1")
	b.waitText("📝 Daftar")
	b.shot("course-page")
	b.click("📝 Daftar Angkatan I")
	b.waitText("Konfirmasi pendaftaran")
	b.click("✅ Ya, daftar")
	b.waitText("Pendaftaran berhasil")

	// The clock moves a day at a time until a reminder comes.
	reminded := false
	for range 10 {
		b.click("⏭ Maju 1 hari")
		if b.seeText("⏰ Pengingat", 10*time.Second) {
			reminded = true
			break
		}
	}
	if !reminded {
		t.Fatalf("no reminder after ten days:\n%s", b.chatText())
	}
	b.shot("reminder")

	// The admin's roster shows her.
	code := enrolledCourse(t, dbName)
	b.click("🛡 Admin")
	b.waitText("Belum ada percakapan")
	b.typeText("/peserta " + code)
	b.waitText("1. Ani Lestari — Pemprov Jateng")
	b.shot("admin-roster")

	// The admin sends a catalogue file from the page, as from Excel: one new course.
	file := filepath.Join(t.TempDir(), "katalog-baru.csv")
	csv := "kode,judul,kategori,metode,jp,deskripsi,angkatan,mulai,selesai,lokasi,tautan_daring,kuota,pendaftaran_dibuka,pendaftaran_ditutup\n" +
		"DEMO-01,Literasi Data,Teknis,daring,8,Membaca data pelayanan,Angkatan I,2027-03-01 08:00,2027-03-01 16:00,,https://meet.example.go.id/x,40,2026-11-01 00:00,2027-02-20 23:59\n"
	if err := os.WriteFile(file, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	b.do(chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{file}))
	b.waitText("Katalog dari katalog-baru.csv sudah dimuat")
	b.waitText("1 baru")
}

// chromium finds Debian's chromium; the test fails, saying what to install, without it.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("the demo's test drives the page in headless Chromium: install Debian's chromium (apt-get install chromium); .ci/run does")
	return ""
}

type browser struct {
	t     *testing.T
	ctx   context.Context
	shots string
}

func (b *browser) do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.t.Fatalf("browser: %v\n%s", err, b.chatText())
	}
}

// eval runs a script in the page and returns its value.
func eval[T any](b *browser, js string) (T, error) {
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	return chromedp.Run(ctx, chromedp.Evaluate[T](js))
}

// chatText is what the chat shows, for a failure's message.
func (b *browser) chatText() string {
	s, _ := eval[string](b, `document.getElementById("chat").innerText`)
	return s
}

// seeText waits up to d for the chat to show s.
func (b *browser) seeText(s string, d time.Duration) bool {
	q, _ := json.Marshal(s)
	for deadline := time.Now().Add(d); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		ok, err := eval[bool](b, `document.getElementById("chat").innerText.includes(`+string(q)+`)`)
		if err == nil && ok {
			return true
		}
	}
	return false
}

func (b *browser) waitText(s string) {
	b.t.Helper()
	if !b.seeText(s, 20*time.Second) {
		b.t.Fatalf("the page does not show %q:\n%s", s, b.chatText())
	}
}

// click presses the newest button labelled label, as a person taps the one they see last.
func (b *browser) click(label string) { b.t.Helper(); b.press(label, false) }

// clickPrefix presses the newest button whose label starts with prefix.
func (b *browser) clickPrefix(prefix string) { b.t.Helper(); b.press(prefix, true) }

func (b *browser) press(label string, prefix bool) {
	b.t.Helper()
	q, _ := json.Marshal(label)
	js := fmt.Sprintf(`(() => {
		const all = [...document.querySelectorAll("button")].filter(e => %s);
		if (all.length === 0) return false;
		all[all.length - 1].click();
		return true;
	})()`, map[bool]string{false: `e.textContent.trim() === ` + string(q), true: `e.textContent.trim().startsWith(` + string(q) + `)`}[prefix])
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		ok, err := eval[bool](b, js)
		if err != nil {
			b.t.Fatalf("browser: %v", err)
		}
		if ok {
			return
		}
	}
	b.t.Fatalf("no button %q on the page:\n%s", label, b.chatText())
}

// typeText types into the message field, key by key, and sends.
func (b *browser) typeText(s string) {
	b.t.Helper()
	b.do(chromedp.SendKeys(chromedp.CSS("#text"), s), chromedp.Click(chromedp.CSS("#composer button")))
}

func (b *browser) shot(name string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Fatalf("screenshot: %v", err)
	}
	if err := os.WriteFile(filepath.Join(b.shots, "demo-"+name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// enrolledCourse is the code of the course Ani enrolled in.
func enrolledCourse(t *testing.T, dbName string) string {
	t.Helper()
	ctx := context.Background()
	c, err := pgx.Connect(ctx, storagetest.WithDatabase(storagetest.AdminURL(), dbName))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	var code string
	err = c.QueryRow(ctx, `SELECT c.code FROM enrolments e JOIN batches b ON b.id = e.batch_id JOIN courses c ON c.id = b.course_id
		JOIN participants p ON p.id = e.participant_id WHERE p.name = 'Ani Lestari'`).Scan(&code)
	if err != nil {
		t.Fatalf("Ani's enrolment: %v", err)
	}
	return code
}

func dropDatabase(t *testing.T, name string) {
	ctx := context.Background()
	c, err := pgx.Connect(ctx, storagetest.AdminURL())
	if err != nil {
		t.Errorf("drop the demo's database: %v", err)
		return
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
		t.Errorf("drop the demo's database: %v", err)
	}
}

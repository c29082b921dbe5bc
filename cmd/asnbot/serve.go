package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"sync"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/bpsdm/asnbot/bot"
	"github.com/bpsdm/asnbot/flows"
	"github.com/bpsdm/asnbot/locales"
	"github.com/bpsdm/asnbot/storage"
)

// deps are what tests replace: the clock, and a hook told the HTTP address once it listens.
type deps struct {
	now       func() time.Time
	listening func(addr string)
}

func (d deps) ready(addr string) {
	if d.listening != nil {
		d.listening(addr)
	}
}

// serve runs the bot until ctx ends, then finishes the updates in hand and returns.
func serve(ctx context.Context, cfg Config, log *slog.Logger, d deps) error {
	terms, _ := cfg.certificates("")
	opts := storage.Options{MaxConns: cfg.DBMaxConns, Reminders: cfg.rules, Survey: cfg.survey(), ReclaimAfter: cfg.JobTimeout,
		Certificates: terms}
	stubbed := d.now != nil
	if stubbed {
		opts.TestClock = d.now
	} else {
		d.now = time.Now
	}
	db, err := storage.Open(ctx, cfg.DatabaseURL, opts)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := prepare(ctx, db, log); err != nil {
		return err
	}
	rdb, err := storage.OpenRedis(ctx, cfg.RedisURL, storage.RedisOptions{
		Prefix: cfg.RedisPrefix, StateTTL: cfg.StateTTL, FloodLimit: cfg.FloodLimit, FloodWindow: cfg.FloodWindow,
	})
	if err != nil {
		return err
	}
	defer rdb.Close()
	cat, err := locales.Load()
	if err != nil {
		return err
	}
	api, err := bot.NewAPI(cfg.APIURL, cfg.Token)
	if err != nil {
		return err
	}

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	metrics := bot.NewMetrics(reg)
	sender := &bot.Sender{API: api, JSON: bot.NewJSON(cfg.APIURL, cfg.Token), R: bot.NewRenderer(cat), Unreachable: db, M: metrics, Log: log}
	username, err := botUsername(ctx, sender)
	if err != nil {
		return err
	}
	_, style := cfg.certificates(username)
	if style.SignerName == "" || style.SignerTitle == "" {
		// Not an error: a bot may run for months before its first certificate.
		log.Warn("CERT_SIGNER_NAME or CERT_SIGNER_TITLE is not set: certificates will print without a signer")
	}
	sender.Certs = &bot.Certifier{R: sender.R, Style: style}
	engine := flows.New(flows.Config{Store: db, States: rdb, Files: &bot.Files{Sender: sender, Client: &http.Client{Timeout: time.Minute}},
		Now: d.now, Admins: cfg.AdminIDs, Zone: cfg.location, Reminders: cfg.rules, BotUsername: username})
	co := rdb
	pipe := bot.NewPipeline(bot.PipelineConfig{
		Handler: engine, Sender: sender, Coordinator: co, Metrics: metrics, Log: log,
		BotUsername: username, Workers: cfg.Workers,
	})
	// Messages the bot sends on its own share one rate limit across replicas; answers to a
	// user's own action do not wait for it (a person waits for them, and sends them slowly).
	jobSender := *sender
	jobSender.Throttle = rdb.NewThrottle(cfg.OutRate, cfg.OutChatRate, cfg.JobTimeout)
	jobs, err := startWorkers(ctx, cfg, db, &jobSender, username, d.now, stubbed, log)
	if err != nil {
		return err
	}
	defer jobs.stop()
	if err := bot.SetCommands(ctx, sender, cfg.AdminIDs); err != nil {
		log.Warn("command menu not set", "err", err)
	}

	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /healthz", healthz(db, rdb))
	mux.Handle("GET /verifikasi/{code}", &bot.VerifyPage{Store: db, R: sender.R, Zone: cfg.location, Log: log})
	if cfg.PProf {
		// Profiles only when asked for: they show the program's insides to whoever reaches HTTP_ADDR.
		mux.HandleFunc("GET /debug/pprof/", pprof.Index)
		mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
		mux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
	}
	if cfg.WebhookURL != "" {
		mux.Handle(cfg.webhookPath(), &bot.Webhook{Secret: cfg.WebhookSecret, Pipeline: pipe, Log: log})
	}
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("HTTP_ADDR %s: %w", cfg.HTTPAddr, err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("http server", "err", err)
		}
	}()

	if cfg.WebhookURL != "" {
		err = sender.Call(ctx, "setWebhook", 0, func(ctx context.Context) error {
			_, err := api.SetWebhook(ctx, &tgbot.SetWebhookParams{
				URL: cfg.WebhookURL, SecretToken: cfg.WebhookSecret, AllowedUpdates: bot.AllowedUpdates, MaxConnections: 40,
			})
			return err
		})
		if err != nil {
			// Without a webhook no update arrives: better to fail loudly than to serve nothing.
			_ = srv.Close()
			wg.Wait()
			pipe.Close(context.Background())
			return fmt.Errorf("setWebhook (check WEBHOOK_URL): %w", err)
		}
		log.Info("serving webhook", "addr", ln.Addr().String())
		d.ready(ln.Addr().String())
		<-ctx.Done()
	} else {
		// A webhook left from an earlier deployment would make every getUpdates fail with 409.
		err = sender.Call(ctx, "deleteWebhook", 0, func(ctx context.Context) error {
			_, err := api.DeleteWebhook(ctx, &tgbot.DeleteWebhookParams{})
			return err
		})
		if err != nil {
			log.Warn("deleteWebhook failed", "err", err)
		}
		log.Info("long polling", "addr", ln.Addr().String())
		d.ready(ln.Addr().String())
		p := &bot.Poller{BaseURL: cfg.APIURL, Token: cfg.Token, Pipeline: pipe, Coordinator: co, Inbox: db, Log: log}
		wg.Add(1)
		go func() { defer wg.Done(); _ = p.Run(ctx) }()
		<-ctx.Done()
	}

	// The clock of SHUTDOWN_TIMEOUT starts now for every source: the poller's batch in hand and
	// webhook requests in flight finish, or are cut off unconfirmed (Telegram resends them).
	log.Info("shutting down: finishing the updates in hand")
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.ShutdownWait)
	defer cancel()
	go func() { _ = srv.Shutdown(shutdownCtx) }() // stops taking webhook requests, lets the current ones end
	jobsDone := make(chan struct{})
	go func() { defer close(jobsDone); jobs.stopWithin(shutdownCtx) }() // no new jobs from now on
	pipe.Close(shutdownCtx)
	wg.Wait()
	<-jobsDone
	return nil
}

// botUsername asks Telegram who we are (to recognise /cmd@ourbot in groups), retrying while
// Telegram is unreachable rather than refusing to start.
func botUsername(ctx context.Context, s *bot.Sender) (string, error) {
	for wait := time.Second; ; wait = min(2*wait, 30*time.Second) {
		me, err := s.API.GetMe(ctx)
		if err == nil {
			return me.Username, nil
		}
		if errors.Is(err, tgbot.ErrorUnauthorized) || errors.Is(err, tgbot.ErrorNotFound) {
			return "", errors.New("telegram refused TELEGRAM_BOT_TOKEN: check the token from @BotFather")
		}
		s.Log.Warn("getMe failed, retrying", "err", err, "retry_in", wait.String())
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(wait):
		}
	}
}

type pinger interface{ Ping(context.Context) error }

// healthz is ready only when Postgres and Redis both answer.
func healthz(db, rdb pinger) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		status := map[string]string{"postgres": "ok", "redis": "ok"}
		code := http.StatusOK
		if err := db.Ping(ctx); err != nil {
			status["postgres"], code = "unreachable", http.StatusServiceUnavailable
		}
		if err := rdb.Ping(ctx); err != nil {
			status["redis"], code = "unreachable", http.StatusServiceUnavailable
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		_ = json.NewEncoder(w).Encode(status)
	}
}

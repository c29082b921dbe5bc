package main

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"reflect"
	"regexp"
	"strings"
	"time"

	"github.com/caarlos0/env/v11"

	"github.com/bpsdm/asnbot/bot"
	"github.com/bpsdm/asnbot/flows"
	"github.com/bpsdm/asnbot/flows/document"
)

// Config is everything the operator sets, from the environment. README.md lists each variable
// with its default; keep the two in step.
type Config struct {
	Token         string        `env:"TELEGRAM_BOT_TOKEN"`
	APIURL        string        `env:"TELEGRAM_API_URL" envDefault:"https://api.telegram.org"`
	DatabaseURL   string        `env:"DATABASE_URL" envDefault:"postgres://postgres@127.0.0.1:5432/asnbot?sslmode=disable"`
	RedisURL      string        `env:"REDIS_URL" envDefault:"redis://127.0.0.1:6379/0"`
	RedisPrefix   string        `env:"REDIS_PREFIX" envDefault:"asnbot:"`
	AdminIDs      []int64       `env:"ADMIN_IDS" envSeparator:","`
	TZ            string        `env:"TZ" envDefault:"Asia/Jakarta"`
	WebhookURL    string        `env:"WEBHOOK_URL"`
	WebhookSecret string        `env:"WEBHOOK_SECRET"`
	HTTPAddr      string        `env:"HTTP_ADDR" envDefault:":8080"`
	PProf         bool          `env:"PPROF" envDefault:"false"`
	StateTTL      time.Duration `env:"STATE_TTL" envDefault:"24h"`
	FloodLimit    int           `env:"FLOOD_LIMIT" envDefault:"20"`
	FloodWindow   time.Duration `env:"FLOOD_WINDOW" envDefault:"10s"`
	Workers       int           `env:"WORKERS" envDefault:"64"`
	OutRate       int           `env:"OUT_RATE" envDefault:"25"`
	OutChatRate   int           `env:"OUT_CHAT_RATE" envDefault:"1"`
	DBMaxConns    int           `env:"DB_MAX_CONNS" envDefault:"20"`
	LogLevel      string        `env:"LOG_LEVEL" envDefault:"info"`
	ShutdownWait  time.Duration `env:"SHUTDOWN_TIMEOUT" envDefault:"25s"`
	Reminders     string        `env:"REMINDERS" envDefault:"3d@09:00,1d@09:00,1h"`
	JobWorkers    int           `env:"JOB_WORKERS" envDefault:"8"`
	JobTimeout    time.Duration `env:"JOB_TIMEOUT" envDefault:"1m"`
	JobRescue     time.Duration `env:"JOB_RESCUE_AFTER" envDefault:"3m"`
	SurveyDelay   time.Duration `env:"SURVEY_INVITE_DELAY" envDefault:"1h"`
	SurveyDays    int           `env:"SURVEY_OPEN_DAYS" envDefault:"14"`
	JPNudge       bool          `env:"JP_NUDGE" envDefault:"true"`
	PublicURL     string        `env:"PUBLIC_URL"`
	CertFormat    string        `env:"CERT_NUMBER_FORMAT" envDefault:"{kode}/{angkatan}/{urut}/{tahun}"`
	CertOrganiser string        `env:"CERT_ORGANISER" envDefault:"Badan Pengembangan Sumber Daya Manusia"`
	CertCity      string        `env:"CERT_CITY"`
	CertSigner    string        `env:"CERT_SIGNER_NAME"`
	CertTitle     string        `env:"CERT_SIGNER_TITLE"`
	CertSignerNIP string        `env:"CERT_SIGNER_NIP"`
	CertBack      string        `env:"CERT_BACKGROUND"`
	DemoAddr      string        `env:"DEMO_ADDR" envDefault:"127.0.0.1:8080"` // asnbot demo's page

	location   *time.Location
	rules      []flows.ReminderRule
	background []byte // CERT_BACKGROUND's image
}

// loadConfig reads the environment.
func loadConfig(environ map[string]string) (Config, error) {
	var c Config
	opts := env.Options{}
	if environ != nil {
		opts.Environment = environ
	}
	if err := env.ParseWithOptions(&c, opts); err != nil {
		return c, explain(err)
	}
	return c, c.validate()
}

// explain names the environment variable behind a parse error: the library names the Go field.
func explain(err error) error {
	var agg env.AggregateError
	if !errors.As(err, &agg) {
		return fmt.Errorf("configuration: %w", err)
	}
	var msgs []string
	for _, e := range agg.Errors {
		var pe env.ParseError
		if errors.As(e, &pe) {
			if f, ok := reflect.TypeOf(Config{}).FieldByName(pe.Name); ok {
				msgs = append(msgs, fmt.Sprintf("%s: %v", f.Tag.Get("env"), pe.Err))
				continue
			}
		}
		msgs = append(msgs, e.Error())
	}
	return fmt.Errorf("configuration: %s", strings.Join(msgs, "; "))
}

// secretToken is what Telegram accepts as a webhook secret.
var secretToken = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

// validate checks what can be checked without the network, naming the variable at fault.
func (c *Config) validate() error {
	loc, err := time.LoadLocation(c.TZ)
	if err != nil {
		return fmt.Errorf("TZ=%q is not a time zone (use Asia/Jakarta, Asia/Makassar or Asia/Jayapura): %w", c.TZ, err)
	}
	c.location = loc
	if _, err := url.Parse(c.APIURL); err != nil || c.APIURL == "" {
		return fmt.Errorf("TELEGRAM_API_URL is not a URL")
	}
	if c.WebhookURL != "" {
		u, err := url.Parse(c.WebhookURL)
		if err != nil || u.Scheme == "" || u.Host == "" {
			return errors.New("WEBHOOK_URL must be a full URL such as https://bot.example.go.id/telegram")
		}
		if !secretToken.MatchString(c.WebhookSecret) {
			return errors.New("WEBHOOK_SECRET is required with WEBHOOK_URL: 1-256 characters of A-Z, a-z, 0-9, _ and -")
		}
	}
	if c.rules, err = flows.ParseReminderRules(c.Reminders); err != nil {
		return fmt.Errorf("REMINDERS: %w", err)
	}
	if c.JobWorkers <= 0 {
		return errors.New("JOB_WORKERS must be positive")
	}
	if c.JobTimeout <= 0 || c.JobRescue <= c.JobTimeout {
		return errors.New("JOB_TIMEOUT must be positive and JOB_RESCUE_AFTER longer than it")
	}
	if c.OutRate <= 0 || c.OutChatRate <= 0 {
		return errors.New("OUT_RATE and OUT_CHAT_RATE must be positive")
	}
	if c.SurveyDelay < 0 || c.SurveyDelay > 30*24*time.Hour {
		return errors.New("SURVEY_INVITE_DELAY must be between 0 (at the batch's end) and 720h")
	}
	if c.SurveyDays < 1 || c.SurveyDays > 365 {
		return errors.New("SURVEY_OPEN_DAYS must be a number of days from 1 to 365")
	}
	if c.FloodLimit <= 0 || c.FloodWindow <= 0 {
		return errors.New("FLOOD_LIMIT and FLOOD_WINDOW must be positive")
	}
	return c.validateCertificates()
}

// validateCertificates checks what certificates need, so that a mistake shows at start and not
// at the first certificate after a batch ends.
func (c *Config) validateCertificates() error {
	if c.PublicURL != "" {
		u, err := url.Parse(c.PublicURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return errors.New("PUBLIC_URL must be a full URL such as https://bot.example.go.id, where HTTP_ADDR is reached from outside")
		}
	}
	if err := flows.CheckCertNumberFormat(c.CertFormat); err != nil {
		return fmt.Errorf("CERT_NUMBER_FORMAT=%q: %w", c.CertFormat, err)
	}
	if strings.TrimSpace(c.CertOrganiser) == "" {
		return errors.New("CERT_ORGANISER must name the agency that holds the trainings")
	}
	if c.CertBack != "" {
		b, err := os.ReadFile(c.CertBack)
		if err != nil {
			return fmt.Errorf("CERT_BACKGROUND: %w", err)
		}
		if err := document.CheckBackground(b); err != nil {
			return fmt.Errorf("CERT_BACKGROUND=%s: %w (use a PNG or JPEG of an A4 landscape page)", c.CertBack, err)
		}
		c.background = b
	}
	return nil
}

// certificates are the agency's terms and look of its certificates.
func (c *Config) certificates(username string) (flows.CertTerms, bot.CertificateStyle) {
	return flows.CertTerms{NumberFormat: c.CertFormat, Organiser: c.CertOrganiser},
		bot.CertificateStyle{City: c.CertCity, SignerName: c.CertSigner, SignerTitle: c.CertTitle, SignerNIP: c.CertSignerNIP,
			Background: c.background, PublicURL: c.PublicURL, Username: username}
}

// survey is when invitations come and how long a survey stays open.
func (c *Config) survey() flows.SurveyTiming {
	return flows.SurveyTiming{InviteDelay: c.SurveyDelay, OpenDays: c.SurveyDays}
}

// requireToken is checked by the commands that talk to Telegram.
func (c *Config) requireToken() error {
	if c.Token == "" {
		return errors.New("TELEGRAM_BOT_TOKEN is not set: give the token @BotFather issued for this bot")
	}
	return nil
}

// webhookPath is where the webhook is served: the path of WEBHOOK_URL.
func (c *Config) webhookPath() string {
	u, err := url.Parse(c.WebhookURL)
	if err != nil || u.Path == "" {
		return "/"
	}
	return u.Path
}

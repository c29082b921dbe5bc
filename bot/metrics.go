package bot

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the bot's Prometheus series.
type Metrics struct {
	updates     *prometheus.CounterVec
	latency     prometheus.Histogram
	apiRequests *prometheus.CounterVec
	apiErrors   *prometheus.CounterVec
}

// NewMetrics registers the series on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		updates: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "asnbot_updates_total",
			Help: "Updates taken in, by kind and outcome (ok, duplicate, flood, fault, panic, ignored).",
		}, []string{"kind", "result"}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "asnbot_update_duration_seconds",
			Help:    "Time to handle one update, from lock to the last reply sent.",
			Buckets: []float64{.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}),
		apiRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "asnbot_telegram_requests_total",
			Help: "Calls to the Bot API, by method.",
		}, []string{"method"}),
		apiErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "asnbot_telegram_errors_total",
			Help: "Failed calls to the Bot API, by method and error code (0: network).",
		}, []string{"method", "code"}),
	}
	reg.MustRegister(m.updates, m.latency, m.apiRequests, m.apiErrors)
	return m
}

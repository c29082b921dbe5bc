package storage

import (
	"fmt"
	"sync"
	"time"

	"github.com/bpsdm/asnbot/flows"
)

// pageCache keeps catalogue pages for a second: a page turn is the bot's most common work,
// and a page may be a second old (the confirmation of an enrolment never is: it is read
// under the batch's lock). A change made in this process (an import, a batch changed or
// cancelled) empties it at once; other replicas see it within the second.
type pageCache struct {
	mu      sync.Mutex
	entries map[string]cachedPage
}

type cachedPage struct {
	at    time.Time
	list  []flows.CourseSummary
	total int
}

const (
	pageCacheTTL  = time.Second
	pageCacheSize = 4096 // pages kept at most; past it the cache starts again
)

func pageKey(f flows.CourseFilter) string {
	// The minute of the bot's clock, so that a test moving the clock never reads a page of
	// another day; within the minute the second-long TTL rules.
	return fmt.Sprintf("%d|%d|%d|%s|%s|%s|%q", f.Now.Unix()/60, f.Offset, f.Limit, f.Category, f.Method, f.Query, f.Terms)
}

func (c *pageCache) get(f flows.CourseFilter) ([]flows.CourseSummary, int, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[pageKey(f)]
	if !ok || time.Since(e.at) > pageCacheTTL {
		return nil, 0, false
	}
	return e.list, e.total, true
}

func (c *pageCache) put(f flows.CourseFilter, list []flows.CourseSummary, total int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= pageCacheSize {
		c.entries = make(map[string]cachedPage)
	}
	c.entries[pageKey(f)] = cachedPage{at: time.Now(), list: list, total: total}
}

// forget empties the cache after a change of the catalogue in this process.
func (c *pageCache) forget() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries = nil
}

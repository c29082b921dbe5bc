package storage

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/bpsdm/asnbot/flows"
)

var _ flows.Store = (*DB)(nil)

type courseRow struct {
	ID          int64 `gorm:"primaryKey"`
	Code        string
	Title       string
	Category    string
	Method      string
	JP          int `gorm:"column:jp"`
	Description string
	Audience    string
	Published   bool
	SurveyKey   string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

func (courseRow) TableName() string { return "courses" }

func (r courseRow) domain() flows.Course {
	return flows.Course{ID: r.ID, Code: r.Code, Title: r.Title, Category: r.Category, Method: r.Method,
		JP: r.JP, Description: r.Description, Audience: r.Audience, Published: r.Published, SurveyKey: r.SurveyKey}
}

type batchRow struct {
	ID          int64 `gorm:"primaryKey"`
	CourseID    int64
	Name        string
	StartsAt    time.Time
	EndsAt      time.Time
	TimeZone    string
	Location    string
	OnlineURL   string
	Quota       int
	RegOpensAt  time.Time
	RegClosesAt time.Time
	Status      string
	Trainers    string // "Name A;Name B"
	CreatedAt   time.Time
	UpdatedAt   time.Time
	// Filled by the counting queries, not columns.
	Registered int `gorm:"->;-:migration"`
	Waiting    int `gorm:"->;-:migration"`
}

func (batchRow) TableName() string { return "batches" }

func (r batchRow) domain() flows.Batch {
	return flows.Batch{ID: r.ID, CourseID: r.CourseID, Name: r.Name, StartsAt: r.StartsAt, EndsAt: r.EndsAt,
		TimeZone: r.TimeZone, Location: r.Location, OnlineURL: r.OnlineURL, Quota: r.Quota,
		RegOpensAt: r.RegOpensAt, RegClosesAt: r.RegClosesAt, Status: flows.BatchStatus(r.Status),
		Trainers: splitNames(r.Trainers), Registered: r.Registered, Waiting: r.Waiting}
}

// Names (a batch's trainers) are stored as the catalogue writes them: separated by ";".
func joinNames(names []string) string { return strings.Join(names, ";") }

func splitNames(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ";")
}

// seatStatuses hold a seat (flows.SeatStatuses), as SQL arguments; the waiting list does not.
var seatStatuses = func() []string {
	out := make([]string, 0, len(flows.SeatStatuses))
	for _, s := range flows.SeatStatuses {
		out = append(out, string(s))
	}
	return out
}()

// batchCounts selects batches with their seat and waiting-list counts; it takes seatStatuses
// as its argument.
const batchCounts = `batches.*,
	(SELECT count(*) FROM enrolments e WHERE e.batch_id = batches.id AND e.status IN ?) AS registered,
	(SELECT count(*) FROM enrolments e WHERE e.batch_id = batches.id AND e.status = 'daftar_tunggu') AS waiting`

// likePattern escapes a user's word for ILIKE.
func likePattern(w string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(w) + "%"
}

// catalogueScope is the published courses with an open batch still to start.
func catalogueScope(db *gorm.DB, f flows.CourseFilter) *gorm.DB {
	q := db.Model(&courseRow{}).Where("courses.published").
		Where("EXISTS (SELECT 1 FROM batches b WHERE b.course_id = courses.id AND b.status = 'open' AND b.starts_at > ?)", f.Now)
	if f.Category != "" {
		q = q.Where("courses.category = ?", f.Category)
	}
	if f.Method != "" {
		q = q.Where("courses.method = ?", f.Method)
	}
	for _, w := range strings.Fields(f.Query) {
		p := likePattern(w)
		q = q.Where("(courses.title ILIKE ? OR courses.code ILIKE ? OR courses.category ILIKE ?)", p, p, p)
	}
	return q
}

// Courses implements flows.Courses: a page of the catalogue, soonest batch first.
func (db *DB) Courses(ctx context.Context, f flows.CourseFilter) ([]flows.CourseSummary, int, error) {
	g := db.gorm.WithContext(ctx)
	var total int64
	if err := catalogueScope(g, f).Count(&total).Error; err != nil {
		return nil, 0, mapErr(err, "count courses")
	}
	var rows []courseRow
	err := catalogueScope(g, f).
		Select("courses.*, (SELECT min(b.starts_at) FROM batches b WHERE b.course_id = courses.id AND b.status = 'open' AND b.starts_at > ?) AS next_start", f.Now).
		Order("next_start, courses.title, courses.id").Offset(f.Offset).Limit(f.Limit).Find(&rows).Error
	if err != nil {
		return nil, 0, mapErr(err, "list courses")
	}
	out := make([]flows.CourseSummary, 0, len(rows))
	for _, r := range rows {
		var b batchRow
		err := g.Select(batchCounts, seatStatuses).Where("course_id = ? AND status = 'open' AND starts_at > ?", r.ID, f.Now).
			Order("starts_at").Take(&b).Error
		if err != nil {
			return nil, 0, mapErr(err, "next batch")
		}
		out = append(out, flows.CourseSummary{Course: r.domain(), NextBatch: b.domain()})
	}
	return out, int(total), nil
}

// Categories implements flows.Courses: the categories of the courses on offer.
func (db *DB) Categories(ctx context.Context, now time.Time) ([]string, error) {
	var cats []string
	err := catalogueScope(db.gorm.WithContext(ctx), flows.CourseFilter{Now: now}).
		Distinct("courses.category").Order("courses.category").Pluck("courses.category", &cats).Error
	return cats, mapErr(err, "categories")
}

// Course implements flows.Courses.
func (db *DB) Course(ctx context.Context, code string) (flows.Course, []flows.Batch, error) {
	g := db.gorm.WithContext(ctx)
	var c courseRow
	if err := g.Where("code = ? AND published", code).Take(&c).Error; err != nil {
		return flows.Course{}, nil, mapErr(err, "course")
	}
	var rows []batchRow
	err := g.Select(batchCounts, seatStatuses).Where("course_id = ? AND status <> 'cancelled'", c.ID).
		Order("starts_at, name").Find(&rows).Error
	if err != nil {
		return flows.Course{}, nil, mapErr(err, "batches")
	}
	batches := make([]flows.Batch, 0, len(rows))
	for _, r := range rows {
		batches = append(batches, r.domain())
	}
	return c.domain(), batches, nil
}

// Batch implements flows.Courses.
func (db *DB) Batch(ctx context.Context, id int64) (flows.Course, flows.Batch, error) {
	g := db.gorm.WithContext(ctx)
	var b batchRow
	if err := g.Select(batchCounts, seatStatuses).Where("id = ?", id).Take(&b).Error; err != nil {
		return flows.Course{}, flows.Batch{}, mapErr(err, "batch")
	}
	var c courseRow
	if err := g.Where("id = ?", b.CourseID).Take(&c).Error; err != nil {
		return flows.Course{}, flows.Batch{}, mapErr(err, "course of batch")
	}
	return c.domain(), b.domain(), nil
}

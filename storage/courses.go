package storage

import (
	"context"
	"strconv"
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
	// MinAttendance is min_kehadiran, in percent.
	MinAttendance int
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

func (courseRow) TableName() string { return "courses" }

func (r courseRow) domain() flows.Course {
	return flows.Course{ID: r.ID, Code: r.Code, Title: r.Title, Category: r.Category, Method: r.Method,
		JP: r.JP, Description: r.Description, Audience: r.Audience, Published: r.Published, SurveyKey: r.SurveyKey,
		MinAttendance: r.MinAttendance}
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
	Revision    int
	Trainers    string // "Name A;Name B"
	Notes       string
	ContactName string
	ContactWA   string `gorm:"column:contact_wa"`
	// ChangedInChatAt is set by /ubahjadwal and cleared once an imported file agrees with
	// the batch again; until then an import leaves the batch alone.
	ChangedInChatAt *time.Time
	CreatedAt       time.Time
	UpdatedAt       time.Time
	// Filled by the counting queries, not columns.
	Registered int `gorm:"->;-:migration"`
	Waiting    int `gorm:"->;-:migration"`
}

func (batchRow) TableName() string { return "batches" }

func (r batchRow) domain() flows.Batch {
	return flows.Batch{ID: r.ID, CourseID: r.CourseID, Name: r.Name, StartsAt: r.StartsAt, EndsAt: r.EndsAt,
		TimeZone: r.TimeZone, Location: r.Location, OnlineURL: r.OnlineURL, Quota: r.Quota,
		RegOpensAt: r.RegOpensAt, RegClosesAt: r.RegClosesAt, Status: flows.BatchStatus(r.Status),
		Revision: r.Revision, Trainers: splitNames(r.Trainers), Registered: r.Registered, Waiting: r.Waiting,
		Notes: r.Notes, ContactName: r.ContactName, ContactWA: r.ContactWA}
}

// courseColumns and batchColumns are the columns of a course c and a batch b, in the order of
// their rows' fields(), for the statements scanned by hand.
const (
	courseColumns = `c.id, c.code, c.title, c.category, c.method, c.jp, c.description, c.audience, c.published, c.survey_key,
		c.min_attendance`
	batchColumns = `b.id, b.course_id, b.name, b.starts_at, b.ends_at, b.time_zone, b.location, b.online_url, b.quota,
		b.reg_opens_at, b.reg_closes_at, b.status, b.revision, b.trainers, b.notes, b.contact_name, b.contact_wa`
)

func (r *courseRow) fields() []any {
	return []any{&r.ID, &r.Code, &r.Title, &r.Category, &r.Method, &r.JP, &r.Description, &r.Audience, &r.Published, &r.SurveyKey,
		&r.MinAttendance}
}

func (r *batchRow) fields() []any {
	return []any{&r.ID, &r.CourseID, &r.Name, &r.StartsAt, &r.EndsAt, &r.TimeZone, &r.Location, &r.OnlineURL, &r.Quota,
		&r.RegOpensAt, &r.RegClosesAt, &r.Status, &r.Revision, &r.Trainers,
		&r.Notes, &r.ContactName, &r.ContactWA}
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

// searchTerms are the filter's terms: its Terms (a typed word with its synonyms), or else each
// word of its Query alone.
func searchTerms(f flows.CourseFilter) [][]string {
	if len(f.Terms) > 0 {
		return f.Terms
	}
	var terms [][]string
	for _, w := range strings.Fields(f.Query) {
		terms = append(terms, []string{w})
	}
	return terms
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
	for _, term := range searchTerms(f) {
		var ors []string
		var args []any
		for _, w := range term {
			p := likePattern(w)
			ors = append(ors, "courses.title ILIKE ? OR courses.code ILIKE ? OR courses.category ILIKE ? OR courses.method ILIKE ?")
			args = append(args, p, p, p, p)
		}
		q = q.Where("("+strings.Join(ors, " OR ")+")", args...)
	}
	return q
}

// Courses implements flows.Courses: a page of the catalogue, soonest batch first, in one
// statement (a page turn is the bot's most common work): the page's courses, each with its
// next open batch and that batch's counts, and the number of matching courses.
func (db *DB) Courses(ctx context.Context, f flows.CourseFilter) ([]flows.CourseSummary, int, error) {
	if list, total, ok := db.pages.get(f); ok {
		return list, total, nil
	}
	list, total, err := db.coursePage(ctx, f)
	if err == nil {
		db.pages.put(f, list, total)
	}
	return list, total, err
}

func (db *DB) coursePage(ctx context.Context, f flows.CourseFilter) ([]flows.CourseSummary, int, error) {
	where, args := catalogueWhere(f, 5)
	q := `WITH page AS (
			SELECT c.id AS course_id, nb.id AS batch_id, nb.starts_at, c.title, count(*) OVER () AS total
			FROM courses c CROSS JOIN LATERAL (
				SELECT b.id, b.starts_at FROM batches b WHERE b.course_id = c.id AND b.status = 'open' AND b.starts_at > $1
				ORDER BY b.starts_at, b.id LIMIT 1) nb
			WHERE ` + where + `
			ORDER BY nb.starts_at, c.title, c.id OFFSET $2 LIMIT $3)
		SELECT page.total, ` + courseColumns + `, ` + batchColumns + `,
			(SELECT count(*) FROM enrolments e WHERE e.batch_id = b.id AND e.status = ANY($4)),
			(SELECT count(*) FROM enrolments e WHERE e.batch_id = b.id AND e.status = 'daftar_tunggu')
		FROM page JOIN courses c ON c.id = page.course_id JOIN batches b ON b.id = page.batch_id
		ORDER BY page.starts_at, page.title, c.id`
	all := append([]any{f.Now, f.Offset, f.Limit, seatStatuses}, args...)
	rows, err := db.sql.QueryContext(ctx, q, all...)
	if err != nil {
		return nil, 0, mapErr(err, "catalogue page")
	}
	defer rows.Close()
	var out []flows.CourseSummary
	total := 0
	for rows.Next() {
		var c courseRow
		var b batchRow
		dest := append(append([]any{&total}, c.fields()...), b.fields()...)
		if err := rows.Scan(append(dest, &b.Registered, &b.Waiting)...); err != nil {
			return nil, 0, mapErr(err, "catalogue row")
		}
		out = append(out, flows.CourseSummary{Course: c.domain(), NextBatch: b.domain()})
	}
	if err := rows.Err(); err != nil {
		return nil, 0, mapErr(err, "catalogue rows")
	}
	if len(out) == 0 && f.Offset > 0 { // past the last page: the count alone
		where, args := catalogueWhere(f, 2)
		err := db.sql.QueryRowContext(ctx, `SELECT count(*) FROM courses c WHERE EXISTS (SELECT 1 FROM batches b
			WHERE b.course_id = c.id AND b.status = 'open' AND b.starts_at > $1) AND `+where, append([]any{f.Now}, args...)...).Scan(&total)
		if err != nil {
			return nil, 0, mapErr(err, "count courses")
		}
	}
	return out, total, nil
}

// catalogueWhere is the condition on courses c for a filter: published, and matching the
// category, the method and every word searched. Its arguments are numbered from $first.
func catalogueWhere(f flows.CourseFilter, first int) (string, []any) {
	conds := []string{"c.published"}
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(first-1+len(args))
	}
	if f.Category != "" {
		conds = append(conds, "c.category = "+arg(f.Category))
	}
	if f.Method != "" {
		conds = append(conds, "c.method = "+arg(f.Method))
	}
	for _, term := range searchTerms(f) {
		var ors []string
		for _, w := range term {
			p := arg(likePattern(w))
			ors = append(ors, "c.title ILIKE "+p+" OR c.code ILIKE "+p+" OR c.category ILIKE "+p+" OR c.method ILIKE "+p)
		}
		conds = append(conds, "("+strings.Join(ors, " OR ")+")")
	}
	return strings.Join(conds, " AND "), args
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

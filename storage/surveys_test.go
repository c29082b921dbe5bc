package storage_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/bpsdm/asnbot/flows"
	"github.com/bpsdm/asnbot/flows/catalogfile"
	"github.com/bpsdm/asnbot/flows/survey"
	"github.com/bpsdm/asnbot/locales"
	"github.com/bpsdm/asnbot/storage"
	"github.com/bpsdm/asnbot/storage/storagetest"
)

// surveyFixture: the shipped template, a batch with two trainers and two participants with a
// seat each.
func surveyFixture(t *testing.T) (db *storage.DB, b flows.Batch, enrolments []flows.Enrolment) {
	t.Helper()
	db = storagetest.DB(t)
	ctx := context.Background()
	tpl, problems := survey.Read(locales.DefaultSurvey())
	if problems != nil {
		t.Fatal(problems)
	}
	if v, err := db.SeedTemplate(ctx, tpl); err != nil || v.Version != 1 || !v.Added {
		t.Fatalf("seed %+v %v", v, err)
	}
	c := sampleCourse(5)
	c.Batches[0].Trainers = []string{"Dr. Ani", "Budi, M.Si."}
	if _, err := db.Import(ctx, []catalogfile.Course{c}, now, testActor); err != nil {
		t.Fatal(err)
	}
	_, batches, _ := db.Course(ctx, "TEK-01")
	b = batches[0]
	for i, nip := range []string{"198609262015051001", "198609262015051002"} {
		p := participant(int64(i+1), nip)
		if err := db.SaveParticipant(ctx, &p); err != nil {
			t.Fatal(err)
		}
		e, err := db.Enrol(ctx, p.ID, b.ID, now)
		if err != nil {
			t.Fatal(err)
		}
		enrolments = append(enrolments, e)
	}
	return db, b, enrolments
}

func TestSurveyAnsweredOnceAndAnonymously(t *testing.T) {
	t.Parallel()
	db, b, es := surveyFixture(t)
	ctx := context.Background()
	end := b.EndsAt.Add(time.Hour)
	s, err := db.OpenSurvey(ctx, b.ID, end)
	if err != nil || s.Version != 1 || len(s.Trainers) != 2 || len(s.Items()) != 26 || !s.ClosesAt.Equal(end.AddDate(0, 0, 14)) {
		t.Fatalf("opened %+v %v", s, err)
	}
	// Opening again changes nothing, even after the trainers change in the catalogue.
	if again, _ := db.OpenSurvey(ctx, b.ID, end.Add(time.Hour)); again.ID != s.ID || !again.OpenedAt.Equal(s.OpenedAt) {
		t.Errorf("opened twice: %+v", again)
	}
	pending, err := db.PendingSurveys(ctx, es[0].ParticipantID, end)
	if err != nil || len(pending) != 1 || pending[0].Survey.ID != s.ID || pending[0].Answered != 0 {
		t.Fatalf("pending %+v %v", pending, err)
	}
	// Answers are saved one by one, and the last one given counts.
	if err := db.SaveAnswer(ctx, es[0].ID, s.ID, "penyelenggaraan.relevansi", survey.Answer{N: 2}, 1); err != nil {
		t.Fatal(err)
	}
	_ = db.SaveAnswer(ctx, es[0].ID, s.ID, "penyelenggaraan.relevansi", survey.Answer{N: 4}, 1)
	_ = db.SaveAnswer(ctx, es[0].ID, s.ID, "penutup.saran", survey.Answer{Text: "Ruang kelas panas"}, 2)
	p, err := db.Progress(ctx, es[0].ID)
	if err != nil || p.Position != 2 || p.Answers["penyelenggaraan.relevansi"].N != 4 || len(p.Answers) != 2 {
		t.Fatalf("progress %+v %v", p, err)
	}
	if err := db.Submit(ctx, es[0].ID, end.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := db.Submit(ctx, es[0].ID, end.Add(3*time.Hour)); !errors.Is(err, flows.ErrSubmitted) {
		t.Errorf("a second submission: %v", err)
	}
	if done, _ := db.Submitted(ctx, s.ID, es[0].ID); !done {
		t.Error("not recorded as submitted")
	}
	if pending, _ := db.PendingSurveys(ctx, es[0].ParticipantID, end); len(pending) != 0 {
		t.Errorf("still pending after submission: %+v", pending)
	}
	// The template is anonymous: the answers are stored with no link to the enrolment.
	var linked int64
	db.Gorm().Raw("SELECT count(*) FROM survey_responses WHERE enrolment_id IS NOT NULL").Scan(&linked)
	var left int64
	db.Gorm().Raw("SELECT count(*) FROM survey_progress").Scan(&left)
	if linked != 0 || left != 0 {
		t.Errorf("%d responses linked to an enrolment, %d progress rows left", linked, left)
	}
	parts, err := db.Results(ctx, b.CourseID, 0)
	if err != nil || len(parts) != 1 || parts[0].Invited != 2 || len(parts[0].Responses) != 1 ||
		parts[0].Responses[0]["penutup.saran"].Text != "Ruang kelas panas" {
		t.Fatalf("results %+v %v", parts, err)
	}
	raw, err := db.RawResponses(ctx, b.CourseID, b.ID)
	if err != nil || len(raw) != 1 || raw[0].Participant != nil {
		t.Errorf("raw %+v %v", raw, err)
	}
	if ikm, _ := db.IKMParts(ctx, end.Add(-time.Hour), end.Add(time.Hour)); len(ikm) != 1 {
		t.Errorf("IKM parts in the period: %d", len(ikm))
	}
}

func TestTemplateVersions(t *testing.T) {
	t.Parallel()
	db := storagetest.DB(t)
	ctx := context.Background()
	tpl := survey.Template{Key: survey.DefaultKey, Title: "Bawaan", Sections: []survey.Section{{ID: "a",
		Questions: []survey.Question{{ID: "q", Kind: survey.Recommend, Text: "?", Required: true}}}}}
	step := func(name string, v flows.TemplateVersion, err error, version int, added bool) {
		t.Helper()
		if err != nil || v.Version != version || v.Added != added {
			t.Errorf("%s: %+v %v, want version %d added %v", name, v, err, version, added)
		}
	}
	v, err := db.SeedTemplate(ctx, tpl)
	step("first start", v, err, 1, true)
	v, err = db.SeedTemplate(ctx, tpl)
	step("restart", v, err, 1, false)
	tpl.Title = "Bawaan baru"
	v, err = db.SeedTemplate(ctx, tpl)
	step("a new binary", v, err, 2, true)
	mine := tpl
	mine.Title = "Milik instansi"
	v, err = db.SaveTemplate(ctx, mine, testActor)
	step("the agency's own", v, err, 3, true)
	v, err = db.SaveTemplate(ctx, mine, testActor)
	step("the agency's again", v, err, 3, false)
	tpl.Title = "Bawaan lebih baru"
	v, err = db.SeedTemplate(ctx, tpl)
	step("the shipped one does not replace the agency's", v, err, 3, false)
	if got, _ := db.TemplatesExist(ctx, []string{survey.DefaultKey, "lain"}); !got[survey.DefaultKey] || got["lain"] {
		t.Errorf("exist %v", got)
	}
}

package flows

import (
	"context"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// handlerName names a handler as the routing table does: "roster"; "withDraft" for a step
// that needs the change being prepared.
func handlerName(h handler) string {
	name := runtime.FuncForPC(reflect.ValueOf(h).Pointer()).Name()
	for _, wrapper := range []string{"withDraft", "withAnnounce"} {
		if strings.Contains(name, wrapper) {
			return wrapper
		}
	}
	name = name[strings.LastIndex(name, "/")+1:]
	name = strings.TrimPrefix(name, "flows.")
	name = strings.TrimPrefix(name, "(*conv).")
	return strings.TrimSuffix(name, "-fm")
}

// TestRouting: who gets what, for the inputs where access and state decide.
func TestRouting(t *testing.T) {
	t.Parallel()
	const adminID, userID, operatorID = 1, 2, 3
	e := New(Config{Admins: []int64{adminID}, Store: roles{m: map[int64]Role{operatorID: RoleOperator}}})
	cmd := func(name string) Input { return Input{Kind: KindCommand, Command: name} }
	press := func(data string) Input { return Input{Kind: KindCallback, Data: data} }
	text := Input{Kind: KindText, Text: "kepemimpinan"}
	doc := Input{Kind: KindDocument, Document: &Document{Name: "Katalog.xlsx"}}
	onboarding := State{Flow: flowOnboarding, Step: string(fNIP)}
	scheduling := State{Flow: flowSchedule, Step: stepScheduleDates, Schedule: &ScheduleDraft{BatchID: 5}}
	announcing := State{Flow: flowAnnounce, Step: stepAnnBody, Announce: &AnnounceDraft{Key: "k"}}
	complete := Participant{ID: 9, Name: "Siti Aminah", NIP: "198609262015051001", Kind: "pns", Agency: "Pemprov Jateng",
		Unit: "BPSDM", Position: "Analis", Rank: "III/a", Phone: "+6281234567890"}
	tests := []struct {
		name       string
		in         Input
		registered bool
		who        int64 // 0: a participant or newcomer
		st         State
		want       string
	}{
		{"a newcomer browses", cmd("katalog"), false, 0, State{}, "openCatalogue"},
		{"a newcomer opens a course", press("k:c:AK-01"), false, 0, State{}, "coursePage"},
		{"a newcomer's menu", cmd("menu"), false, 0, State{}, "askToRegister"},
		{"a newcomer types", text, false, 0, State{}, "askToRegister"},
		{"a newcomer presses the menu", press("m:home"), false, 0, State{}, "askToRegister"},
		{"a participant types: a search", text, true, 0, State{}, "search"},
		{"a participant's page turn", press("k:l:1::daring"), true, 0, State{}, "turnPage"},
		{"an unknown command", cmd("xyz"), true, 0, State{}, "unknownCommand"},
		{"an admin command from a participant", cmd("peserta"), true, 0, State{}, "notAllowed"},
		{"an admin command from a newcomer", cmd("ubahjadwal"), false, 0, State{}, "notAllowed"},
		{"/siaran from a participant", cmd("siaran"), true, 0, State{}, "notAllowed"},
		{"/admin from a participant", cmd("admin"), true, 0, State{}, "notAllowed"},
		{"/audit from a participant", cmd("audit"), true, 0, State{}, "notAllowed"},
		{"/admin from an admin", cmd("admin"), false, adminID, State{}, "adminCommand"},
		{"/siaran from an operator", cmd("siaran"), true, operatorID, State{}, "announceCommand"},
		{"/peserta from an operator", cmd("peserta"), true, operatorID, State{}, "roster"},
		{"/ubahjadwal from an operator", cmd("ubahjadwal"), true, operatorID, State{}, "notAllowed"},
		{"/audit from an operator", cmd("audit"), true, operatorID, State{}, "notAllowed"},
		{"a catalogue file from an operator", doc, true, operatorID, State{}, "notAllowed"},
		{"the staff page from an operator", press("adm:staf"), true, operatorID, State{}, "notAllowed"},
		{"a forged staff removal", press("st:y:1"), true, 0, State{}, "notAllowed"},
		{"a forged stop of an announcement", press("sr:h:1"), true, 0, State{}, "notAllowed"},
		{"a forged admin menu button", press("adm:home"), false, 0, State{}, "notAllowed"},
		{"an operator stops an announcement", press("sr:h:1"), true, operatorID, State{}, "stopAnnouncement"},
		{"the message typed to /siaran", text, true, operatorID, announcing, "withAnnounce"},
		{"the menu pressed mid-announcement", press("m:home"), true, operatorID, announcing, "leave"},
		{"a scheduled one cancelled mid-announcement", press("sr:c:7"), true, operatorID, announcing, "askCancelScheduled"},
		{"its cancellation confirmed mid-announcement", press("sr:cy:7"), true, operatorID, announcing, "cancelScheduled"},
		{"an announcement by someone no longer staff", text, true, 0, announcing, "leave"},
		{"a forwarded message naming a new admin", text, true, adminID, State{Flow: flowStaff, Step: stepStaffWho}, "staffWho"},
		{"an admin without a profile", cmd("peserta"), false, adminID, State{}, "roster"},
		{"a forged admin button", press("j:b:5"), true, 0, State{}, "notAllowed"},
		{"a forged results button", press("h:b:AK-01:0"), true, 0, State{}, "notAllowed"},
		{"an admin's results button", press("h:b:AK-01:0"), false, adminID, State{}, "resultsOf"},
		{"/hasil from a participant", cmd("hasil"), true, 0, State{}, "notAllowed"},
		{"a survey answer from a newcomer", press("v:a:1:0:4"), false, 0, State{}, "askToRegister"},
		{"a survey answer", press("v:a:1:0:4"), true, 0, State{}, "answerButton"},
		{"text typed mid-survey", text, true, 0, State{Flow: flowSurvey, Step: stepAnswer, Answering: 1}, "surveyText"},
		{"the menu pressed mid-survey", press("m:home"), true, 0, State{Flow: flowSurvey, Step: stepAnswer, Answering: 1}, "leave"},
		{"a survey button mid-survey", press("v:b:1:3"), true, 0, State{Flow: flowSurvey, Step: stepAnswer, Answering: 1}, "backButton"},
		{"an admin's batch button", press("j:b:5"), true, adminID, State{}, "schedulePick"},
		{"an admin's old change button", press("j:q:5"), true, adminID, State{}, "expired"},
		{"a file from an admin", doc, true, adminID, State{}, "importDocument"},
		{"a file from a participant", doc, true, 0, State{}, "notAllowed"},
		{"an unknown button", press("zz:1"), true, 0, State{}, "expired"},
		{"/batal mid-flow", cmd("batal"), false, 0, onboarding, "cancel"},
		{"/start mid-flow", cmd("start"), false, 0, onboarding, "start"},
		{"another command mid-registration", cmd("katalog"), false, 0, onboarding, "finishFirst"},
		{"an answer mid-registration", text, false, 0, onboarding, "fieldAnswer"},
		{"a step from a newer version", text, false, 0, State{Flow: flowOnboarding, Step: "x"}, "restartOnboarding"},
		{"a profile edit after the profile is gone", text, false, 0, State{Flow: flowProfile, Step: "name"}, "leave"},
		{"dates typed to /ubahjadwal", text, true, adminID, scheduling, "withDraft"},
		{"the menu pressed mid-change", press("m:home"), true, adminID, scheduling, "leave"},
		{"another command mid-change", cmd("peserta"), true, adminID, scheduling, "leave"},
		{"a change by someone no longer admin", text, true, 0, scheduling, "leave"},
		{"a confirmation answered in words", text, true, 0, State{Flow: flowDelete, Step: stepConfirm}, "deleteStep"},
		{"a claim filed mid-registration", press("nc:f"), false, 0, onboarding, "fileClaim"},
		{"a claim filed mid-profile-edit", press("nc:f"), true, 0, State{Flow: flowProfile, Step: "nip"}, "fileClaim"},
		{"an old claim button", press("nc:f"), false, 0, State{}, "expired"},
		{"a forged claim decision", press("nc:g:1:2"), true, 0, State{}, "notAllowed"},
		{"a claim decision from an operator", press("nc:k:1:2"), true, operatorID, State{}, "notAllowed"},
		{"the claims page from an operator", press("adm:klaim"), true, operatorID, State{}, "notAllowed"},
		{"an admin's claims page", press("adm:klaim"), false, adminID, State{}, "claimsPage"},
		{"an admin opens a claim", press("nc:v:1"), false, adminID, State{}, "claimPage"},
		{"an admin gives a NIP to its claimant", press("nc:g:1:2"), false, adminID, State{}, "decideClaim"},
		{"an admin's old claim button", press("nc:x:1"), false, adminID, State{}, "expired"},
		{"/hapusdata from a newcomer (who may have filed a claim)", cmd("hapusdata"), false, 0, State{}, "askDelete"},
	}
	for _, tt := range tests {
		in := tt.in
		in.UserID = userID
		if tt.who != 0 {
			in.UserID = tt.who
		}
		c := &conv{ctx: context.Background(), e: e, in: in, st: tt.st}
		if in.Kind == KindCallback {
			c.data = parseData(in.Data)
		}
		if tt.registered {
			c.p = &complete
		}
		if got := handlerName(c.pick()); got != tt.want {
			t.Errorf("%s: routed to %s, want %s", tt.name, got, tt.want)
		}
	}
}

// TestRoutingIncompleteProfile: a participant whose profile lacks something (a NIP moved to
// the account that claimed it) is asked for it before anything a member does, but may still
// leave, get help, delete their data, and use staff routes.
func TestRoutingIncompleteProfile(t *testing.T) {
	t.Parallel()
	const adminID, userID = 1, 2
	e := New(Config{Admins: []int64{adminID}, Store: roles{}})
	lost := Participant{ID: 9, Name: "Siti Aminah", Kind: "pns", Agency: "Pemprov Jateng", Unit: "BPSDM",
		Position: "Analis", Rank: "III/a", Phone: "+6281234567890"}
	tests := []struct {
		name string
		in   Input
		who  int64
		want string
	}{
		{"the menu", Input{Kind: KindCommand, Command: "menu"}, userID, "completeProfile"},
		{"a search", Input{Kind: KindText, Text: "kepemimpinan"}, userID, "completeProfile"},
		{"a menu button", Input{Kind: KindCallback, Data: "m:saya"}, userID, "completeProfile"},
		{"/batal", Input{Kind: KindCommand, Command: "batal"}, userID, "cancel"},
		{"/start", Input{Kind: KindCommand, Command: "start"}, userID, "start"},
		{"/bantuan", Input{Kind: KindCommand, Command: "bantuan"}, userID, "helpCommand"},
		{"/hapusdata", Input{Kind: KindCommand, Command: "hapusdata"}, userID, "askDelete"},
		{"the profile's delete button", Input{Kind: KindCallback, Data: "p:del"}, userID, "askDelete"},
		{"the catalogue", Input{Kind: KindCommand, Command: "katalog"}, userID, "openCatalogue"},
		{"an admin's command", Input{Kind: KindCommand, Command: "admin"}, adminID, "adminCommand"},
	}
	for _, tt := range tests {
		in := tt.in
		in.UserID = tt.who
		c := &conv{ctx: context.Background(), e: e, in: in, p: &lost}
		if in.Kind == KindCallback {
			c.data = parseData(in.Data)
		}
		if got := handlerName(c.pick()); got != tt.want {
			t.Errorf("%s: routed to %s, want %s", tt.name, got, tt.want)
		}
	}
}

// TestRoutingTable: every line of the table can run, and none is hidden behind an earlier one.
func TestRoutingTable(t *testing.T) {
	t.Parallel()
	tab := routes()
	for name, f := range tab.flows {
		if f.lost == nil || len(f.steps) == 0 {
			t.Errorf("flow %s: no steps or no handler for an unknown step", name)
		}
	}
	seen := map[string]bool{}
	for _, r := range append(append([]route{}, tab.exits...), tab.idle...) {
		if r.do == nil {
			t.Errorf("route %d:%s has no handler", r.kind, r.name)
		}
		key := string(rune('0'+r.kind)) + r.name + string(rune('0'+r.who))
		if seen[key] {
			t.Errorf("route %d:%s is listed twice", r.kind, r.name)
		}
		seen[key] = true
	}
}

// roles is the staff a routing test knows: routing asks the store for nothing but a role.
type roles struct {
	Store
	m map[int64]Role
}

func (r roles) Role(_ context.Context, id int64) (Role, error) { return r.m[id], nil }
